/**
 * Collision detection on send: a reply written while a teammate answered
 * the same customer asks its author first. The composer carries the newest
 * message id its author had seen; a newer reply by someone else is a 409.
 */
import { and, eq, gt, isNotNull, ne } from "drizzle-orm";
import type { Conn } from "../db/client.ts";
import { messages, users } from "../db/schema.ts";
import { DomainError } from "./errors.ts";

/** Someone else replied since the sender opened the thread. */
export class ReplyCollision extends DomainError {
  constructor(readonly names: string[], readonly lastId: number) {
    super(
      `${names.join(", ")} replied since you opened this conversation`,
      409,
      "composer.collision",
    );
  }
}

/** Names of teammates who replied after `lastSeenId`, and the newest id. */
export async function repliesSince(
  conn: Conn,
  conversationId: number,
  userId: number,
  lastSeenId: number,
): Promise<{ names: string[]; lastId: number }> {
  const rows = await conn.select({ id: messages.id, name: users.name })
    .from(messages).innerJoin(users, eq(users.id, messages.sentBy))
    .where(and(
      eq(messages.conversationId, conversationId),
      gt(messages.id, lastSeenId),
      eq(messages.direction, "out"),
      isNotNull(messages.sentBy),
      ne(messages.sentBy, userId),
    )).orderBy(messages.id);
  return {
    names: [...new Set(rows.map((r) => r.name))],
    lastId: rows.length ? rows[rows.length - 1].id : lastSeenId,
  };
}
