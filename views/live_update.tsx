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
import type { Activity } from "../services/activities.ts";
import { ActivityLine } from "./activity_line.tsx";
import { typingNoticeId } from "./typing_notice.tsx";

/**
 * Moves (or adds) a row to its place, sent once: static/app.js's "row" swap
 * puts it where it belongs. Only the default list (newest first, no
 * filter) is kept sorted live; a filtered or re-sorted view and the
 * viewer's pinned list refresh the row where it is, and every other list
 * drops it (it changed status or inbox). `conv.pinned` is the viewer's.
 */
export function RowUpdate({ t, conv }: { t: T; conv: ConversationSummary }) {
  return (
    <hx-partial hx-target="#list-body" hx-swap="row">
      <ConversationRow t={t} conv={conv} live />
    </hx-partial>
  );
}

/**
 * Tells the page its list may be stale (the user's pins changed in another
 * tab): static/app.js reloads the list unless it was read after `eventId`.
 */
export function ListSignal(
  { inboxId, eventId }: { inboxId: number; eventId: number },
) {
  return (
    <hx-partial hx-target="#list-signal" hx-swap="innerHTML">
      <i data-inbox={String(inboxId)} data-event={String(eventId)}></i>
    </hx-partial>
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
      <MessageBubble t={t} msg={msg} live />
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

/** Adds an activity line (assigned, tagged, closed, …) to its open thread. */
export function ActivityUpdate({ t, activity }: { t: T; activity: Activity }) {
  return (
    <hx-upsert
      hx-target={`#messages-${activity.conversationId}`}
      key="data-seq"
      sort=""
    >
      <ActivityLine t={t} activity={activity} />
    </hx-upsert>
  );
}

/**
 * Makes an open thread fetch its head and details panel again. They depend
 * on who is looking (what they may do), so the stream sends the same small
 * loader to everyone and each browser asks for its own; a user who lost
 * the conversation gets the "no longer yours" notice in its place.
 */
export function ThreadReload(
  { conversationId: id }: { conversationId: number },
) {
  const loader = (target: string, url: string) => (
    <hx-partial hx-target={target} hx-swap="beforeend">
      <i
        class="reload"
        hidden
        hx-get={url}
        hx-trigger="load"
        hx-target={target}
        hx-swap="outerHTML"
      >
      </i>
    </hx-partial>
  );
  return (
    <>
      {loader(`#thread-head-${id}`, `/conversations/${id}/head`)}
      {loader(`#panel-details-${id}`, `/conversations/${id}/panel/details`)}
    </>
  );
}

/**
 * "Ana is replying…" in the conversation's open threads, for `ttl` ms
 * (static/app.js clears it then; a newer ping replaces it).
 */
export function TypingUpdate(
  { t, conversationId, userId, name, ttl }: {
    t: T;
    conversationId: number;
    userId: number;
    name: string;
    ttl: number;
  },
) {
  return (
    <hx-partial
      hx-target={`#${typingNoticeId(conversationId)}`}
      hx-swap="innerHTML"
    >
      <span data-user={String(userId)} data-ttl={String(Math.round(ttl))}>
        {t("typing.replying", { name })}
      </span>
    </hx-partial>
  );
}
