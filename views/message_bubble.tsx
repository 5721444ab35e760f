/**
 * One message in a thread. Bodies are text: JSX escapes them, formatting
 * included (views/formatted_body.tsx).
 */
import type { MessageKey, T } from "../i18n/translate.ts";
import type { ThreadMessage } from "../services/conversations.ts";
import { FormattedBody } from "./formatted_body.tsx";
import { MessageAttachment } from "./message_attachment.tsx";
import { ReactionBar } from "./reaction_bar.tsx";

export function MessageBubble(
  { t, msg, reactionError, live }: {
    t: T;
    msg: ThreadMessage;
    /** on the live stream (see ReactionBar) */
    live?: boolean;
    /** why the user's reaction was refused, shown under the picker */
    reactionError?: string;
  },
) {
  const statusKey = `status.${msg.status}` as MessageKey;
  const failed = msg.direction === "out" &&
    (msg.status === "failed" || msg.status === "undelivered");
  return (
    <li
      id={`msg-${msg.id}`}
      class={`msg ${msg.direction} ${msg.status}`}
      data-seq={String(msg.id).padStart(12, "0")}
    >
      <FormattedBody body={msg.body} />
      {msg.attachments?.map((a) => <MessageAttachment t={t} a={a} />)}
      <ReactionBar t={t} msg={msg} error={reactionError} live={live} />
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
