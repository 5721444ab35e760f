/**
 * What the live stream shows about each viewer — unread counts per inbox,
 * unread chats, notification preferences — loaded once per batch of events
 * for every connected viewer together. Per viewer it would be a query per
 * connection per message: a thousand agents would mean thousands of
 * queries for one customer's text.
 */
import { sql } from "drizzle-orm";
import type { Conn } from "../db/client.ts";
import type { InboxSummary } from "./conversations.ts";
import { UNREAD_COUNT_CAP } from "./conversations.ts";
import {
  defaultLevel,
  type InboxNotifyPref,
  type NotifyLevel,
} from "./notifications.ts";

/** Each viewer's inboxes with their unread counts, by name (one query). */
export async function inboxCountsFor(
  conn: Conn,
  userIds: number[],
): Promise<Map<number, InboxSummary[]>> {
  const out = new Map<number, InboxSummary[]>();
  if (userIds.length === 0) return out;
  const ids = sql.join(userIds.map((id) => sql`${id}`), sql`, `);
  const rows = await conn.all<{
    user_id: number;
    id: number;
    name: string;
    kind: "shared" | "personal";
    unread: number;
  }>(sql`SELECT m.user_id, i.id, i.name, i.kind,
      (SELECT count(*) FROM (SELECT 1 FROM conversation_unread u
        WHERE u.user_id = m.user_id AND u.inbox_id = i.id AND u.status = 'open'
        LIMIT ${UNREAD_COUNT_CAP + 1})) AS unread
    FROM inbox_members m JOIN inboxes i ON i.id = m.inbox_id
    WHERE m.user_id IN (${ids})
    ORDER BY m.user_id, i.name`);
  for (const r of rows) {
    const list = out.get(r.user_id) ?? [];
    list.push({
      id: r.id,
      name: r.name,
      kind: r.kind,
      unreadCount: Number(r.unread),
    });
    out.set(r.user_id, list);
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
  const ids = sql.join(userIds.map((id) => sql`${id}`), sql`, `);
  const rows = await conn.all<{ user_id: number; n: number }>(sql`
    SELECT cm.user_id, count(*) AS n FROM chat_members cm
    WHERE cm.user_id IN (${ids}) AND EXISTS (SELECT 1 FROM chat_messages m
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
  const ids = sql.join(userIds.map((id) => sql`${id}`), sql`, `);
  const rows = await conn.all<{
    user_id: number;
    inbox_id: number;
    name: string;
    kind: "shared" | "personal";
    level: NotifyLevel | null;
    sound: number | null;
  }>(sql`SELECT m.user_id, i.id AS inbox_id, i.name, i.kind, p.level, p.sound
    FROM inbox_members m JOIN inboxes i ON i.id = m.inbox_id
    LEFT JOIN notification_prefs p
      ON p.user_id = m.user_id AND p.inbox_id = m.inbox_id
    WHERE m.user_id IN (${ids})`);
  for (const r of rows) {
    const map = out.get(r.user_id) ?? new Map<number, InboxNotifyPref>();
    map.set(r.inbox_id, {
      inboxId: r.inbox_id,
      name: r.name,
      kind: r.kind,
      level: r.level ?? defaultLevel(r.kind),
      sound: Boolean(r.sound),
    });
    out.set(r.user_id, map);
  }
  return out;
}
