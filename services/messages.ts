/** Sending replies (and, with the carriers issue, receiving messages). */
import { and, eq } from "drizzle-orm";
import type { Db, Tx } from "../db/client.ts";
import { conversationReads, conversations, messages } from "../db/schema.ts";
import { requireConversation } from "./access.ts";
import type { Clock } from "./clock.ts";
import { Invalid } from "./errors.ts";
import { appendEvents } from "./events.ts";
import type { User } from "./users.ts";

/** Carriers accept at most 1,600 characters in one message body. */
export const MAX_BODY = 1600;
const PREVIEW_LENGTH = 140;

export function previewOf(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > PREVIEW_LENGTH
    ? flat.slice(0, PREVIEW_LENGTH - 1) + "…"
    : flat;
}

export interface ReplyInput {
  conversationId: number;
  body: string;
  /** the composer's idempotency key; a resubmission returns the first send */
  clientKey?: string;
}

export interface SentReply {
  id: number;
  conversationId: number;
  inboxId: number;
  duplicate: boolean;
}

/**
 * Stores an agent's reply as `queued`, moves the conversation to the top and
 * appends the event, in one transaction. The sender has read up to it.
 */
export async function sendReply(
  db: Db,
  clock: Clock,
  user: User,
  input: ReplyInput,
): Promise<SentReply> {
  const body = input.body.replace(/\r\n/g, "\n").trim();
  if (!body) throw new Invalid("The message is empty", "composer.empty");
  if (body.length > MAX_BODY) {
    throw new Invalid(
      `The message is longer than ${MAX_BODY} characters`,
      "composer.too_long",
    );
  }
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, input.conversationId);
    if (input.clientKey) {
      const [dup] = await tx.select({ id: messages.id }).from(messages).where(
        and(
          eq(messages.sentBy, user.id),
          eq(messages.clientKey, input.clientKey),
        ),
      );
      if (dup) {
        return {
          id: dup.id,
          conversationId: conv.id,
          inboxId: conv.inboxId,
          duplicate: true,
        };
      }
    }
    const now = clock();
    const id = await insertOutbound(tx, now, {
      conversationId: conv.id,
      inboxId: conv.inboxId,
      body,
      sentBy: user.id,
      clientKey: input.clientKey ?? null,
    });
    return {
      id,
      conversationId: conv.id,
      inboxId: conv.inboxId,
      duplicate: false,
    };
  });
}

interface OutboundRow {
  conversationId: number;
  inboxId: number;
  body: string;
  sentBy: number | null;
  clientKey: string | null;
}

/** Inserts a queued outbound message and its bookkeeping; returns its id. */
export async function insertOutbound(
  tx: Tx,
  now: number,
  row: OutboundRow,
): Promise<number> {
  const [msg] = await tx.insert(messages).values({
    conversationId: row.conversationId,
    direction: "out",
    body: row.body,
    status: "queued",
    sentBy: row.sentBy,
    clientKey: row.clientKey,
    createdAt: now,
  }).returning({ id: messages.id });
  await tx.update(conversations).set({
    lastMessageAt: now,
    lastMessageId: msg.id,
    preview: previewOf(row.body),
  }).where(eq(conversations.id, row.conversationId));
  if (row.sentBy !== null) {
    await tx.insert(conversationReads).values({
      userId: row.sentBy,
      conversationId: row.conversationId,
      lastReadMessageId: msg.id,
    }).onConflictDoUpdate({
      target: [conversationReads.userId, conversationReads.conversationId],
      set: { lastReadMessageId: msg.id, markedUnread: false },
    });
  }
  await appendEvents(tx, now, [{
    kind: "message.created",
    inboxId: row.inboxId,
    conversationId: row.conversationId,
    messageId: msg.id,
    payload: { by: row.sentBy },
  }]);
  return msg.id;
}
