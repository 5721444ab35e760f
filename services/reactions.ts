/**
 * Emoji reactions on customers' messages (F21). An agent's reaction is kept
 * for the team; on WhatsApp it also goes to the customer as a real
 * reaction through the outbox (the business is one sender there, so it has
 * one reaction per message: the newest agent's). On SMS it stays internal.
 * The customer's own reactions — WhatsApp `reaction` messages and iPhone /
 * Android "Liked “…”" tapbacks — land on the message they refer to.
 */
import { scheduleJobNow } from "./jobs.ts";
import { and, desc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { InboundMessage } from "../carriers/types.ts";
import { type Conn, type Db, selectJson, type Tx } from "../db/client.ts";
import { messages, phoneNumbers, reactions } from "../db/schema.ts";
import { requireConversation } from "./access.ts";
import type { Clock } from "./clock.ts";
import { Invalid, NotFound } from "./errors.ts";
import { appendEvents, messageUpdated, type NewEvent } from "./events.ts";
import { toPlainText } from "./formatting.ts";
import { replyBlock } from "./messages.ts";
import type { User } from "./users.ts";

/** The reactions on one message with one emoji. */
export interface ReactionView {
  emoji: string;
  count: number;
  /** agents' names; the customer is not named */
  names: string[];
  /** the customer reacted with it */
  customer: boolean;
}

/** The quick choices under a customer's message. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

/** One emoji (a grapheme with a pictograph in it), nothing else. */
export function isEmoji(s: string): boolean {
  if (s.length === 0 || s.length > 16) return false;
  const graphemes = [...new Intl.Segmenter("en", { granularity: "grapheme" })
    .segment(s)];
  return graphemes.length === 1 &&
    /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(s);
}

/** Reactions of these messages, grouped by message id (one query). */
export async function reactionsFor(
  conn: Conn,
  messageIds: number[],
): Promise<Map<number, ReactionView[]>> {
  const out = new Map<number, ReactionView[]>();
  if (messageIds.length === 0) return out;
  // hand-written, one JSON column: the live stream asks for every message
  // it shows
  const rows = await selectJson<
    [number, number, string, number | null, string | null]
  >(
    conn,
    `SELECT json_group_array(json_array(r.id, r.message_id, r.emoji,
        r.user_id, u.name))
    FROM reactions r LEFT JOIN users u ON u.id = r.user_id
    WHERE r.message_id IN (SELECT value FROM json_each(?)) AND r.emoji <> ''`,
    [JSON.stringify(messageIds)],
  );
  rows.sort((a, b) => a[0] - b[0]);
  for (const [, messageId, emoji, userId, name] of rows) {
    const list = out.get(messageId) ?? [];
    let v = list.find((x) => x.emoji === emoji);
    if (!v) {
      v = { emoji, count: 0, names: [], customer: false };
      list.push(v);
    }
    v.count++;
    if (userId === null) v.customer = true;
    else if (name) v.names.push(name);
    out.set(messageId, list);
  }
  return out;
}

export interface ToggleResult {
  messageId: number;
  conversationId: number;
  /** true when the reaction is now on, false when it was taken off */
  on: boolean;
  /** the reaction goes to the customer too (WhatsApp) */
  sent: boolean;
}

/**
 * Puts the user's reaction on a customer's message, or takes it off when it
 * is there already. On WhatsApp it replaces the business's reaction and a
 * job sends the new state (the last one wins when several are queued).
 */
export async function toggleReaction(
  db: Db,
  clock: Clock,
  user: User,
  messageId: number,
  emoji: string,
): Promise<ToggleResult> {
  return await db.write(async (tx) => {
    const [msg] = await tx.select({
      id: messages.id,
      conversationId: messages.conversationId,
      direction: messages.direction,
      providerId: messages.providerId,
    }).from(messages).where(eq(messages.id, messageId));
    if (!msg) throw new NotFound("No such message");
    const conv = await requireConversation(tx, user, msg.conversationId);
    if (!isEmoji(emoji)) {
      throw new Invalid("Not an emoji", "reaction.not_emoji");
    }
    if (msg.direction !== "in") {
      throw new Invalid(
        "Only customers' messages take reactions",
        "reaction.only_customer",
      );
    }
    const [number] = await tx.select({
      channel: phoneNumbers.channel,
      provider: phoneNumbers.provider,
    }).from(phoneNumbers).where(eq(phoneNumbers.id, conv.numberId));
    const whatsapp = number?.channel === "whatsapp";
    const now = clock();
    if (whatsapp) {
      const block = await replyBlock(tx, conv.id, now);
      if (block) throw new Invalid("The reaction cannot be sent now", block);
    }
    const [mine] = await tx.select({ id: reactions.id }).from(reactions).where(
      and(
        eq(reactions.messageId, msg.id),
        eq(reactions.userId, user.id),
        eq(reactions.emoji, emoji),
      ),
    );
    if (mine && whatsapp) {
      // kept as an empty tombstone: the removal we send to WhatsApp gets
      // recorded on it, so its delivery report finds it
      await tx.delete(reactions).where(and(
        eq(reactions.messageId, msg.id),
        eq(reactions.userId, user.id),
        eq(reactions.emoji, ""),
      ));
      await tx.update(reactions).set({ emoji: "", createdAt: now })
        .where(eq(reactions.id, mine.id));
    } else if (mine) {
      await tx.delete(reactions).where(eq(reactions.id, mine.id));
    } else {
      if (whatsapp) {
        // one reaction per sender on WhatsApp: this one replaces the team's
        await tx.delete(reactions).where(and(
          eq(reactions.messageId, msg.id),
          isNotNull(reactions.userId),
        ));
      }
      await tx.insert(reactions).values({
        messageId: msg.id,
        userId: user.id,
        emoji,
        createdAt: now,
      });
    }
    // without the customer's message id WhatsApp has nothing to attach it to
    // (the Cloud API sends reactions; WhatsApp through Twilio does not)
    const sent = whatsapp && number.provider === "whatsapp" &&
      msg.providerId !== null;
    if (sent) {
      await scheduleJobNow(tx, now, {
        kind: "react",
        refId: msg.id,
        numberId: conv.numberId,
      });
    }
    await appendEvents(tx, now, [
      messageUpdated({
        inboxId: conv.inboxId,
        conversationId: conv.id,
        messageId: msg.id,
      }, { by: user.id }),
    ]);
    return {
      messageId: msg.id,
      conversationId: conv.id,
      on: !mine,
      sent,
    };
  });
}

/**
 * The business's current reaction on a message ("" for none): the newest
 * agent's row, which is an empty tombstone after a removal.
 */
export async function businessReaction(
  conn: Conn,
  messageId: number,
): Promise<{ id: number | null; emoji: string }> {
  const [row] = await conn.select({ id: reactions.id, emoji: reactions.emoji })
    .from(reactions).where(and(
      eq(reactions.messageId, messageId),
      isNotNull(reactions.userId),
    )).orderBy(desc(reactions.createdAt), desc(reactions.id)).limit(1);
  return row ?? { id: null, emoji: "" };
}

// ---- the customer's reactions ----

/** Tapback verbs → emoji (iOS and Google Messages, English and Spanish). */
const TAPBACK_VERBS: [RegExp, string][] = [
  [/^(Liked|Le gustó)$/i, "👍"],
  [/^(Loved|Le encantó)$/i, "❤️"],
  [/^(Disliked|No le gustó)$/i, "👎"],
  [/^(Laughed at|Se rió de|Le dio risa)$/i, "😂"],
  [/^(Emphasized|Emphasised|Enfatizó|Destacó)$/i, "‼️"],
  [/^(Questioned|Preguntó por|Cuestionó)$/i, "❓"],
];
const TAPBACK_REMOVED: [RegExp, string][] = [
  [/^Removed a like from$/i, "👍"],
  [/^Removed a heart from$/i, "❤️"],
  [/^Removed a dislike from$/i, "👎"],
  [/^Removed a laugh from$/i, "😂"],
  [/^Removed an exclamation from$/i, "‼️"],
  [/^Removed a question mark from$/i, "❓"],
];
const QUOTED = /^(.{2,40}?) [“"]([\s\S]+)[”"]$/u;
const REACTED = /^(Reacted|Reaccionó con) (\S+) (to|a) [“"]([\s\S]+)[”"]$/u;
const REMOVED_EMOJI = /^Removed (\S+) from [“"]([\s\S]+)[”"]$/u;

export interface Tapback {
  emoji: string;
  /** the text of the message reacted to, as the phone quoted it */
  quoted: string;
  removed: boolean;
}

/** An SMS tapback ("Liked “See you at 5”"), or null for a real message. */
export function parseTapback(body: string): Tapback | null {
  const s = body.trim();
  const reacted = REACTED.exec(s);
  if (reacted && isEmoji(reacted[2])) {
    return { emoji: reacted[2], quoted: reacted[4], removed: false };
  }
  const removedEmoji = REMOVED_EMOJI.exec(s);
  if (removedEmoji && isEmoji(removedEmoji[1])) {
    return { emoji: removedEmoji[1], quoted: removedEmoji[2], removed: true };
  }
  const m = QUOTED.exec(s);
  if (!m) return null;
  for (const [verb, emoji] of TAPBACK_VERBS) {
    if (verb.test(m[1])) return { emoji, quoted: m[2], removed: false };
  }
  for (const [verb, emoji] of TAPBACK_REMOVED) {
    if (verb.test(m[1])) return { emoji, quoted: m[2], removed: true };
  }
  return null;
}

const flat = (s: string) => s.replace(/\s+/g, " ").trim();

/** Does a phone's quote (maybe cut with "…") refer to this body? */
export function quoteMatches(quoted: string, body: string): boolean {
  const q = flat(quoted);
  if (!q) return false;
  const cut = /(…|\.\.\.)$/.exec(q);
  const head = cut && q.length > cut[0].length + 3
    ? q.slice(0, -cut[0].length).trimEnd()
    : null;
  // as we stored it, or as SMS carried it (formatting removed)
  return [flat(body), flat(toPlainText(body))].some((b) =>
    b !== "" && (b === q || (head !== null && b.startsWith(head)))
  );
}

/** A customer's reaction to store, once its target is known. */
export interface InboundReaction {
  targetMessageId: number;
  conversationId: number;
  inboxId: number;
  /** "" takes the customer's reaction off */
  emoji: string;
  /** for a tapback removal: only this emoji is taken off */
  removes?: string;
  providerId: string;
  sentAt: number;
}

/** The message a WhatsApp reaction points at (by its wamid). */
export async function findByProviderId(
  tx: Tx,
  provider: string,
  providerId: string,
): Promise<{ id: number; conversationId: number } | null> {
  const [row] = await tx.select({
    id: messages.id,
    conversationId: messages.conversationId,
  }).from(messages).where(and(
    eq(messages.provider, provider),
    eq(messages.providerId, providerId),
  ));
  return row ?? null;
}

/** The recent message of a conversation a tapback quotes, newest first. */
export async function findQuoted(
  tx: Tx,
  conversationId: number,
  quoted: string,
): Promise<number | null> {
  const recent = await tx.select({ id: messages.id, body: messages.body })
    .from(messages).where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.id)).limit(50);
  return recent.find((m) => quoteMatches(quoted, m.body))?.id ?? null;
}

/**
 * Stores customers' reactions: one per message (a newer one replaces it;
 * one older than what we have, delivered late, is ignored). Returns the
 * events that re-render the messages.
 */
export async function applyCustomerReactions(
  tx: Tx,
  list: InboundReaction[],
): Promise<NewEvent[]> {
  const events: NewEvent[] = [];
  for (const r of list) {
    const [current] = await tx.select({
      id: reactions.id,
      emoji: reactions.emoji,
      createdAt: reactions.createdAt,
    }).from(reactions).where(and(
      eq(reactions.messageId, r.targetMessageId),
      isNull(reactions.userId),
    )).orderBy(desc(reactions.id)).limit(1);
    if (current && current.createdAt > r.sentAt) continue;
    let emoji = r.emoji;
    if (r.removes !== undefined) {
      if (!current || current.emoji !== r.removes) continue;
      emoji = "";
    }
    if (current) {
      // "" is kept as a tombstone: a late older reaction cannot come back
      await tx.update(reactions).set({
        emoji,
        providerId: r.providerId,
        createdAt: r.sentAt,
      }).where(eq(reactions.id, current.id));
    } else {
      await tx.insert(reactions).values({
        messageId: r.targetMessageId,
        userId: null,
        emoji,
        providerId: r.providerId,
        createdAt: r.sentAt,
      });
    }
    events.push(
      messageUpdated({ ...r, messageId: r.targetMessageId }, {
        by: null,
        reaction: true,
      }),
    );
  }
  return events;
}

/** Could this inbound message be a reaction rather than a message? */
export function mayBeReaction(m: InboundMessage): boolean {
  return !!m.reaction ||
    (m.channel === "sms" && m.media.length === 0 &&
      parseTapback(m.body) !== null);
}

/**
 * Takes the customers' reactions out of an inbound batch: a WhatsApp
 * reaction, or an SMS tapback whose quote matches a recent message of its
 * conversation. What refers to nothing we have stays a message (nothing a
 * customer sends is lost).
 */
export async function splitReactions<
  R extends { m: InboundMessage; conv: { id: number; inboxId: number } },
>(tx: Tx, rows: R[]): Promise<{ rest: R[]; reactions: InboundReaction[] }> {
  const rest: R[] = [];
  const found: InboundReaction[] = [];
  for (const row of rows) {
    const { m, conv } = row;
    let target: number | null = null;
    let emoji = "";
    let removes: string | undefined;
    if (m.reaction) {
      const msg = await findByProviderId(
        tx,
        m.provider,
        m.reaction.targetProviderId,
      );
      if (msg?.id && msg.conversationId === conv.id) target = msg.id;
      emoji = m.reaction.emoji;
    } else if (m.channel === "sms" && m.media.length === 0) {
      const tap = parseTapback(m.body);
      if (tap) {
        target = await findQuoted(tx, conv.id, tap.quoted);
        emoji = tap.emoji;
        if (tap.removed) removes = tap.emoji;
      }
    }
    if (target === null) {
      // a reaction to a message we do not have: keep it visible as a line
      if (m.reaction?.emoji) rest.push({ ...row, m: { ...m, body: emoji } });
      else if (!m.reaction) rest.push(row);
      continue;
    }
    found.push({
      targetMessageId: target,
      conversationId: conv.id,
      inboxId: conv.inboxId,
      emoji,
      removes,
      providerId: m.providerId,
      sentAt: m.sentAt,
    });
  }
  return { rest, reactions: found };
}

/** Provider ids among these that are stored reactions already (C3). */
export async function storedReactionIds(
  tx: Tx,
  providerIds: string[],
): Promise<Set<string>> {
  if (providerIds.length === 0) return new Set();
  const rows = await tx.select({ providerId: reactions.providerId }).from(
    reactions,
  ).where(inArray(reactions.providerId, providerIds));
  return new Set(rows.map((r) => r.providerId!));
}
