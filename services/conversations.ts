/** Conversation lists, threads and per-user read state. */
import { and, asc, desc, eq, gt, type Placeholder, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { type Conn, type Db, selectJson } from "../db/client.ts";
import {
  contacts,
  conversationReads,
  conversations,
  conversationTags,
  inboxes,
  inboxMembers,
  messages,
  phoneNumbers,
  pins,
  tags,
  users,
} from "../db/schema.ts";
import { requireConversation } from "./access.ts";
import type { Clock } from "./clock.ts";
import { appendEvent } from "./events.ts";
import type { User } from "./users.ts";
import { type ReplyBlock, replyBlock } from "./messages.ts";
import { attachmentsFor, type AttachmentView } from "./attachments.ts";
import { reactionsFor, type ReactionView } from "./reactions.ts";
import { type Tag, tagColor } from "./tags.ts";
import { conversationUnread } from "../db/trigger_tables.ts";

/** Unread counts above this show as "999+": counting stays bounded. */
export const UNREAD_COUNT_CAP = 999;

/** Adds each message's attachments and reactions, a query each for all. */
async function withAttachments<
  M extends {
    id: number;
    attachments?: AttachmentView[];
    reactions?: ReactionView[];
  },
>(
  conn: Conn,
  rows: M[],
): Promise<M[]> {
  const ids = rows.map((r) => r.id);
  const [map, reactions] = await Promise.all([
    attachmentsFor(conn, ids),
    reactionsFor(conn, ids),
  ]);
  for (const r of rows) {
    r.attachments = map.get(r.id) ?? [];
    r.reactions = reactions.get(r.id) ?? [];
  }
  return rows;
}

export type ConversationStatus = "open" | "closed";
/** The list a conversation belongs in: spam ones have a list of their own. */
export function viewOf(c: { status: ConversationStatus; spam: boolean }) {
  return c.spam ? "spam" as const : c.status;
}

export interface ConversationSummary {
  id: number;
  inboxId: number;
  status: ConversationStatus;
  contactId: number;
  contactName: string;
  contactE164: string;
  channel: "sms" | "whatsapp";
  numberE164: string;
  preview: string;
  lastMessageAt: number;
  lastMessageId: number | null;
  assigneeName: string | null;
  unread: boolean;
  /** pinned by the user the summary was read for (F11) */
  pinned: boolean;
  spam: boolean;
  tags: Tag[];
}

export interface InboxSummary {
  id: number;
  name: string;
  kind: "shared" | "personal";
  unreadCount: number;
}

const assignee = alias(users, "assignee");

/**
 * A summary as one JSON object per row, not one column per field: the
 * libSQL client spends about a microsecond on each cell it turns into a JS
 * value, and at 17 cells a row that was most of a list page's query time.
 */
function summaryColumn(userId: number | Placeholder) {
  const c = conversations;
  // a handful per row, through the (conversation_id, tag_id) primary key
  const tagList = sql`(select json_group_array(json_object('id', t.id,
      'inboxId', t.inbox_id, 'name', t.name, 'color', t.color))
    from (select tg.* from ${conversationTags} ct
      join ${tags} tg on tg.id = ct.tag_id
      where ct.conversation_id = ${c.id} order by tg.name) t)`;
  // per user, kept by triggers (db/trigger_tables.ts): the list's filters
  // and the switcher's counts read the same rows, so they always agree
  const unread = sql`exists (select 1 from ${conversationUnread} u
    where u.user_id = ${userId} and u.conversation_id = ${c.id})`;
  const pinned = sql`exists (select 1 from ${pins} p
    where p.user_id = ${userId} and p.conversation_id = ${c.id})`;
  // json(): the tag list nests as an array, never as a quoted string
  return sql<ConversationSummary>`json_object('id', ${c.id},
    'inboxId', ${c.inboxId}, 'status', ${c.status},
    'contactId', ${contacts.id}, 'contactName', ${contacts.name},
    'contactE164', ${contacts.e164}, 'channel', ${phoneNumbers.channel},
    'numberE164', ${phoneNumbers.e164}, 'preview', ${c.preview},
    'lastMessageAt', ${c.lastMessageAt}, 'lastMessageId', ${c.lastMessageId},
    'assigneeName', ${assignee.name}, 'spam', ${c.spam},
    'tags', json(${tagList}), 'unread', ${unread}, 'pinned', ${pinned})`
    .mapWith(parseSummary);
}

/** SQLite's JSON has no booleans: flags come back as 0 or 1. */
type StoredSummary =
  & Omit<ConversationSummary, "unread" | "pinned" | "spam">
  & { unread: number; pinned: number; spam: number };

function parseSummary(v: unknown): ConversationSummary {
  const r = JSON.parse(String(v)) as StoredSummary;
  return {
    ...r,
    unread: r.unread === 1,
    pinned: r.pinned === 1,
    spam: r.spam === 1,
    tags: r.tags.map((t) => ({ ...t, color: tagColor(t.color) })),
  };
}

/**
 * The select behind every list row (one `summary` column);
 * services/conversation_list.ts adds filters.
 */
export function summaryQuery(conn: Conn, userId: number | Placeholder) {
  return conn.select({ summary: summaryColumn(userId) }).from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.numberId))
    .leftJoin(assignee, eq(assignee.id, conversations.assigneeId));
}

/** The summaries out of summaryQuery's rows. */
export function summariesOf(
  rows: { summary: ConversationSummary }[],
): ConversationSummary[] {
  return rows.map((r) => r.summary);
}

/** The inboxes a user belongs to, with their unread counts, by name. */
export async function listInboxes(
  conn: Conn,
  user: User,
): Promise<InboxSummary[]> {
  const rows = await conn.select({
    id: inboxes.id,
    name: inboxes.name,
    kind: inboxes.kind,
    // bounded: above UNREAD_COUNT_CAP the switcher says "999+"
    unreadCount: sql<
      number
    >`(select count(*) from (select 1 from ${conversationUnread} u
      where u.user_id = ${user.id} and u.inbox_id = ${inboxes.id} and u.status = 'open'
      limit ${UNREAD_COUNT_CAP + 1}))`,
  }).from(inboxes).innerJoin(
    inboxMembers,
    and(eq(inboxMembers.inboxId, inboxes.id), eq(inboxMembers.userId, user.id)),
  ).orderBy(asc(inboxes.name));
  return rows;
}

// The list itself (filters, sorts, pins, keyset pages) is
// services/conversation_list.ts.

/** Summaries of the given conversations as this user sees them. */
export async function conversationSummaries(
  conn: Conn,
  userId: number,
  ids: number[],
): Promise<Map<number, ConversationSummary>> {
  if (ids.length === 0) return new Map();
  let query = summaryStatements.get(conn);
  if (!query) summaryStatements.set(conn, query = prepareSummaries(conn));
  const rows = summariesOf(
    await query.all({ userId, ids: JSON.stringify(ids) }),
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Summaries by id as a statement built once per connection: the live
 * stream reads them for every message, and building this statement cost
 * more than running it.
 */
function prepareSummaries(conn: Conn) {
  return summaryQuery(conn, sql.placeholder("userId")).where(
    sql`${conversations.id} IN (SELECT value FROM json_each(${
      sql.placeholder("ids")
    }))`,
  ).prepare();
}
const summaryStatements = new WeakMap<
  Conn,
  ReturnType<typeof prepareSummaries>
>();

export interface ThreadMessage {
  attachments?: AttachmentView[];
  /** emoji reactions, the team's and the customer's (F21) */
  reactions?: ReactionView[];
  id: number;
  conversationId: number;
  direction: "in" | "out";
  body: string;
  status: string;
  error: string | null;
  senderName: string | null;
  createdAt: number;
}

const messageColumns = {
  id: messages.id,
  conversationId: messages.conversationId,
  direction: messages.direction,
  body: messages.body,
  status: messages.status,
  error: messages.error,
  senderName: users.name,
  createdAt: messages.createdAt,
};

/** The newest `limit` messages of a conversation, oldest first. */
export async function listMessages(
  conn: Conn,
  conversationId: number,
  limit = 100,
): Promise<ThreadMessage[]> {
  const rows = await conn.select(messageColumns).from(messages)
    .leftJoin(users, eq(users.id, messages.sentBy))
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.id)).limit(limit);
  return await withAttachments(conn, rows.reverse());
}

/**
 * Messages by id, for rendering events: hand-written, since the live stream
 * reads one per inbound message before any viewer has it, and building the
 * drizzle statements cost more than running them.
 */
export async function messagesById(
  conn: Conn,
  ids: number[],
): Promise<Map<number, ThreadMessage>> {
  if (ids.length === 0) return new Map();
  const [rows, files, reactions] = await Promise.all([
    selectJson<
      [
        number,
        number,
        ThreadMessage["direction"],
        string,
        string,
        string | null,
        string | null,
        number,
      ]
    >(
      conn,
      `SELECT json_group_array(json_array(m.id, m.conversation_id,
          m.direction, m.body, m.status, m.error, u.name, m.created_at))
      FROM messages m LEFT JOIN users u ON u.id = m.sent_by
      WHERE m.id IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(ids)],
    ),
    attachmentsFor(conn, ids),
    reactionsFor(conn, ids),
  ]);
  const out = new Map<number, ThreadMessage>();
  for (const r of rows) {
    const id = r[0];
    out.set(id, {
      id,
      conversationId: r[1],
      direction: r[2],
      body: r[3],
      status: r[4],
      error: r[5],
      senderName: r[6],
      createdAt: r[7],
      attachments: files.get(id) ?? [],
      reactions: reactions.get(id) ?? [],
    });
  }
  return out;
}

export interface Thread {
  conversation: ConversationSummary;
  messages: ThreadMessage[];
  /** why nobody may reply now (opt-out, registration, WhatsApp window) */
  replyBlock?: ReplyBlock | null;
}

/** A conversation with its latest messages, if the user may see it. */
export async function openThread(
  conn: Conn,
  user: User,
  conversationId: number,
  now: number = Date.now(),
): Promise<Thread> {
  await requireConversation(conn, user, conversationId);
  const summaries = await conversationSummaries(conn, user.id, [
    conversationId,
  ]);
  return {
    conversation: summaries.get(conversationId)!,
    messages: await listMessages(conn, conversationId),
    replyBlock: await replyBlock(conn, conversationId, now),
  };
}

/**
 * Marks the conversation read for this user only, up to its last message.
 * Only this user's other tabs hear of it.
 */
export async function markRead(
  db: Db,
  clock: Clock,
  user: User,
  conversationId: number,
): Promise<void> {
  await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, conversationId);
    const upTo = conv.lastMessageId ?? 0;
    const [existing] = await tx.select().from(conversationReads).where(and(
      eq(conversationReads.userId, user.id),
      eq(conversationReads.conversationId, conv.id),
    ));
    if (
      existing && existing.lastReadMessageId >= upTo && !existing.markedUnread
    ) return;
    await tx.insert(conversationReads).values({
      userId: user.id,
      conversationId: conv.id,
      lastReadMessageId: upTo,
      markedUnread: false,
    }).onConflictDoUpdate({
      target: [conversationReads.userId, conversationReads.conversationId],
      set: { lastReadMessageId: upTo, markedUnread: false },
    });
    await appendEvent(tx, clock(), {
      kind: "conversation.read",
      userId: user.id,
      inboxId: conv.inboxId,
      conversationId: conv.id,
    });
  });
}

/**
 * Marks the conversation unread for this user only (F17): it stays unread,
 * whatever they had read, until they open it again. Nobody else's view
 * changes; only this user's other tabs hear of it.
 */
export async function markUnread(
  db: Db,
  clock: Clock,
  user: User,
  conversationId: number,
): Promise<void> {
  await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, conversationId);
    const [existing] = await tx.select().from(conversationReads).where(and(
      eq(conversationReads.userId, user.id),
      eq(conversationReads.conversationId, conv.id),
    ));
    if (existing?.markedUnread) return;
    await tx.insert(conversationReads).values({
      userId: user.id,
      conversationId: conv.id,
      lastReadMessageId: 0,
      markedUnread: true,
    }).onConflictDoUpdate({
      target: [conversationReads.userId, conversationReads.conversationId],
      set: { markedUnread: true },
    });
    await appendEvent(tx, clock(), {
      kind: "conversation.unread",
      userId: user.id,
      inboxId: conv.inboxId,
      conversationId: conv.id,
    });
  });
}

/** Messages of a conversation newer than `afterId` (gap fill). */
export async function messagesAfter(
  conn: Conn,
  conversationId: number,
  afterId: number,
): Promise<ThreadMessage[]> {
  return await conn.select(messageColumns).from(messages)
    .leftJoin(users, eq(users.id, messages.sentBy))
    .where(
      and(
        eq(messages.conversationId, conversationId),
        gt(messages.id, afterId),
      ),
    ).orderBy(asc(messages.id));
}
