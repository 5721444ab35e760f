/**
 * A file waiting in the composer: its upload token rides in the reply form.
 * The script puts its browser-made preview (image or voice note) in front.
 */
import type { T } from "../i18n/translate.ts";
import type { StagedFile } from "../services/attachments.ts";
import { formatBytes } from "../services/media_limits.ts";

export function AttachmentChip(
  { t, file, token }: { t: T; file: StagedFile; token: string },
) {
  const name = file.isVoiceNote ? t("message.voice_note") : file.filename;
  return (
    <li class="att-chip" data-size={String(file.size)}>
      <input type="hidden" name="attachment" value={token} />
      <span aria-hidden="true">{file.isVoiceNote ? "🎤" : "📎"}</span>{" "}
      <span class="name">{name}</span>{" "}
      <span class="size">{formatBytes(file.size)}</span>
      <button
        type="button"
        class="quiet remove"
        data-remove-attachment
        aria-label={t("upload.remove", { name })}
      >
        ×
      </button>
    </li>
  );
}
