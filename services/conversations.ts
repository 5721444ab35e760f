/** Conversation lists, threads and per-user read state. */
import { and, asc, desc, eq, gt, inArray, lt, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Conn, Db } from "../db/client.ts";
import {
  contacts,
  conversationReads,
  conversations,
  inboxes,
  inboxMembers,
  messages,
  phoneNumbers,
  users,
} from "../db/schema.ts";
import { requireConversation } from "./access.ts";
import type { Clock } from "./clock.ts";
import { appendEvent } from "./events.ts";
import type { User } from "./users.ts";

export type ConversationStatus = "open" | "closed";

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
}

export interface InboxSummary {
  id: number;
  name: string;
  kind: "shared" | "personal";
  unreadCount: number;
}

const assignee = alias(users, "assignee");

function summaryColumns(userId: number) {
  return {
    id: conversations.id,
    inboxId: conversations.inboxId,
    status: conversations.status,
    contactId: contacts.id,
    contactName: contacts.name,
    contactE164: contacts.e164,
    channel: phoneNumbers.channel,
    numberE164: phoneNumbers.e164,
    preview: conversations.preview,
    lastMessageAt: conversations.lastMessageAt,
    lastMessageId: conversations.lastMessageId,
    assigneeName: assignee.name,
    unread: sql<number>`(coalesce(${conversationReads.markedUnread}, 0) = 1
      or coalesce(${conversations.lastMessageId}, 0) > coalesce(${conversationReads.lastReadMessageId}, 0))`
      .mapWith((v: unknown) => Number(v) === 1),
    _user: sql<number>`${userId}`,
  };
}

function summaryQuery(conn: Conn, userId: number) {
  return conn.select(summaryColumns(userId)).from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.numberId))
    .leftJoin(assignee, eq(assignee.id, conversations.assigneeId))
    .leftJoin(
      conversationReads,
      and(
        eq(conversationReads.conversationId, conversations.id),
        eq(conversationReads.userId, userId),
      ),
    );
}

function strip(
  rows: (ConversationSummary & { _user: number })[],
): ConversationSummary[] {
  return rows.map(({ _user: _, ...r }) => r);
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
    unreadCount: sql<number>`(select count(*) from ${conversations} c
      left join ${conversationReads} r on r.conversation_id = c.id and r.user_id = ${user.id}
      where c.inbox_id = ${inboxes.id} and c.status = 'open'
        and (coalesce(r.marked_unread, 0) = 1
          or coalesce(c.last_message_id, 0) > coalesce(r.last_read_message_id, 0)))`,
  }).from(inboxes).innerJoin(
    inboxMembers,
    and(eq(inboxMembers.inboxId, inboxes.id), eq(inboxMembers.userId, user.id)),
  ).orderBy(asc(inboxes.name));
  return rows;
}

export interface ListCursor {
  lastMessageAt: number;
  id: number;
}

export interface ListOptions {
  inboxId: number;
  status: ConversationStatus;
  /** keyset paging: rows strictly older than this one */
  before?: ListCursor;
  limit?: number;
}

/**
 * One page of an inbox's conversations, newest activity first. The caller
 * has checked membership (requireInbox). Keyset paging keeps deep pages as
 * fast as the first.
 */
export async function listConversations(
  conn: Conn,
  user: User,
  opts: ListOptions,
): Promise<{ rows: ConversationSummary[]; next: ListCursor | null }> {
  const limit = opts.limit ?? 50;
  const where = [
    eq(conversations.inboxId, opts.inboxId),
    eq(conversations.status, opts.status),
  ];
  if (opts.before) {
    where.push(
      or(
        lt(conversations.lastMessageAt, opts.before.lastMessageAt),
        and(
          eq(conversations.lastMessageAt, opts.before.lastMessageAt),
          lt(conversations.id, opts.before.id),
        ),
      )!,
    );
  }
  const rows = strip(
    await summaryQuery(conn, user.id).where(and(...where)).orderBy(
      desc(conversations.lastMessageAt),
      desc(conversations.id),
    ).limit(limit + 1),
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    rows: page,
    next: more && last
      ? { lastMessageAt: last.lastMessageAt, id: last.id }
      : null,
  };
}

/** Summaries of the given conversations as this user sees them. */
export async function conversationSummaries(
  conn: Conn,
  userId: number,
  ids: number[],
): Promise<Map<number, ConversationSummary>> {
  if (ids.length === 0) return new Map();
  const rows = strip(
    await summaryQuery(conn, userId).where(inArray(conversations.id, ids)),
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export interface ThreadMessage {
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
  return rows.reverse();
}

/** Messages by id, for rendering events. */
export async function messagesById(
  conn: Conn,
  ids: number[],
): Promise<Map<number, ThreadMessage>> {
  if (ids.length === 0) return new Map();
  const rows = await conn.select(messageColumns).from(messages)
    .leftJoin(users, eq(users.id, messages.sentBy))
    .where(inArray(messages.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

export interface Thread {
  conversation: ConversationSummary;
  messages: ThreadMessage[];
}

/** A conversation with its latest messages, if the user may see it. */
export async function openThread(
  conn: Conn,
  user: User,
  conversationId: number,
): Promise<Thread> {
  await requireConversation(conn, user, conversationId);
  const summaries = await conversationSummaries(conn, user.id, [
    conversationId,
  ]);
  return {
    conversation: summaries.get(conversationId)!,
    messages: await listMessages(conn, conversationId),
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
