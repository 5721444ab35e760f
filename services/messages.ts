/**
 * Sending: an agent's reply is checked (access, opt-out, registration, the
 * WhatsApp window), stored as `queued` with its outbox job and event in one
 * transaction; the outbox worker delivers it.
 */
import { scheduleJobNow } from "./jobs.ts";
import { and, eq } from "drizzle-orm";
import {
  type Conn,
  type Db,
  execRaw,
  placeholders,
  type Tx,
} from "../db/client.ts";
import {
  conversations,
  messages,
  optOuts,
  phoneNumbers,
} from "../db/schema.ts";
import type { MessageKey } from "../i18n/translate.ts";
import { requireConversation } from "./access.ts";
import { insertAttachments, type StagedFile } from "./attachments.ts";
import { repliesSince, ReplyCollision } from "./collisions.ts";
import {
  checkFile,
  checkSet,
  MediaRefused,
  mediaRules,
} from "./media_limits.ts";
import { toPlainText } from "./formatting.ts";
import { planParts } from "./reply_parts.ts";
import type { Clock } from "./clock.ts";
import { Invalid, NotFound } from "./errors.ts";
import { appendEvents, messageUpdated } from "./events.ts";
import type { User } from "./users.ts";

/** Carriers accept at most 1,600 characters in one message body. */
export const MAX_BODY = 1600;
const PREVIEW_LENGTH = 140;
/** WhatsApp allows free-form replies this long after the customer wrote. */
export const WHATSAPP_WINDOW_MS = 24 * 3600_000;

export function previewOf(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  if (flat.length <= PREVIEW_LENGTH) return flat;
  // never end on half of a surrogate pair (an emoji cut in two)
  const cut = flat.slice(0, PREVIEW_LENGTH - 1).replace(/[\uD800-\uDBFF]$/, "");
  return cut + "…";
}

export interface ReplyInput {
  conversationId: number;
  body: string;
  /** the composer's idempotency key; a resubmission returns the first send */
  clientKey?: string;
  /** uploaded files to send with it (checked again against the channel) */
  attachments?: StagedFile[];
  /**
   * The newest message the sender had seen: a teammate's reply after it
   * stops the send with a ReplyCollision (409) until they send again.
   */
  lastSeenId?: number;
}

export interface SentReply {
  id: number;
  /** when the send became several messages (WhatsApp: one per file) */
  ids?: number[];
  conversationId: number;
  inboxId: number;
  duplicate: boolean;
}

const BLOCK_MESSAGES: Record<ReplyBlock, string> = {
  "composer.opted_out": "The contact opted out of messages from this number",
  "composer.not_registered":
    "This number's A2P 10DLC registration is not approved, so carriers would block its SMS",
  "composer.whatsapp_window":
    "WhatsApp allows free-form replies only within 24 hours of the customer's last message",
};

export type ReplyBlock = Extract<
  MessageKey,
  "composer.opted_out" | "composer.not_registered" | "composer.whatsapp_window"
>;

/** What the composer of a conversation needs to know. */
export interface ComposerState {
  channel: "sms" | "whatsapp";
  /** why nobody may reply now, or null */
  block: ReplyBlock | null;
  /** the sending number, for its attachment limits */
  provider: "twilio" | "telnyx" | "whatsapp";
  numberE164: string;
  /** the newest message: what the sender has seen (collision check) */
  lastMessageId: number;
}

/**
 * The conversation's channel, and why nobody may reply in it now (or null).
 * The composer shows the reason before anyone types, and sendReply refuses
 * with it (C4, C5, the WhatsApp 24-hour window).
 */
export async function composerState(
  conn: Conn,
  conversationId: number,
  now: number,
): Promise<ComposerState> {
  const [row] = await conn.select({
    channel: phoneNumbers.channel,
    provider: phoneNumbers.provider,
    numberE164: phoneNumbers.e164,
    lastMessageId: conversations.lastMessageId,
    registration: phoneNumbers.registration,
    lastInboundAt: conversations.lastInboundAt,
    optedOut: optOuts.at,
  }).from(conversations)
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.numberId))
    .leftJoin(
      optOuts,
      and(
        eq(optOuts.contactId, conversations.contactId),
        eq(optOuts.numberId, conversations.numberId),
      ),
    ).where(eq(conversations.id, conversationId));
  if (!row) throw new NotFound("No such conversation");
  let block: ReplyBlock | null = null;
  if (row.optedOut !== null) block = "composer.opted_out";
  else if (row.channel === "sms" && row.registration !== "approved") {
    block = "composer.not_registered";
  } else if (
    row.channel === "whatsapp" &&
    (row.lastInboundAt === null || now - row.lastInboundAt > WHATSAPP_WINDOW_MS)
  ) block = "composer.whatsapp_window";
  return {
    channel: row.channel,
    block,
    provider: row.provider,
    numberE164: row.numberE164,
    lastMessageId: row.lastMessageId ?? 0,
  };
}

/** Why nobody may reply in this conversation now, or null. */
export async function replyBlock(
  conn: Conn,
  conversationId: number,
  now: number,
): Promise<ReplyBlock | null> {
  return (await composerState(conn, conversationId, now)).block;
}

/**
 * Stores an agent's reply as `queued` with its outbox job, moves the
 * conversation to the top and appends the event, in one transaction.
 */
export async function sendReply(
  db: Db,
  clock: Clock,
  user: User,
  input: ReplyInput,
): Promise<SentReply> {
  const body = input.body.replace(/\r\n?/g, "\n").trim();
  const files = input.attachments ?? [];
  if (!body && files.length === 0) {
    throw new Invalid("The message is empty", "composer.empty");
  }
  if (body.length > MAX_BODY) {
    throw new Invalid(
      `The message is longer than ${MAX_BODY} characters`,
      "composer.too_long",
    );
  }
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, input.conversationId);
    if (input.clientKey) {
      const [dup] = await tx.select({
        id: messages.id,
        conversationId: messages.conversationId,
      }).from(messages).where(
        and(
          eq(messages.sentBy, user.id),
          eq(messages.clientKey, input.clientKey),
        ),
      );
      // a key is one composer's: reused elsewhere it is not a resubmission
      if (dup && dup.conversationId !== conv.id) {
        throw new Invalid("This form was already used", "error.bad_request");
      }
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
    const state = await composerState(tx, conv.id, now);
    if (state.block) {
      throw new Invalid(BLOCK_MESSAGES[state.block], state.block);
    }
    if (input.lastSeenId !== undefined) {
      const since = await repliesSince(tx, conv.id, user.id, input.lastSeenId);
      if (since.names.length) {
        throw new ReplyCollision(since.names, since.lastId);
      }
    }
    if (files.length) {
      // the number may have changed since the upload: check again
      const rules = mediaRules({
        channel: state.channel,
        provider: state.provider,
        e164: state.numberE164,
      });
      const problem = checkSet(rules, files) ??
        files.map((f) =>
          checkFile(rules, {
            name: f.filename,
            contentType: f.contentType,
            size: f.size,
          })
        ).find((p) => p !== null);
      if (problem) throw new MediaRefused(problem);
      if (files.some((f) => f.isVoiceNote) && !rules.voiceNotes) {
        throw new MediaRefused({ key: "upload.voice_whatsapp_only", vars: {} });
      }
    }
    const ids: number[] = [];
    for (const [i, part] of planParts(body, files, state.channel).entries()) {
      const id = await insertOutbound(tx, now, {
        conversationId: conv.id,
        inboxId: conv.inboxId,
        body: part.body,
        preview: part.body ? undefined : filesPreview(part.files),
        sentBy: user.id,
        // the first part carries the key that makes a resubmission a no-op
        clientKey: input.clientKey
          ? (i === 0 ? input.clientKey : `${input.clientKey}.${i}`)
          : null,
      });
      await insertAttachments(tx, now, id, part.files);
      ids.push(id);
    }
    return {
      id: ids[0],
      ...(ids.length > 1 ? { ids } : {}),
      conversationId: conv.id,
      inboxId: conv.inboxId,
      duplicate: false,
    };
  });
}

/** A list preview for a message that is only files (chats' too). */
export function filesPreview(
  files: { filename: string; isVoiceNote: boolean }[],
): string {
  if (files.length === 0) return "";
  if (files.length === 1 && files[0].isVoiceNote) return "🎤";
  return files.length === 1 ? `📎 ${files[0].filename}` : `📎 ×${files.length}`;
}

/** A queued outbound message, as insertOutbound stores it. */
interface OutboundRow {
  conversationId: number;
  inboxId: number;
  body: string;
  /** the list's preview when it is not the body's (a message of files) */
  preview?: string;
  sentBy: number | null;
  clientKey: string | null;
}

/**
 * Inserts a queued outbound message, its outbox job and its event, and
 * moves the conversation to the top; returns the message id. Callers have
 * checked access and the reply rules.
 */
export async function insertOutbound(
  tx: Tx,
  now: number,
  row: OutboundRow,
): Promise<number> {
  const [id] = await insertOutbounds(tx, now, [row]);
  return id;
}

/**
 * insertOutbound for many messages at once, in a fixed number of
 * statements (a campaign queues a batch of recipients through here);
 * returns the message ids in the order of `rows`. Several rows may share
 * a conversation: it ends on the last of them, as one by one.
 */
export async function insertOutbounds(
  tx: Tx,
  now: number,
  rows: OutboundRow[],
): Promise<number[]> {
  if (rows.length === 0) return [];
  // hand-written SQL: building the statements cost more than running them
  const inserted = (await execRaw(
    tx,
    `INSERT INTO messages (conversation_id, direction, body, status, sent_by,
        client_key, created_at)
      VALUES ${placeholders(rows.length, 7)} RETURNING id`,
    rows.flatMap((r) => [
      r.conversationId,
      "out",
      r.body,
      "queued",
      r.sentBy,
      r.clientKey,
      now,
    ]),
  )).rows;
  // RETURNING's order is not promised; rowids are handed out in the order
  // the VALUES rows are inserted, so ascending ids are the rows' order
  const ids = inserted.map((m) => Number(m.id)).sort((a, b) => a - b);
  // the newest message of each conversation moves it to the top
  const newest = new Map<number, { id: number; row: OutboundRow }>();
  rows.forEach((row, i) => newest.set(row.conversationId, { id: ids[i], row }));
  const tops = [...newest.entries()];
  const convs = (await execRaw(
    tx,
    `WITH v(conversation_id, message_id, preview) AS (VALUES ${
      placeholders(tops.length, 3)
    })
      UPDATE conversations SET last_message_at = ?,
        last_message_id = v.message_id, preview = v.preview
      FROM v WHERE conversations.id = v.conversation_id
      RETURNING id, number_id`,
    [
      ...tops.flatMap(([conversationId, { id, row }]) => [
        conversationId,
        id,
        row.preview ?? previewOf(toPlainText(row.body)),
      ]),
      now,
    ],
  )).rows;
  const numberOf = new Map(
    convs.map((c) => [Number(c.id), Number(c.number_id)]),
  );
  await execRaw(
    tx,
    `INSERT INTO jobs (kind, ref_id, number_id, run_at, created_at)
      VALUES ${placeholders(rows.length, 5)}`,
    rows.flatMap((row, i) => [
      "send",
      ids[i],
      numberOf.get(row.conversationId)!,
      now,
      now,
    ]),
  );
  // the author has read up to their own newest message
  const reads = new Map<string, [number, number, number]>();
  rows.forEach((row, i) => {
    if (row.sentBy === null) return;
    reads.set(`${row.sentBy}:${row.conversationId}`, [
      row.sentBy,
      row.conversationId,
      ids[i],
    ]);
  });
  if (reads.size) {
    await execRaw(
      tx,
      `INSERT INTO conversation_reads (user_id, conversation_id,
          last_read_message_id)
        VALUES ${placeholders(reads.size, 3)}
        ON CONFLICT (user_id, conversation_id) DO UPDATE
          SET last_read_message_id = excluded.last_read_message_id,
            marked_unread = 0`,
      [...reads.values()].flat(),
    );
  }
  await appendEvents(
    tx,
    now,
    rows.map((row, i) => ({
      kind: "message.created",
      inboxId: row.inboxId,
      conversationId: row.conversationId,
      messageId: ids[i],
      payload: { by: row.sentBy },
    })),
  );
  return ids;
}

/**
 * Queues a message from the business itself (an opt-out confirmation, the
 * HELP text): no agent, and it may reach a contact who just opted out.
 */
export async function enqueueSystemReply(
  tx: Tx,
  now: number,
  row: { conversationId: number; inboxId: number; body: string },
): Promise<number> {
  return await insertOutbound(tx, now, {
    ...row,
    sentBy: null,
    clientKey: null,
  });
}

/**
 * Sends a failed message again: back to `queued`, its job due now. Only
 * outbound messages that failed, in a conversation the user can work on.
 */
export async function retryMessage(
  db: Db,
  clock: Clock,
  user: User,
  messageId: number,
): Promise<{ conversationId: number }> {
  return await db.write(async (tx) => {
    const [msg] = await tx.select().from(messages).where(
      eq(messages.id, messageId),
    );
    if (!msg) throw new NotFound("No such message");
    const conv = await requireConversation(tx, user, msg.conversationId);
    if (
      msg.direction !== "out" ||
      (msg.status !== "failed" && msg.status !== "undelivered")
    ) {
      throw new Invalid(
        "Only a failed message can be retried",
        "message.not_failed",
      );
    }
    const now = clock();
    const block = await replyBlock(tx, conv.id, now);
    if (block) throw new Invalid(BLOCK_MESSAGES[block], block);
    await tx.update(messages).set({
      status: "queued",
      error: null,
      errorCode: null,
      provider: null,
      providerId: null,
    }).where(eq(messages.id, msg.id));
    await scheduleJobNow(tx, now, {
      kind: "send",
      refId: msg.id,
      numberId: conv.numberId,
    });
    await appendEvents(tx, now, [
      messageUpdated({
        inboxId: conv.inboxId,
        conversationId: conv.id,
        messageId: msg.id,
      }),
    ]);
    return { conversationId: conv.id };
  });
}
