/**
 * Legacy history (F6): a number that had conversations in a personal inbox
 * and was then added to a shared inbox keeps those conversations where they
 * were (their inbox_id never changes; nothing is copied). The shared
 * inbox's members read them, read-only, as "history before this inbox":
 * the conversations of the inbox's numbers that live in a personal inbox,
 * with the messages sent or received before the number was added.
 *
 * The inbound rule that goes with it: a message continues a conversation
 * only on the same side of a personal inbox's boundary as the number is
 * now. Conversations moved between shared inboxes (F15) continue as before.
 */
import { and, asc, desc, eq, lt, ne, sql } from "drizzle-orm";
import type { Conn } from "../db/client.ts";
import {
  contacts,
  conversations,
  inboxes,
  messages,
  phoneNumbers,
} from "../db/schema.ts";
import { requireInbox } from "./access.ts";
import {
  attachmentsFor,
  type AttachmentView,
  storedAttachment,
} from "./attachments.ts";
import { NotFound } from "./errors.ts";
import type { User } from "./users.ts";

type ConversationRow = typeof conversations.$inferSelect;

/**
 * Drops the conversations a new inbound message must not continue: those
 * on the other side of a personal inbox's boundary from their number's
 * current inbox. Reads inbox kinds only when some conversation is in
 * another inbox than its number.
 */
export async function withoutLegacy(
  conn: Conn,
  numbers: { id: number; inboxId: number | null }[],
  list: ConversationRow[],
): Promise<ConversationRow[]> {
  const inboxOfNumber = new Map(numbers.map((n) => [n.id, n.inboxId]));
  const elsewhere = list.filter((c) =>
    inboxOfNumber.get(c.numberId) !== c.inboxId
  );
  if (elsewhere.length === 0) return list;
  const personal = new Set(
    (await conn.select({ id: inboxes.id }).from(inboxes).where(
      eq(inboxes.kind, "personal"),
    )).map((r) => r.id),
  );
  return list.filter((c) => {
    const now = inboxOfNumber.get(c.numberId);
    if (now === c.inboxId) return true;
    return !personal.has(c.inboxId) && !(now != null && personal.has(now));
  });
}

/** A conversation of the history view. */
export interface LegacyConversation {
  id: number;
  contactName: string;
  contactE164: string;
  numberE164: string;
  channel: "sms" | "whatsapp";
  /** when the number was added to this inbox: the history ends there */
  addedAt: number;
  lastAt: number;
  count: number;
}

/** Conversations before this (shared) inbox, newest first. */
export async function listLegacyConversations(
  conn: Conn,
  user: User,
  inboxId: number,
): Promise<LegacyConversation[]> {
  const inbox = await requireInbox(conn, user, inboxId);
  if (inbox.kind !== "shared") return [];
  const rows = await conn.select({
    id: conversations.id,
    contactName: contacts.name,
    contactE164: contacts.e164,
    numberE164: phoneNumbers.e164,
    channel: phoneNumbers.channel,
    addedAt: phoneNumbers.addedAt,
    lastAt: sql<number>`max(${messages.createdAt})`,
    count: sql<number>`count(${messages.id})`,
  }).from(conversations)
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.numberId))
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(
      messages,
      and(
        eq(messages.conversationId, conversations.id),
        lt(messages.createdAt, phoneNumbers.addedAt),
      ),
    )
    .where(and(
      eq(phoneNumbers.inboxId, inbox.id),
      ne(conversations.inboxId, inbox.id),
      eq(inboxes.kind, "personal"),
    ))
    .groupBy(conversations.id)
    .orderBy(desc(sql`max(${messages.createdAt})`), desc(conversations.id));
  return rows.map((r) => ({
    ...r,
    lastAt: Number(r.lastAt),
    count: Number(r.count),
  }));
}

export interface LegacyMessage {
  id: number;
  direction: "in" | "out";
  body: string;
  status: string;
  createdAt: number;
  attachments?: AttachmentView[];
}

export interface LegacyThread {
  conversation: LegacyConversation;
  messages: LegacyMessage[];
}

/**
 * One history conversation, read-only, for a member of the shared inbox:
 * NotFound unless it is history of this inbox.
 */
export async function openLegacyThread(
  conn: Conn,
  user: User,
  inboxId: number,
  conversationId: number,
): Promise<LegacyThread> {
  const list = await listLegacyConversations(conn, user, inboxId);
  const conversation = list.find((c) => c.id === conversationId);
  if (!conversation) throw new NotFound("No such conversation");
  const rows = await conn.select({
    id: messages.id,
    direction: messages.direction,
    body: messages.body,
    status: messages.status,
    createdAt: messages.createdAt,
  }).from(messages).where(and(
    eq(messages.conversationId, conversationId),
    lt(messages.createdAt, conversation.addedAt),
  )).orderBy(asc(messages.id));
  const files = await attachmentsFor(conn, rows.map((r) => r.id));
  return {
    conversation,
    messages: rows.map((r) => ({ ...r, attachments: files.get(r.id) ?? [] })),
  };
}

/** A stored file of a history conversation, for a member of the inbox. */
export async function requireLegacyAttachment(
  conn: Conn,
  user: User,
  inboxId: number,
  conversationId: number,
  attachmentId: number,
): Promise<{ storageKey: string; contentType: string }> {
  const thread = await openLegacyThread(conn, user, inboxId, conversationId);
  const shown = thread.messages.some((m) =>
    m.attachments?.some((a) => a.id === attachmentId)
  );
  const file = shown ? await storedAttachment(conn, attachmentId) : null;
  if (!file) throw new NotFound("No such attachment");
  return file;
}
