/** One message in a thread. Bodies are text: JSX escapes them. */
import type { MessageKey, T } from "../i18n/translate.ts";
import type { AttachmentView } from "../services/attachments.ts";
import type { ThreadMessage } from "../services/conversations.ts";

function Attachment({ t, a }: { t: T; a: AttachmentView }) {
  if (a.state === "pending") {
    return <span class="att pending">{t("message.media_pending")}</span>;
  }
  if (a.state === "failed") {
    return <span class="att failed">{t("message.media_failed")}</span>;
  }
  const url = `/media/${a.id}`;
  const type = a.contentType ?? "";
  if (type.startsWith("image/")) {
    return (
      <a class="att" href={url} target="_blank" rel="noopener">
        <img
          src={url}
          alt={a.filename || t("message.attachment")}
          loading="lazy"
          width="160"
        />
      </a>
    );
  }
  if (type.startsWith("audio/")) {
    return (
      <audio
        class="att"
        controls
        preload="none"
        src={url}
        aria-label={a.isVoiceNote ? t("message.voice_note") : a.filename}
      >
      </audio>
    );
  }
  return (
    <a class="att file" href={url} download={a.filename || undefined}>
      📎 {a.filename || t("message.attachment")}
    </a>
  );
}

export function MessageBubble({ t, msg }: { t: T; msg: ThreadMessage }) {
  const statusKey = `status.${msg.status}` as MessageKey;
  const failed = msg.direction === "out" &&
    (msg.status === "failed" || msg.status === "undelivered");
  return (
    <li
      id={`msg-${msg.id}`}
      class={`msg ${msg.direction} ${msg.status}`}
      data-seq={String(msg.id).padStart(12, "0")}
    >
      {msg.body}
      {msg.attachments?.map((a) => <Attachment t={t} a={a} />)}
      <span class="meta">
        {msg.direction === "out" && msg.senderName && `${msg.senderName} · `}
        <time datetime={new Date(msg.createdAt).toISOString()}>
          {t.time(msg.createdAt)}
        </time>
        {msg.direction === "out" && (
          <>
            {" · "}
            <span class="status">{t(statusKey)}</span>
          </>
        )}
        {msg.error && <span class="err">· {msg.error}</span>}
      </span>
      {failed && (
        <form
          class="retry"
          method="post"
          action={`/messages/${msg.id}/retry`}
          hx-post={`/messages/${msg.id}/retry`}
          hx-swap="none"
        >
          <button type="submit" class="quiet">{t("message.retry")}</button>
        </form>
      )}
    </li>
  );
}
