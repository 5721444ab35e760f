/**
 * A page of a campaign's recipients with their status: waiting, queued,
 * sent, delivered, failed (with the carrier's error) or skipped (why), and
 * a link to the conversation once there is one. A draft's list has a
 * remove button per recipient. Filter and paging work without JavaScript
 * (links and a GET form); with htmx they replace only this list.
 */
import type { T } from "../i18n/translate.ts";
import {
  RECIPIENT_STATUSES,
  type RecipientRow,
  RECIPIENTS_PAGE,
  type RecipientStatus,
} from "../services/campaign_progress.ts";
import { REFUSAL_TO_MESSAGE } from "./campaign_refusal.ts";

export interface RecipientTableProps {
  t: T;
  campaignId: number;
  rows: RecipientRow[];
  total: number;
  page: number;
  status?: RecipientStatus;
  /** a draft: each row can be removed */
  csrfToken?: string;
  editable?: boolean;
}

function skipLabel(t: T, reason: string | null): string {
  switch (reason) {
    case "opted_out":
      return t("campaign.skip.opted_out");
    case "spam":
      return t("campaign.skip.spam");
    case "cancelled":
      return t("campaign.skip.cancelled");
    default:
      return "";
  }
}

function pageUrl(base: string, status: string | undefined, page: number) {
  const q = new URLSearchParams();
  if (status) q.set("status", status);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}

export function RecipientTable(props: RecipientTableProps) {
  const { t, campaignId, rows, total, page, status } = props;
  const pages = Math.max(1, Math.ceil(total / RECIPIENTS_PAGE));
  const base = `/campaigns/${campaignId}`;
  const fragment = `${base}/recipients`;
  const pageLink = (p: number, label: string, rel: string) => (
    <a
      href={pageUrl(base, status, p)}
      hx-get={pageUrl(fragment, status, p)}
      hx-target="#recipients"
      hx-swap="outerHTML"
      rel={rel}
    >
      {label}
    </a>
  );
  return (
    <section id="recipients" class="recipients" aria-labelledby="recipients-h">
      <h3 id="recipients-h">{t("campaign.recipients")}</h3>
      <form
        id="recipient-filter"
        class="filter-row"
        method="get"
        action={base}
        hx-get={fragment}
        hx-trigger="change"
        hx-target="#recipients"
        hx-swap="outerHTML"
      >
        <label for="recipient-status">{t("campaign.filter")}</label>
        <select id="recipient-status" name="status">
          <option value="">{t("campaign.filter_all")}</option>
          {RECIPIENT_STATUSES.map((s) => (
            <option value={s} selected={s === status}>
              {t(`campaign.rstatus.${s}`)}
            </option>
          ))}
        </select>
        <noscript>
          <button type="submit" class="quiet">
            {t("campaign.filter_apply")}
          </button>
        </noscript>
      </form>
      <input type="hidden" id="recipients-page" name="page" value={page} />
      {rows.length === 0
        ? <p class="empty">{t("campaign.no_recipients_status")}</p>
        : (
          <table class="data-table recipient-table">
            <thead>
              <tr>
                <th scope="col">{t("campaign.col_recipient")}</th>
                <th scope="col">{t("campaign.col_rstatus")}</th>
                {props.editable && <th scope="col"></th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr id={`recipient-${r.id}`} data-status={r.status}>
                  <td>
                    {r.name || r.e164}
                    {r.name && <small class="sub">{r.e164}</small>}
                  </td>
                  <td>
                    <span class={`rstatus ${r.status}`}>
                      {t(`campaign.rstatus.${r.status}`)}
                    </span>
                    {r.status === "skipped" && r.skipReason && (
                      <small class="sub">{skipLabel(t, r.skipReason)}</small>
                    )}
                    {r.status === "failed" && r.error && (
                      <small class="sub err">
                        {r.errorCode ? `${r.error} (${r.errorCode})` : r.error}
                      </small>
                    )}
                    {r.status === "pending" && r.notBefore && (
                      <small class="sub">
                        {t("campaign.held_until", {
                          time: t.dateTime(r.notBefore),
                        })}
                      </small>
                    )}
                    {r.replied && (
                      <small class="sub ok">{t("campaign.replied")}</small>
                    )}
                    {r.conversationId && (
                      <small class="sub">
                        <a href={`/conversations/${r.conversationId}`}>
                          {t("campaign.open_conversation")}
                        </a>
                      </small>
                    )}
                  </td>
                  {props.editable && (
                    <td>
                      <form
                        method="post"
                        action={`${base}/recipients/${r.id}/remove`}
                        hx-post={`${base}/recipients/${r.id}/remove`}
                        hx-target="#audience"
                        hx-swap="outerHTML"
                        {...REFUSAL_TO_MESSAGE}
                      >
                        <input
                          type="hidden"
                          name="_csrf"
                          value={props.csrfToken}
                        />
                        <button
                          type="submit"
                          class="quiet"
                          aria-label={t("campaign.remove_label", {
                            name: r.name || r.e164,
                          })}
                        >
                          {t("campaign.remove")}
                        </button>
                      </form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      {pages > 1 && (
        <nav class="pager" aria-label={t("campaign.recipients")}>
          {page > 1 && pageLink(page - 1, t("campaign.page_prev"), "prev")}
          <span>{t("campaign.page_of", { page, pages })}</span>
          {page < pages && pageLink(page + 1, t("campaign.page_next"), "next")}
        </nav>
      )}
    </section>
  );
}
