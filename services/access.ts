/**
 * Who may see what. Every service that takes an id from a user goes through
 * here; an inbox or conversation the user does not belong to is NotFound.
 */
import { and, eq } from "drizzle-orm";
import { type Conn, execRaw } from "../db/client.ts";
import { conversations, inboxes, inboxMembers } from "../db/schema.ts";
import { NotFound } from "./errors.ts";
import type { User } from "./users.ts";

export type Inbox = typeof inboxes.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;

/** The inbox, if the user is a member of it. */
export async function requireInbox(
  conn: Conn,
  user: User,
  inboxId: number,
): Promise<Inbox> {
  // every list read checks this first: hand-written, no query building
  const { rows: [row] } = await execRaw(
    conn,
    `select i.id, i.name, i.kind, i.owner_user_id, i.assignment_mode,
        i.allow_move, i.help_text, i.created_at
      from inboxes i join inbox_members m
        on m.inbox_id = i.id and m.user_id = ?
      where i.id = ?`,
    [user.id, inboxId],
  );
  if (!row) throw new NotFound("No such inbox");
  return {
    id: Number(row.id),
    name: String(row.name),
    kind: row.kind as Inbox["kind"],
    ownerUserId: row.owner_user_id === null ? null : Number(row.owner_user_id),
    assignmentMode: Number(row.assignment_mode) !== 0,
    allowMove: Number(row.allow_move) !== 0,
    helpText: String(row.help_text),
    createdAt: Number(row.created_at),
  };
}

/** The conversation, if the user is a member of its inbox. */
export async function requireConversation(
  conn: Conn,
  user: User,
  conversationId: number,
): Promise<ConversationRow> {
  const [row] = await conn.select({ conv: conversations }).from(conversations)
    .innerJoin(
      inboxMembers,
      and(
        eq(inboxMembers.inboxId, conversations.inboxId),
        eq(inboxMembers.userId, user.id),
      ),
    ).where(eq(conversations.id, conversationId));
  if (!row) throw new NotFound("No such conversation");
  return row.conv;
}

/** Ids of the inboxes the user belongs to. */
export async function memberInboxIds(
  conn: Conn,
  userId: number,
): Promise<Set<number>> {
  const rows = await conn.select({ id: inboxMembers.inboxId }).from(
    inboxMembers,
  ).where(eq(inboxMembers.userId, userId));
  return new Set(rows.map((r) => r.id));
}
