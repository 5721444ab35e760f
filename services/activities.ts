/**
 * The audit trail of a conversation: who assigned, moved, tagged, closed,
 * reopened, marked spam or opted a contact out, and when. Each row is
 * written in the same transaction as the change it records and shows as a
 * small line in the thread, among the messages.
 */
import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { Conn, Tx } from "../db/client.ts";
import { activities, messages, users } from "../db/schema.ts";

export type ActivityKind =
  | "assigned"
  | "unassigned"
  | "moved"
  | "tagged"
  | "untagged"
  | "closed"
  | "reopened"
  | "spam"
  | "opted_out"
  | "opted_in"
  | "contact_linked"
  | "call"
  | "meeting"
  | "survey_answered";

/** Names as they were when it happened: a later rename does not rewrite history. */
export interface ActivityDetail {
  assignee?: string;
  from?: string;
  to?: string;
  tag?: string;
  color?: string;
  number?: string;
  contact?: string;
  /** a reopened conversation was spam and no longer is */
  unspam?: boolean;
  /** a meeting's link */
  url?: string;
  /** a survey's answer, and whether it came by link or by SMS digit */
  rating?: number;
  comment?: string;
  via?: "link" | "sms";
}

export interface Activity {
  id: number;
  conversationId: number;
  kind: ActivityKind;
  actorName: string | null;
  afterMessageId: number;
  detail: ActivityDetail;
  createdAt: number;
}

export interface NewActivity {
  conversationId: number;
  kind: ActivityKind;
  actorId: number | null;
  detail?: ActivityDetail;
}

/** Records one activity; returns its id (events carry it to the thread). */
export async function recordActivity(
  tx: Tx,
  now: number,
  a: NewActivity,
): Promise<number> {
  const [last] = await tx.select({
    id: sql<number>`coalesce(max(${messages.id}), 0)`,
  }).from(messages).where(eq(messages.conversationId, a.conversationId));
  const [row] = await tx.insert(activities).values({
    conversationId: a.conversationId,
    kind: a.kind,
    actorId: a.actorId,
    afterMessageId: last?.id ?? 0,
    detail: JSON.stringify(a.detail ?? {}),
    createdAt: now,
  }).returning({ id: activities.id });
  return row.id;
}

const columns = {
  id: activities.id,
  conversationId: activities.conversationId,
  kind: activities.kind,
  actorName: users.name,
  afterMessageId: activities.afterMessageId,
  detail: activities.detail,
  createdAt: activities.createdAt,
};

function parse(
  rows: {
    id: number;
    conversationId: number;
    kind: string;
    actorName: string | null;
    afterMessageId: number;
    detail: string;
    createdAt: number;
  }[],
): Activity[] {
  return rows.map((r) => ({
    ...r,
    kind: r.kind as ActivityKind,
    detail: JSON.parse(r.detail) as ActivityDetail,
  }));
}

/**
 * The activities that belong among the given stretch of a thread: those
 * after its first shown message (all of them when the thread is complete).
 */
export async function listActivities(
  conn: Conn,
  conversationId: number,
  sinceMessageId = 0,
  limit = 200,
): Promise<Activity[]> {
  const rows = await conn.select(columns).from(activities)
    .leftJoin(users, eq(users.id, activities.actorId))
    .where(and(
      eq(activities.conversationId, conversationId),
      gte(activities.afterMessageId, sinceMessageId),
    ))
    .orderBy(desc(activities.id)).limit(limit);
  return parse(rows).reverse();
}

/** Activities by id, for rendering events. */
export async function activitiesById(
  conn: Conn,
  ids: number[],
): Promise<Map<number, Activity>> {
  if (ids.length === 0) return new Map();
  const rows = await conn.select(columns).from(activities)
    .leftJoin(users, eq(users.id, activities.actorId))
    .where(inArray(activities.id, ids));
  return new Map(parse(rows).map((a) => [a.id, a]));
}
