/** A conversation: its header, its messages and the reply composer. */
import type { T } from "../i18n/translate.ts";
import type { Thread } from "../services/conversations.ts";
import { Composer } from "./composer.tsx";
import { contactLabel } from "./conversation_row.tsx";
import { MessageBubble } from "./message_bubble.tsx";

export interface ThreadViewProps {
  t: T;
  thread: Thread;
  csrfToken: string;
}

export function ThreadView({ t, thread, csrfToken }: ThreadViewProps) {
  const c = thread.conversation;
  return (
    <section
      class="thread"
      data-conversation={c.id}
      aria-labelledby={`thread-title-${c.id}`}
    >
      <header class="thread-head">
        <a
          class="back button quiet"
          href={`/inboxes/${c.inboxId}?status=${c.status}`}
        >
          <span aria-hidden="true">←</span>
          <span class="visually-hidden">{t("thread.back")}</span>
        </a>
        <div>
          <h2 id={`thread-title-${c.id}`}>
            {contactLabel(c)}
            {!c.contactName && ` (${t("contact.unknown")})`}
          </h2>
          <div class="meta">
            <span class={`chan ${c.channel}`}>
              {t(c.channel === "whatsapp" ? "channel.whatsapp" : "channel.sms")}
            </span>
            {t("thread.via", { number: c.numberE164 })}
            {c.assigneeName &&
              ` · ${t("thread.assigned_to", { name: c.assigneeName })}`}
          </div>
        </div>
      </header>
      <ol
        id={`messages-${c.id}`}
        class="messages"
        aria-label={t("thread.label")}
        aria-live="polite"
      >
        {thread.messages.map((m) => <MessageBubble t={t} msg={m} />)}
      </ol>
      <Composer t={t} conversationId={c.id} csrfToken={csrfToken} />
    </section>
  );
}
