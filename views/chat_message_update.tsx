/** Live: adds (or updates) a message in its open chat. */
import type { T } from "../i18n/translate.ts";
import type { ChatMessageView } from "../services/chats.ts";
import { ChatBubble } from "./chat_bubble.tsx";

export function ChatMessageUpdate(
  { t, msg, mine }: { t: T; msg: ChatMessageView; mine: boolean },
) {
  const list = `#chat-messages-${msg.chatId}`;
  return (
    <>
      <hx-partial hx-target={`${list} > .empty`} hx-swap="delete">
      </hx-partial>
      <hx-upsert hx-target={list} key="data-seq" sort="">
        <ChatBubble t={t} msg={msg} mine={mine} />
      </hx-upsert>
    </>
  );
}
