/**
 * Receiving what carriers post: inbound messages and delivery reports.
 * Everything a webhook carries is stored in one transaction, so a carrier
 * that got our 2xx never has to send it again, and one that did not will
 * find its retry absorbed by the unique provider id (C3).
 */
import { log } from "./log.ts";
import { and, eq } from "drizzle-orm";
import { classifyKeyword } from "../carriers/opt_out.ts";
import type {
  InboundMessage,
  Provider,
  StatusUpdate,
} from "../carriers/types.ts";
import {
  type Db,
  execRaw,
  placeholders,
  questionMarks as qs,
  selectJson,
  type Tx,
} from "../db/client.ts";
import {
  attachments,
  conversations,
  inboxes,
  jobs,
  optOuts,
  phoneNumbers,
} from "../db/schema.ts";
import { translator } from "../i18n/translate.ts";
import type { Clock } from "./clock.ts";
import { appendEvents, messageUpdated, type NewEvent } from "./events.ts";
import { enqueueSystemReply, previewOf } from "./messages.ts";
import { linkRepliesToCampaigns } from "./campaign_links.ts";
import {
  applyCustomerReactions,
  mayBeReaction,
  splitReactions,
  storedReactionIds,
} from "./reactions.ts";
import { answerSurveyByDigit } from "./surveys.ts";
import { autoAssignNew } from "./auto_assignment.ts";
import { withoutLegacy } from "./legacy_history.ts";

export interface ReceiveOptions {
  /** providers that send their own STOP/START/HELP replies */
  carrierRepliesToKeywords?: Set<Provider>;
}

export interface ReceiveResult {
  stored: number;
  duplicates: number;
  /** messages to numbers we do not have (answered 2xx, logged, dropped) */
  unknownNumber: number;
}

type NumberRow = typeof phoneNumbers.$inferSelect;
type ConversationRow = typeof conversations.$inferSelect;

const CONVERSATION_COLUMNS = `id, inbox_id, contact_id, number_id, status,
  assignee_id, spam, opened_at, closed_at, last_message_at, last_message_id,
  last_inbound_at, preview, campaign_id`;
type ConversationCells = [
  number,
  number,
  number,
  number,
  ConversationRow["status"],
  number | null,
  number,
  number,
  number | null,
  number,
  number | null,
  number | null,
  string,
  number | null,
];

/** A conversations row read by hand (the hot path skips drizzle's mapping). */
function conversationOf(r: ConversationCells): ConversationRow {
  return {
    id: r[0],
    inboxId: r[1],
    contactId: r[2],
    numberId: r[3],
    status: r[4],
    assigneeId: r[5],
    spam: Boolean(r[6]),
    openedAt: r[7],
    closedAt: r[8],
    lastMessageAt: r[9],
    lastMessageId: r[10],
    lastInboundAt: r[11],
    preview: r[12],
    campaignId: r[13],
  };
}

function mediaPreview(m: InboundMessage): string {
  if (m.body) return previewOf(m.body);
  if (m.isVoiceNote) return "🎤";
  return m.media.length ? `📎 ×${m.media.length}` : "";
}

function logUnknownNumber(m: InboundMessage) {
  log("warn", "inbound message for a number we do not have; dropped", {
    provider: m.provider,
    to: m.to,
    providerId: m.providerId,
  });
}

/**
 * Stores inbound messages: finds or creates the contact and conversation
 * (reopening a closed one), inserts each message once per provider id,
 * queues media downloads, applies opt-out keywords and appends events, in
 * one transaction.
 */
export async function receiveInbound(
  db: Db,
  clock: Clock,
  list: InboundMessage[],
  opts: ReceiveOptions = {},
): Promise<ReceiveResult> {
  if (list.length === 0) return { stored: 0, duplicates: 0, unknownNumber: 0 };
  return await db.write((tx) => receiveBatch(tx, clock(), list, opts));
}

/**
 * The inbound path for a batch of messages inside one transaction. Work is
 * done per batch, not per message — one statement finds the numbers, one
 * the duplicates, one inserts the contacts, one the messages… — because
 * the client's cost per statement, not SQLite, bounds how many webhooks a
 * second we can take (DESIGN.md).
 */
export async function receiveBatch(
  tx: Tx,
  now: number,
  list: InboundMessage[],
  opts: ReceiveOptions = {},
): Promise<ReceiveResult> {
  const result: ReceiveResult = { stored: 0, duplicates: 0, unknownNumber: 0 };
  const numbers = (await selectJson<
    [
      number,
      string,
      NumberRow["channel"],
      NumberRow["provider"],
      string | null,
      NumberRow["registration"],
      number | null,
      string,
      number,
    ]
  >(
    tx,
    `SELECT json_group_array(json_array(id, e164, channel, provider,
        provider_number_id, registration, inbox_id, label, added_at))
      FROM phone_numbers`,
  )).map((r): NumberRow => ({
    id: r[0],
    e164: r[1],
    channel: r[2],
    provider: r[3],
    providerNumberId: r[4],
    registration: r[5],
    inboxId: r[6],
    label: r[7],
    addedAt: r[8],
  }));
  const byE164 = new Map(numbers.map((n) => [`${n.channel}:${n.e164}`, n]));
  const byWaId = new Map(
    numbers.filter((n) => n.providerNumberId).map((n) => [
      n.providerNumberId!,
      n,
    ]),
  );
  const numberOf = (m: InboundMessage): NumberRow | undefined =>
    (m.provider === "whatsapp" && m.toPhoneNumberId
      ? byWaId.get(m.toPhoneNumberId)
      : undefined) ?? byE164.get(`${m.channel}:${m.to}`);

  // drop unknown numbers and in-batch repeats, then what is already stored
  const seenInBatch = new Set<string>();
  let todo: { m: InboundMessage; number: NumberRow }[] = [];
  for (const m of list) {
    const number = numberOf(m);
    if (!number || number.inboxId === null) {
      logUnknownNumber(m);
      result.unknownNumber++;
      continue;
    }
    const key = `${m.provider}:${m.providerId}`;
    if (seenInBatch.has(key)) {
      result.duplicates++;
      continue;
    }
    seenInBatch.add(key);
    todo.push({ m, number });
  }
  if (todo.length === 0) return result;
  // both columns, so the (provider, provider_id) unique index answers
  const providers = [...new Set(todo.map((x) => x.m.provider))];
  const already = new Set(
    await selectJson<string>(
      tx,
      `SELECT json_group_array(provider || ':' || provider_id) FROM messages
        WHERE provider IN (${qs(providers.length)})
          AND provider_id IN (${qs(todo.length)})`,
      [...providers, ...todo.map((x) => x.m.providerId)],
    ),
  );
  todo = todo.filter((x) => {
    if (!already.has(`${x.m.provider}:${x.m.providerId}`)) return true;
    result.duplicates++;
    return false;
  });
  // a customer's reaction is stored as a reaction: its retry is one too
  const reactionIds = todo.filter((x) => mayBeReaction(x.m)).map((x) =>
    x.m.providerId
  );
  if (reactionIds.length) {
    const done = await storedReactionIds(tx, reactionIds);
    todo = todo.filter((x) => {
      if (!done.has(x.m.providerId)) return true;
      result.duplicates++;
      return false;
    });
  }
  if (todo.length === 0) return result;

  // contacts: read the known ones, insert and read the new ones
  const names = new Map<string, string>();
  for (const { m } of todo) {
    if (!names.has(m.from)) names.set(m.from, m.contactName ?? "");
  }
  const readContacts = async (e164s: string[]) =>
    (await selectJson<[number, string, number]>(
      tx,
      `SELECT json_group_array(json_array(id, e164, spam)) FROM contacts
        WHERE e164 IN (${qs(e164s.length)})`,
      e164s,
    )).map(([id, e164, spam]) => ({ id, e164, spam: Boolean(spam) }));
  const contactRows = await readContacts([...names.keys()]);
  for (const c of contactRows) names.delete(c.e164);
  if (names.size) {
    await execRaw(
      tx,
      `INSERT INTO contacts (e164, name, created_at)
        VALUES ${placeholders(names.size, 3)} ON CONFLICT DO NOTHING`,
      [...names].flatMap(([e164, name]) => [e164, name, now]),
    );
    contactRows.push(...await readContacts([...names.keys()]));
  }
  const contactOf = new Map(contactRows.map((c) => [c.e164, c]));

  // each (contact, number) pair's current conversation: an open one first,
  // else the newest closed one, which the message reopens
  // (not across a personal inbox's boundary: that is legacy history, F6)
  const pairs = await withoutLegacy(
    tx,
    numbers,
    (await selectJson<ConversationCells>(
      tx,
      `SELECT json_group_array(json_array(${CONVERSATION_COLUMNS}))
        FROM conversations WHERE contact_id IN (${qs(contactRows.length)})`,
      contactRows.map((c) => c.id),
    )).map(conversationOf),
  );
  const convOf = new Map<string, ConversationRow>();
  for (const c of pairs) {
    const key = `${c.contactId}:${c.numberId}`;
    const best = convOf.get(key);
    const rank = (x: ConversationRow) =>
      (x.status === "open" ? 1e15 : 0) + x.id;
    if (!best || rank(c) > rank(best)) convOf.set(key, c);
  }
  const events: NewEvent[] = [];
  const missing = new Map<
    string,
    { contactId: number; number: NumberRow; spam: boolean }
  >();
  for (const { m, number } of todo) {
    const contact = contactOf.get(m.from)!;
    const key = `${contact.id}:${number.id}`;
    if (!convOf.has(key)) {
      missing.set(key, { contactId: contact.id, number, spam: contact.spam });
    }
  }
  // new (or reopened unassigned) open conversations, for auto-assignment
  const assignable: { id: number; inboxId: number }[] = [];
  if (missing.size) {
    const created = await tx.insert(conversations).values(
      [...missing.values()].map((x) => ({
        inboxId: x.number.inboxId!,
        contactId: x.contactId,
        numberId: x.number.id,
        // a spam contact's messages are kept, in a closed conversation
        status: x.spam ? "closed" as const : "open" as const,
        spam: x.spam,
        openedAt: now,
        closedAt: x.spam ? now : null,
        lastMessageAt: now,
      })),
    ).returning();
    for (const c of created) convOf.set(`${c.contactId}:${c.numberId}`, c);
    assignable.push(...created.filter((c) => c.status === "open"));
  }
  for (const [key, c] of convOf) {
    const [contactId] = key.split(":");
    const spam = contactRows.find((x) => x.id === Number(contactId))?.spam;
    if (
      c.status === "closed" && !spam &&
      todo.some((x) =>
        contactOf.get(x.m.from)!.id === c.contactId &&
        x.number.id === c.numberId
      )
    ) {
      await tx.update(conversations).set({
        status: "open",
        closedAt: null,
        openedAt: now,
      }).where(eq(conversations.id, c.id));
      convOf.set(key, { ...c, status: "open" });
      if (c.assigneeId === null) assignable.push(c);
      events.push({
        kind: "conversation.reopened",
        inboxId: c.inboxId,
        conversationId: c.id,
        payload: { assigneeId: c.assigneeId },
      });
    }
  }

  const received = todo.map(({ m, number }) => {
    const conv = convOf.get(`${contactOf.get(m.from)!.id}:${number.id}`)!;
    return { m, number, conv };
  });
  // customers' reactions land on the message they refer to (F21)
  const split = received.some((r) => mayBeReaction(r.m))
    ? await splitReactions(tx, received)
    : { rest: received, reactions: [] };
  const rows = split.rest;
  if (split.reactions.length) {
    events.push(...await applyCustomerReactions(tx, split.reactions));
    result.stored += split.reactions.length;
  }
  const inserted = rows.length === 0 ? [] : (await execRaw(
    tx,
    `INSERT INTO messages (conversation_id, direction, body, status, provider,
        provider_id, created_at)
      VALUES ${placeholders(rows.length, 7)}
      ON CONFLICT DO NOTHING
      RETURNING json_array(id, provider || ':' || provider_id)`,
    rows.flatMap((r) => [
      r.conv.id,
      "in",
      r.m.body,
      "received",
      r.m.provider,
      r.m.providerId,
      now,
    ]),
  )).rows;
  const idOf = new Map(
    inserted.map((r) => {
      const [id, key] = JSON.parse(String(r[0])) as [number, string];
      return [key, id];
    }),
  );
  const latest = new Map<number, { id: number; preview: string }>();
  const media: (typeof attachments.$inferInsert)[] = [];
  const keywordWork: (() => Promise<unknown>)[] = [];
  for (const r of rows) {
    const id = idOf.get(`${r.m.provider}:${r.m.providerId}`);
    if (!id) {
      result.duplicates++;
      continue;
    }
    result.stored++;
    latest.set(r.conv.id, { id, preview: mediaPreview(r.m) });
    for (const file of r.m.media) {
      media.push({
        messageId: id,
        state: "pending",
        contentType: file.contentType,
        filename: file.filename ?? "",
        sourceUrl: file.url,
        isVoiceNote: r.m.isVoiceNote ?? false,
        createdAt: now,
      });
    }
    events.push({
      kind: "message.created",
      inboxId: r.conv.inboxId,
      conversationId: r.conv.id,
      messageId: id,
      payload: { by: null },
    });
    // a bare 1–5 right after a survey answers it (F25)
    if (/^\s*[1-5]\s*[.!]?\s*$/.test(r.m.body)) {
      keywordWork.push(() =>
        answerSurveyByDigit(tx, now, {
          conversationId: r.conv.id,
          inboxId: r.conv.inboxId,
          body: r.m.body,
        })
      );
    }
    const keyword = classifyKeyword(r.m.body);
    if (keyword) {
      const contactId = contactOf.get(r.m.from)!.id;
      keywordWork.push(() =>
        applyKeyword(
          tx,
          now,
          keyword,
          contactId,
          r.number,
          r.conv.id,
          r.conv.inboxId,
          opts,
          r.m.provider,
        )
      );
    }
  }
  if (latest.size) {
    // one statement moves every touched conversation to the top
    await execRaw(
      tx,
      `WITH v(cid, mid, preview) AS (VALUES ${placeholders(latest.size, 3)})
      UPDATE conversations SET last_message_at = ?, last_inbound_at = ?,
        last_message_id = (SELECT mid FROM v WHERE cid = conversations.id),
        preview = (SELECT preview FROM v WHERE cid = conversations.id)
      WHERE id IN (SELECT cid FROM v)`,
      [
        ...[...latest].flatMap(([convId, v]) => [convId, v.id, v.preview]),
        now,
        now,
      ],
    );
  }
  if (media.length) {
    // fetched after we answer the carrier (C7), with retries
    const files = await tx.insert(attachments).values(media).returning({
      id: attachments.id,
    });
    await tx.insert(jobs).values(files.map((f) => ({
      kind: "fetch_media" as const,
      refId: f.id,
      runAt: now,
      createdAt: now,
    })));
  }
  // in this transaction: no two writers ever hand out the same conversation
  events.push(...await autoAssignNew(tx, now, assignable));
  // an answer to a campaign links its conversation to the campaign (F4)
  events.push(...await linkRepliesToCampaigns(tx, now, [...latest.keys()]));
  await appendEvents(tx, now, events);
  for (const work of keywordWork) await work();
  return result;
}

async function applyKeyword(
  tx: Tx,
  now: number,
  keyword: "stop" | "start" | "help",
  contactId: number,
  number: NumberRow,
  conversationId: number,
  inboxId: number,
  opts: ReceiveOptions,
  provider: Provider,
) {
  if (keyword === "stop") {
    await tx.insert(optOuts).values({
      contactId,
      numberId: number.id,
      source: "keyword",
      at: now,
    }).onConflictDoNothing();
  } else if (keyword === "start") {
    await tx.delete(optOuts).where(and(
      eq(optOuts.contactId, contactId),
      eq(optOuts.numberId, number.id),
    ));
  }
  await appendEvents(tx, now, [{
    kind: "conversation.updated",
    inboxId,
    conversationId,
    payload: { optOut: keyword },
  }]);
  // one confirmation per keyword, unless the carrier sends its own
  if (opts.carrierRepliesToKeywords?.has(provider)) return;
  const t = translator("en");
  let body: string;
  if (keyword === "help") {
    const [inbox] = await tx.select({
      helpText: inboxes.helpText,
      name: inboxes.name,
    })
      .from(inboxes).where(eq(inboxes.id, inboxId));
    body = inbox?.helpText ||
      t("optout.help_default", { business: inbox?.name ?? "" });
  } else {
    body = t(
      keyword === "stop" ? "optout.stop_confirm" : "optout.start_confirm",
    );
  }
  await enqueueSystemReply(tx, now, { conversationId, inboxId, body });
}

const STATUS_RANK: Record<string, number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  undelivered: 2,
  failed: 2,
  read: 3,
};

export interface StatusResult {
  applied: number;
  ignored: number;
  /** reports for ids we have not recorded yet, kept for later */
  orphaned: number;
}

/** What a delivery report says, as far as moving a message goes. */
export type StatusReport = Pick<
  StatusUpdate,
  "provider" | "providerId" | "status" | "errorCode" | "errorMessage"
>;

const rankOf = (status: string) => STATUS_RANK[status] ?? -1;

/**
 * Moves outbound messages' status forward (never back: callbacks arrive out
 * of order). A report for an id we have not recorded yet is kept and applied
 * when the outbox records it.
 */
export async function applyStatuses(
  db: Db,
  clock: Clock,
  updates: StatusUpdate[],
): Promise<StatusResult> {
  if (updates.length === 0) return { applied: 0, ignored: 0, orphaned: 0 };
  return await db.write((tx) => applyStatusBatch(tx, clock(), updates));
}

/**
 * Applies reports inside a transaction, in their order, with a few
 * statements for the whole batch (webhooks come in group commits, the
 * outbox records its sends in them): one finds the messages, one moves
 * them, one appends their events, one keeps the orphans.
 */
export async function applyStatusBatch(
  tx: Tx,
  now: number,
  updates: StatusReport[],
): Promise<StatusResult> {
  const result: StatusResult = { applied: 0, ignored: 0, orphaned: 0 };
  if (updates.length === 0) return result;
  const keyOf = (provider: unknown, providerId: unknown) =>
    `${provider}:${providerId}`;
  const providers = [...new Set(updates.map((u) => u.provider))];
  const ids = [...new Set(updates.map((u) => u.providerId))];
  // both columns, so the (provider, provider_id) unique index answers
  const found = await execRaw(
    tx,
    `SELECT m.id, m.status, m.provider, m.provider_id, m.conversation_id,
        c.inbox_id
      FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.provider IN (${qs(providers.length)})
        AND m.provider_id IN (${qs(ids.length)})`,
    [...providers, ...ids],
  );
  const messageOf = new Map(found.rows.map((r) => [
    keyOf(r.provider, r.provider_id),
    {
      id: Number(r.id),
      status: String(r.status),
      conversationId: Number(r.conversation_id),
      inboxId: Number(r.inbox_id),
      last: null as StatusReport | null,
    },
  ]));
  const unknown = [
    ...new Set(
      updates.filter((u) => !messageOf.has(keyOf(u.provider, u.providerId)))
        .map((u) => u.providerId),
    ),
  ];
  // the report of a reaction we sent (F21): there is no message to move
  const reacted = new Set(
    unknown.length === 0 ? [] : (await execRaw(
      tx,
      `SELECT provider_id FROM reactions
        WHERE provider_id IN (${qs(unknown.length)})`,
      unknown,
    )).rows.map((r) => String(r.provider_id)),
  );
  const orphans: StatusReport[] = [];
  for (const u of updates) {
    const msg = messageOf.get(keyOf(u.provider, u.providerId));
    if (!msg) {
      if (reacted.has(u.providerId)) {
        result.ignored++;
      } else {
        orphans.push(u);
        result.orphaned++;
      }
    } else if (rankOf(u.status) <= rankOf(msg.status)) {
      result.ignored++;
    } else {
      msg.status = u.status;
      msg.last = u;
      result.applied++;
    }
  }
  const moved = [...messageOf.values()].filter((m) => m.last !== null);
  if (moved.length) {
    await execRaw(
      tx,
      `WITH v(id, status, error, error_code) AS (
          VALUES ${placeholders(moved.length, 4)})
        UPDATE messages SET status = v.status, error = v.error,
          error_code = v.error_code
        FROM v WHERE messages.id = v.id`,
      moved.flatMap(({ id, last: u }) => {
        const failed = u!.status === "failed" || u!.status === "undelivered";
        return [
          id,
          u!.status,
          failed ? (u!.errorMessage || u!.errorCode || u!.status) : null,
          failed ? (u!.errorCode ?? null) : null,
        ];
      }),
    );
    // one event a message: a browser renders its current status once
    await appendEvents(
      tx,
      now,
      moved.map((m) => messageUpdated({ ...m, messageId: m.id })),
    );
  }
  if (orphans.length) {
    await execRaw(
      tx,
      `INSERT OR IGNORE INTO status_orphans
        (provider, provider_id, status, error_code, error_message, at)
        VALUES ${placeholders(orphans.length, 6)}`,
      orphans.flatMap((u) => [
        u.provider,
        u.providerId,
        u.status,
        u.errorCode ?? null,
        u.errorMessage ?? null,
        now,
      ]),
    );
  }
  return result;
}

/** Applies and forgets the reports that waited for these provider ids. */
export async function applyOrphanStatuses(
  tx: Tx,
  now: number,
  recorded: { provider: Provider; providerId: string }[],
): Promise<void> {
  if (recorded.length === 0) return;
  const { rows } = await execRaw(
    tx,
    `DELETE FROM status_orphans
      WHERE (provider, provider_id) IN (VALUES ${
      placeholders(recorded.length, 2)
    })
      RETURNING provider, provider_id, status, error_code, error_message`,
    recorded.flatMap((r) => [r.provider, r.providerId]),
  );
  if (rows.length === 0) return;
  const reports: StatusReport[] = rows.map((r) => ({
    provider: String(r.provider) as Provider,
    providerId: String(r.provider_id),
    status: String(r.status) as StatusReport["status"],
    errorCode: r.error_code === null ? undefined : String(r.error_code),
    errorMessage: r.error_message === null
      ? undefined
      : String(r.error_message),
  }));
  await applyStatusBatch(
    tx,
    now,
    reports.sort((a, b) => rankOf(a.status) - rankOf(b.status)),
  );
}
