/**
 * The message as one recipient will get it (placeholders filled in, the
 * opt-out instruction when it will be added, the campaign's file), its SMS
 * segments, and the cost estimate: segments × recipients × the configured
 * cost per segment; with a file it goes as MMS, which carriers bill as one
 * message whatever the length, so recipients × the cost per MMS.
 * It follows the text as it is typed (htmx asks again after a pause), and
 * after each change to the audience.
 */
import type { T } from "../i18n/translate.ts";
import type { CampaignPreview } from "../services/campaign_progress.ts";
import { CampaignMediaThumb } from "./campaign_media.tsx";

export interface CampaignPreviewProps {
  t: T;
  campaignId: number;
  preview: CampaignPreview;
}

function money(t: T, amount: number): string {
  return new Intl.NumberFormat(t.locale, {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: amount > 0 && amount < 1 ? 4 : 2,
  }).format(amount);
}

export function CampaignPreviewPanel(
  { t, campaignId, preview }: CampaignPreviewProps,
) {
  const media = preview.media;
  return (
    <section
      id="campaign-preview"
      class="campaign-preview"
      aria-labelledby="preview-h"
      hx-get={`/campaigns/${campaignId}/preview`}
      hx-trigger="input delay:400ms from:#campaign-body, change from:#preview-recipient, audiencechanged from:body, mediachanged from:body"
      hx-include="#campaign-body, #preview-recipient"
      hx-swap="outerHTML"
      hx-sync="this:replace"
    >
      <h3 id="preview-h">{t("campaign.preview")}</h3>
      {preview.choices.length > 0
        ? (
          <>
            <label for="preview-recipient">{t("campaign.preview_for")}</label>
            <select id="preview-recipient" name="preview_recipient">
              {preview.choices.map((c) => (
                <option
                  value={String(c.id)}
                  selected={c.id === preview.recipientId}
                >
                  {c.label}
                </option>
              ))}
            </select>
          </>
        )
        : <p class="hint">{t("campaign.preview_none")}</p>}
      {preview.text
        ? (
          <>
            <div class="sms-preview" aria-live="polite">
              {media && (
                <CampaignMediaThumb campaignId={campaignId} file={media} />
              )}
              {preview.text}
            </div>
            {preview.footerAdded && (
              <p class="hint">{t("campaign.preview_footer")}</p>
            )}
            {media
              ? (
                <>
                  <p class="hint">
                    {t("campaign.preview_mms", {
                      chars: preview.segments.characters,
                      name: media.filename,
                    })}
                  </p>
                  <p class="estimate">
                    {t("campaign.preview_cost_mms", {
                      recipients: preview.sendable,
                      cost: money(t, preview.cost),
                    })}
                  </p>
                </>
              )
              : (
                <>
                  <p class="hint">
                    {t("campaign.preview_segments", {
                      chars: preview.segments.characters,
                      segments: preview.segments.segments,
                      encoding: preview.segments.encoding,
                    })}
                  </p>
                  <p class="estimate">
                    {t("campaign.preview_cost", {
                      segments: preview.segments.segments,
                      recipients: preview.sendable,
                      total: preview.totalSegments,
                      cost: money(t, preview.cost),
                    })}
                  </p>
                </>
              )}
            {preview.varies && (
              <p class="hint">{t("campaign.preview_varies")}</p>
            )}
          </>
        )
        : <p class="hint">{t("campaign.preview_empty")}</p>}
    </section>
  );
}
