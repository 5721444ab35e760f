/** One message in a thread. Bodies are text: JSX escapes them. */
import type { MessageKey, T } from "../i18n/translate.ts";
import type { ThreadMessage } from "../services/conversations.ts";

export function MessageBubble({ t, msg }: { t: T; msg: ThreadMessage }) {
  const statusKey = `status.${msg.status}` as MessageKey;
  return (
    <li
      id={`msg-${msg.id}`}
      class={`msg ${msg.direction} ${msg.status}`}
      data-seq={String(msg.id).padStart(12, "0")}
    >
      {msg.body}
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
    </li>
  );
}
