/** The user's chats, most recent first; live updates upsert into it. */
import type { T } from "../i18n/translate.ts";
import type { ChatSummary } from "../services/chats.ts";
import { ChatRow } from "./chat_row.tsx";

export function ChatList(
  { t, chats, activeId }: { t: T; chats: ChatSummary[]; activeId?: number },
) {
  return (
    <ul
      id="chat-list"
      class="conv-list chat-list"
      aria-label={t("chats.title")}
    >
      {chats.length === 0
        ? <li class="empty">{t("chats.none")}</li>
        : chats.map((c) => (
          <ChatRow
            t={t}
            chat={c}
            active={c.id === activeId}
          />
        ))}
    </ul>
  );
}
