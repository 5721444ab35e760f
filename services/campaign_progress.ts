/**
 * How a campaign is doing, read from its recipients and their messages.
 * A recipient's status is derived here rather than copied: once the runner
 * has queued its message, the message's own status (moved by the outbox
 * and by delivery reports, C2) is the truth, so no other code has to keep
 * a second copy in step.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Conn } from "../db/client.ts";
import {
  campaignRecipients,
  contacts,
  conversations,
  messages,
} from "../db/schema.ts";
import { countSegments, type SegmentCount } from "../carriers/segments.ts";
import type { StagedFile } from "./attachments.ts";
import { campaignFile } from "./campaign_media.ts";
import {
  hasOptOutInstruction,
  renderCampaignMessage,
} from "./campaign_message.ts";
import {
  type CampaignView,
  contactsMessagedFrom,
  optOutFooter,
} from "./campaigns.ts";
import { findUser } from "./users.ts";

export const RECIPIENT_STATUSES = [
  "pending",
  "queued",
  "sent",
  "delivered",
  "failed",
  "skipped",
] as const;
export type RecipientStatus = typeof RECIPIENT_STATUSES[number];

/** The recipient's status: its own until queued, then its message's. */
const derivedStatus = sql<RecipientStatus>`case
  when ${campaignRecipients.status} = 'skipped' then 'skipped'
  when ${campaignRecipients.messageId} is null then ${campaignRecipients.status}
  when ${messages.status} in ('delivered', 'read') then 'delivered'
  when ${messages.status} in ('failed', 'undelivered') then 'failed'
  when ${messages.status} = 'sent' then 'sent'
  else 'queued' end`;

/** The reply landed in the conversation linked to this campaign. */
const repliedExpr = sql<
  number
>`coalesce(${conversations.campaignId} = ${campaignRecipients.campaignId}
  and ${conversations.lastInboundAt} >= ${messages.createdAt}, 0)`;

export interface CampaignCounts extends Record<RecipientStatus, number> {
  total: number;
  /** pending recipients waiting for quiet hours to end or the start time */
  waiting: number;
  /** recipients who answered */
  replied: number;
  /** no longer ours to send: sent, delivered, failed or skipped */
  done: number;
}

/** The campaign's counts by recipient status. */
export async function campaignCounts(
  conn: Conn,
  campaignId: number,
  now: number,
): Promise<CampaignCounts> {
  const rows = await conn.select({
    status: derivedStatus,
    n: sql<number>`count(*)`,
    replied: sql<number>`coalesce(sum(${repliedExpr}), 0)`,
    waiting: sql<number>`coalesce(sum(${campaignRecipients.status} = 'pending'
      and ${campaignRecipients.notBefore} > ${now}), 0)`,
  }).from(campaignRecipients)
    .leftJoin(messages, eq(messages.id, campaignRecipients.messageId))
    .leftJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(eq(campaignRecipients.campaignId, campaignId))
    .groupBy(derivedStatus);
  const counts: CampaignCounts = {
    pending: 0,
    queued: 0,
    sent: 0,
    delivered: 0,
    failed: 0,
    skipped: 0,
    total: 0,
    waiting: 0,
    replied: 0,
    done: 0,
  };
  for (const r of rows) {
    counts[r.status] = Number(r.n);
    counts.total += Number(r.n);
    counts.replied += Number(r.replied);
    counts.waiting += Number(r.waiting);
  }
  counts.done = counts.sent + counts.delivered + counts.failed +
    counts.skipped;
  return counts;
}

export interface RecipientRow {
  id: number;
  e164: string;
  name: string;
  status: RecipientStatus;
  skipReason: string | null;
  error: string | null;
  errorCode: string | null;
  /** held until then (quiet hours, the start time) */
  notBefore: number | null;
  conversationId: number | null;
  replied: boolean;
}

export const RECIPIENTS_PAGE = 50;

/** One page of recipients, optionally of one status, in the order added. */
export async function listRecipients(
  conn: Conn,
  campaignId: number,
  opts: { status?: RecipientStatus; page?: number } = {},
): Promise<{ rows: RecipientRow[]; total: number }> {
  const where = and(
    eq(campaignRecipients.campaignId, campaignId),
    opts.status ? sql`${derivedStatus} = ${opts.status}` : undefined,
  );
  const page = Math.max(1, opts.page ?? 1);
  const rows = await conn.select({
    id: campaignRecipients.id,
    e164: campaignRecipients.e164,
    name: sql<string>`coalesce(${contacts.name}, '')`,
    status: derivedStatus,
    skipReason: campaignRecipients.skipReason,
    error: sql<
      string | null
    >`coalesce(${campaignRecipients.error}, ${messages.error})`,
    errorCode: messages.errorCode,
    notBefore: campaignRecipients.notBefore,
    conversationId: messages.conversationId,
    replied: repliedExpr,
  }).from(campaignRecipients)
    .leftJoin(contacts, eq(contacts.id, campaignRecipients.contactId))
    .leftJoin(messages, eq(messages.id, campaignRecipients.messageId))
    .leftJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(where)
    .orderBy(asc(campaignRecipients.id))
    .limit(RECIPIENTS_PAGE).offset((page - 1) * RECIPIENTS_PAGE);
  const [count] = await conn.select({ n: sql<number>`count(*)` }).from(
    campaignRecipients,
  ).leftJoin(messages, eq(messages.id, campaignRecipients.messageId))
    .where(where);
  return {
    rows: rows.map((r) => ({ ...r, replied: Number(r.replied) === 1 })),
    total: Number(count?.n ?? 0),
  };
}

export interface PreviewChoice {
  id: number;
  label: string;
}

export interface CampaignPreview {
  /** the recipient it is shown for (null: no recipients yet) */
  recipientId: number | null;
  recipientLabel: string;
  choices: PreviewChoice[];
  text: string;
  /** the opt-out instruction was added for this recipient */
  footerAdded: boolean;
  segments: SegmentCount;
  /** the campaign's file: it goes as MMS, one message however long */
  media: StagedFile | null;
  /** recipients it will go to (not skipped) */
  sendable: number;
  /** segments × recipients (SMS), or one message per recipient (MMS) */
  totalSegments: number;
  cost: number;
  /** placeholders make the length differ from one recipient to the next */
  varies: boolean;
}

/** What the carrier charges, for the estimate (config: CAMPAIGN_COST_*). */
export interface CampaignPrices {
  perSegment: number;
  perMms: number;
}

/**
 * The message as one recipient would get it, with the segment count and
 * the cost estimate: segments × recipients × cost per segment, or with a
 * file, recipients × cost per MMS (an MMS is billed as one message
 * whatever the length of its text).
 */
export async function previewCampaign(
  conn: Conn,
  campaign: CampaignView,
  input: { body: string; recipientId?: number },
  prices: CampaignPrices,
): Promise<CampaignPreview> {
  const body = input.body.replace(/\r\n?/g, "\n").trim();
  const recipients = await conn.select({
    id: campaignRecipients.id,
    e164: campaignRecipients.e164,
    contactId: campaignRecipients.contactId,
    name: sql<string>`coalesce(${contacts.name}, '')`,
  }).from(campaignRecipients)
    .leftJoin(contacts, eq(contacts.id, campaignRecipients.contactId))
    .where(and(
      eq(campaignRecipients.campaignId, campaign.id),
      sql`${campaignRecipients.status} != 'skipped'`,
    ))
    .orderBy(asc(campaignRecipients.id)).limit(50);
  const [{ n }] = await conn.select({ n: sql<number>`count(*)` }).from(
    campaignRecipients,
  ).where(and(
    eq(campaignRecipients.campaignId, campaign.id),
    sql`${campaignRecipients.status} != 'skipped'`,
  ));
  const chosen = recipients.find((r) => r.id === input.recipientId) ??
    recipients[0];
  const author = await findUser(conn, campaign.createdBy);
  let footer: string | null = null;
  if (!hasOptOutInstruction(body)) {
    const messaged = chosen?.contactId
      ? await contactsMessagedFrom(conn, campaign.numberId, [chosen.contactId])
      : new Set<number>();
    if (!chosen?.contactId || !messaged.has(chosen.contactId)) {
      footer = await optOutFooter(conn, campaign);
    }
  }
  const text = body
    ? renderCampaignMessage(body, {
      contactName: chosen?.name ?? "",
      agentName: author?.name ?? "",
    }, footer)
    : "";
  const segments = countSegments(text);
  const sendable = Number(n);
  const media = campaignFile(campaign);
  const total = media ? sendable : segments.segments * sendable;
  return {
    recipientId: chosen?.id ?? null,
    recipientLabel: chosen ? (chosen.name || chosen.e164) : "",
    choices: recipients.map((r) => ({
      id: r.id,
      label: r.name ? `${r.name} (${r.e164})` : r.e164,
    })),
    text,
    footerAdded: footer !== null && body !== "",
    segments,
    media,
    sendable,
    totalSegments: total,
    cost: total * (media ? prices.perMms : prices.perSegment),
    varies: /\{\{\s*(contact|agent)\.[a-z_]+\s*\}\}/.test(body),
  };
}
