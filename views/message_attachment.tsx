/**
 * One attachment in a bubble. Images show a small preview and open full
 * size on tap, so a phone on 3G downloads the full file only when asked;
 * voice notes and audio play inline (F30); anything else downloads under
 * its (escaped) file name.
 */
import type { T } from "../i18n/translate.ts";
import type { AttachmentView } from "../services/attachments.ts";
import { formatBytes } from "../services/media_limits.ts";

/** Images up to this size show inline when there is no preview. */
export const INLINE_IMAGE_MAX = 150_000;

export function MessageAttachment(
  { t, a, base = "/media" }: {
    t: T;
    a: AttachmentView;
    /** where its files download from: a chat's are under /chat-media */
    base?: string;
  },
) {
  if (a.state === "pending") {
    return <span class="att pending">{t("message.media_pending")}</span>;
  }
  if (a.state === "failed") {
    return <span class="att failed">{t("message.media_failed")}</span>;
  }
  const url = `${base}/${a.id}`;
  const type = a.contentType ?? "";
  const size = a.size ? formatBytes(a.size) : "";
  const name = a.filename || t("message.attachment");
  if (type.startsWith("image/")) {
    if (a.hasThumbnail || (a.size ?? Infinity) <= INLINE_IMAGE_MAX) {
      return (
        <a
          class="att image"
          href={url}
          target="_blank"
          rel="noopener"
          title={t("message.open_full", { size })}
        >
          <img
            src={a.hasThumbnail ? `${url}/thumb` : url}
            alt={a.filename || t("message.image")}
            loading="lazy"
            decoding="async"
            width="160"
          />
        </a>
      );
    }
    // a big image and no preview (a customer's MMS): fetched only on tap
    return (
      <a class="att image tap" href={url} target="_blank" rel="noopener">
        <span aria-hidden="true">🖼️</span>{" "}
        {t("message.tap_image", { name, size })}
      </a>
    );
  }
  if (type.startsWith("audio/")) {
    return (
      <span class={`att audio${a.isVoiceNote ? " voice" : ""}`}>
        {a.isVoiceNote && <span aria-hidden="true">🎤</span>}
        <audio
          controls
          preload="none"
          src={url}
          aria-label={a.isVoiceNote ? t("message.voice_note") : name}
        >
        </audio>
      </span>
    );
  }
  if (type.startsWith("video/")) {
    return (
      <video class="att video" controls preload="none" src={url} width="240">
      </video>
    );
  }
  return (
    <a class="att file" href={url} download={a.filename || undefined}>
      <span aria-hidden="true">📎</span> {name}
      {size && <span class="size">{` · ${size}`}</span>}
    </a>
  );
}
