/**
 * The HTML an event becomes on the live stream: htmx partials that update
 * the list row and the thread wherever they are on the page (a target that
 * is not on the page is skipped by htmx).
 */
import type { T } from "../i18n/translate.ts";
import type {
  ConversationSummary,
  ThreadMessage,
} from "../services/conversations.ts";
import { ConversationRow } from "./conversation_row.tsx";
import { MessageBubble } from "./message_bubble.tsx";

/** Moves (or adds) a row to its place in its list. */
export function RowUpdate({ t, conv }: { t: T; conv: ConversationSummary }) {
  const list = `#conv-list-${conv.inboxId}-${conv.status}`;
  return (
    <>
      <hx-partial hx-target={`#conv-${conv.id}`} hx-swap="delete"></hx-partial>
      <hx-partial hx-target={`${list} > .empty`} hx-swap="delete"></hx-partial>
      <hx-upsert hx-target={list} key="data-key" sort="desc">
        <ConversationRow t={t} conv={conv} />
      </hx-upsert>
    </>
  );
}

/** Replaces a row in place (read state changed; its position did not). */
export function RowRefresh({ t, conv }: { t: T; conv: ConversationSummary }) {
  return (
    <hx-partial hx-target={`#conv-${conv.id}`} hx-swap="outerHTML">
      <ConversationRow t={t} conv={conv} />
    </hx-partial>
  );
}

/** Adds or updates a message in its open thread. */
export function MessageUpdate({ t, msg }: { t: T; msg: ThreadMessage }) {
  return (
    <hx-upsert
      hx-target={`#messages-${msg.conversationId}`}
      key="data-seq"
      sort=""
    >
      <MessageBubble t={t} msg={msg} />
    </hx-upsert>
  );
}

/** Removes a conversation from every list (moved away, marked spam, …). */
export function RowRemove({ conversationId }: { conversationId: number }) {
  return (
    <hx-partial hx-target={`#conv-${conversationId}`} hx-swap="delete">
    </hx-partial>
  );
}
