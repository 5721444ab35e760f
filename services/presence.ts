/**
 * Agent presence and queues (F26): each user's status (available, away,
 * busy, offline) with a short message, and whether they are logged into
 * each inbox's queue. Changes are events, so teammates' pages follow them
 * live; becoming available or joining a queue picks up conversations that
 * wait for auto-assignment.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Conn, Db, Tx } from "../db/client.ts";
import { inboxes, inboxMembers, users } from "../db/schema.ts";
import { requireInbox } from "./access.ts";
import { assignWaiting } from "./auto_assignment.ts";
import type { Clock } from "./clock.ts";
import { Invalid } from "./errors.ts";
import { appendEvent } from "./events.ts";
import type { User } from "./users.ts";

export type PresenceStatus = User["status"];
export const STATUSES: readonly PresenceStatus[] = [
  "available",
  "away",
  "busy",
  "offline",
];
export const MAX_STATUS_MESSAGE = 80;

/** What teammates see of someone. */
export interface Presence {
  id: number;
  name: string;
  status: PresenceStatus;
  statusMessage: string;
}

/** Records the change and tells everyone's open pages. */
async function writeStatus(
  tx: Tx,
  now: number,
  userId: number,
  status: PresenceStatus,
  statusMessage: string,
) {
  await tx.update(users).set({ status, statusMessage }).where(
    eq(users.id, userId),
  );
  await appendEvent(tx, now, {
    kind: "presence.changed",
    payload: { userId, status, statusMessage },
  });
}

/** Sets the user's own status and message. */
export async function setStatus(
  db: Db,
  clock: Clock,
  user: User,
  input: { status: PresenceStatus; message: string },
): Promise<Presence> {
  const message = input.message.replace(/\s+/g, " ").trim();
  if (message.length > MAX_STATUS_MESSAGE) {
    throw new Invalid("The status message is too long", "presence.too_long");
  }
  return await db.write(async (tx) => {
    const now = clock();
    await writeStatus(tx, now, user.id, input.status, message);
    if (input.status === "available") {
      await assignWaiting(tx, now, { userId: user.id });
    }
    return {
      id: user.id,
      name: user.name,
      status: input.status,
      statusMessage: message,
    };
  });
}

/** Logging out of the app: offline, keeping the message (auth.ts logout). */
export async function markOffline(
  tx: Tx,
  now: number,
  userId: number,
): Promise<void> {
  const [row] = await tx.select({
    status: users.status,
    statusMessage: users.statusMessage,
  }).from(users).where(eq(users.id, userId));
  if (!row || row.status === "offline") return;
  await writeStatus(tx, now, userId, "offline", row.statusMessage);
}

/** Logs the user into (or out of) one inbox's queue. */
export async function setQueue(
  db: Db,
  clock: Clock,
  user: User,
  inboxId: number,
  active: boolean,
): Promise<void> {
  await db.write(async (tx) => {
    await requireInbox(tx, user, inboxId);
    const changed = await tx.update(inboxMembers).set({ queueActive: active })
      .where(and(
        eq(inboxMembers.inboxId, inboxId),
        eq(inboxMembers.userId, user.id),
        eq(inboxMembers.queueActive, !active),
      )).returning({ id: inboxMembers.userId });
    if (changed.length === 0) return;
    const now = clock();
    await appendEvent(tx, now, {
      kind: "queue.changed",
      inboxId,
      payload: { userId: user.id, active },
    });
    if (active) await assignWaiting(tx, now, { inboxIds: [inboxId] });
  });
}

/** One of the user's inboxes, and whether they are in its queue. */
export interface QueueState {
  inboxId: number;
  name: string;
  kind: "shared" | "personal";
  active: boolean;
}

/** The user's queues, by inbox name. */
export async function queuesOf(conn: Conn, user: User): Promise<QueueState[]> {
  return await conn.select({
    inboxId: inboxes.id,
    name: inboxes.name,
    kind: inboxes.kind,
    active: inboxMembers.queueActive,
  }).from(inboxMembers).innerJoin(
    inboxes,
    eq(inboxes.id, inboxMembers.inboxId),
  ).where(eq(inboxMembers.userId, user.id)).orderBy(asc(inboxes.name));
}

/** An inbox member as the team list shows them. */
export interface Teammate extends Presence {
  queueActive: boolean;
}

/** Members of an inbox the user belongs to, with presence and queue. */
export async function inboxTeam(
  conn: Conn,
  user: User,
  inboxId: number,
): Promise<Teammate[]> {
  await requireInbox(conn, user, inboxId);
  return await teammatesOf(conn, inboxId);
}

/**
 * Members of an inbox, with presence and queue, for a caller that has
 * checked the user belongs to it (inboxTeam checks first).
 */
export async function teammatesOf(
  conn: Conn,
  inboxId: number,
): Promise<Teammate[]> {
  return await conn.select({
    id: users.id,
    name: users.name,
    status: users.status,
    statusMessage: users.statusMessage,
    queueActive: inboxMembers.queueActive,
  }).from(inboxMembers).innerJoin(users, eq(users.id, inboxMembers.userId))
    .where(eq(inboxMembers.inboxId, inboxId))
    .orderBy(
      // available first, then by name
      sql`case ${users.status} when 'available' then 0 when 'busy' then 1
        when 'away' then 2 else 3 end`,
      asc(users.name),
    );
}

/** Everyone in the organisation but the user, for the people list. */
export async function people(conn: Conn, user: User): Promise<Presence[]> {
  const rows = await conn.select({
    id: users.id,
    name: users.name,
    status: users.status,
    statusMessage: users.statusMessage,
  }).from(users).orderBy(asc(users.name));
  return rows.filter((r) => r.id !== user.id);
}
