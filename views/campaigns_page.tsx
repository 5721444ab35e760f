/**
 * The campaigns of the user's inboxes (F4), and the form that starts a new
 * one from a registered number. Plain HTML: the form posts and redirects to
 * the new draft.
 */
import type { T } from "../i18n/translate.ts";
import type {
  CampaignListItem,
  CampaignNumber,
} from "../services/campaigns.ts";
import type { User } from "../services/users.ts";
import { AppPage } from "./app_page.tsx";
import type { AssetUrls } from "./layout.tsx";

export interface CampaignsPageProps {
  t: T;
  assets: AssetUrls;
  csrfToken: string;
  user: User;
  campaigns: CampaignListItem[];
  numbers: CampaignNumber[];
  error?: string;
  name?: string;
}

export function CampaignsPage(props: CampaignsPageProps) {
  const { t, numbers, campaigns } = props;
  const inboxes = [...new Map(numbers.map((n) => [n.inboxId, n.inboxName]))];
  return (
    <AppPage
      t={t}
      assets={props.assets}
      csrfToken={props.csrfToken}
      user={props.user}
      title={t("campaign.title")}
      current="campaigns"
    >
      <p class="hint">{t("campaign.intro")}</p>
      <p id="campaign-msg" class="action-msg" role="alert">
        {props.error ?? ""}
      </p>
      <section class="card" aria-labelledby="campaign-new">
        <h2 id="campaign-new">{t("campaign.new")}</h2>
        {numbers.length === 0
          ? <p class="empty">{t("campaign.no_numbers")}</p>
          : (
            <form
              class="action stack"
              method="post"
              action="/campaigns"
              hx-post="/campaigns"
              hx-target="#campaign-msg"
              hx-swap="innerHTML"
              hx-disable="find button"
            >
              <input type="hidden" name="_csrf" value={props.csrfToken} />
              <label for="campaign-name">{t("campaign.name")}</label>
              <input
                id="campaign-name"
                name="name"
                required
                maxlength={100}
                value={props.name ?? ""}
                placeholder={t("campaign.name_placeholder")}
                autocomplete="off"
              />
              <label for="campaign-number">{t("campaign.number")}</label>
              <select id="campaign-number" name="number_id" required>
                {inboxes.map(([inboxId, name]) => (
                  <optgroup label={name}>
                    {numbers.filter((n) => n.inboxId === inboxId).map((n) => (
                      <option value={String(n.id)}>
                        {n.label ? `${n.label} · ${n.e164}` : n.e164}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
              <button type="submit">{t("campaign.create")}</button>
            </form>
          )}
      </section>
      <section class="card" aria-labelledby="campaign-list">
        <h2 id="campaign-list">{t("campaign.title")}</h2>
        {campaigns.length === 0
          ? <p class="empty">{t("campaign.none")}</p>
          : (
            <table class="data-table campaign-table">
              <thead>
                <tr>
                  <th scope="col">{t("campaign.col_name")}</th>
                  <th scope="col">{t("campaign.col_status")}</th>
                  <th scope="col" class="num">
                    {t("campaign.col_recipients")}
                  </th>
                  <th scope="col">{t("campaign.col_created")}</th>
                </tr>
              </thead>
              <tbody>
                {campaigns.map((c) => (
                  <tr>
                    <td>
                      <a href={`/campaigns/${c.id}`}>{c.name}</a>
                      <small class="sub">
                        {c.inboxName} · {c.numberE164}
                      </small>
                    </td>
                    <td>
                      <span class={`badge campaign-${c.status}`}>
                        {t(`campaign.status.${c.status}`)}
                      </span>
                    </td>
                    <td class="num">{c.recipients}</td>
                    <td>{t.dateTime(c.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
      </section>
    </AppPage>
  );
}
