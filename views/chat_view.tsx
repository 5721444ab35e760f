/** An open chat: its head, its messages and the composer. */
import type { T } from "../i18n/translate.ts";
import type { ChatThread } from "../services/chats.ts";
import type { Presence } from "../services/presence.ts";
import type { User } from "../services/users.ts";
import { ChatBubble } from "./chat_bubble.tsx";
import { ChatComposer } from "./chat_composer.tsx";
import { ChatHead } from "./chat_head.tsx";

export interface ChatViewProps {
  t: T;
  thread: ChatThread;
  user: User;
  csrfToken: string;
  people: Presence[];
}

export function ChatView(
  { t, thread, user, csrfToken, people }: ChatViewProps,
) {
  const id = thread.chat.id;
  return (
    <section
      id={`chat-${id}`}
      class="thread chat"
      data-chat={String(id)}
      aria-labelledby={`chat-title-${id}`}
    >
      <ChatHead
        t={t}
        head={thread}
        user={user}
        csrfToken={csrfToken}
        people={people}
      />
      <ol
        id={`chat-messages-${id}`}
        class="messages"
        aria-label={t("thread.label")}
        aria-live="polite"
      >
        {thread.messages.length === 0
          ? (
            <li class="empty">
              {thread.chat.kind === "team"
                ? t("chats.start_team")
                : t("chats.start", { name: thread.chat.title })}
            </li>
          )
          : thread.messages.map((m) => (
            <ChatBubble t={t} msg={m} mine={m.userId === user.id} />
          ))}
      </ol>
      <ChatComposer t={t} chatId={id} csrfToken={csrfToken} />
    </section>
  );
}
