/**
 * Starting a conversation (F1): with a known contact or a typed number,
 * from one of the numbers of the inboxes the user belongs to. A contact who
 * already has an open conversation on that number gets the message there
 * instead of a second conversation.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Conn, Db } from "../db/client.ts";
import {
  contacts,
  conversations,
  inboxes,
  inboxMembers,
  phoneNumbers,
} from "../db/schema.ts";
import type { Clock } from "./clock.ts";
import { Invalid, NotFound } from "./errors.ts";
import { insertOutbound, MAX_BODY, replyBlock, sendReply } from "./messages.ts";
import { contactIdsMatching, contactSearch } from "./search.ts";
import type { User } from "./users.ts";

const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * A typed number as E.164, or null. Ten digits are a US/Canada national
 * number (NANP) and get +1; anything else must already be E.164. Spaces,
 * dots, dashes and brackets are formatting and are dropped.
 */
export function normalizeNumber(input: string): string | null {
  const s = input.trim().replace(/[\s().\-]/g, "");
  if (/^\d{10}$/.test(s)) return `+1${s}`;
  if (/^1\d{10}$/.test(s)) return `+${s}`;
  return E164.test(s) ? s : null;
}

export interface SendingNumber {
  id: number;
  e164: string;
  label: string;
  channel: "sms" | "whatsapp";
  inboxId: number;
  inboxName: string;
}

/** The numbers this user may start a conversation from, by inbox. */
export async function sendingNumbers(
  conn: Conn,
  user: User,
): Promise<SendingNumber[]> {
  const rows = await conn.select({
    id: phoneNumbers.id,
    e164: phoneNumbers.e164,
    label: phoneNumbers.label,
    channel: phoneNumbers.channel,
    inboxId: inboxes.id,
    inboxName: inboxes.name,
  }).from(phoneNumbers)
    .innerJoin(inboxes, eq(inboxes.id, phoneNumbers.inboxId))
    .innerJoin(
      inboxMembers,
      and(
        eq(inboxMembers.inboxId, inboxes.id),
        eq(inboxMembers.userId, user.id),
      ),
    ).orderBy(asc(inboxes.name), asc(phoneNumbers.e164));
  return rows;
}

export interface ContactChoice {
  id: number;
  name: string;
  e164: string;
}

/** Contacts whose name or number matches, for the recipient picker. */
export async function findContacts(
  conn: Conn,
  q: string,
  limit = 8,
): Promise<ContactChoice[]> {
  const ids = contactIdsMatching(contactSearch(q));
  if (!ids) return [];
  return await conn.select({
    id: contacts.id,
    name: contacts.name,
    e164: contacts.e164,
  }).from(contacts).where(sql`${contacts.id} in (${ids})`).orderBy(
    sql`${contacts.name} = ''`,
    asc(contacts.name),
    asc(contacts.e164),
  ).limit(limit);
}

export interface StartInput {
  /** the sending number (phone_numbers.id) */
  numberId: number;
  /** a contact picked from the search … */
  contactId?: number;
  /** … or a typed number */
  to?: string;
  body: string;
  clientKey?: string;
}

export interface StartResult {
  conversationId: number;
  inboxId: number;
  messageId: number;
  /** false when an open conversation with the contact on that number got it */
  created: boolean;
}

/**
 * Starts a conversation and sends its first message. The conversation and
 * the message (with its outbox job and event) commit together or not at
 * all: a refused send leaves no empty conversation behind.
 */
export async function startConversation(
  db: Db,
  clock: Clock,
  user: User,
  input: StartInput,
): Promise<StartResult> {
  const body = input.body.replace(/\r\n?/g, "\n").trim();
  if (!body) throw new Invalid("The message is empty", "composer.empty");
  if (body.length > MAX_BODY) {
    throw new Invalid(
      `The message is longer than ${MAX_BODY} characters`,
      "composer.too_long",
    );
  }
  let e164: string | null = null;
  if (input.contactId === undefined) {
    e164 = normalizeNumber(input.to ?? "");
    if (!e164) {
      throw new Invalid(
        "Type a full number: +country code and number, or 10 digits for the US and Canada",
        "new.bad_number",
      );
    }
  }
  const outcome = await db.write(async (tx) => {
    const [number] = await tx.select({
      id: phoneNumbers.id,
      inboxId: phoneNumbers.inboxId,
    }).from(phoneNumbers).innerJoin(
      inboxMembers,
      and(
        eq(inboxMembers.inboxId, phoneNumbers.inboxId),
        eq(inboxMembers.userId, user.id),
      ),
    ).where(eq(phoneNumbers.id, input.numberId));
    if (!number?.inboxId) throw new NotFound("No such number");
    const now = clock();

    let contactId = input.contactId;
    if (contactId !== undefined) {
      const [known] = await tx.select({ id: contacts.id }).from(contacts)
        .where(eq(contacts.id, contactId));
      if (!known) throw new Invalid("No such contact", "new.no_contact");
    } else {
      // an unknown number becomes a contact without a name ("unknown number")
      await tx.insert(contacts).values({
        e164: e164!,
        name: "",
        createdAt: now,
      })
        .onConflictDoNothing();
      const [row] = await tx.select({ id: contacts.id }).from(contacts).where(
        eq(contacts.e164, e164!),
      );
      contactId = row.id;
    }

    const [open] = await tx.select({ id: conversations.id }).from(
      conversations,
    ).where(and(
      eq(conversations.contactId, contactId),
      eq(conversations.numberId, number.id),
      // not one the number left behind in another inbox (legacy history)
      eq(conversations.inboxId, number.inboxId),
      eq(conversations.status, "open"),
    )).orderBy(desc(conversations.id)).limit(1);
    if (open) return { reuse: open.id, started: null };

    const [conv] = await tx.insert(conversations).values({
      inboxId: number.inboxId,
      contactId,
      numberId: number.id,
      status: "open",
      openedAt: now,
      lastMessageAt: now,
    }).returning({ id: conversations.id, inboxId: conversations.inboxId });
    // opted out, unregistered 10DLC, WhatsApp outside its window: the
    // throw rolls the new conversation back with everything else
    const block = await replyBlock(tx, conv.id, now);
    if (block) throw new Invalid(`Cannot send: ${block}`, block);
    const messageId = await insertOutbound(tx, now, {
      conversationId: conv.id,
      inboxId: conv.inboxId,
      body,
      sentBy: user.id,
      clientKey: input.clientKey ?? null,
    });
    const started: StartResult = {
      conversationId: conv.id,
      inboxId: conv.inboxId,
      messageId,
      created: true,
    };
    return { reuse: 0, started };
  });
  if (outcome.started) return outcome.started;
  // the open conversation gets the message, through the reply path and its checks
  const sent = await sendReply(db, clock, user, {
    conversationId: outcome.reuse,
    body,
    clientKey: input.clientKey,
  });
  return {
    conversationId: sent.conversationId,
    inboxId: sent.inboxId,
    messageId: sent.id,
    created: false,
  };
}

/** Contacts by id (the picker's choice, re-shown after a refused submit). */
export async function contactsById(
  conn: Conn,
  ids: number[],
): Promise<ContactChoice[]> {
  if (ids.length === 0) return [];
  return await conn.select({
    id: contacts.id,
    name: contacts.name,
    e164: contacts.e164,
  }).from(contacts).where(inArray(contacts.id, ids));
}
