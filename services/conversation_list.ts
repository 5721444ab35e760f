/**
 * The conversation list of one inbox as one user sees it (F11, F12): filters
 * (assignee, unread, tag, number, text search), three sorts, this user's
 * pinned conversations first, and keyset paging — every page is one index
 * range, so page 2,000 costs what page 1 does. No OFFSET anywhere.
 */
import {
  and,
  asc,
  desc,
  eq,
  inArray,
  isNull,
  type SQL,
  sql,
} from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Conn } from "../db/client.ts";
import {
  conversations,
  conversationTags,
  inboxMembers,
  phoneNumbers,
  pins,
  tags,
  users,
} from "../db/schema.ts";
import { conversationUnread } from "../db/trigger_tables.ts";
import { requireInbox } from "./access.ts";
import {
  type ConversationSummary,
  stripSummaries,
  summaryQuery,
} from "./conversations.ts";
import {
  bodyMatchQuery,
  contactIdsMatching,
  contactSearch,
  conversationIdsWithBody,
} from "./search.ts";
import type { User } from "./users.ts";

export type ListStatus = "open" | "closed" | "spam";
export type ListSort = "newest" | "oldest" | "unread";
export type AssigneeFilter = "anyone" | "me" | "unassigned" | number;

export interface ListFilters {
  status: ListStatus;
  assignee: AssigneeFilter;
  unread: boolean;
  tagId: number | null;
  numberId: number | null;
  q: string;
  sort: ListSort;
}

export const DEFAULT_FILTERS: ListFilters = {
  status: "open",
  assignee: "anyone",
  unread: false,
  tagId: null,
  numberId: null,
  q: "",
  sort: "newest",
};

/** True when the list shows something other than the default view. */
export function isFiltered(f: ListFilters): boolean {
  return f.assignee !== "anyone" || f.unread || f.tagId !== null ||
    f.numberId !== null || f.q !== "" || f.sort !== "newest";
}

/**
 * Where the next page starts. "a": the one ordered run of a sort; the
 * "unread first" sort has two runs, "u" (unread) then "r" (the rest).
 * `at`/`id` are null at the start of a run.
 */
export interface ListCursor {
  phase: "a" | "u" | "r";
  at: number | null;
  id: number | null;
}

export function encodeCursor(c: ListCursor): string {
  return c.at === null ? c.phase : `${c.phase}${c.at}_${c.id}`;
}

export function decodeCursor(s: string): ListCursor | null {
  const m = /^([aur])(?:(\d{1,15})_(\d{1,15}))?$/.exec(s);
  if (!m) return null;
  const phase = m[1] as ListCursor["phase"];
  return m[2]
    ? { phase, at: Number(m[2]), id: Number(m[3]) }
    : { phase, at: null, id: null };
}

export interface ListPage {
  /** this user's pinned conversations that pass the filters (first page) */
  pinned: ConversationSummary[];
  rows: ConversationSummary[];
  next: ListCursor | null;
}

export const PAGE_SIZE = 50;

const c = conversations;
const cu = conversationUnread;

/** Conditions every run shares: inbox, status, and the filters. */
function filterConditions(
  user: User,
  inboxId: number,
  f: ListFilters,
): SQL[] | null {
  const where: SQL[] = [eq(c.inboxId, inboxId)];
  if (f.status === "spam") {
    // a literal, so the partial index (WHERE spam = 1) applies
    where.push(sql`${c.spam} = 1`);
  } else {
    where.push(eq(c.status, f.status));
    if (f.status === "closed") where.push(sql`${c.spam} = 0`);
  }
  if (f.assignee === "me") where.push(eq(c.assigneeId, user.id));
  else if (f.assignee === "unassigned") where.push(isNull(c.assigneeId));
  else if (typeof f.assignee === "number") {
    where.push(eq(c.assigneeId, f.assignee));
  }
  if (f.numberId !== null) where.push(eq(c.numberId, f.numberId));
  if (f.tagId !== null) {
    where.push(
      sql`${c.id} in (select ${conversationTags.conversationId} from ${conversationTags} where ${conversationTags.tagId} = ${f.tagId})`,
    );
  }
  const q = f.q.trim();
  if (q) {
    const contactIds = contactIdsMatching(contactSearch(q));
    const body = bodyMatchQuery(q);
    const either: SQL[] = [];
    if (contactIds) either.push(sql`${c.contactId} in (${contactIds})`);
    if (body) either.push(sql`${c.id} in (${conversationIdsWithBody(body)})`);
    if (either.length === 0) return null;
    where.push(sql`(${sql.join(either, sql` or `)})`);
  }
  return where;
}

const notPinned = (userId: number) =>
  sql`not exists (select 1 from ${pins} where ${pins.userId} = ${userId} and ${pins.conversationId} = ${c.id})`;

const isUnreadFor = (userId: number) =>
  sql`exists (select 1 from ${cu} where ${cu.userId} = ${userId} and ${cu.conversationId} = ${c.id})`;

/** `(key, id)` strictly after the cursor in the run's direction. */
function after(
  key: SQLiteColumn,
  id: SQLiteColumn,
  dir: "asc" | "desc",
  cur: ListCursor | undefined,
): SQL | undefined {
  if (!cur || cur.at === null) return undefined;
  return dir === "desc"
    ? sql`(${key}, ${id}) < (${cur.at}, ${cur.id})`
    : sql`(${key}, ${id}) > (${cur.at}, ${cur.id})`;
}

/** The queries of one page, in run order; exported for EXPLAIN in the bench. */
export function listQueries(
  conn: Conn,
  user: User,
  inboxId: number,
  f: ListFilters,
  cursor?: ListCursor,
  limit = PAGE_SIZE,
) {
  const base = filterConditions(user, inboxId, f);
  if (!base) return null;
  const withPins = f.status === "open";
  const main = withPins ? [...base, notPinned(user.id)] : base;

  const pinnedQuery = withPins && !cursor
    ? summaryQuery(conn, user.id).innerJoin(
      pins,
      and(eq(pins.conversationId, c.id), eq(pins.userId, user.id)),
    ).where(and(...base, ...(f.unread ? [isUnreadFor(user.id)] : [])))
      .orderBy(asc(pins.position))
    : null;

  // the user's unread conversations, from their own index
  const unreadRun = (dir: "asc" | "desc", cur?: ListCursor) =>
    summaryQuery(conn, user.id).innerJoin(
      cu,
      and(eq(cu.conversationId, c.id), eq(cu.userId, user.id)),
    ).where(and(
      eq(cu.inboxId, inboxId),
      eq(cu.status, f.status === "spam" ? "closed" : f.status),
      ...main,
      after(cu.lastMessageAt, cu.conversationId, dir, cur),
    )).orderBy(
      dir === "desc" ? desc(cu.lastMessageAt) : asc(cu.lastMessageAt),
      dir === "desc" ? desc(cu.conversationId) : asc(cu.conversationId),
    ).limit(limit + 1);

  const allRun = (dir: "asc" | "desc", cur?: ListCursor, extra?: SQL) =>
    summaryQuery(conn, user.id).where(and(
      ...main,
      extra,
      after(c.lastMessageAt, c.id, dir, cur),
    )).orderBy(
      dir === "desc" ? desc(c.lastMessageAt) : asc(c.lastMessageAt),
      dir === "desc" ? desc(c.id) : asc(c.id),
    ).limit(limit + 1);

  const dir = f.sort === "oldest" ? "asc" : "desc";
  const runs: {
    phase: ListCursor["phase"];
    query: ReturnType<typeof allRun>;
    dir: "asc" | "desc";
  }[] = [];
  if (f.unread) {
    runs.push({ phase: "u", query: unreadRun(dir, cursor), dir });
  } else if (f.sort === "unread") {
    if (!cursor || cursor.phase === "u") {
      runs.push({ phase: "u", query: unreadRun("desc", cursor), dir: "desc" });
    }
    runs.push({
      phase: "r",
      query: allRun(
        "desc",
        cursor?.phase === "r" ? cursor : undefined,
        sql`not ${isUnreadFor(user.id)}`,
      ),
      dir: "desc",
    });
  } else {
    runs.push({ phase: "a", query: allRun(dir, cursor), dir });
  }
  return { pinnedQuery, runs };
}

/**
 * One page of the inbox's list as `user` sees it. Throws NotFound when the
 * user is not a member of the inbox.
 */
export async function listConversations(
  conn: Conn,
  user: User,
  inboxId: number,
  f: ListFilters,
  opts: { cursor?: ListCursor; limit?: number } = {},
): Promise<ListPage> {
  await requireInbox(conn, user, inboxId);
  const limit = opts.limit ?? PAGE_SIZE;
  const plan = listQueries(conn, user, inboxId, f, opts.cursor, limit);
  if (!plan) return { pinned: [], rows: [], next: null };
  const pinned = plan.pinnedQuery ? stripSummaries(await plan.pinnedQuery) : [];
  const rows: ConversationSummary[] = [];
  let next: ListCursor | null = null;
  for (const run of plan.runs) {
    const got = stripSummaries(await run.query);
    const room = limit - rows.length;
    rows.push(...got.slice(0, room));
    if (got.length > room) {
      const last = rows[rows.length - 1];
      next = { phase: run.phase, at: last.lastMessageAt, id: last.id };
      break;
    }
    if (rows.length === limit && run !== plan.runs[plan.runs.length - 1]) {
      // this run ended exactly at the page's end: the next page starts the next run
      next = {
        phase: plan.runs[plan.runs.indexOf(run) + 1].phase,
        at: null,
        id: null,
      };
      break;
    }
  }
  return { pinned, rows, next };
}

export interface ListFacets {
  tags: { id: number; name: string }[];
  numbers: { id: number; e164: string; label: string; channel: string }[];
  members: { id: number; name: string }[];
}

/** What the filter form offers for this inbox: its tags, numbers, members. */
export async function listFacets(
  conn: Conn,
  inboxId: number,
): Promise<ListFacets> {
  const [tagRows, numberRows, memberRows] = await Promise.all([
    conn.select({ id: tags.id, name: tags.name }).from(tags).where(
      eq(tags.inboxId, inboxId),
    ).orderBy(asc(tags.name)),
    conn.select({
      id: phoneNumbers.id,
      e164: phoneNumbers.e164,
      label: phoneNumbers.label,
      channel: phoneNumbers.channel,
    }).from(phoneNumbers).where(eq(phoneNumbers.inboxId, inboxId)).orderBy(
      asc(phoneNumbers.e164),
    ),
    conn.select({ id: users.id, name: users.name }).from(users).innerJoin(
      inboxMembers,
      and(eq(inboxMembers.userId, users.id), eq(inboxMembers.inboxId, inboxId)),
    ).orderBy(asc(users.name)),
  ]);
  return { tags: tagRows, numbers: numberRows, members: memberRows };
}

/** Which of `ids` each user has pinned or has unread, for live updates. */
export async function viewerStates(
  conn: Conn,
  ids: number[],
): Promise<{ pinned: Set<string>; unread: Set<string> }> {
  const pinned = new Set<string>();
  const unread = new Set<string>();
  if (ids.length === 0) return { pinned, unread };
  const [p, u] = await Promise.all([
    conn.select({ u: pins.userId, c: pins.conversationId }).from(pins).where(
      inArray(pins.conversationId, ids),
    ),
    conn.select({ u: cu.userId, c: cu.conversationId }).from(cu).where(
      inArray(cu.conversationId, ids),
    ),
  ]);
  for (const r of p) pinned.add(`${r.u}:${r.c}`);
  for (const r of u) unread.add(`${r.u}:${r.c}`);
  return { pinned, unread };
}
