/**
 * Auto-assignment: where an inbox's manager turns it on, a new conversation
 * goes round-robin to the members who are available and logged into the
 * inbox's queue, skipping anyone who already holds the cap of open
 * conversations there. Nobody eligible: it waits unassigned, and is picked
 * up when someone becomes available or joins the queue.
 *
 * Every assignment happens inside the write transaction that created the
 * conversation (or changed who is available), so two writers never see the
 * same unassigned conversation: SQLite runs write transactions one at a
 * time (BEGIN IMMEDIATE), in this process and across processes.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Conn, Db, Tx } from "../db/client.ts";
import { autoAssignment } from "../db/schema.ts";
import type { Clock } from "./clock.ts";
import { Invalid } from "./errors.ts";
import { appendEvents, type NewEvent } from "./events.ts";
import { requireManagedInbox } from "./inbox_settings.ts";
import type { User } from "./users.ts";

export interface AutoAssignmentSettings {
  enabled: boolean;
  maxOpenPerAgent: number;
}

export const DEFAULT_MAX_OPEN = 10;
export const MAX_OPEN_LIMIT = 500;

/** The inbox's settings (off, cap 10, when never set). */
export async function autoAssignmentOf(
  conn: Conn,
  inboxId: number,
): Promise<AutoAssignmentSettings> {
  const [row] = await conn.select().from(autoAssignment).where(
    eq(autoAssignment.inboxId, inboxId),
  );
  return {
    enabled: row?.enabled ?? false,
    maxOpenPerAgent: row?.maxOpenPerAgent ?? DEFAULT_MAX_OPEN,
  };
}

/**
 * Turns auto-assignment on or off and sets the cap (managers of the inbox,
 * admins). Turning it on hands out the conversations already waiting.
 */
export async function updateAutoAssignment(
  db: Db,
  clock: Clock,
  user: User,
  inboxId: number,
  input: AutoAssignmentSettings,
): Promise<AutoAssignmentSettings> {
  if (
    !Number.isInteger(input.maxOpenPerAgent) || input.maxOpenPerAgent < 1 ||
    input.maxOpenPerAgent > MAX_OPEN_LIMIT
  ) {
    throw new Invalid("The cap is out of range", "auto.bad_cap");
  }
  return await db.write(async (tx) => {
    const inbox = await requireManagedInbox(tx, user, inboxId);
    if (inbox.kind === "personal") {
      throw new Invalid(
        "A personal inbox has one owner: nothing to assign",
        "auto.personal",
      );
    }
    await tx.insert(autoAssignment).values({ inboxId: inbox.id, ...input })
      .onConflictDoUpdate({
        target: autoAssignment.inboxId,
        set: {
          enabled: input.enabled,
          maxOpenPerAgent: input.maxOpenPerAgent,
        },
      });
    if (input.enabled) {
      await assignWaiting(tx, clock(), { inboxIds: [inbox.id] });
    }
    return input;
  });
}

interface Agent {
  id: number;
  open: number;
}

/** Members who may receive conversations now, by id, with their open load. */
async function eligibleAgents(tx: Tx, inboxId: number): Promise<Agent[]> {
  const rows = await tx.all<{ id: number; open: number }>(sql`
    select u.id as id, (select count(*) from conversations c
        where c.inbox_id = ${inboxId} and c.status = 'open'
          and c.assignee_id = u.id) as open
      from inbox_members m join users u on u.id = m.user_id
      where m.inbox_id = ${inboxId} and m.queue_active = 1
        and u.status = 'available'
      order by u.id`);
  return rows.map((r) => ({ id: Number(r.id), open: Number(r.open) }));
}

/**
 * Hands `conversationIds` (unassigned, open, in `inboxId`, oldest first)
 * to the next agents in turn; returns the events to append.
 */
async function distribute(
  tx: Tx,
  now: number,
  inboxId: number,
  conversationIds: number[],
  cap: number,
  lastUserId: number | null,
): Promise<NewEvent[]> {
  const agents = await eligibleAgents(tx, inboxId);
  if (agents.length === 0 || conversationIds.length === 0) return [];
  // the turn starts after whoever got the last one
  let next = agents.findIndex((a) => a.id > (lastUserId ?? 0));
  if (next < 0) next = 0;
  const picks: [number, number][] = [];
  for (const conversationId of conversationIds) {
    let chosen: Agent | undefined;
    for (let i = 0; i < agents.length; i++) {
      const a = agents[(next + i) % agents.length];
      if (a.open < cap) {
        chosen = a;
        next = (next + i + 1) % agents.length;
        break;
      }
    }
    if (!chosen) break; // everyone is at the cap: the rest wait
    chosen.open++;
    picks.push([conversationId, chosen.id]);
  }
  if (picks.length === 0) return [];
  const values = sql.join(
    picks.map(([c, u]) => sql`(${c}, ${u})`),
    sql`, `,
  );
  // "assignee_id is null": a conversation is only ever handed out once
  const assigned = await tx.all<{ id: number; assignee_id: number }>(
    sql`WITH v(cid, uid) AS (VALUES ${values})
      UPDATE conversations
        SET assignee_id = (SELECT uid FROM v WHERE cid = conversations.id)
      WHERE id IN (SELECT cid FROM v) AND assignee_id IS NULL
        AND status = 'open'
      RETURNING id, assignee_id`,
  );
  if (assigned.length === 0) return [];
  const ids = assigned.map((r) => Number(r.id));
  // the audit line, by Bandeja itself (no actor), after the newest message
  const lines = await tx.all<{ id: number; conversation_id: number }>(
    sql`INSERT INTO activities
        (conversation_id, kind, actor_id, after_message_id, detail, created_at)
      SELECT c.id, 'assigned', NULL, coalesce(c.last_message_id, 0),
        json_object('assignee', u.name, 'auto', 1), ${now}
      FROM conversations c JOIN users u ON u.id = c.assignee_id
      WHERE c.id IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})
      RETURNING id, conversation_id`,
  );
  const activityOf = new Map(
    lines.map((l) => [Number(l.conversation_id), Number(l.id)]),
  );
  const lastPick = picks[picks.length - 1][1];
  await tx.update(autoAssignment).set({ lastUserId: lastPick }).where(
    eq(autoAssignment.inboxId, inboxId),
  );
  return assigned.map((r) => ({
    kind: "conversation.updated" as const,
    inboxId,
    conversationId: Number(r.id),
    payload: {
      by: null,
      activityId: activityOf.get(Number(r.id)) ?? null,
      assigneeId: Number(r.assignee_id),
      auto: true,
    },
  }));
}

/** The inboxes among `inboxIds` with auto-assignment on, and their state. */
async function enabledIn(tx: Tx, inboxIds: number[]) {
  if (inboxIds.length === 0) return [];
  return await tx.select().from(autoAssignment).where(and(
    inArray(autoAssignment.inboxId, inboxIds),
    eq(autoAssignment.enabled, true),
  ));
}

/**
 * Auto-assigns conversations the inbound path just created (or reopened
 * unassigned), inside its transaction; returns the events to append with
 * the rest of the batch. One read when no inbox has it on.
 */
export async function autoAssignNew(
  tx: Tx,
  now: number,
  list: { id: number; inboxId: number }[],
): Promise<NewEvent[]> {
  if (list.length === 0) return [];
  const byInbox = new Map<number, number[]>();
  for (const c of list) {
    const ids = byInbox.get(c.inboxId) ?? [];
    ids.push(c.id);
    byInbox.set(c.inboxId, ids);
  }
  const events: NewEvent[] = [];
  for (const s of await enabledIn(tx, [...byInbox.keys()])) {
    const ids = byInbox.get(s.inboxId)!.sort((a, b) => a - b);
    events.push(
      ...await distribute(
        tx,
        now,
        s.inboxId,
        ids,
        s.maxOpenPerAgent,
        s.lastUserId,
      ),
    );
  }
  return events;
}

/**
 * Hands out the open, unassigned conversations waiting in these inboxes
 * (or in every inbox of `userId`), oldest activity first, and appends the
 * events. Called when someone becomes available or joins a queue.
 */
export async function assignWaiting(
  tx: Tx,
  now: number,
  scope: { inboxIds?: number[]; userId?: number },
): Promise<void> {
  let inboxIds = scope.inboxIds ?? [];
  if (scope.userId !== undefined) {
    const rows = await tx.all<{ inbox_id: number }>(
      sql`select inbox_id from inbox_members where user_id = ${scope.userId}
        and queue_active = 1`,
    );
    inboxIds = [...inboxIds, ...rows.map((r) => Number(r.inbox_id))];
  }
  const events: NewEvent[] = [];
  for (const s of await enabledIn(tx, inboxIds)) {
    const agents = await eligibleAgents(tx, s.inboxId);
    const room = agents.reduce(
      (n, a) => n + Math.max(0, s.maxOpenPerAgent - a.open),
      0,
    );
    if (room === 0) continue;
    const waiting = await tx.all<{ id: number }>(
      sql`select id from conversations where inbox_id = ${s.inboxId}
        and status = 'open' and spam = 0 and assignee_id is null
        order by last_message_at, id limit ${room}`,
    );
    events.push(
      ...await distribute(
        tx,
        now,
        s.inboxId,
        waiting.map((w) => Number(w.id)),
        s.maxOpenPerAgent,
        s.lastUserId,
      ),
    );
  }
  await appendEvents(tx, now, events);
}
