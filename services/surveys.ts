/**
 * Customer-satisfaction surveys (F25). An agent sends a short link; the
 * customer rates 1–5 (and may comment) on a tiny public page, once, before
 * it expires. A bare digit 1–5 texted back right after the survey counts as
 * the answer too. Answers show as an activity line in the thread and on the
 * report page, per conversation and per agent.
 */
import {
  and,
  desc,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  sql,
} from "drizzle-orm";
import type { Conn, Db, Tx } from "../db/client.ts";
import {
  contacts,
  conversations,
  inboxes,
  inboxMembers,
  messages,
  surveys,
  users,
} from "../db/schema.ts";
import { requireConversation } from "./access.ts";
import { recordActivity } from "./activities.ts";
import { hashToken } from "./auth.ts";
import type { Clock } from "./clock.ts";
import { Invalid, NotFound } from "./errors.ts";
import { appendEvents } from "./events.ts";
import { insertOutbound, replyBlock } from "./messages.ts";
import type { User } from "./users.ts";

/** How long a survey link can be answered. */
export const SURVEY_TTL_MS = 7 * 24 * 3600_000;
export const MAX_COMMENT = 1000;

function randomToken(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
}

/** The public path of a survey link. */
export function surveyPath(token: string): string {
  return `/s/${token}`;
}

export interface SentSurvey {
  surveyId: number;
  messageId: number;
  conversationId: number;
}

/**
 * Sends a survey link to the conversation's contact: a message (queued like
 * any reply, under the same rules) and the survey row, in one transaction.
 * `text` words the message around the link, in the agent's language.
 */
export async function sendSurvey(
  db: Db,
  clock: Clock,
  user: User,
  input: {
    conversationId: number;
    publicUrl: string;
    text: (url: string) => string;
  },
): Promise<SentSurvey> {
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, input.conversationId);
    const now = clock();
    const block = await replyBlock(tx, conv.id, now);
    if (block) throw new Invalid("The survey cannot be sent now", block);
    const token = randomToken();
    const url = `${input.publicUrl}${surveyPath(token)}`;
    const messageId = await insertOutbound(tx, now, {
      conversationId: conv.id,
      inboxId: conv.inboxId,
      body: input.text(url),
      sentBy: user.id,
      clientKey: null,
    });
    const [row] = await tx.insert(surveys).values({
      conversationId: conv.id,
      tokenHash: await hashToken(token),
      sentBy: user.id,
      messageId,
      createdAt: now,
      expiresAt: now + SURVEY_TTL_MS,
    }).returning({ id: surveys.id });
    return { surveyId: row.id, messageId, conversationId: conv.id };
  });
}

export type SurveyState = "open" | "answered" | "expired" | "missing";

export interface PublicSurvey {
  state: SurveyState;
  /** this submission was the one that answered it */
  accepted?: boolean;
  /** the business's name (the inbox) to thank the customer in */
  business: string;
  rating: number | null;
}

async function findByToken(conn: Conn, token: string) {
  if (!/^[\w-]{16,64}$/.test(token)) return null;
  const [row] = await conn.select({
    id: surveys.id,
    conversationId: surveys.conversationId,
    inboxId: conversations.inboxId,
    business: inboxes.name,
    expiresAt: surveys.expiresAt,
    answeredAt: surveys.answeredAt,
    rating: surveys.rating,
  }).from(surveys)
    .innerJoin(conversations, eq(conversations.id, surveys.conversationId))
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .where(eq(surveys.tokenHash, await hashToken(token)));
  return row ?? null;
}

function stateOf(
  row: { answeredAt: number | null; expiresAt: number } | null,
  now: number,
): SurveyState {
  if (!row) return "missing";
  if (row.answeredAt !== null) return "answered";
  return row.expiresAt <= now ? "expired" : "open";
}

/** What the public page shows for a link. */
export async function publicSurvey(
  conn: Conn,
  token: string,
  now: number,
): Promise<PublicSurvey> {
  const row = await findByToken(conn, token);
  return {
    state: stateOf(row, now),
    business: row?.business ?? "",
    rating: row?.rating ?? null,
  };
}

async function recordAnswer(
  tx: Tx,
  now: number,
  s: { id: number; conversationId: number; inboxId: number },
  rating: number,
  comment: string,
  via: "link" | "sms",
): Promise<boolean> {
  // answered once: the guard in the WHERE makes a race lose, not overwrite
  const updated = await tx.update(surveys).set({
    rating,
    comment: comment || null,
    answeredAt: now,
  }).where(and(eq(surveys.id, s.id), isNull(surveys.answeredAt)))
    .returning({ id: surveys.id });
  if (updated.length === 0) return false;
  const activityId = await recordActivity(tx, now, {
    conversationId: s.conversationId,
    kind: "survey_answered",
    actorId: null,
    detail: { rating, comment: comment || undefined, via },
  });
  await appendEvents(tx, now, [{
    kind: "conversation.updated",
    inboxId: s.inboxId,
    conversationId: s.conversationId,
    payload: { by: null, activityId },
  }]);
  return true;
}

/**
 * The customer's answer from the public page. A used or expired link is
 * refused (409 / 410-like Invalid keys the page words).
 */
export async function answerSurvey(
  db: Db,
  clock: Clock,
  token: string,
  input: { rating: number; comment: string },
): Promise<PublicSurvey> {
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
    throw new Invalid("Pick a rating from 1 to 5", "survey.pick");
  }
  const comment = input.comment.trim().slice(0, MAX_COMMENT);
  return await db.write(async (tx) => {
    const now = clock();
    const row = await findByToken(tx, token);
    const state = stateOf(row, now);
    if (!row || state === "missing") throw new NotFound("No such survey");
    if (state !== "open") {
      return {
        state,
        business: row.business,
        rating: row.rating,
        accepted: false,
      };
    }
    const ok = await recordAnswer(tx, now, row, input.rating, comment, "link");
    return {
      state: "answered",
      business: row.business,
      rating: ok ? input.rating : row.rating,
      accepted: ok,
    };
  });
}

/**
 * A bare digit texted right after a survey answers it: the survey is the
 * newest thing we sent in the conversation, unanswered and not expired.
 * Runs inside the inbound transaction; returns whether it counted.
 */
export async function answerSurveyByDigit(
  tx: Tx,
  now: number,
  input: { conversationId: number; inboxId: number; body: string },
): Promise<boolean> {
  const m = /^\s*([1-5])\s*[.!]?\s*$/.exec(input.body);
  if (!m) return false;
  const [s] = await tx.select({
    id: surveys.id,
    messageId: surveys.messageId,
  }).from(surveys).where(and(
    eq(surveys.conversationId, input.conversationId),
    isNull(surveys.answeredAt),
    gt(surveys.expiresAt, now),
    isNotNull(surveys.messageId),
  )).orderBy(desc(surveys.id)).limit(1);
  if (!s) return false;
  const [newest] = await tx.select({ id: sql<number>`max(${messages.id})` })
    .from(messages).where(and(
      eq(messages.conversationId, input.conversationId),
      eq(messages.direction, "out"),
    ));
  if (newest?.id !== s.messageId) return false;
  return await recordAnswer(
    tx,
    now,
    {
      id: s.id,
      conversationId: input.conversationId,
      inboxId: input.inboxId,
    },
    Number(m[1]),
    "",
    "sms",
  );
}

export interface AgentResult {
  userId: number | null;
  name: string;
  sent: number;
  answered: number;
  average: number | null;
}

export interface AnsweredSurvey {
  conversationId: number;
  contactName: string;
  contactE164: string;
  agentName: string;
  rating: number;
  comment: string;
  answeredAt: number;
}

export interface SurveyReport {
  inboxes: { id: number; name: string }[];
  inboxId: number | null;
  /** answers per rating: index 0 is "1" */
  distribution: number[];
  sent: number;
  answered: number;
  average: number | null;
  agents: AgentResult[];
  recent: AnsweredSurvey[];
}

/** Results in the user's inboxes (or one of them): per agent and recent. */
export async function surveyReport(
  conn: Conn,
  user: User,
  inboxId: number | null,
): Promise<SurveyReport> {
  const mine = await conn.select({ id: inboxes.id, name: inboxes.name })
    .from(inboxes).innerJoin(
      inboxMembers,
      and(
        eq(inboxMembers.inboxId, inboxes.id),
        eq(inboxMembers.userId, user.id),
      ),
    ).orderBy(inboxes.name);
  const ids = mine.map((i) => i.id).filter((id) =>
    inboxId === null || id === inboxId
  );
  if (inboxId !== null && ids.length === 0) throw new NotFound("No such inbox");
  const scope = and(
    inArray(conversations.inboxId, ids.length ? ids : [0]),
  );
  const perAgent = await conn.select({
    userId: surveys.sentBy,
    name: users.name,
    sent: sql<number>`count(*)`,
    answered: sql<number>`count(${surveys.answeredAt})`,
    average: sql<number | null>`avg(${surveys.rating})`,
  }).from(surveys)
    .innerJoin(conversations, eq(conversations.id, surveys.conversationId))
    .leftJoin(users, eq(users.id, surveys.sentBy))
    .where(scope).groupBy(surveys.sentBy).orderBy(users.name);
  const dist = await conn.select({
    rating: surveys.rating,
    n: sql<number>`count(*)`,
  }).from(surveys)
    .innerJoin(conversations, eq(conversations.id, surveys.conversationId))
    .where(and(scope, isNotNull(surveys.rating))).groupBy(surveys.rating);
  const recent = await conn.select({
    conversationId: surveys.conversationId,
    contactName: contacts.name,
    contactE164: contacts.e164,
    agentName: users.name,
    rating: surveys.rating,
    comment: surveys.comment,
    answeredAt: surveys.answeredAt,
  }).from(surveys)
    .innerJoin(conversations, eq(conversations.id, surveys.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(users, eq(users.id, surveys.sentBy))
    .where(and(scope, isNotNull(surveys.answeredAt)))
    .orderBy(desc(surveys.answeredAt)).limit(50);
  const distribution = [1, 2, 3, 4, 5].map((r) =>
    dist.find((d) => d.rating === r)?.n ?? 0
  );
  const answered = distribution.reduce((s, n) => s + n, 0);
  const sum = distribution.reduce((s, n, i) => s + n * (i + 1), 0);
  return {
    inboxes: mine,
    inboxId,
    distribution,
    sent: perAgent.reduce((s, a) => s + a.sent, 0),
    answered,
    average: answered ? sum / answered : null,
    agents: perAgent.map((a) => ({
      userId: a.userId,
      name: a.name ?? "",
      sent: a.sent,
      answered: a.answered,
      average: a.average === null ? null : Number(a.average),
    })),
    recent: recent.map((r) => ({
      conversationId: r.conversationId,
      contactName: r.contactName,
      contactE164: r.contactE164,
      agentName: r.agentName ?? "",
      rating: r.rating ?? 0,
      comment: r.comment ?? "",
      answeredAt: r.answeredAt ?? 0,
    })),
  };
}
