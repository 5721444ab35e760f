/**
 * A draft campaign's message: name, text (with placeholders), an optional
 * file (sent as MMS), the sending window in the recipients' local time, an
 * optional start time, the live preview, and the two ways out: save the
 * draft, or send it.
 */
import type { T } from "../i18n/translate.ts";
import type { CampaignPreview } from "../services/campaign_progress.ts";
import type { CampaignView } from "../services/campaigns.ts";
import { formatMinutes, utcToZonedTime } from "../services/quiet_hours.ts";
import { CampaignMediaField, CampaignMediaForms } from "./campaign_media.tsx";
import { CampaignPreviewPanel } from "./campaign_preview.tsx";
import { REFUSAL_TO_MESSAGE } from "./campaign_refusal.ts";

export interface CampaignMessageFormProps {
  t: T;
  campaign: CampaignView;
  csrfToken: string;
  preview: CampaignPreview;
}

export function CampaignMessageForm(props: CampaignMessageFormProps) {
  const { t, campaign: c, csrfToken, preview } = props;
  const base = `/campaigns/${c.id}`;
  return (
    <section class="card" aria-labelledby="message-h">
      <h2 id="message-h">{t("campaign.message")}</h2>
      <form
        id="campaign-form"
        class="action stack"
        method="post"
        action={base}
        hx-post={base}
        hx-target="#campaign-msg"
        hx-swap="innerHTML"
        hx-disable="find button"
      >
        <input type="hidden" name="_csrf" value={csrfToken} />
        <label for="campaign-name">{t("campaign.name")}</label>
        <input
          id="campaign-name"
          name="name"
          required
          maxlength={100}
          value={c.name}
          autocomplete="off"
        />
        <label for="campaign-body">{t("campaign.body")}</label>
        <textarea
          id="campaign-body"
          name="body"
          rows={5}
          maxlength={1600}
          aria-describedby="campaign-placeholders"
        >
          {c.body}
        </textarea>
        <p class="hint" id="campaign-placeholders">
          {t("campaign.placeholders")}
        </p>
        <CampaignMediaField t={t} campaignId={c.id} file={preview.media} />
        <fieldset class="quiet-hours">
          <legend>{t("campaign.quiet_hours")}</legend>
          <label for="quiet-from">{t("campaign.quiet_from")}</label>
          <input
            id="quiet-from"
            name="quiet_from"
            type="time"
            min="08:00"
            max="21:00"
            step={60}
            required
            value={formatMinutes(c.quietEnd)}
          />
          <label for="quiet-until">{t("campaign.quiet_until")}</label>
          <input
            id="quiet-until"
            name="quiet_until"
            type="time"
            min="08:00"
            max="21:00"
            step={60}
            required
            value={formatMinutes(c.quietStart)}
          />
          <p class="hint">{t("campaign.quiet_help")}</p>
        </fieldset>
        <label for="scheduled-at">{t("campaign.schedule")}</label>
        <input
          id="scheduled-at"
          name="scheduled_at"
          type="datetime-local"
          value={c.scheduledAt ? utcToZonedTime(c.scheduledAt, t.timeZone) : ""}
          aria-describedby="scheduled-help"
        />
        <p class="hint" id="scheduled-help">
          {t("campaign.schedule_help", { zone: t.timeZone })}
        </p>
        <CampaignPreviewPanel t={t} campaignId={c.id} preview={preview} />
        <noscript>
          <button type="submit" class="quiet" name="then" value="preview">
            {t("campaign.preview_update")}
          </button>
        </noscript>
        <div class="form-buttons">
          <button type="submit" class="quiet">{t("campaign.save")}</button>
          <button
            type="submit"
            formaction={`${base}/start`}
            hx-post={`${base}/start`}
            hx-target="#campaign-msg"
            hx-swap="innerHTML"
            hx-confirm={t("campaign.send_confirm")}
            {...REFUSAL_TO_MESSAGE}
          >
            {t("campaign.send")}
          </button>
        </div>
      </form>
      <CampaignMediaForms campaignId={c.id} csrfToken={csrfToken} />
    </section>
  );
}
