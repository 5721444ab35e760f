/**
 * What adding to the audience did: rows read, recipients added, and each
 * row that was not simply added — an invalid number, one listed twice, one
 * already in the campaign, or an opted-out or spam contact (added, but
 * skipped when sending).
 */
import type { T } from "../i18n/translate.ts";
import type { AudienceReport } from "../services/campaign_audience.ts";
import { MAX_RECIPIENTS } from "../services/campaign_audience.ts";

export function AudienceReportView(
  { t, report }: { t: T; report: AudienceReport },
) {
  const problems = Object.values(report.counts).reduce((a, b) => a + b, 0);
  return (
    <section class="report" id="audience-report" aria-labelledby="report-h">
      <h3 id="report-h">{t("campaign.report_title")}</h3>
      <p role="status">
        {t("campaign.report_summary", {
          read: report.read,
          added: report.added,
        })} {problems > 0 && t("campaign.report_counts", { ...report.counts })}
      </p>
      {report.truncated && (
        <p class="alert">
          {t("campaign.report_truncated", { max: MAX_RECIPIENTS })}
        </p>
      )}
      {report.rows.length > 0 && (
        <table class="data-table report-table">
          <thead>
            <tr>
              {report.source === "list" && (
                <th scope="col" class="num">{t("campaign.report_line")}</th>
              )}
              <th scope="col">{t("campaign.report_value")}</th>
              <th scope="col">{t("campaign.report_problem")}</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((r) => (
              <tr data-problem={r.problem}>
                {report.source === "list" && <td class="num">{r.line}</td>}
                <td>
                  {r.raw}
                  {r.name && <small class="sub">{r.name}</small>}
                </td>
                <td>{t(`campaign.problem.${r.problem}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {problems > report.rows.length && (
        <p class="hint">
          {t("campaign.report_more", { n: report.rows.length })}
        </p>
      )}
    </section>
  );
}
