/**
 * A started campaign's live state: a progress bar, the counts by status,
 * what it is waiting for, the pause / resume / cancel controls (cancel
 * asks first, without JavaScript too: it is a disclosure with its own
 * button), and the recipients. The events stream makes the page fetch this
 * again whenever one of its messages moves.
 */
import type { T } from "../i18n/translate.ts";
import type { CampaignView } from "../services/campaigns.ts";
import type { CampaignCounts } from "../services/campaign_progress.ts";
import {
  RecipientTable,
  type RecipientTableProps,
} from "./campaign_recipients.tsx";
import { REFUSAL_TO_MESSAGE } from "./campaign_refusal.ts";

export interface CampaignProgressProps {
  t: T;
  campaign: CampaignView;
  csrfToken: string;
  counts: CampaignCounts;
  recipients: Omit<RecipientTableProps, "t" | "campaignId" | "csrfToken">;
}

const SHOWN = ["queued", "sent", "delivered", "failed", "skipped"] as const;

export function CampaignProgress(props: CampaignProgressProps) {
  const { t, campaign: c, counts, csrfToken } = props;
  const base = `/campaigns/${c.id}`;
  const control = (action: string, label: string, cls = "") => (
    <form
      class="action"
      method="post"
      action={`${base}/${action}`}
      hx-post={`${base}/${action}`}
      hx-target="#campaign-live"
      hx-swap="outerHTML"
      hx-disable="find button"
      {...REFUSAL_TO_MESSAGE}
    >
      <input type="hidden" name="_csrf" value={csrfToken} />
      <button type="submit" class={cls}>{label}</button>
    </form>
  );
  const active = c.status === "running" || c.status === "scheduled" ||
    c.status === "paused";
  const notYet = counts.pending + counts.queued;
  return (
    <section
      id="campaign-live"
      class="card campaign-live"
      aria-labelledby="progress-h"
      data-status={c.status}
    >
      <h2 id="progress-h">
        {t("campaign.progress")}{" "}
        <span class={`badge campaign-${c.status}`}>
          {t(`campaign.status.${c.status}`)}
        </span>
      </h2>
      <progress
        id="campaign-bar"
        value={counts.done}
        max={Math.max(1, counts.total)}
        aria-describedby="campaign-bar-label"
      >
        {t.number(counts.done)} / {t.number(counts.total)}
      </progress>
      <p id="campaign-bar-label">
        {t("campaign.progress_label", {
          done: t.number(counts.done),
          total: t.number(counts.total),
        })}
      </p>
      <dl class="campaign-counts">
        {SHOWN.map((s) => (
          <div data-count={s}>
            <dt>{t(`campaign.rstatus.${s}`)}</dt>
            <dd>{t.number(counts[s])}</dd>
          </div>
        ))}
        <div data-count="pending">
          <dt>{t("campaign.rstatus.pending")}</dt>
          <dd>{t.number(counts.pending)}</dd>
        </div>
        <div data-count="replied">
          <dt>{t("campaign.count_replied")}</dt>
          <dd>{t.number(counts.replied)}</dd>
        </div>
      </dl>
      {c.status === "scheduled" && c.scheduledAt && (
        <p>
          {t("campaign.scheduled_for", { time: t.dateTime(c.scheduledAt) })}
        </p>
      )}
      {c.startedAt && (
        <p class="hint">
          {t("campaign.started_at", { time: t.dateTime(c.startedAt) })}
        </p>
      )}
      {c.finishedAt && (
        <p class="hint">
          {t("campaign.finished_at", { time: t.dateTime(c.finishedAt) })}
        </p>
      )}
      {counts.waiting > 0 && active && (
        <p>{t("campaign.count_waiting", { count: counts.waiting })}</p>
      )}
      {c.status === "paused" && <p class="alert">{t("campaign.paused_note")}
      </p>}
      {active && (
        <div class="campaign-actions">
          {c.status === "paused"
            ? control("resume", t("campaign.resume"))
            : control("pause", t("campaign.pause"), "quiet")}
          <details class="confirm">
            <summary>{t("campaign.cancel")}</summary>
            <p>{t("campaign.cancel_explain", { count: notYet })}</p>
            {control("cancel", t("campaign.cancel_confirm"), "danger")}
          </details>
        </div>
      )}
      <RecipientTable
        t={t}
        campaignId={c.id}
        csrfToken={csrfToken}
        {...props.recipients}
      />
    </section>
  );
}
