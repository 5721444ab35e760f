/**
 * The events log: every change a browser must see is appended here, in the
 * same transaction as the change. GET /events replays and streams it.
 */
import { and, asc, eq, gt, inArray, or } from "drizzle-orm";
import { type Conn, execRaw, placeholders, selectJson } from "../db/client.ts";
import { chatMembers, events, inboxMembers } from "../db/schema.ts";

export type EventKind =
  | "message.created"
  | "message.updated"
  | "conversation.updated"
  | "conversation.reopened"
  | "conversation.removed"
  | "conversation.read"
  | "conversation.unread"
  // someone is writing a reply (collision notice); never stored state
  | "conversation.typing"
  | "pins.changed"
  | "access.changed"
  // someone's status changed; everyone in the organisation sees it
  | "presence.changed"
  // someone logged in or out of an inbox's queue (inbox_id)
  | "queue.changed"
  // team side: a chat's message, members, read state (chat_id)
  | "chat.message"
  | "chat.updated"
  | "chat.read"
  | "chat.left"
  | "session.ended"
  // a campaign's status or progress changed (payload: campaignId)
  | "campaign.updated";

export interface NewEvent {
  kind: EventKind;
  inboxId?: number | null;
  chatId?: number | null;
  userId?: number | null;
  conversationId?: number | null;
  messageId?: number | null;
  payload?: Record<string, unknown>;
}

export interface StoredEvent {
  id: number;
  kind: EventKind;
  inboxId: number | null;
  chatId: number | null;
  userId: number | null;
  conversationId: number | null;
  messageId: number | null;
  payload: string;
  createdAt: number;
}

/**
 * Appends events in one statement; returns nothing (ids are the SSE ids).
 * Hand-written SQL: every write appends events, often many at once.
 */
export async function appendEvents(
  tx: Conn,
  now: number,
  list: NewEvent[],
): Promise<void> {
  if (list.length === 0) return;
  const args = list.flatMap((e) => [
    e.kind,
    e.inboxId ?? null,
    e.chatId ?? null,
    e.userId ?? null,
    e.conversationId ?? null,
    e.messageId ?? null,
    JSON.stringify(e.payload ?? {}),
    now,
  ]);
  await execRaw(
    tx,
    `INSERT INTO events (kind, inbox_id, chat_id, user_id, conversation_id,
      message_id, payload, created_at) VALUES ${placeholders(list.length, 8)}`,
    args,
  );
}

/** A message's status or content changed: its thread bubble renders again. */
export function messageUpdated(
  m: { messageId: number; conversationId: number; inboxId: number },
  payload?: Record<string, unknown>,
): NewEvent {
  return {
    kind: "message.updated",
    inboxId: m.inboxId,
    conversationId: m.conversationId,
    messageId: m.messageId,
    ...(payload ? { payload } : {}),
  };
}

/** Appends one event. */
export function appendEvent(tx: Conn, now: number, e: NewEvent) {
  return appendEvents(tx, now, [e]);
}

/** The newest event id (0 when there is none). */
export async function latestEventId(conn: Conn): Promise<number> {
  // every page and stream start asks: hand-written, no query building
  const { rows } = await execRaw(
    conn,
    "select coalesce(max(id), 0) as id from events",
  );
  return Number(rows[0]?.id ?? 0);
}

/** Events after `afterId` in id order, all of them (the bus filters). */
export async function eventsAfter(
  conn: Conn,
  afterId: number,
  limit = 500,
): Promise<StoredEvent[]> {
  // hand-written, and one JSON column (the client's cost grows with a
  // result's columns): every commit of every process is read through here
  const rows = await selectJson<
    [
      number,
      EventKind,
      number | null,
      number | null,
      number | null,
      number | null,
      number | null,
      string,
      number,
    ]
  >(
    conn,
    `SELECT json_group_array(json_array(id, kind, inbox_id, chat_id, user_id,
        conversation_id, message_id, payload, created_at))
      FROM (SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?)`,
    [afterId, limit],
  );
  // in id order (an aggregate's input order is not a promise SQL makes)
  rows.sort((a, b) => a[0] - b[0]);
  return rows.map((r) => ({
    id: r[0],
    kind: r[1],
    inboxId: r[2],
    chatId: r[3],
    userId: r[4],
    conversationId: r[5],
    messageId: r[6],
    payload: r[7],
    createdAt: r[8],
  }));
}

/**
 * Events after `afterId` that this user may see: their inboxes', their
 * chats', their own, and everyone's presence.
 */
export async function eventsVisibleTo(
  conn: Conn,
  userId: number,
  afterId: number,
  limit = 500,
): Promise<StoredEvent[]> {
  const mine = conn.select({ id: inboxMembers.inboxId }).from(inboxMembers)
    .where(eq(inboxMembers.userId, userId));
  const myChats = conn.select({ id: chatMembers.chatId }).from(chatMembers)
    .where(eq(chatMembers.userId, userId));
  return await conn.select().from(events).where(and(
    gt(events.id, afterId),
    or(
      inArray(events.inboxId, mine),
      eq(events.userId, userId),
      inArray(events.chatId, myChats),
      eq(events.kind, "presence.changed"),
    ),
  )).orderBy(asc(events.id)).limit(limit) as StoredEvent[];
}
