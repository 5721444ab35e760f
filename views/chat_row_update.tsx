/** Live: moves (or adds) a chat's row to its place in the chat list. */
import type { T } from "../i18n/translate.ts";
import type { ChatSummary } from "../services/chats.ts";
import { ChatRow } from "./chat_row.tsx";

export function ChatRowUpdate(
  { t, chat, activeId }: { t: T; chat: ChatSummary; activeId?: number },
) {
  return (
    <>
      <hx-partial
        hx-target={`#chat-list > #chat-row-${chat.id}`}
        hx-swap="delete"
      >
      </hx-partial>
      <hx-partial hx-target="#chat-list > .empty" hx-swap="delete">
      </hx-partial>
      <hx-upsert hx-target="#chat-list" key="data-key" sort="desc">
        <ChatRow t={t} chat={chat} active={chat.id === activeId} />
      </hx-upsert>
    </>
  );
}
