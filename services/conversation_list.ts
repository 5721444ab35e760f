/**
 * The conversation list of one inbox as one user sees it (F11, F12): filters
 * (assignee, unread, tag, number, text search), three sorts, this user's
 * pinned conversations first, and keyset paging — every page is one index
 * range, so page 2,000 costs what page 1 does. No OFFSET anywhere.
 */
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { type Conn, execRaw } from "../db/client.ts";
import { conversations, conversationTags, pins } from "../db/schema.ts";
import { conversationUnread } from "../db/trigger_tables.ts";
import { requireInbox } from "./access.ts";
import {
  type ConversationSummary,
  summariesOf,
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

/**
 * A tag this size or smaller drives its list (look its conversations up,
 * sort them); a bigger one is checked row by row along the list's index.
 */
const TAG_DRIVE_MAX = 5000;

type Dir = "asc" | "desc";

/**
 * How one query finds its rows. "index": walk an index of conversations in
 * list order. "ids": look up a bounded set of candidate ids (a search, a
 * small tag, the user's pins) and sort them. "unread": walk the user's own
 * unread index. Column conditions that must not steer SQLite away from the
 * chosen driver are written `+column` (https://sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_).
 */
type Driver = "index" | "ids" | "unread";

/** A column, or `+column` when the driver is not an index on it. */
function col(x: SQLiteColumn, d: Driver): SQL {
  return d === "index" ? sql`${x}` : sql`+${x}`;
}

/** Inbox, status, assignee and number conditions. */
function columnConditions(
  user: User,
  inboxId: number,
  f: ListFilters,
  d: Driver,
): SQL[] {
  const where: SQL[] = [sql`${col(c.inboxId, d)} = ${inboxId}`];
  if (f.status === "spam") {
    // a literal, so the partial index (WHERE spam = 1) applies
    where.push(sql`${col(c.spam, d)} = 1`);
  } else {
    where.push(sql`${col(c.status, d)} = ${f.status}`);
    if (f.status === "closed") where.push(sql`${col(c.spam, d)} = 0`);
  }
  if (f.assignee === "me") {
    where.push(sql`${col(c.assigneeId, d)} = ${user.id}`);
  } else if (f.assignee === "unassigned") {
    where.push(sql`${col(c.assigneeId, d)} is null`);
  } else if (typeof f.assignee === "number") {
    where.push(sql`${col(c.assigneeId, d)} = ${f.assignee}`);
  }
  if (f.numberId !== null) {
    where.push(sql`${col(c.numberId, d)} = ${f.numberId}`);
  }
  return where;
}

const tagMembers = (tagId: number) =>
  sql`select ${conversationTags.conversationId} from ${conversationTags} where ${conversationTags.tagId} = ${tagId}`;

/**
 * A set of conversations a row must belong to (a search's matches, a tag):
 * `ids` lists them, for the "ids" driver; `has` tests one row's id.
 */
interface RowSet {
  ids: SQL;
  has: (id: SQL) => SQL;
}

/** Search matches: a bounded list, built once per query and looked up. */
function searchSet(ids: number[]): RowSet {
  const list = sql`select value from json_each(${JSON.stringify(ids)})`;
  return { ids: list, has: (id) => sql`+${id} in (${list})` };
}

/**
 * A tag's conversations. A row is tested by one probe of the
 * (conversation_id, tag_id) key, not against a list of the whole tag
 * built first: a list walk that stops after a page probes a few hundred
 * rows, while a big tag's list holds thousands.
 */
function tagSet(tagId: number): RowSet {
  const ct = conversationTags;
  return {
    ids: tagMembers(tagId),
    has: (id) =>
      sql`exists (select 1 from ${ct} where ${ct.conversationId} = ${id} and ${ct.tagId} = ${tagId})`,
  };
}

/** The query behind searchCandidates (exported for EXPLAIN in the bench). */
export function searchCandidatesQuery(q: string): SQL | null {
  const parts: SQL[] = [];
  const contacts = contactIdsMatching(contactSearch(q));
  if (contacts) {
    parts.push(
      sql`select ${c.id} as id from ${c} where ${c.contactId} in (${contacts})`,
    );
  }
  const body = bodyMatchQuery(q);
  if (body) parts.push(conversationIdsWithBody(body));
  return parts.length ? sql.join(parts, sql` union `) : null;
}

/**
 * Ids of the conversations matching the search (bounded, see search.ts),
 * found once per page: the pinned query and the list both test against them.
 */
async function searchCandidates(conn: Conn, q: string): Promise<number[]> {
  const query = searchCandidatesQuery(q);
  if (!query) return [];
  // as one JSON array: a row per id would cost the client a cell each
  const [row] = await conn.all<{ ids: string }>(
    sql`select json_group_array(id) as ids from (${query})`,
  );
  return JSON.parse(row.ids) as number[];
}

const notPinned = (userId: number, id: SQL) =>
  sql`not exists (select 1 from ${pins} where ${pins.userId} = ${userId} and ${pins.conversationId} = ${id})`;

const isUnreadFor = (userId: number) =>
  sql`exists (select 1 from ${cu} where ${cu.userId} = ${userId} and ${cu.conversationId} = ${c.id})`;

/** `(key, id)` strictly after the cursor in the run's direction. */
function after(key: SQL, id: SQL, dir: Dir, cur?: ListCursor): SQL | undefined {
  if (!cur || cur.at === null) return undefined;
  return dir === "desc"
    ? sql`(${key}, ${id}) < (${cur.at}, ${cur.id})`
    : sql`(${key}, ${id}) > (${cur.at}, ${cur.id})`;
}

const order = (x: SQL, dir: Dir) =>
  dir === "desc" ? sql`${x} desc` : sql`${x} asc`;

/** A summary query, whatever its joins: awaitable, and printable for EXPLAIN. */
export type SummaryQuery =
  & PromiseLike<{ summary: ConversationSummary }[]>
  & { toSQL(): { sql: string; params: unknown[] } };

export interface ListPlan {
  /** the user's pins that pass the filters, in their order */
  pinnedQuery: SummaryQuery | null;
  runs: { phase: ListCursor["phase"]; query: SummaryQuery; dir: Dir }[];
}

/**
 * The queries of one page, in run order (exported for EXPLAIN in the bench).
 * Null when the search has nothing to look for.
 */
export async function listQueries(
  conn: Conn,
  user: User,
  inboxId: number,
  f: ListFilters,
  cursor?: ListCursor,
  limit = PAGE_SIZE,
): Promise<ListPlan | null> {
  const q = f.q.trim();
  const found = q ? await searchCandidates(conn, q) : null;
  if (found && found.length === 0) return null;
  const search = found ? searchSet(found) : null;
  let tagDrives = false;
  if (f.tagId !== null && !search) {
    const [row] = await conn.all<{ n: number }>(
      sql`select count(*) as n from (${tagMembers(f.tagId)} limit ${
        TAG_DRIVE_MAX + 1
      })`,
    );
    tagDrives = Number(row?.n ?? 0) <= TAG_DRIVE_MAX;
  }
  // sets a row must belong to; the first drives the "ids" plan
  const sets: RowSet[] = [];
  if (search) sets.push(search);
  if (f.tagId !== null) sets.push(tagSet(f.tagId));
  const listDriver: Driver = search || tagDrives ? "ids" : "index";
  const withPins = f.status === "open";

  /**
   * Everything but the driver's own condition, for a run driven by `d`.
   * `id` is the driver's own copy of the conversation id: tests on it run
   * before the conversation's row is read.
   */
  const conditions = (d: Driver, extra: (SQL | undefined)[], id: SQL) => {
    const where = columnConditions(user, inboxId, f, d);
    sets.forEach((set, i) => {
      where.push(
        d === "ids" && i === 0 ? sql`${c.id} in (${set.ids})` : set.has(id),
      );
    });
    if (withPins) where.push(notPinned(user.id, id));
    return and(...where, ...extra);
  };

  // the user's unread conversations, from their own index
  const unreadRun = (dir: Dir, cur?: ListCursor) => {
    const d: Driver = "unread";
    return summaryQuery(conn, user.id).innerJoin(
      cu,
      and(eq(cu.conversationId, c.id), eq(cu.userId, user.id)),
    ).where(and(
      eq(cu.inboxId, inboxId),
      eq(cu.status, f.status === "spam" ? "closed" : f.status),
      conditions(d, [
        after(sql`${cu.lastMessageAt}`, sql`${cu.conversationId}`, dir, cur),
      ], sql`${cu.conversationId}`),
    )).orderBy(
      order(sql`${cu.lastMessageAt}`, dir),
      order(sql`${cu.conversationId}`, dir),
    ).limit(limit + 1);
  };

  const allRun = (dir: Dir, cur?: ListCursor, extra?: SQL) => {
    const d = listDriver;
    const at = col(c.lastMessageAt, d), id = col(c.id, d);
    if (d === "index") {
      return summaryQuery(conn, user.id).where(
        conditions(d, [extra, after(at, id, dir, cur)], sql`${c.id}`),
      ).orderBy(order(at, dir), order(id, dir)).limit(limit + 1);
    }
    // candidates are sorted as bare ids first: the row's columns and
    // subqueries are worked out for the page only, not for every candidate
    const page = conn.select({ id: c.id }).from(c).where(
      conditions(d, [extra, after(at, id, dir, cur)], sql`${c.id}`),
    ).orderBy(order(at, dir), order(id, dir)).limit(limit + 1);
    return summaryQuery(conn, user.id).where(sql`${c.id} in (${page})`)
      .orderBy(order(at, dir), order(id, dir));
  };

  // The user's unread ones come from their own unread index, unless a
  // search, a small tag or one assignee names fewer rows: then those are
  // walked and each is tested for unread (one probe of the unread key).
  const isNarrower = listDriver === "ids" || typeof f.assignee === "number" ||
    f.assignee === "me";
  const unreadOnes = (dir: Dir, cur?: ListCursor) =>
    isNarrower ? allRun(dir, cur, isUnreadFor(user.id)) : unreadRun(dir, cur);

  const dir: Dir = f.sort === "oldest" ? "asc" : "desc";
  const runs: ListPlan["runs"] = [];
  if (f.unread) {
    runs.push({ phase: "u", query: unreadOnes(dir, cursor), dir });
  } else if (f.sort === "unread") {
    if (!cursor || cursor.phase === "u") {
      runs.push({ phase: "u", query: unreadOnes("desc", cursor), dir: "desc" });
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

  // pins head the first page of the open list: the user's handful of pins,
  // in their order, those that pass the filters
  let pinnedQuery: ListPlan["pinnedQuery"] = null;
  if (withPins && !cursor) {
    const where = columnConditions(user, inboxId, f, "ids");
    for (const set of sets) where.push(set.has(sql`${c.id}`));
    if (f.unread) where.push(isUnreadFor(user.id));
    pinnedQuery = summaryQuery(conn, user.id).innerJoin(
      pins,
      and(eq(pins.userId, user.id), eq(pins.conversationId, c.id)),
    ).where(and(...where)).orderBy(asc(pins.position));
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
  const plan = await listQueries(conn, user, inboxId, f, opts.cursor, limit);
  if (!plan) return { pinned: [], rows: [], next: null };
  const pinned = plan.pinnedQuery ? summariesOf(await plan.pinnedQuery) : [];
  const rows: ConversationSummary[] = [];
  let next: ListCursor | null = null;
  for (const [i, run] of plan.runs.entries()) {
    const got = summariesOf(await run.query);
    const room = limit - rows.length;
    rows.push(...got.slice(0, room));
    if (got.length > room) {
      const last = rows[rows.length - 1];
      next = { phase: run.phase, at: last.lastMessageAt, id: last.id };
      break;
    }
    if (rows.length === limit && i < plan.runs.length - 1) {
      // this run ended exactly at the page's end: the next page starts the next run
      next = { phase: plan.runs[i + 1].phase, at: null, id: null };
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

/**
 * The filter form's choices as three JSON columns, for listFacets or a
 * larger statement (services/inbox_screen.ts). Parameter ?2 is the inbox
 * (?1, the user, where the larger statement needs one).
 */
export const FACET_COLUMNS = `
  (select json_group_array(json_array(id, name) order by name)
    from tags where inbox_id = ?2) as facet_tags,
  (select json_group_array(json_array(id, e164, label, channel)
      order by e164)
    from phone_numbers where inbox_id = ?2) as facet_numbers,
  (select json_group_array(json_array(u.id, u.name) order by u.name)
    from users u join inbox_members m on m.user_id = u.id
    where m.inbox_id = ?2) as facet_members`;

/** The facets out of a row holding FACET_COLUMNS. */
export function facetsOf(row: Record<string, unknown>): ListFacets {
  const parse = <T>(v: unknown) => JSON.parse(String(v)) as T[];
  return {
    tags: parse<[number, string]>(row.facet_tags).map(([id, name]) => ({
      id,
      name,
    })),
    numbers: parse<[number, string, string, string]>(row.facet_numbers).map((
      [id, e164, label, channel],
    ) => ({ id, e164, label, channel })),
    members: parse<[number, string]>(row.facet_members).map(([id, name]) => ({
      id,
      name,
    })),
  };
}

/**
 * What the filter form offers for this inbox: its tags, numbers, members.
 * One hand-written statement, each list a JSON array: a page reads a dozen
 * things, and each statement has a fixed cost in the client and drizzle
 * larger than these lookups.
 */
export async function listFacets(
  conn: Conn,
  inboxId: number,
): Promise<ListFacets> {
  const { rows: [row] } = await execRaw(conn, `select ${FACET_COLUMNS}`, [
    null,
    inboxId,
  ]);
  return facetsOf(row);
}
