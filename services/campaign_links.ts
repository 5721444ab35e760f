/**
 * Replies to a campaign (F4): a customer who answers a campaign message
 * lands in the inbox like anyone else, in the conversation that holds the
 * campaign's message to them, and that conversation is linked to the
 * campaign (conversations.campaign_id) — when the campaign's message to
 * them is recent. Called by the inbound path for the conversations a batch
 * touched.
 */
import { and, gte, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { campaigns } from "../db/schema.ts";
import { campaignEvent } from "./campaigns.ts";
import type { NewEvent } from "./events.ts";

/** How long after a campaign's message an answer still counts as a reply. */
export const CAMPAIGN_REPLY_WINDOW_MS = 7 * 24 * 3600_000;

/**
 * Links each conversation whose latest recent outbound message came from a
 * campaign to that campaign; returns the events for the campaigns' pages.
 */
export async function linkRepliesToCampaigns(
  tx: Tx,
  now: number,
  conversationIds: number[],
): Promise<NewEvent[]> {
  if (conversationIds.length === 0) return [];
  const cutoff = now - CAMPAIGN_REPLY_WINDOW_MS;
  // most inbound batches come when no campaign is recent: one cheap read
  const [recent] = await tx.select({ id: campaigns.id }).from(campaigns).where(
    and(
      isNotNull(campaigns.startedAt),
      or(isNull(campaigns.finishedAt), gte(campaigns.finishedAt, cutoff)),
    ),
  ).limit(1);
  if (!recent) return [];
  const latestCampaign = sql`(SELECT r.campaign_id FROM messages m
    JOIN campaign_recipients r ON r.message_id = m.id
    WHERE m.conversation_id = conversations.id AND m.direction = 'out'
      AND m.created_at >= ${cutoff}
    ORDER BY m.id DESC LIMIT 1)`;
  const ids = sql.join(conversationIds.map((id) => sql`${id}`), sql`, `);
  const linked = await tx.all<{ campaign_id: number; inbox_id: number }>(
    sql`UPDATE conversations SET campaign_id = ${latestCampaign}
      WHERE id IN (${ids}) AND ${latestCampaign} IS NOT NULL
      RETURNING campaign_id, inbox_id`,
  );
  const seen = new Map<number, number>();
  for (const l of linked) seen.set(l.campaign_id, l.inbox_id);
  return [...seen].map(([id, inboxId]) => campaignEvent({ id, inboxId }));
}
