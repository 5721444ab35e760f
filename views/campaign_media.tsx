/**
 * A draft campaign's optional file, inside the message form but posted by
 * forms of its own (a form cannot hold another): the file input and the
 * buttons name them with `form=`. Without JavaScript the upload is a plain
 * multipart POST and a redirect back; with htmx the field is swapped and
 * the preview asks again (the `mediachanged` event). A refusal (422, or
 * 413 for a file too large) lands in #campaign-msg.
 */
import type { T } from "../i18n/translate.ts";
import type { StagedFile } from "../services/attachments.ts";
import { formatBytes } from "../services/media_limits.ts";
import { REFUSAL_TO_MESSAGE } from "./campaign_refusal.ts";

const UPLOAD_FORM = "campaign-media-upload";
const REMOVE_FORM = "campaign-media-remove";

/** What MMS carries (the server checks the bytes against the number). */
const ACCEPT =
  "image/jpeg,image/png,image/gif,video/mp4,video/3gpp,audio/*,application/pdf,text/vcard";

/** Where the campaign's file is shown; the query changes with the file. */
export function campaignMediaUrl(campaignId: number, file: StagedFile) {
  return `/campaigns/${campaignId}/media?v=${
    encodeURIComponent(file.storageKey.slice(0, 8))
  }`;
}

/** The file as the preview and the field show it. */
export function CampaignMediaThumb(
  { campaignId, file }: { campaignId: number; file: StagedFile },
) {
  return /^image\/(jpeg|png|gif)$/.test(file.contentType)
    ? (
      <img
        class="campaign-media-img"
        src={campaignMediaUrl(campaignId, file)}
        alt={file.filename}
      />
    )
    : (
      <a href={campaignMediaUrl(campaignId, file)} class="campaign-media-file">
        <span aria-hidden="true">📎</span> {file.filename}
      </a>
    );
}

export function CampaignMediaField(
  { t, campaignId, file }: {
    t: T;
    campaignId: number;
    file: StagedFile | null;
  },
) {
  return (
    <fieldset id="campaign-media" class="campaign-media">
      <legend>{t("campaign.media")}</legend>
      {file
        ? (
          <div class="campaign-media-chosen">
            <CampaignMediaThumb campaignId={campaignId} file={file} />
            <span class="name">{file.filename}</span>{" "}
            <span class="size">{formatBytes(file.size)}</span>
            <button type="submit" form={REMOVE_FORM} class="quiet">
              {t("campaign.media_remove")}
            </button>
          </div>
        )
        : (
          <>
            <label for="campaign-file">{t("campaign.media_choose")}</label>
            <input
              id="campaign-file"
              type="file"
              name="file"
              form={UPLOAD_FORM}
              accept={ACCEPT}
              aria-describedby="campaign-media-help"
            />
            <button type="submit" form={UPLOAD_FORM} class="quiet">
              {t("campaign.media_attach")}
            </button>
          </>
        )}
      <p class="hint" id="campaign-media-help">{t("campaign.media_help")}</p>
    </fieldset>
  );
}

/** The two forms the field's controls post with; outside the message form. */
export function CampaignMediaForms(
  { campaignId, csrfToken }: { campaignId: number; csrfToken: string },
) {
  const base = `/campaigns/${campaignId}/media`;
  const swap = {
    "hx-target": "#campaign-media",
    "hx-swap": "outerHTML",
    ...REFUSAL_TO_MESSAGE,
  };
  return (
    <>
      <form
        id={UPLOAD_FORM}
        method="post"
        action={base}
        enctype="multipart/form-data"
        hx-post={base}
        {...swap}
      >
        <input type="hidden" name="_csrf" value={csrfToken} />
      </form>
      <form
        id={REMOVE_FORM}
        method="post"
        action={`${base}/remove`}
        hx-post={`${base}/remove`}
        {...swap}
      >
        <input type="hidden" name="_csrf" value={csrfToken} />
      </form>
    </>
  );
}
