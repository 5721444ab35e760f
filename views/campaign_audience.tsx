/**
 * A draft campaign's audience: how many recipients (and how many of them
 * will be skipped), the four ways to add more, the report of the last
 * addition, and the recipients themselves. Each form posts on its own and
 * works without JavaScript; with htmx the section is replaced in place.
 */
import type { T } from "../i18n/translate.ts";
import type { AudienceReport } from "../services/campaign_audience.ts";
import type { CampaignCounts } from "../services/campaign_progress.ts";
import type { Tag } from "../services/tags.ts";
import { AudienceReportView } from "./campaign_audience_report.tsx";
import {
  RecipientTable,
  type RecipientTableProps,
} from "./campaign_recipients.tsx";
import { REFUSAL_TO_MESSAGE } from "./campaign_refusal.ts";

export interface AudienceSectionProps {
  t: T;
  campaignId: number;
  csrfToken: string;
  counts: CampaignCounts;
  tags: Tag[];
  report?: AudienceReport;
  recipients: Omit<RecipientTableProps, "t" | "campaignId" | "csrfToken">;
}

export function AudienceSection(props: AudienceSectionProps) {
  const { t, campaignId, csrfToken, counts, tags } = props;
  const action = `/campaigns/${campaignId}/audience`;
  const form = (
    id: string,
    source: string,
    children: unknown,
    multipart = false,
  ) => (
    <form
      id={id}
      class="action stack"
      method="post"
      action={action}
      enctype={multipart ? "multipart/form-data" : undefined}
      hx-post={action}
      hx-encoding={multipart ? "multipart/form-data" : undefined}
      hx-target="#audience"
      hx-swap="outerHTML"
      hx-disable="find button"
      {...REFUSAL_TO_MESSAGE}
    >
      <input type="hidden" name="_csrf" value={csrfToken} />
      <input type="hidden" name="source" value={source} />
      {children}
    </form>
  );
  return (
    <section id="audience" class="card" aria-labelledby="audience-h">
      <h2 id="audience-h">{t("campaign.audience")}</h2>
      <p id="audience-summary">
        {counts.total === 0
          ? t("campaign.audience_empty")
          : t("campaign.audience_summary", {
            count: counts.total,
            skipped: counts.skipped,
          })}
      </p>
      <div class="audience-ways">
        <details open={props.report?.source === "tag"}>
          <summary>{t("campaign.by_tag")}</summary>
          {tags.length === 0
            ? <p class="hint">{t("campaign.no_tags")}</p>
            : form(
              "audience-tag",
              "tag",
              <>
                <label for="audience-tag-id">{t("campaign.tag")}</label>
                <select id="audience-tag-id" name="tag_id" required>
                  {tags.map((tag) => (
                    <option value={String(tag.id)}>{tag.name}</option>
                  ))}
                </select>
                <button type="submit">{t("campaign.add")}</button>
              </>,
            )}
        </details>
        <details open={props.report?.source === "favourites"}>
          <summary>{t("campaign.by_favourites")}</summary>
          {form(
            "audience-favourites",
            "favourites",
            <button type="submit">{t("campaign.add_favourites")}</button>,
          )}
        </details>
        <details open={counts.total === 0 || props.report?.source === "list"}>
          <summary>{t("campaign.by_list")}</summary>
          {form(
            "audience-list",
            "list",
            <>
              <p class="hint" id="audience-list-help">
                {t("campaign.list_help")}
              </p>
              <label for="audience-text">{t("campaign.list_text")}</label>
              <textarea
                id="audience-text"
                name="text"
                rows={5}
                aria-describedby="audience-list-help"
                spellcheck={false}
              >
              </textarea>
              <label for="audience-file">{t("campaign.list_file")}</label>
              <input
                id="audience-file"
                name="file"
                type="file"
                accept=".csv,.txt,text/csv,text/plain"
              />
              <button type="submit">{t("campaign.check_list")}</button>
            </>,
            true,
          )}
        </details>
        <details>
          <summary>{t("campaign.by_hand")}</summary>
          {form(
            "audience-hand",
            "hand",
            <>
              <label for="audience-number">{t("campaign.hand_number")}</label>
              <input
                id="audience-number"
                name="number"
                type="tel"
                required
                maxlength={40}
                autocomplete="off"
              />
              <label for="audience-name">{t("campaign.hand_name")}</label>
              <input
                id="audience-name"
                name="name"
                maxlength={120}
                autocomplete="off"
              />
              <button type="submit">{t("campaign.add")}</button>
            </>,
          )}
        </details>
      </div>
      {props.report && <AudienceReportView t={t} report={props.report} />}
      {counts.total > 0 && (
        // a long list would push the message out of sight: folded
        <details
          class="recipients-fold"
          open={counts.total <= 10 || props.recipients.page > 1 ||
            props.recipients.status !== undefined}
        >
          <summary>
            {t("campaign.show_recipients", { count: counts.total })}
          </summary>
          <RecipientTable
            t={t}
            campaignId={campaignId}
            csrfToken={csrfToken}
            {...props.recipients}
          />
        </details>
      )}
    </section>
  );
}
