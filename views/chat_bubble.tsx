/**
 * One chat message and its files. Bodies and file names are text,
 * formatting included: JSX escapes them.
 */
import type { T } from "../i18n/translate.ts";
import type { ChatMessageView } from "../services/chats.ts";
import { FormattedBody } from "./formatted_body.tsx";
import { MessageAttachment } from "./message_attachment.tsx";

export function ChatBubble(
  { t, msg, mine }: { t: T; msg: ChatMessageView; mine: boolean },
) {
  return (
    <li
      id={`chat-msg-${msg.id}`}
      class={`msg ${mine ? "out" : "in"}`}
      data-seq={String(msg.id).padStart(12, "0")}
    >
      {!mine && <span class="sender">{msg.senderName}</span>}
      <FormattedBody body={msg.body} />
      {msg.attachments.map((a) => (
        <MessageAttachment t={t} a={a} base="/chat-media" />
      ))}
      <span class="meta">
        <time datetime={new Date(msg.createdAt).toISOString()}>
          {t.time(msg.createdAt)}
        </time>
      </span>
    </li>
  );
}
