/** Live: the user left (or was removed from) a chat; their pages drop it. */
import type { T } from "../i18n/translate.ts";
import { ChatGone } from "./chat_gone.tsx";

export function ChatLeftUpdate({ t, chatId }: { t: T; chatId: number }) {
  return (
    <>
      <hx-partial hx-target={`#chat-row-${chatId}`} hx-swap="delete">
      </hx-partial>
      <hx-partial hx-target={`#chat-${chatId}`} hx-swap="outerHTML">
        <ChatGone t={t} chatId={chatId} />
      </hx-partial>
    </>
  );
}
