/**
 * Survey results (F25): the ratings' spread and each agent's average as
 * server-drawn SVG charts, then the tables behind them and the latest
 * answers per conversation.
 */
import type { T } from "../i18n/translate.ts";
import type { SurveyReport } from "../services/surveys.ts";
import type { User } from "../services/users.ts";
import { AppPage } from "./app_page.tsx";
import type { AssetUrls } from "./layout.tsx";
import { RatingChart } from "./rating_chart.tsx";

export interface SurveyReportPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  report: SurveyReport;
}

const avg = (n: number | null) => n === null ? "–" : n.toFixed(1);

export function SurveyReportPage(
  { t, assets, csrfToken, user, report: r }: SurveyReportPageProps,
) {
  const maxCount = Math.max(0, ...r.distribution);
  return (
    <AppPage
      t={t}
      assets={assets}
      csrfToken={csrfToken}
      user={user}
      title={t("survey.report_title")}
      current="surveys"
    >
      <form method="get" action="/reports/surveys" class="report-filter">
        <label for="report-inbox">{t("survey.report_inbox")}</label>{" "}
        <select id="report-inbox" name="inbox">
          <option value="">{t("survey.report_all")}</option>
          {r.inboxes.map((i) => (
            <option value={String(i.id)} selected={i.id === r.inboxId}>
              {i.name}
            </option>
          ))}
        </select>{" "}
        <button type="submit" class="quiet">{t("survey.report_show")}</button>
      </form>
      <p class="report-summary">
        {t("survey.report_summary", {
          sent: r.sent,
          answered: r.answered,
          average: avg(r.average),
        })}
      </p>
      {r.answered === 0
        ? <p class="empty">{t("survey.report_empty")}</p>
        : (
          <div class="charts">
            <figure>
              <RatingChart
                title={t("survey.chart_ratings")}
                max={maxCount}
                bars={[5, 4, 3, 2, 1].map((n) => ({
                  label: `${"★".repeat(n)}`,
                  value: r.distribution[n - 1],
                  text: String(r.distribution[n - 1]),
                }))}
              />
              <figcaption>{t("survey.chart_ratings")}</figcaption>
            </figure>
            <figure>
              <RatingChart
                title={t("survey.chart_agents")}
                max={5}
                bars={r.agents.filter((a) => a.answered > 0).map((a) => ({
                  label: a.name || t("app.name"),
                  value: a.average ?? 0,
                  text: `${avg(a.average)} (${a.answered})`,
                }))}
              />
              <figcaption>{t("survey.chart_agents")}</figcaption>
            </figure>
          </div>
        )}
      <h2>{t("survey.by_agent")}</h2>
      <table class="report">
        <thead>
          <tr>
            <th scope="col">{t("survey.col_agent")}</th>
            <th scope="col">{t("survey.col_sent")}</th>
            <th scope="col">{t("survey.col_answered")}</th>
            <th scope="col">{t("survey.col_average")}</th>
          </tr>
        </thead>
        <tbody>
          {r.agents.map((a) => (
            <tr>
              <td>{a.name || t("app.name")}</td>
              <td>{String(a.sent)}</td>
              <td>{String(a.answered)}</td>
              <td>{avg(a.average)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("survey.by_conversation")}</h2>
      <table class="report">
        <thead>
          <tr>
            <th scope="col">{t("survey.col_contact")}</th>
            <th scope="col">{t("survey.col_agent")}</th>
            <th scope="col">{t("survey.col_rating")}</th>
            <th scope="col">{t("survey.col_comment")}</th>
            <th scope="col">{t("survey.col_when")}</th>
          </tr>
        </thead>
        <tbody>
          {r.recent.map((s) => (
            <tr>
              <td>
                <a href={`/conversations/${s.conversationId}`}>
                  {s.contactName || s.contactE164}
                </a>
              </td>
              <td>{s.agentName}</td>
              <td aria-label={t("survey.rating_of", { rating: s.rating })}>
                {"★".repeat(s.rating)}
              </td>
              <td>{s.comment}</td>
              <td>
                <time datetime={new Date(s.answeredAt).toISOString()}>
                  {t.dateTime(s.answeredAt)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </AppPage>
  );
}
