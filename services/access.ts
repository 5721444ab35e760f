/**
 * Who may see what. Every service that takes an id from a user goes through
 * here; an inbox or conversation the user does not belong to is NotFound.
 */
import { and, eq } from "drizzle-orm";
import type { Conn } from "../db/client.ts";
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
  const [row] = await conn.select({ inbox: inboxes }).from(inboxes)
    .innerJoin(
      inboxMembers,
      and(
        eq(inboxMembers.inboxId, inboxes.id),
        eq(inboxMembers.userId, user.id),
      ),
    ).where(eq(inboxes.id, inboxId));
  if (!row) throw new NotFound("No such inbox");
  return row.inbox;
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
