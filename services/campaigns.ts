/**
 * Campaigns (F4): one message to many contacts, from a registered SMS
 * number of an inbox the user belongs to. A campaign is drafted (audience,
 * message, quiet hours, schedule), started, and then worked by the
 * campaign runner, which hands recipients to the outbox a batch at a time.
 * Pausing holds the outbox jobs not sent yet; cancelling drops them.
 *
 * A recipient's status is derived on read from its message (see
 * campaign_progress.ts): the runner writes `queued` and the message id,
 * and from then on the outbox and the delivery reports move the message.
 */
import { and, asc, desc, eq, inArray, or, sql } from "drizzle-orm";
import { type Conn, type Db, execRaw, type Tx } from "../db/client.ts";
import {
  campaignRecipients,
  campaigns,
  conversations,
  inboxes,
  inboxMembers,
  jobs,
  messages,
  optOuts,
  phoneNumbers,
  users,
} from "../db/schema.ts";
import { pickLocale, translator } from "../i18n/translate.ts";
import type { Clock } from "./clock.ts";
import { hasOptOutInstruction } from "./campaign_message.ts";
import { Invalid, NotFound } from "./errors.ts";
import {
  appendEvent,
  appendEvents,
  messageUpdated,
  type NewEvent,
} from "./events.ts";
import { MAX_BODY } from "./messages.ts";
import { checkQuietHours } from "./quiet_hours.ts";
import type { User } from "./users.ts";

export type Campaign = typeof campaigns.$inferSelect;
export type CampaignStatus = Campaign["status"];

/**
 * The run_at of an outbox job a paused campaign holds back: the largest
 * date JavaScript has, so no worker finds it due until resume sets it back.
 */
export const HELD_RUN_AT = 8.64e15;

/** Longest campaign name. */
export const MAX_NAME = 100;

/** A number a campaign may be sent from. */
export interface CampaignNumber {
  id: number;
  e164: string;
  label: string;
  inboxId: number;
  inboxName: string;
}

/** A campaign with what its pages show about its number and inbox. */
export interface CampaignView extends Campaign {
  numberE164: string;
  numberLabel: string;
  /** the number can still send campaigns (SMS, registration approved) */
  numberUsable: boolean;
  inboxName: string;
}

export interface CampaignListItem {
  id: number;
  name: string;
  status: CampaignStatus;
  inboxName: string;
  numberE164: string;
  recipients: number;
  createdAt: number;
  scheduledAt: number | null;
}

/**
 * The numbers this user may send a campaign from: SMS numbers of their
 * inboxes whose A2P 10DLC registration is approved (C5). WhatsApp allows
 * only approved templates outside a customer's 24-hour window, which
 * campaigns do not use yet.
 */
export async function campaignNumbers(
  conn: Conn,
  user: User,
): Promise<CampaignNumber[]> {
  return await conn.select({
    id: phoneNumbers.id,
    e164: phoneNumbers.e164,
    label: phoneNumbers.label,
    inboxId: inboxes.id,
    inboxName: inboxes.name,
  }).from(phoneNumbers)
    .innerJoin(inboxes, eq(inboxes.id, phoneNumbers.inboxId))
    .innerJoin(
      inboxMembers,
      and(
        eq(inboxMembers.inboxId, inboxes.id),
        eq(inboxMembers.userId, user.id),
      ),
    ).where(and(
      eq(phoneNumbers.channel, "sms"),
      eq(phoneNumbers.registration, "approved"),
    )).orderBy(asc(inboxes.name), asc(phoneNumbers.e164));
}

/** The campaigns of the user's inboxes, newest first. */
export async function listCampaigns(
  conn: Conn,
  user: User,
  limit = 200,
): Promise<CampaignListItem[]> {
  return await conn.select({
    id: campaigns.id,
    name: campaigns.name,
    status: campaigns.status,
    inboxName: inboxes.name,
    numberE164: phoneNumbers.e164,
    recipients: sql<number>`(select count(*) from ${campaignRecipients}
      where ${campaignRecipients.campaignId} = ${campaigns.id})`,
    createdAt: campaigns.createdAt,
    scheduledAt: campaigns.scheduledAt,
  }).from(campaigns)
    .innerJoin(
      inboxMembers,
      and(
        eq(inboxMembers.inboxId, campaigns.inboxId),
        eq(inboxMembers.userId, user.id),
      ),
    )
    .innerJoin(inboxes, eq(inboxes.id, campaigns.inboxId))
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, campaigns.numberId))
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id)).limit(limit);
}

/** The campaign, if the user belongs to its inbox; NotFound otherwise. */
export async function requireCampaign(
  conn: Conn,
  user: User,
  id: number,
): Promise<CampaignView> {
  const [row] = await conn.select({
    campaign: campaigns,
    numberE164: phoneNumbers.e164,
    numberLabel: phoneNumbers.label,
    channel: phoneNumbers.channel,
    registration: phoneNumbers.registration,
    numberInboxId: phoneNumbers.inboxId,
    inboxName: inboxes.name,
  }).from(campaigns)
    .innerJoin(
      inboxMembers,
      and(
        eq(inboxMembers.inboxId, campaigns.inboxId),
        eq(inboxMembers.userId, user.id),
      ),
    )
    .innerJoin(inboxes, eq(inboxes.id, campaigns.inboxId))
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, campaigns.numberId))
    .where(eq(campaigns.id, id));
  if (!row) throw new NotFound("No such campaign");
  return {
    ...row.campaign,
    numberE164: row.numberE164,
    numberLabel: row.numberLabel,
    numberUsable: row.channel === "sms" && row.registration === "approved" &&
      row.numberInboxId === row.campaign.inboxId,
    inboxName: row.inboxName,
  };
}

function cleanName(name: string): string {
  const clean = name.replace(/\s+/g, " ").trim();
  if (!clean || clean.length > MAX_NAME) {
    throw new Invalid("Give the campaign a name", "campaign.bad_name");
  }
  return clean;
}

/** Starts a draft campaign from one of the user's registered numbers. */
export async function createCampaign(
  db: Db,
  clock: Clock,
  user: User,
  input: { name: string; numberId: number },
): Promise<Campaign> {
  const name = cleanName(input.name);
  return await db.write(async (tx) => {
    const number = (await campaignNumbers(tx, user)).find((n) =>
      n.id === input.numberId
    );
    if (!number) {
      throw new Invalid(
        "Campaigns go out from a registered SMS number of your inboxes",
        "campaign.bad_number",
      );
    }
    const now = clock();
    const [row] = await tx.insert(campaigns).values({
      inboxId: number.inboxId,
      numberId: number.id,
      name,
      body: "",
      createdBy: user.id,
      createdAt: now,
    }).returning();
    await appendEvent(tx, now, campaignEvent(row));
    return row;
  });
}

/** The message and settings of a campaign, as its form sends them. */
export interface CampaignMessageInput {
  name: string;
  body: string;
  /** minutes after midnight */
  quietStart: number;
  quietEnd: number;
  /** when to start; null or a past time means at once */
  scheduledAt: number | null;
}

function cleanMessage(input: CampaignMessageInput) {
  const body = input.body.replace(/\r\n?/g, "\n").trim();
  if (body.length > MAX_BODY) {
    throw new Invalid(
      `The message is longer than ${MAX_BODY} characters`,
      "composer.too_long",
    );
  }
  checkQuietHours({ start: input.quietStart, end: input.quietEnd });
  return {
    name: cleanName(input.name),
    body,
    quietStart: input.quietStart,
    quietEnd: input.quietEnd,
    scheduledAt: input.scheduledAt,
  };
}

/** An event that makes open campaign pages refresh. */
export function campaignEvent(c: Pick<Campaign, "id" | "inboxId">): NewEvent {
  return {
    kind: "campaign.updated",
    inboxId: c.inboxId,
    payload: { campaignId: c.id },
  };
}

/** The campaign, if the user may see it and it is still a draft. */
export async function requireDraft(conn: Conn, user: User, id: number) {
  const c = await requireCampaign(conn, user, id);
  if (c.status !== "draft") {
    throw new Invalid(
      "This campaign was started already",
      "campaign.not_draft",
    );
  }
  return c;
}

/** Saves a draft's name, message, quiet hours and schedule. */
export async function saveDraft(
  db: Db,
  clock: Clock,
  user: User,
  id: number,
  input: CampaignMessageInput,
): Promise<Campaign> {
  return await updateDraft(db, clock, user, id, cleanMessage(input));
}

/** Changes these columns of a draft the user may change; tells its pages. */
export async function updateDraft(
  db: Db,
  clock: Clock,
  user: User,
  id: number,
  set: Partial<typeof campaigns.$inferInsert>,
): Promise<Campaign> {
  return await db.write(async (tx) => {
    const c = await requireDraft(tx, user, id);
    const [row] = await tx.update(campaigns).set(set).where(
      eq(campaigns.id, c.id),
    ).returning();
    await appendEvent(tx, clock(), campaignEvent(row));
    return row;
  });
}

/**
 * Marks pending recipients who opted out of the campaign's number, or
 * became spam, as skipped; returns how many.
 */
export async function skipBlockedRecipients(
  tx: Tx,
  campaign: Pick<Campaign, "id" | "numberId">,
): Promise<number> {
  const rows = await tx.all<{ id: number }>(sql`
    UPDATE campaign_recipients SET status = 'skipped',
      skip_reason = CASE WHEN EXISTS (SELECT 1 FROM opt_outs o
          WHERE o.contact_id = campaign_recipients.contact_id
            AND o.number_id = ${campaign.numberId})
        THEN 'opted_out' ELSE 'spam' END
    WHERE campaign_id = ${campaign.id} AND status = 'pending' AND (
      EXISTS (SELECT 1 FROM opt_outs o
        WHERE o.contact_id = campaign_recipients.contact_id
          AND o.number_id = ${campaign.numberId})
      OR EXISTS (SELECT 1 FROM contacts k
        WHERE k.id = campaign_recipients.contact_id AND k.spam = 1))
    RETURNING id`);
  return rows.length;
}

/**
 * Saves the message and starts the campaign: at once, or at its scheduled
 * time (recipients wait for it in `not_before`). Everything that can be
 * checked now is: the message, the number's registration, who is left to
 * send to after opt-outs and spam.
 */
export async function startCampaign(
  db: Db,
  clock: Clock,
  user: User,
  id: number,
  input: CampaignMessageInput,
): Promise<Campaign> {
  const clean = cleanMessage(input);
  if (!clean.body) {
    throw new Invalid("The message is empty", "composer.empty");
  }
  return await db.write(async (tx) => {
    const c = await requireDraft(tx, user, id);
    const footer = await optOutFooter(tx, c);
    if (
      !hasOptOutInstruction(clean.body) &&
      clean.body.length + footer.length + 1 > MAX_BODY
    ) {
      throw new Invalid(
        "The message and the opt-out instruction are longer than 1,600 characters",
        "campaign.too_long_with_footer",
      );
    }
    if (!c.numberUsable) {
      throw new Invalid(
        "This number's A2P 10DLC registration is not approved",
        "composer.not_registered",
      );
    }
    const now = clock();
    await skipBlockedRecipients(tx, c);
    const [pending] = await tx.select({ id: campaignRecipients.id }).from(
      campaignRecipients,
    ).where(and(
      eq(campaignRecipients.campaignId, c.id),
      eq(campaignRecipients.status, "pending"),
    )).limit(1);
    if (!pending) {
      throw new Invalid(
        "Nobody is left to send to: add recipients first",
        "campaign.no_recipients",
      );
    }
    const later = clean.scheduledAt !== null && clean.scheduledAt > now;
    if (later) {
      await tx.update(campaignRecipients).set({
        notBefore: clean.scheduledAt,
      }).where(and(
        eq(campaignRecipients.campaignId, c.id),
        eq(campaignRecipients.status, "pending"),
      ));
    }
    const [row] = await tx.update(campaigns).set({
      ...clean,
      scheduledAt: later ? clean.scheduledAt : null,
      status: later ? "scheduled" : "running",
      startedAt: later ? null : now,
    }).where(eq(campaigns.id, c.id)).returning();
    await appendEvent(tx, now, campaignEvent(row));
    return row;
  });
}

/** Outbox jobs of this campaign's messages that have not been sent. */
function unsentJobs(campaignId: number, now: number) {
  return and(
    eq(jobs.kind, "send"),
    eq(jobs.state, "pending"),
    // a job a worker holds is being sent right now: it goes
    or(sql`${jobs.leaseUntil} is null`, sql`${jobs.leaseUntil} < ${now}`),
    inArray(jobs.refId, messageIdsOf(campaignId)),
  );
}

function messageIdsOf(campaignId: number) {
  return sql`(select ${campaignRecipients.messageId} from ${campaignRecipients}
    where ${campaignRecipients.campaignId} = ${campaignId}
      and ${campaignRecipients.messageId} is not null)`;
}

async function requireStatus(
  tx: Tx,
  user: User,
  id: number,
  allowed: CampaignStatus[],
) {
  const c = await requireCampaign(tx, user, id);
  if (!allowed.includes(c.status)) {
    throw new Invalid(
      `A ${c.status} campaign cannot do that`,
      "campaign.wrong_status",
    );
  }
  return c;
}

/**
 * Pauses a running or scheduled campaign: the runner hands over no more
 * recipients, and the outbox jobs not sent yet are held back.
 */
export async function pauseCampaign(
  db: Db,
  clock: Clock,
  user: User,
  id: number,
): Promise<Campaign> {
  return await db.write(async (tx) => {
    const c = await requireStatus(tx, user, id, ["running", "scheduled"]);
    const now = clock();
    await tx.update(jobs).set({ runAt: HELD_RUN_AT }).where(
      unsentJobs(c.id, now),
    );
    const [row] = await tx.update(campaigns).set({ status: "paused" }).where(
      eq(campaigns.id, c.id),
    ).returning();
    await appendEvent(tx, now, campaignEvent(row));
    return row;
  });
}

/** Resumes a paused campaign: held jobs are due again, the runner goes on. */
export async function resumeCampaign(
  db: Db,
  clock: Clock,
  user: User,
  id: number,
): Promise<Campaign> {
  return await db.write(async (tx) => {
    const c = await requireStatus(tx, user, id, ["paused"]);
    if (!c.numberUsable) {
      throw new Invalid(
        "This number's A2P 10DLC registration is not approved",
        "composer.not_registered",
      );
    }
    const now = clock();
    await tx.update(jobs).set({ runAt: now }).where(and(
      unsentJobs(c.id, now),
      eq(jobs.runAt, HELD_RUN_AT),
    ));
    const later = c.scheduledAt !== null && c.scheduledAt > now;
    const [row] = await tx.update(campaigns).set({
      status: later ? "scheduled" : "running",
      startedAt: c.startedAt ?? (later ? null : now),
    }).where(eq(campaigns.id, c.id)).returning();
    await appendEvent(tx, now, campaignEvent(row));
    return row;
  });
}

/**
 * Cancels a campaign for good: recipients not handed over yet are skipped,
 * and messages still waiting in the outbox are taken out of it (they show
 * as failed in their threads); messages already sent stay sent.
 */
export async function cancelCampaign(
  db: Db,
  clock: Clock,
  user: User,
  id: number,
): Promise<Campaign> {
  return await db.write(async (tx) => {
    const c = await requireStatus(tx, user, id, [
      "running",
      "scheduled",
      "paused",
    ]);
    const now = clock();
    const dropped = await tx.update(jobs).set({
      state: "dead",
      lastError: "campaign cancelled",
    }).where(unsentJobs(c.id, now)).returning({ messageId: jobs.refId });
    const ids = dropped.map((d) => d.messageId);
    const events: NewEvent[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const msgs = await tx.update(messages).set({
        status: "failed",
        error: "Campaign cancelled",
        errorCode: "cancelled",
      }).where(and(inArray(messages.id, chunk), eq(messages.status, "queued")))
        .returning({
          id: messages.id,
          conversationId: messages.conversationId,
        });
      await tx.update(campaignRecipients).set({
        status: "skipped",
        skipReason: "cancelled",
      }).where(and(
        eq(campaignRecipients.campaignId, c.id),
        inArray(campaignRecipients.messageId, chunk),
      ));
      for (const m of msgs) {
        events.push(
          messageUpdated({
            inboxId: c.inboxId,
            conversationId: m.conversationId,
            messageId: m.id,
          }),
        );
      }
    }
    await tx.update(campaignRecipients).set({
      status: "skipped",
      skipReason: "cancelled",
    }).where(and(
      eq(campaignRecipients.campaignId, c.id),
      eq(campaignRecipients.status, "pending"),
    ));
    const [row] = await tx.update(campaigns).set({
      status: "cancelled",
      finishedAt: now,
      leaseOwner: null,
      leaseUntil: null,
    }).where(eq(campaigns.id, c.id)).returning();
    for (let i = 0; i < events.length; i += 500) {
      await appendEvents(tx, now, events.slice(i, i + 500));
    }
    await appendEvent(tx, now, campaignEvent(row));
    return row;
  });
}

/** Removes one recipient from a draft. */
export async function removeRecipient(
  db: Db,
  clock: Clock,
  user: User,
  campaignId: number,
  recipientId: number,
): Promise<void> {
  await db.write(async (tx) => {
    const c = await requireDraft(tx, user, campaignId);
    const gone = await tx.delete(campaignRecipients).where(and(
      eq(campaignRecipients.id, recipientId),
      eq(campaignRecipients.campaignId, c.id),
    )).returning({ id: campaignRecipients.id });
    if (gone.length === 0) throw new NotFound("No such recipient");
    await appendEvent(tx, clock(), campaignEvent(c));
  });
}

/**
 * Deletes a draft and its recipients. A started campaign stays: its
 * messages are in the threads, and its page is their history.
 */
export async function deleteDraft(
  db: Db,
  clock: Clock,
  user: User,
  id: number,
): Promise<void> {
  await db.write(async (tx) => {
    const c = await requireDraft(tx, user, id);
    await tx.delete(campaignRecipients).where(
      eq(campaignRecipients.campaignId, c.id),
    );
    await tx.delete(campaigns).where(
      and(eq(campaigns.id, c.id), eq(campaigns.status, "draft")),
    );
    await appendEvent(tx, clock(), campaignEvent(c));
  });
}

/** For the events stream: which campaign each of these messages belongs to. */
export async function campaignIdsOfMessages(
  conn: Conn,
  messageIds: number[],
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (messageIds.length === 0) return out;
  // hand-written: the live stream asks once per message it shows
  const { rows } = await execRaw(
    conn,
    `SELECT message_id, campaign_id FROM campaign_recipients
    WHERE message_id IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(messageIds)],
  );
  for (const r of rows) out.set(Number(r.message_id), Number(r.campaign_id));
  return out;
}

/**
 * The opt-out instruction added to a first message, in the language of the
 * campaign's author (who wrote the message in it).
 */
export async function optOutFooter(
  conn: Conn,
  campaign: Pick<Campaign, "createdBy">,
): Promise<string> {
  const [author] = await conn.select({ locale: users.locale }).from(users)
    .where(eq(users.id, campaign.createdBy));
  return translator(pickLocale(author?.locale, null))("campaign.optout_footer");
}

/** Contacts our number `numberId` has sent a message to, among these. */
export async function contactsMessagedFrom(
  conn: Conn,
  numberId: number,
  contactIds: number[],
): Promise<Set<number>> {
  if (contactIds.length === 0) return new Set();
  const rows = await conn.selectDistinct({ id: conversations.contactId }).from(
    conversations,
  ).where(and(
    eq(conversations.numberId, numberId),
    inArray(conversations.contactId, contactIds),
    sql`exists (select 1 from ${messages} m where m.conversation_id = ${conversations.id}
      and m.direction = 'out')`,
  ));
  return new Set(rows.map((r) => r.id));
}

/** Contacts opted out of `numberId`, among these. */
export async function optedOutOf(
  conn: Conn,
  numberId: number,
  contactIds: number[],
): Promise<Set<number>> {
  if (contactIds.length === 0) return new Set();
  const rows = await conn.select({ id: optOuts.contactId }).from(optOuts)
    .where(and(
      eq(optOuts.numberId, numberId),
      inArray(optOuts.contactId, contactIds),
    ));
  return new Set(rows.map((r) => r.id));
}
