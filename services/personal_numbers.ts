/**
 * Personal texting numbers (F5). An admin gives a user a number: it goes to
 * that user's personal inbox (kind "personal", owner_user_id), created on
 * first use with the owner as its only member. Nobody else sees a personal
 * inbox, admins included, unless the owner adds them as members.
 *
 * Moving a number between inboxes changes phone_numbers.inbox_id and its
 * added_at; conversations keep their inbox_id. So a number that leaves a
 * personal inbox for a shared one leaves its earlier conversations behind,
 * where the shared inbox's members read them as history (legacy_history.ts),
 * and new inbound messages start conversations in the shared inbox.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Conn, Db } from "../db/client.ts";
import { inboxes, inboxMembers, phoneNumbers, users } from "../db/schema.ts";
import type { Clock } from "./clock.ts";
import { Forbidden, Invalid, NotFound } from "./errors.ts";
import { appendEvents } from "./events.ts";
import type { User } from "./users.ts";

/** Numbers and inboxes are the organisation's: admins manage them. */
export function requireAdmin(user: User): void {
  if (user.role !== "admin") {
    throw new Forbidden("Only an admin manages numbers", "admin.only");
  }
}

export interface NumberPlacement {
  id: number;
  e164: string;
  channel: "sms" | "whatsapp";
  label: string;
  inboxId: number | null;
  inboxName: string | null;
  inboxKind: "shared" | "personal" | null;
  /** the owner of the personal inbox it is in */
  ownerId: number | null;
  ownerName: string | null;
  addedAt: number;
}

export interface NumbersOverview {
  numbers: NumberPlacement[];
  /** shared inboxes a number may be added to */
  sharedInboxes: { id: number; name: string }[];
  /** people who may be given a personal number */
  people: { id: number; name: string; email: string }[];
}

const owner = users;

/** Every number and where it is (admins). */
export async function numbersOverview(
  conn: Conn,
  user: User,
): Promise<NumbersOverview> {
  requireAdmin(user);
  const [numbers, sharedInboxes, people] = await Promise.all([
    conn.select({
      id: phoneNumbers.id,
      e164: phoneNumbers.e164,
      channel: phoneNumbers.channel,
      label: phoneNumbers.label,
      inboxId: phoneNumbers.inboxId,
      // a personal inbox's name is its owner's: shown as theirs, not read
      inboxName: inboxes.name,
      inboxKind: inboxes.kind,
      ownerId: owner.id,
      ownerName: owner.name,
      addedAt: phoneNumbers.addedAt,
    }).from(phoneNumbers)
      .leftJoin(inboxes, eq(inboxes.id, phoneNumbers.inboxId))
      .leftJoin(owner, eq(owner.id, inboxes.ownerUserId))
      .orderBy(asc(phoneNumbers.e164)),
    conn.select({ id: inboxes.id, name: inboxes.name }).from(inboxes)
      .where(eq(inboxes.kind, "shared")).orderBy(asc(inboxes.name)),
    conn.select({ id: users.id, name: users.name, email: users.email })
      .from(users).orderBy(asc(users.name)),
  ]);
  return { numbers, sharedInboxes, people };
}

async function requireNumber(conn: Conn, numberId: number) {
  const [n] = await conn.select().from(phoneNumbers).where(
    eq(phoneNumbers.id, numberId),
  );
  if (!n) throw new NotFound("No such number");
  return n;
}

/**
 * Makes the number `userId`'s personal number: into their personal inbox,
 * made on first use. Returns that inbox's id.
 */
export async function assignPersonalNumber(
  db: Db,
  clock: Clock,
  admin: User,
  numberId: number,
  userId: number,
): Promise<number> {
  requireAdmin(admin);
  return await db.write(async (tx) => {
    const number = await requireNumber(tx, numberId);
    const [person] = await tx.select({ id: users.id, name: users.name })
      .from(users).where(eq(users.id, userId));
    if (!person) throw new Invalid("No such user", "settings.no_such_user");
    const now = clock();
    let [inbox] = await tx.select({ id: inboxes.id }).from(inboxes).where(
      and(eq(inboxes.kind, "personal"), eq(inboxes.ownerUserId, person.id)),
    ).orderBy(asc(inboxes.id)).limit(1);
    if (!inbox) {
      [inbox] = await tx.insert(inboxes).values({
        name: person.name,
        kind: "personal",
        ownerUserId: person.id,
        createdAt: now,
      }).returning({ id: inboxes.id });
      await tx.insert(inboxMembers).values({
        inboxId: inbox.id,
        userId: person.id,
      });
    }
    if (number.inboxId === inbox.id) return inbox.id;
    await tx.update(phoneNumbers).set({ inboxId: inbox.id, addedAt: now })
      .where(eq(phoneNumbers.id, number.id));
    // the owner's open pages start following their (new) inbox
    await appendEvents(tx, now, [{
      kind: "access.changed",
      userId: person.id,
      payload: { by: admin.id, inboxId: inbox.id },
    }]);
    return inbox.id;
  });
}

/**
 * Adds the number to a shared inbox. Its earlier conversations stay where
 * they are: in a personal inbox they become that inbox's legacy history.
 */
export async function addNumberToInbox(
  db: Db,
  clock: Clock,
  admin: User,
  numberId: number,
  inboxId: number,
): Promise<void> {
  requireAdmin(admin);
  await db.write(async (tx) => {
    const number = await requireNumber(tx, numberId);
    const [inbox] = await tx.select().from(inboxes).where(
      eq(inboxes.id, inboxId),
    );
    if (!inbox || inbox.kind !== "shared") {
      throw new Invalid("Pick a shared inbox", "numbers.shared_only");
    }
    if (number.inboxId === inbox.id) return;
    await tx.update(phoneNumbers).set({ inboxId: inbox.id, addedAt: clock() })
      .where(eq(phoneNumbers.id, number.id));
  });
}

/** A number of one of the user's personal inboxes (the channel selector). */
export interface ChannelNumber {
  id: number;
  inboxId: number;
  e164: string;
  label: string;
  channel: "sms" | "whatsapp";
}

/** The numbers of the personal inboxes the user belongs to. */
export async function personalNumbersOf(
  conn: Conn,
  user: User,
  inboxIds: number[],
): Promise<ChannelNumber[]> {
  if (inboxIds.length === 0) return [];
  return await conn.select({
    id: phoneNumbers.id,
    inboxId: inboxes.id,
    e164: phoneNumbers.e164,
    label: phoneNumbers.label,
    channel: phoneNumbers.channel,
  }).from(phoneNumbers)
    .innerJoin(inboxes, eq(inboxes.id, phoneNumbers.inboxId))
    .innerJoin(
      inboxMembers,
      and(
        eq(inboxMembers.inboxId, inboxes.id),
        eq(inboxMembers.userId, user.id),
      ),
    ).where(and(
      eq(inboxes.kind, "personal"),
      inArray(inboxes.id, inboxIds),
    )).orderBy(asc(phoneNumbers.e164));
}

/** The personal inboxes the user owns, with their numbers and members. */
export async function ownedPersonalInboxes(conn: Conn, user: User) {
  const owned = await conn.select({ id: inboxes.id, name: inboxes.name })
    .from(inboxes).where(and(
      eq(inboxes.kind, "personal"),
      eq(inboxes.ownerUserId, user.id),
    )).orderBy(asc(inboxes.id));
  const ids = owned.map((i) => i.id);
  const numbers = await personalNumbersOf(conn, user, ids);
  const members = ids.length
    ? await conn.select({
      inboxId: inboxMembers.inboxId,
      id: users.id,
      name: users.name,
    }).from(inboxMembers).innerJoin(users, eq(users.id, inboxMembers.userId))
      .where(inArray(inboxMembers.inboxId, ids)).orderBy(asc(users.name))
    : [];
  return owned.map((i) => ({
    ...i,
    numbers: numbers.filter((n) => n.inboxId === i.id),
    members: members.filter((m) => m.inboxId === i.id && m.id !== user.id),
  }));
}
