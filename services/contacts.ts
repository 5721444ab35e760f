/**
 * Contacts (F9, F13, F14, F29): shared by the whole organisation; what a
 * user sees of their conversations is limited to the inboxes they belong to.
 * Favourites are per user. Manual opt-outs share the `opt_outs` table with
 * the STOP keyword (C4), per number of ours.
 */
import { and, asc, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { Conn, Db } from "../db/client.ts";
import {
  contactFavourites,
  contacts,
  conversations,
  inboxes,
  inboxMembers,
  optOuts,
  phoneNumbers,
} from "../db/schema.ts";
import { requireConversation } from "./access.ts";
import type { Clock } from "./clock.ts";
import { type ActionResult, recordChange } from "./conversation_actions.ts";
import { Invalid, NotFound } from "./errors.ts";
import { appendEvents } from "./events.ts";
import type { User } from "./users.ts";

export type Contact = typeof contacts.$inferSelect;

export interface ContactListItem {
  id: number;
  name: string;
  e164: string;
  company: string;
  spam: boolean;
  favourite: boolean;
}

/**
 * A phone number as E.164: a 10-digit US/CA national number gains +1,
 * spaces, dots, dashes and brackets are dropped; anything else must
 * already be E.164. Null when it is not a phone number.
 */
export function normalizePhone(input: string): string | null {
  const compact = input.trim().replace(/[\s().-]/g, "");
  if (/^\d{10}$/.test(compact)) return `+1${compact}`;
  if (/^1\d{10}$/.test(compact)) return `+${compact}`;
  if (/^\+[1-9]\d{6,14}$/.test(compact)) return compact;
  return null;
}

/**
 * The "start a meeting" link (F27) from MEETING_URL_TEMPLATE: `{room}`
 * becomes a fresh, hard-to-guess room name for `subject` each time.
 */
export function meetingUrlFor(
  template: string | undefined,
  subject: string,
): string | undefined {
  if (!template) return undefined;
  const room = `${subject}-${crypto.randomUUID().slice(0, 8)}`;
  return template.replaceAll("{room}", encodeURIComponent(room));
}

/** `"…"`-quoted for FTS5: the user's text is a phrase, never syntax. */
function ftsPhrase(q: string): string {
  return `"${q.replaceAll('"', '""')}"`;
}

function likePrefix(q: string): string {
  return `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface ContactQuery {
  q?: string;
  favouritesOnly?: boolean;
  limit?: number;
}

/** Contacts by name (unnamed ones last), optionally searched or favourites. */
export async function listContacts(
  conn: Conn,
  user: User,
  query: ContactQuery = {},
): Promise<ContactListItem[]> {
  const q = (query.q ?? "").trim();
  const where = [];
  if (q) {
    // "(555) 123-0001" searches as 5551230001
    const digits = q.replace(/[\s().-]/g, "");
    const terms = new Set([q, /^\+?\d+$/.test(digits) ? digits : q]);
    where.push(
      or(
        ...[...terms].map((term) =>
          // the trigram index needs three characters; shorter is a prefix
          term.length >= 3
            ? sql`${contacts.id} in (select rowid from contacts_fts where contacts_fts match ${
              ftsPhrase(term)
            })`
            : or(
              sql`${contacts.name} like ${likePrefix(term)} escape '\\'`,
              sql`${contacts.e164} like ${"%" + likePrefix(term)} escape '\\'`,
            )
        ),
      )!,
    );
  }
  if (query.favouritesOnly) {
    where.push(sql`${contactFavourites.userId} is not null`);
  }
  const rows = await conn.select({
    id: contacts.id,
    name: contacts.name,
    e164: contacts.e164,
    company: contacts.company,
    spam: contacts.spam,
    favourite: sql<number>`${contactFavourites.userId} is not null`.mapWith(
      (v: unknown) => Number(v) === 1,
    ),
  }).from(contacts).leftJoin(
    contactFavourites,
    and(
      eq(contactFavourites.contactId, contacts.id),
      eq(contactFavourites.userId, user.id),
    ),
  ).where(where.length ? and(...where) : undefined).orderBy(
    sql`${contacts.name} = ''`,
    asc(sql`${contacts.name} collate nocase`),
    asc(contacts.e164),
  ).limit(query.limit ?? 100);
  return rows as ContactListItem[];
}

export interface ContactNumberState {
  numberId: number;
  e164: string;
  channel: "sms" | "whatsapp";
  inboxName: string;
  /** when the contact opted out of this number, and how */
  optedOut: { at: number; source: "keyword" | "manual" } | null;
}

export interface ContactHistoryItem {
  id: number;
  inboxId: number;
  inboxName: string;
  status: "open" | "closed";
  spam: boolean;
  channel: "sms" | "whatsapp";
  numberE164: string;
  preview: string;
  openedAt: number;
  lastMessageAt: number;
}

export interface ContactDetails {
  contact: Contact;
  favourite: boolean;
  /** in any inbox: their number is then fixed */
  hasConversations: boolean;
  /** our numbers in the user's inboxes, with this contact's opt-out state */
  numbers: ContactNumberState[];
  /** their conversations in the inboxes the user belongs to, newest first */
  history: ContactHistoryItem[];
}

async function requireContact(conn: Conn, id: number): Promise<Contact> {
  const [row] = await conn.select().from(contacts).where(eq(contacts.id, id));
  if (!row) throw new NotFound("No such contact");
  return row;
}

function myInboxes(conn: Conn, user: User) {
  return conn.select({ id: inboxMembers.inboxId }).from(inboxMembers).where(
    eq(inboxMembers.userId, user.id),
  );
}

/** A contact with their numbers' opt-out state and their history. */
export async function contactDetails(
  conn: Conn,
  user: User,
  contactId: number,
): Promise<ContactDetails> {
  const contact = await requireContact(conn, contactId);
  const [fav, numbers, history, [anyConv]] = await Promise.all([
    conn.select({ id: contactFavourites.contactId }).from(contactFavourites)
      .where(and(
        eq(contactFavourites.userId, user.id),
        eq(contactFavourites.contactId, contactId),
      )),
    conn.select({
      numberId: phoneNumbers.id,
      e164: phoneNumbers.e164,
      channel: phoneNumbers.channel,
      inboxName: inboxes.name,
      optedOutAt: optOuts.at,
      source: optOuts.source,
    }).from(phoneNumbers).innerJoin(
      inboxes,
      eq(inboxes.id, phoneNumbers.inboxId),
    ).leftJoin(
      optOuts,
      and(
        eq(optOuts.numberId, phoneNumbers.id),
        eq(optOuts.contactId, contactId),
      ),
    ).where(inArray(phoneNumbers.inboxId, myInboxes(conn, user))).orderBy(
      inboxes.name,
      phoneNumbers.e164,
    ),
    conn.select({
      id: conversations.id,
      inboxId: conversations.inboxId,
      inboxName: inboxes.name,
      status: conversations.status,
      spam: conversations.spam,
      channel: phoneNumbers.channel,
      numberE164: phoneNumbers.e164,
      preview: conversations.preview,
      openedAt: conversations.openedAt,
      lastMessageAt: conversations.lastMessageAt,
    }).from(conversations)
      .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
      .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.numberId))
      .where(and(
        eq(conversations.contactId, contactId),
        inArray(conversations.inboxId, myInboxes(conn, user)),
      )).orderBy(desc(conversations.lastMessageAt)).limit(50),
    conn.select({ id: conversations.id }).from(conversations).where(
      eq(conversations.contactId, contactId),
    ).limit(1),
  ]);
  return {
    contact,
    favourite: fav.length > 0,
    hasConversations: !!anyConv,
    numbers: numbers.map(({ optedOutAt, source, ...n }) => ({
      ...n,
      optedOut: optedOutAt !== null && source !== null
        ? { at: optedOutAt, source }
        : null,
    })),
    history,
  };
}

export interface ContactFields {
  name: string;
  e164: string;
  email: string;
  company: string;
  notes: string;
}

function cleanFields(input: ContactFields): ContactFields {
  const e164 = normalizePhone(input.e164);
  if (!e164) {
    throw new Invalid(
      "The number must be a 10-digit US/CA number or in E.164 (+…)",
      "contacts.bad_number",
    );
  }
  const email = input.email.trim();
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new Invalid("That email address is not valid", "contacts.bad_email");
  }
  return {
    name: input.name.replace(/\s+/g, " ").trim(),
    e164,
    email,
    company: input.company.trim(),
    notes: input.notes.replace(/\r\n/g, "\n").trim(),
  };
}

async function numberTaken(conn: Conn, e164: string, exceptId = 0) {
  const [row] = await conn.select({ id: contacts.id }).from(contacts).where(
    eq(contacts.e164, e164),
  );
  return !!row && row.id !== exceptId;
}

/** Adds a contact; a number belongs to one contact only. */
export async function createContact(
  db: Db,
  clock: Clock,
  _user: User,
  input: ContactFields,
): Promise<Contact> {
  const fields = cleanFields(input);
  return await db.write(async (tx) => {
    if (await numberTaken(tx, fields.e164)) {
      throw new Invalid(
        "Another contact already has that number",
        "contacts.duplicate",
      );
    }
    const [row] = await tx.insert(contacts).values({
      ...fields,
      createdAt: clock(),
    }).returning();
    return row;
  });
}

/**
 * Edits a contact. The number can change only while the contact has no
 * conversation: their threads were exchanged with the old number. Every
 * open list shows the new name at once.
 */
export async function updateContact(
  db: Db,
  clock: Clock,
  user: User,
  contactId: number,
  input: ContactFields,
): Promise<Contact> {
  const fields = cleanFields(input);
  return await db.write(async (tx) => {
    const contact = await requireContact(tx, contactId);
    const convs = await tx.select({
      id: conversations.id,
      inboxId: conversations.inboxId,
    }).from(conversations).where(eq(conversations.contactId, contactId));
    if (fields.e164 !== contact.e164) {
      if (convs.length > 0) {
        throw new Invalid(
          "The number of a contact with conversations cannot change",
          "contacts.number_locked",
        );
      }
      if (await numberTaken(tx, fields.e164, contactId)) {
        throw new Invalid(
          "Another contact already has that number",
          "contacts.duplicate",
        );
      }
    }
    await tx.update(contacts).set(fields).where(eq(contacts.id, contactId));
    if (fields.name !== contact.name) {
      await appendEvents(
        tx,
        clock(),
        convs.map((c) => ({
          kind: "conversation.updated" as const,
          inboxId: c.inboxId,
          conversationId: c.id,
          payload: { by: user.id },
        })),
      );
    }
    return { ...contact, ...fields };
  });
}

/** Adds the contact to, or removes it from, this user's favourites. */
export async function setFavourite(
  db: Db,
  clock: Clock,
  user: User,
  contactId: number,
  favourite: boolean,
): Promise<void> {
  await db.write(async (tx) => {
    await requireContact(tx, contactId);
    if (favourite) {
      await tx.insert(contactFavourites).values({
        userId: user.id,
        contactId,
        createdAt: clock(),
      }).onConflictDoNothing();
    } else {
      await tx.delete(contactFavourites).where(and(
        eq(contactFavourites.userId, user.id),
        eq(contactFavourites.contactId, contactId),
      ));
    }
  });
}

export interface OptOutInput {
  contactId: number;
  numberId: number;
  optedOut: boolean;
}

/**
 * Opts the contact out of (or back in to) one of our numbers by hand. Only
 * numbers of the user's inboxes. Each of their conversations on that number
 * gets an activity line; nothing is sent to the contact.
 */
export async function setOptOut(
  db: Db,
  clock: Clock,
  user: User,
  input: OptOutInput,
): Promise<{ changed: boolean }> {
  return await db.write(async (tx) => {
    const contact = await requireContact(tx, input.contactId);
    const [number] = await tx.select({
      id: phoneNumbers.id,
      e164: phoneNumbers.e164,
    }).from(phoneNumbers).where(and(
      eq(phoneNumbers.id, input.numberId),
      inArray(phoneNumbers.inboxId, myInboxes(tx, user)),
    ));
    if (!number) throw new NotFound("No such number");
    const now = clock();
    let changed: boolean;
    if (input.optedOut) {
      changed = (await tx.insert(optOuts).values({
        contactId: contact.id,
        numberId: number.id,
        source: "manual",
        at: now,
      }).onConflictDoNothing().returning({ at: optOuts.at })).length > 0;
    } else {
      changed = (await tx.delete(optOuts).where(and(
        eq(optOuts.contactId, contact.id),
        eq(optOuts.numberId, number.id),
      )).returning({ at: optOuts.at })).length > 0;
    }
    if (!changed) return { changed };
    const convs = await tx.select({
      id: conversations.id,
      inboxId: conversations.inboxId,
    }).from(conversations).where(and(
      eq(conversations.contactId, contact.id),
      eq(conversations.numberId, number.id),
    ));
    for (const conv of convs) {
      await recordChange(
        tx,
        now,
        user,
        conv,
        input.optedOut ? "opted_out" : "opted_in",
        { number: number.e164, contact: contact.name || contact.e164 },
      );
    }
    return { changed };
  });
}

export type LinkInput =
  & { conversationId: number }
  & ({ contactId: number } | { newContact: ContactFields });

/**
 * Links the conversation to a different contact, or to a new one (F29).
 * Replies then go to that contact's number.
 */
export async function linkContact(
  db: Db,
  clock: Clock,
  user: User,
  input: LinkInput,
): Promise<ActionResult> {
  const fields = "newContact" in input ? cleanFields(input.newContact) : null;
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, input.conversationId);
    const now = clock();
    let contact: Contact;
    if (fields) {
      if (await numberTaken(tx, fields.e164)) {
        throw new Invalid(
          "Another contact already has that number",
          "contacts.duplicate",
        );
      }
      [contact] = await tx.insert(contacts).values({
        ...fields,
        createdAt: now,
      })
        .returning();
    } else {
      contact = await requireContact(
        tx,
        (input as { contactId: number }).contactId,
      );
    }
    if (contact.id === conv.contactId) {
      return {
        conversationId: conv.id,
        inboxId: conv.inboxId,
        changed: false,
        activityId: null,
      };
    }
    await tx.update(conversations).set({ contactId: contact.id }).where(
      eq(conversations.id, conv.id),
    );
    return await recordChange(tx, now, user, conv, "contact_linked", {
      contact: contact.name || contact.e164,
    });
  });
}
