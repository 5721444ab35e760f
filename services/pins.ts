/**
 * Pinned conversations (F11): per user, in the order that user chose. They
 * head that user's open list and nobody else's. Every change tells only the
 * user's own other tabs (a user-scoped event).
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client.ts";
import { conversations, pins } from "../db/schema.ts";
import { requireConversation, requireInbox } from "./access.ts";
import type { Clock } from "./clock.ts";
import { Invalid } from "./errors.ts";
import { appendEvent } from "./events.ts";
import type { User } from "./users.ts";

/** More pins than this stop being a short list on top. */
export const MAX_PINS = 50;

export interface PinResult {
  conversationId: number;
  inboxId: number;
  changed: boolean;
}

function announce(tx: Tx, now: number, user: User, inboxId: number) {
  return appendEvent(tx, now, {
    kind: "pins.changed",
    userId: user.id,
    inboxId,
  });
}

/** Pins the conversation for this user, below their other pins. */
export async function pinConversation(
  db: Db,
  clock: Clock,
  user: User,
  conversationId: number,
): Promise<PinResult> {
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, conversationId);
    const result = { conversationId: conv.id, inboxId: conv.inboxId };
    const [row] = await tx.select({
      mine: sql<number>`sum(${pins.conversationId} = ${conv.id})`,
      n: sql<number>`count(*)`,
      last: sql<number>`coalesce(max(${pins.position}), 0)`,
    }).from(pins).where(eq(pins.userId, user.id));
    if (Number(row?.mine ?? 0) > 0) return { ...result, changed: false };
    if (Number(row?.n ?? 0) >= MAX_PINS) {
      throw new Invalid(
        `At most ${MAX_PINS} pinned conversations`,
        "pins.too_many",
      );
    }
    await tx.insert(pins).values({
      userId: user.id,
      conversationId: conv.id,
      position: Number(row?.last ?? 0) + 1,
    });
    await announce(tx, clock(), user, conv.inboxId);
    return { ...result, changed: true };
  });
}

/** Unpins the conversation for this user. */
export async function unpinConversation(
  db: Db,
  clock: Clock,
  user: User,
  conversationId: number,
): Promise<PinResult> {
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, conversationId);
    const gone = await tx.delete(pins).where(and(
      eq(pins.userId, user.id),
      eq(pins.conversationId, conv.id),
    )).returning({ id: pins.conversationId });
    if (gone.length > 0) await announce(tx, clock(), user, conv.inboxId);
    return {
      conversationId: conv.id,
      inboxId: conv.inboxId,
      changed: gone.length > 0,
    };
  });
}

/** The user's pins in one inbox whose conversation is open, in their order. */
async function openPins(tx: Tx, userId: number, inboxId: number) {
  return await tx.select({
    conversationId: pins.conversationId,
    position: pins.position,
  }).from(pins).innerJoin(
    conversations,
    eq(conversations.id, pins.conversationId),
  ).where(and(
    eq(pins.userId, userId),
    eq(conversations.inboxId, inboxId),
    eq(conversations.status, "open"),
  )).orderBy(asc(pins.position), asc(pins.conversationId));
}

/**
 * Gives `order` (conversation ids) the positions those pins hold now, in
 * that order; pins not named keep theirs.
 */
async function applyOrder(
  tx: Tx,
  userId: number,
  current: { conversationId: number; position: number }[],
  order: number[],
) {
  const slots = current.filter((p) => order.includes(p.conversationId))
    .map((p) => p.position).sort((a, b) => a - b);
  // equal positions (never written by us, but cheap to survive) spread out
  for (let i = 1; i < slots.length; i++) {
    if (slots[i] <= slots[i - 1]) slots[i] = slots[i - 1] + 1;
  }
  for (let i = 0; i < order.length; i++) {
    await tx.update(pins).set({ position: slots[i] }).where(and(
      eq(pins.userId, userId),
      eq(pins.conversationId, order[i]),
    ));
  }
}

/** Moves a pinned conversation one place up or down among the inbox's pins. */
export async function movePin(
  db: Db,
  clock: Clock,
  user: User,
  conversationId: number,
  direction: "up" | "down",
): Promise<PinResult> {
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, conversationId);
    const list = await openPins(tx, user.id, conv.inboxId);
    const i = list.findIndex((p) => p.conversationId === conv.id);
    if (i < 0) throw new Invalid("It is not pinned", "pins.not_pinned");
    const j = direction === "up" ? i - 1 : i + 1;
    const result = { conversationId: conv.id, inboxId: conv.inboxId };
    if (j < 0 || j >= list.length) return { ...result, changed: false };
    const order = list.map((p) => p.conversationId);
    [order[i], order[j]] = [order[j], order[i]];
    await applyOrder(tx, user.id, list, order);
    await announce(tx, clock(), user, conv.inboxId);
    return { ...result, changed: true };
  });
}

/**
 * Puts the user's pinned conversations of one inbox in the given order
 * (drag and drop sends the whole list). Every id must be one of their pins
 * there.
 */
export async function reorderPins(
  db: Db,
  clock: Clock,
  user: User,
  inboxId: number,
  order: number[],
): Promise<void> {
  await db.write(async (tx) => {
    await requireInbox(tx, user, inboxId);
    if (new Set(order).size !== order.length) {
      throw new Invalid("The order names a pin twice", "pins.bad_order");
    }
    const list = await openPins(tx, user.id, inboxId);
    const known = new Set(list.map((p) => p.conversationId));
    if (order.length === 0 || order.some((id) => !known.has(id))) {
      throw new Invalid(
        "The order names a conversation that is not pinned here",
        "pins.bad_order",
      );
    }
    await applyOrder(tx, user.id, list, order);
    await announce(tx, clock(), user, inboxId);
  });
}
