/**
 * One chat in the chat list. The same component renders the list and the
 * live update; `data-key` sorts rows newest first when one is upserted.
 */
import type { T } from "../i18n/translate.ts";
import type { ChatSummary } from "../services/chats.ts";
import { PresenceBadge } from "./presence_badge.tsx";

export function chatRowKey(chat: ChatSummary): string {
  return `${chat.lastMessageAt}${String(chat.id).padStart(10, "0")}`;
}

export function ChatRow(
  { t, chat, active }: { t: T; chat: ChatSummary; active?: boolean },
) {
  const url = `/chats/${chat.id}`;
  return (
    <li
      id={`chat-row-${chat.id}`}
      class={chat.unread > 0 ? "unread" : undefined}
      data-key={chatRowKey(chat)}
    >
      <a
        href={url}
        hx-get={url}
        hx-target="#thread-pane"
        hx-push-url="true"
        aria-current={active ? "true" : undefined}
      >
        <span class="who">
          {chat.kind === "team" && (
            <span class="hash" aria-hidden="true">#</span>
          )}
          {chat.title || t("chats.nobody")}
        </span>
        {chat.other && <PresenceBadge t={t} person={chat.other} compact />}
        {chat.unread > 0 && (
          <span
            class="count"
            aria-label={t("chats.unread", { count: chat.unread })}
          >
            {chat.unread > 99 ? "99+" : String(chat.unread)}
          </span>
        )}
        <span class="preview">
          {chat.preview ||
            t(chat.kind === "team" ? "chats.team_empty" : "chats.direct_empty")}
        </span>
      </a>
    </li>
  );
}
