/**
 * What a composer form needs to attach files (F7, F22, F30), shared by the
 * conversation's and the chat's: the attributes static/app.js reads (where
 * to upload, the rules to check a file against first, its sentences) and
 * the list of files waiting to be sent.
 */
import type { T } from "../i18n/translate.ts";
import type { StagedFile } from "../services/attachments.ts";
import { browserRules, type MediaRules } from "../services/media_limits.ts";
import { AttachmentChip } from "./attachment_chip.tsx";

/** The sentences static/app.js shows while attaching and recording. */
function scriptMessages(t: T) {
  const keys = [
    "upload.type",
    "upload.too_large",
    "upload.too_many",
    "upload.total_too_large",
    "upload.failed",
    "upload.progress",
    "upload.remove",
    "upload.wait",
    "voice.recording",
    "voice.mic_denied",
    "voice.unsupported",
    "message.voice_note",
  ] as const;
  return Object.fromEntries(keys.map((k) => [k, t(k)]));
}

/** The form's attributes for attaching to `uploadUrl` under `rules`. */
export function uploadAttributes(t: T, uploadUrl: string, rules?: MediaRules) {
  if (!rules) return {};
  return {
    enctype: "multipart/form-data" as const,
    "data-upload": uploadUrl,
    "data-limits": JSON.stringify(browserRules(rules)),
    "data-messages": JSON.stringify(scriptMessages(t)),
  };
}

/** The files uploaded for this message, kept across a re-render. */
export function AttachmentList(
  { t, id, attachments }: {
    t: T;
    id: string;
    attachments?: { file: StagedFile; token: string }[];
  },
) {
  return (
    <ul
      class="att-list"
      id={id}
      aria-label={t("upload.list")}
      aria-live="polite"
    >
      {attachments?.map((a) => (
        <AttachmentChip t={t} file={a.file} token={a.token} />
      ))}
    </ul>
  );
}
