/**
 * What the live stream shows about each viewer — unread counts per inbox,
 * unread chats, notification preferences — loaded once per batch of events
 * for every connected viewer together. Per viewer it would be a query per
 * connection per message: a thousand agents would mean thousands of
 * queries for one customer's text.
 */
import { sql } from "drizzle-orm";
import { type Conn, execRaw } from "../db/client.ts";
import type { InboxSummary } from "./conversations.ts";
import { UNREAD_COUNT_CAP } from "./conversations.ts";
import {
  defaultLevel,
  type InboxNotifyPref,
  type NotifyLevel,
} from "./notifications.ts";

/**
 * The viewers as one bound parameter: a thousand `?`s cost more to bind
 * than the query costs to run.
 */
function viewerList(userIds: number[]) {
  return sql`SELECT value FROM json_each(${JSON.stringify(userIds)})`;
}

/**
 * Rows that stand for many viewers at once (`users`: their ids, comma
 * separated): libSQL's client spends ~15 µs per row it hands back, so a
 * row per viewer would cost more than the query. Calls `add` per viewer.
 */
function eachViewer(users: string, add: (userId: number) => void) {
  for (const id of users.split(",")) add(Number(id));
}

/** Each viewer's inboxes with their unread counts, by name (one query). */
export async function inboxCountsFor(
  conn: Conn,
  userIds: number[],
): Promise<Map<number, InboxSummary[]>> {
  const out = new Map<number, InboxSummary[]>();
  if (userIds.length === 0) return out;
  // one row per inbox and count, for every viewer who has that count
  const rows = await conn.all<{
    id: number;
    name: string;
    kind: "shared" | "personal";
    unread: number;
    users: string;
  }>(sql`SELECT i.id, i.name, i.kind, c.unread, group_concat(c.user_id) AS users
    FROM (SELECT m.user_id, m.inbox_id,
        (SELECT count(*) FROM (SELECT 1 FROM conversation_unread u
          WHERE u.user_id = m.user_id AND u.inbox_id = m.inbox_id
            AND u.status = 'open'
          LIMIT ${UNREAD_COUNT_CAP + 1})) AS unread
      FROM inbox_members m WHERE m.user_id IN (${viewerList(userIds)})) c
    JOIN inboxes i ON i.id = c.inbox_id
    GROUP BY i.id, c.unread
    ORDER BY i.name, i.id`);
  for (const r of rows) {
    const inbox: InboxSummary = {
      id: r.id,
      name: r.name,
      kind: r.kind,
      unreadCount: Number(r.unread),
    };
    eachViewer(r.users, (userId) => {
      const list = out.get(userId);
      if (list) list.push(inbox);
      else out.set(userId, [inbox]);
    });
  }
  return out;
}

/** Each viewer's number of chats with unread messages (one query). */
export async function chatUnreadFor(
  conn: Conn,
  userIds: number[],
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (userIds.length === 0) return out;
  const rows = await conn.all<{ user_id: number; n: number }>(sql`
    SELECT cm.user_id, count(*) AS n FROM chat_members cm
    WHERE cm.user_id IN (${
    viewerList(userIds)
  }) AND EXISTS (SELECT 1 FROM chat_messages m
      WHERE m.chat_id = cm.chat_id AND m.id > cm.last_read_message_id
        AND m.user_id <> cm.user_id)
    GROUP BY cm.user_id`);
  for (const r of rows) out.set(r.user_id, Number(r.n));
  return out;
}

/** Each viewer's notification preference per inbox (one query). */
export async function notifyPrefsFor(
  conn: Conn,
  userIds: number[],
): Promise<Map<number, Map<number, InboxNotifyPref>>> {
  const out = new Map<number, Map<number, InboxNotifyPref>>();
  if (userIds.length === 0) return out;
  // one row per inbox and preference, for every viewer who has it
  const rows = await conn.all<{
    inbox_id: number;
    name: string;
    kind: "shared" | "personal";
    level: NotifyLevel | null;
    sound: number | null;
    users: string;
  }>(sql`SELECT i.id AS inbox_id, i.name, i.kind, p.level, p.sound,
      group_concat(m.user_id) AS users
    FROM inbox_members m JOIN inboxes i ON i.id = m.inbox_id
    LEFT JOIN notification_prefs p
      ON p.user_id = m.user_id AND p.inbox_id = m.inbox_id
    WHERE m.user_id IN (${viewerList(userIds)})
    GROUP BY i.id, p.level, p.sound`);
  for (const r of rows) {
    const pref: InboxNotifyPref = {
      inboxId: r.inbox_id,
      name: r.name,
      kind: r.kind,
      level: r.level ?? defaultLevel(r.kind),
      sound: Boolean(r.sound),
    };
    eachViewer(r.users, (userId) => {
      const map = out.get(userId);
      if (map) map.set(r.inbox_id, pref);
      else out.set(userId, new Map([[r.inbox_id, pref]]));
    });
  }
  return out;
}

/** Per conversation, the viewers it holds something for. */
export type ViewersOf = Map<number, Set<number>>;

/**
 * Which of the conversations `ids` each user has pinned or has unread, per
 * conversation (two queries, a row per conversation): the live stream
 * looks a viewer up by number, building no key per viewer.
 */
export async function viewerFlagsFor(
  conn: Conn,
  ids: number[],
): Promise<{ pinned: ViewersOf; unread: ViewersOf }> {
  const pinned: ViewersOf = new Map();
  const unread: ViewersOf = new Map();
  if (ids.length === 0) return { pinned, unread };
  // hand-written: the live stream asks once per message, before any
  // viewer has it
  const list = [JSON.stringify(ids)];
  const [p, u] = await Promise.all([
    execRaw(
      conn,
      `SELECT conversation_id AS c, group_concat(user_id) AS users
      FROM pins WHERE conversation_id IN (SELECT value FROM json_each(?))
      GROUP BY conversation_id`,
      list,
    ),
    execRaw(
      conn,
      `SELECT conversation_id AS c, group_concat(user_id) AS users
      FROM conversation_unread
      WHERE conversation_id IN (SELECT value FROM json_each(?))
      GROUP BY conversation_id`,
      list,
    ),
  ]);
  for (const [{ rows }, out] of [[p, pinned], [u, unread]] as const) {
    for (const r of rows) {
      const users = new Set<number>();
      eachViewer(String(r.users), (user) => users.add(user));
      out.set(Number(r.c), users);
    }
  }
  return { pinned, unread };
}
