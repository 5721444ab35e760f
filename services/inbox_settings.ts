/**
 * Inbox configuration (F15, F16): assignment mode, whether conversations may
 * be moved out, and who the members are. Admins manage every inbox; a
 * manager manages the inboxes they belong to; agents configure nothing.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Conn, Db } from "../db/client.ts";
import { inboxes, inboxMembers, users } from "../db/schema.ts";
import { requireInbox } from "./access.ts";
import type { Clock } from "./clock.ts";
import { Forbidden, Invalid, NotFound } from "./errors.ts";
import { appendEvents } from "./events.ts";
import { inboxMembersOf } from "./inbox_members.ts";
import type { User } from "./users.ts";

export type Inbox = typeof inboxes.$inferSelect;

/** Can this user manage inboxes at all (before asking which)? */
export function isInboxManager(user: User): boolean {
  return user.role === "admin" || user.role === "manager";
}

/**
 * The inbox, if the user may configure it. Someone who cannot see the inbox
 * gets NotFound; a member without the role gets Forbidden.
 */
export async function requireManagedInbox(
  conn: Conn,
  user: User,
  inboxId: number,
): Promise<Inbox> {
  const [inbox] = await conn.select().from(inboxes).where(
    eq(inboxes.id, inboxId),
  );
  // a personal inbox is its owner's to configure (F5); to anyone else it
  // does not exist unless the owner made them a member, admins included
  if (inbox?.kind === "personal") {
    if (inbox.ownerUserId === user.id) return inbox;
    await requireInbox(conn, user, inboxId);
    throw new Forbidden(
      "Only its owner manages a personal inbox",
      "personal.owner_only",
    );
  }
  if (user.role === "admin") {
    if (!inbox) throw new NotFound("No such inbox");
    return inbox;
  }
  const member = await requireInbox(conn, user, inboxId);
  if (user.role !== "manager") {
    throw new Forbidden(
      "Only a manager of this inbox can change its settings",
      "settings.managers_only",
    );
  }
  return member;
}

export interface InboxSettingsView {
  inbox: Inbox;
  members: { id: number; name: string; role: User["role"] }[];
  /** users who are not members yet, for the "add member" picker */
  others: { id: number; name: string; email: string }[];
}

/** Everything the settings page shows. */
export async function inboxSettings(
  conn: Conn,
  user: User,
  inboxId: number,
): Promise<InboxSettingsView> {
  const inbox = await requireManagedInbox(conn, user, inboxId);
  const members = await inboxMembersOf(conn, inboxId);
  const memberIds = new Set(members.map((m) => m.id));
  const everyone = await conn.select({
    id: users.id,
    name: users.name,
    email: users.email,
  }).from(users).orderBy(users.name);
  return {
    inbox,
    members,
    others: everyone.filter((u) => !memberIds.has(u.id)),
  };
}

export interface SettingsInput {
  assignmentMode: boolean;
  allowMove: boolean;
}

/** Turns assignment mode and "allow moving out" on or off. */
export async function updateInboxSettings(
  db: Db,
  user: User,
  inboxId: number,
  input: SettingsInput,
): Promise<Inbox> {
  return await db.write(async (tx) => {
    const inbox = await requireManagedInbox(tx, user, inboxId);
    // the server enforces both at once; open threads show the new controls
    // when they are next opened
    await tx.update(inboxes).set({
      assignmentMode: input.assignmentMode,
      allowMove: input.allowMove,
    }).where(eq(inboxes.id, inbox.id));
    return { ...inbox, ...input };
  });
}

/** Adds a user to the inbox; their open browsers start receiving it. */
export async function addInboxMember(
  db: Db,
  clock: Clock,
  user: User,
  inboxId: number,
  memberId: number,
): Promise<void> {
  await db.write(async (tx) => {
    const inbox = await requireManagedInbox(tx, user, inboxId);
    const [who] = await tx.select({ id: users.id }).from(users).where(
      eq(users.id, memberId),
    );
    if (!who) throw new Invalid("No such user", "settings.no_such_user");
    const added = await tx.insert(inboxMembers).values({
      inboxId: inbox.id,
      userId: memberId,
    }).onConflictDoNothing().returning({ id: inboxMembers.userId });
    if (added.length === 0) return;
    await appendEvents(tx, clock(), [{
      kind: "access.changed",
      userId: memberId,
      payload: { by: user.id, inboxId: inbox.id },
    }]);
  });
}

/**
 * Removes a user from the inbox: they lose access at once. The last member
 * stays (an inbox nobody can see would strand its conversations).
 */
export async function removeInboxMember(
  db: Db,
  clock: Clock,
  user: User,
  inboxId: number,
  memberId: number,
): Promise<void> {
  await db.write(async (tx) => {
    const inbox = await requireManagedInbox(tx, user, inboxId);
    const [count] = await tx.select({ n: sql<number>`count(*)` }).from(
      inboxMembers,
    ).where(eq(inboxMembers.inboxId, inbox.id));
    const gone = await tx.delete(inboxMembers).where(and(
      eq(inboxMembers.inboxId, inbox.id),
      eq(inboxMembers.userId, memberId),
    )).returning({ id: inboxMembers.userId });
    if (gone.length === 0) return;
    if (inbox.kind === "personal" && memberId === inbox.ownerUserId) {
      throw new Invalid(
        "The owner keeps their personal inbox",
        "personal.owner_stays",
      );
    }
    if ((count?.n ?? 0) <= 1) {
      throw new Invalid(
        "An inbox needs at least one member",
        "settings.last_member",
      );
    }
    await appendEvents(tx, clock(), [{
      kind: "access.changed",
      userId: memberId,
      payload: { by: user.id, inboxId: inbox.id },
    }]);
  });
}
