/**
 * The team side of the live stream (routes/events.tsx): how presence,
 * queue and chat events render for one viewer, and which events become a
 * browser notification for them. What does not depend on the viewer is
 * rendered once per batch and shared, like the rest of the stream.
 */
import { notifyPrefsFor } from "../services/live_counts.ts";
import type { Db } from "../db/client.ts";
import type { T } from "../i18n/translate.ts";
import {
  chatMessagesById,
  type ChatSummary,
  listChats,
} from "../services/chats.ts";
import type {
  ConversationSummary,
  ThreadMessage,
} from "../services/conversations.ts";
import type { Activity } from "../services/activities.ts";
import type { EventBatch } from "../services/event_bus.ts";
import type { StoredEvent } from "../services/events.ts";
import { previewOf } from "../services/messages.ts";
import {
  assigneesOf,
  type InboxNotifyPref,
  mentions,
  wantsNotice,
} from "../services/notifications.ts";
import type { User } from "../services/users.ts";
import { ChatHeadReload } from "../views/chat_head_reload.tsx";
import { ChatLeftUpdate } from "../views/chat_left_update.tsx";
import { ChatMessageUpdate } from "../views/chat_message_update.tsx";
import { ChatRowUpdate } from "../views/chat_row_update.tsx";
import { PresenceUpdate } from "../views/presence_update.tsx";
import { QueueUpdate } from "../views/queue_update.tsx";

const TEAM_KINDS = new Set([
  "presence.changed",
  "queue.changed",
  "chat.message",
  "chat.updated",
  "chat.read",
  "chat.left",
]);

/** Is this one of the events this module renders? */
export function isTeamEvent(e: StoredEvent): boolean {
  return TEAM_KINDS.has(e.kind);
}

// deno-lint-ignore no-explicit-any
type Payload = Record<string, any>;

// parsed once per event, not once per viewer
const payloads = new WeakMap<StoredEvent, Payload>();
function payloadOf(e: StoredEvent): Payload {
  let p = payloads.get(e);
  if (!p) payloads.set(e, p = JSON.parse(e.payload) as Payload);
  return p;
}

/** Is this viewer one of those the batch went to (a Set, built once)? */
export function isBatchViewer(batch: EventBatch, userId: number): boolean {
  return batch.once("viewer-set", () => new Set(batch.userIds)).has(userId);
}

/**
 * Every viewer's notification preferences, one query per batch; `after`
 * holds the query back (routes/events.tsx: until the updates are out).
 */
export function batchNotifyPrefs(
  db: Db,
  batch: EventBatch,
  viewers: number[],
  after: Promise<unknown> = Promise.resolve(),
): Promise<Map<number, Map<number, InboxNotifyPref>>> {
  return batch.once(
    `team:prefs:${viewers.length}`,
    () => after.then(() => notifyPrefsFor(db.orm, viewers)),
  );
}

/** Can this event become a browser notification for anyone? */
export function mayNotify(e: StoredEvent): boolean {
  return e.kind === "message.created" || e.kind === "conversation.updated" ||
    e.kind === "chat.message";
}

/** The batch's chat messages, loaded once for every viewer. */
function batchChatMessages(db: Db, batch: EventBatch) {
  return batch.once("team:chat-messages", () =>
    chatMessagesById(
      db.orm,
      batch.events.filter((e) => e.kind === "chat.message").map((e) =>
        Number(payloadOf(e).chatMessageId)
      ),
    ));
}

/** This viewer's rows of the batch's chats (their unread counts, titles). */
function viewerChats(
  db: Db,
  batch: EventBatch,
  userId: number,
): Promise<Map<number, ChatSummary>> {
  return batch.once(`team:chats:${userId}`, async () => {
    const ids = [
      ...new Set(
        batch.events.flatMap((e) => e.chatId === null ? [] : [e.chatId]),
      ),
    ];
    const rows = await listChats(db.orm, userId, ids);
    return new Map(rows.map((r) => [r.id, r]));
  });
}

/** One team event as htmx partials for this viewer, or null. */
export async function renderTeamEvent(
  db: Db,
  batch: EventBatch,
  t: T,
  user: User,
  e: StoredEvent,
): Promise<string | null> {
  const p = payloadOf(e);
  const shared = (make: () => string) =>
    batch.once(`team:${e.id}:${t.locale}`, make);
  switch (e.kind) {
    case "presence.changed":
      return shared(() =>
        String(
          <PresenceUpdate
            t={t}
            person={{
              id: Number(p.userId),
              status: p.status,
              statusMessage: String(p.statusMessage ?? ""),
            }}
          />,
        )
      );
    case "queue.changed":
      return e.inboxId === null ? null : shared(() =>
        String(
          <QueueUpdate
            t={t}
            inboxId={e.inboxId!}
            userId={Number(p.userId)}
            active={!!p.active}
          />,
        )
      );
    case "chat.message": {
      const msg = (await batchChatMessages(db, batch)).get(
        Number(p.chatMessageId),
      );
      if (!msg) return null;
      const row = (await viewerChats(db, batch, user.id)).get(msg.chatId);
      return String(
        <>
          <ChatMessageUpdate t={t} msg={msg} mine={msg.userId === user.id} />
          {row && <ChatRowUpdate t={t} chat={row} />}
        </>,
      );
    }
    case "chat.read":
    case "chat.updated": {
      const row = (await viewerChats(db, batch, user.id)).get(e.chatId!);
      return String(
        <>
          {e.kind === "chat.updated" && <ChatHeadReload chatId={e.chatId!} />}
          {row && <ChatRowUpdate t={t} chat={row} />}
        </>,
      );
    }
    case "chat.left":
      return String(<ChatLeftUpdate t={t} chatId={e.chatId!} />);
    default:
      return null;
  }
}

/** A browser notification (static/app.js shows it, if allowed). */
export interface Notice {
  title: string;
  body: string;
  /** the page that shows what it is about */
  url: string;
  /** one notification per thing: a second tab's copy replaces the first */
  tag: string;
  sound: boolean;
}

/** A message's text for a notice, or that it brought files. */
function previewOrFiles(
  t: T,
  msg: { body: string; attachments?: unknown[] },
): string {
  if (msg.body) return previewOf(msg.body);
  return msg.attachments?.length ? t("message.attachment") : "";
}

/**
 * What this event tells this viewer by notification, under their
 * preferences for the inbox: new customer messages (all / assigned to them
 * / mentioning them), conversations given to them, and chat messages.
 */
export async function noticeFor(
  db: Db,
  batch: EventBatch,
  t: T,
  user: User,
  e: StoredEvent,
  data: {
    messages: Map<number, ThreadMessage>;
    conversations: Map<number, ConversationSummary>;
    activities?: Map<number, Activity>;
  },
): Promise<Notice | null> {
  const p = payloadOf(e);
  if (p.by === user.id) return null;
  // every viewer's preferences in one query per batch
  const prefs = async () => {
    const viewers = isBatchViewer(batch, user.id) ? batch.userIds : [user.id];
    const all = await batchNotifyPrefs(db, batch, viewers);
    return all.get(user.id) ?? new Map<number, InboxNotifyPref>();
  };
  // the batch's conversations' assignees now, one query for every viewer
  const assignees = () =>
    batch.once("team:assignees", () =>
      assigneesOf(db.orm, [
        ...new Set(
          batch.events.flatMap((x) =>
            x.conversationId ? [x.conversationId] : []
          ),
        ),
      ]));
  if (e.kind === "message.created" && e.conversationId && e.inboxId) {
    const msg = e.messageId ? data.messages.get(e.messageId) : undefined;
    const conv = data.conversations.get(e.conversationId);
    if (!msg || !conv || msg.direction !== "in") return null;
    const pref = (await prefs()).get(e.inboxId);
    if (!pref) return null;
    // only what the viewer's level asks about is worked out
    const about = {
      assignedToViewer: pref.level === "assigned" &&
        (await assignees()).get(conv.id) === user.id,
      mentionsViewer: pref.level === "mentions" &&
        mentions(msg.body, user.name),
    };
    if (!wantsNotice(pref, pref.kind, about)) return null;
    return {
      title: t("live.new_message", {
        name: conv.contactName || conv.contactE164,
      }),
      body: previewOrFiles(t, msg),
      url: `/conversations/${conv.id}`,
      tag: `conv-${conv.id}`,
      sound: pref.sound,
    };
  }
  // given to the viewer: by auto-assignment (in the payload) or by a
  // teammate (an "assigned" audit line, and the viewer is the assignee now)
  const activity = typeof p.activityId === "number"
    ? data.activities?.get(p.activityId)
    : undefined;
  if (
    e.kind === "conversation.updated" && e.conversationId && e.inboxId &&
    (p.assigneeId === user.id ||
      (activity?.kind === "assigned" &&
        (await assignees()).get(e.conversationId) === user.id))
  ) {
    const conv = data.conversations.get(e.conversationId);
    const pref = (await prefs()).get(e.inboxId);
    if (!conv || !pref || (pref.level !== "all" && pref.level !== "assigned")) {
      return null;
    }
    return {
      title: t("notify.assigned"),
      body: conv.contactName || conv.contactE164,
      url: `/conversations/${conv.id}`,
      tag: `conv-${conv.id}`,
      sound: pref.sound,
    };
  }
  if (e.kind === "chat.message" && e.chatId) {
    const msg = (await batchChatMessages(db, batch)).get(
      Number(p.chatMessageId),
    );
    const chat = (await viewerChats(db, batch, user.id)).get(e.chatId);
    if (!msg || !chat) return null;
    const sound = [...(await prefs()).values()].some((x) => x.sound);
    return {
      title: chat.kind === "team"
        ? t("notify.team_chat", { name: msg.senderName, chat: chat.title })
        : t("notify.chat", { name: msg.senderName }),
      body: previewOrFiles(t, msg),
      url: `/chats/${chat.id}`,
      tag: `chat-${chat.id}`,
      sound,
    };
  }
  return null;
}

/** A notice as its own named SSE message (no id: it moves no cursor). */
export function noticeFrame(n: Notice): string {
  return `event: notify\ndata: ${JSON.stringify(n)}\n\n`;
}
