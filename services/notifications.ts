/**
 * Notification preferences (per user, per inbox: all new messages, only
 * conversations assigned to me, mentions, or none; plus a sound) and the
 * rule that turns a live event into a browser notification for one viewer.
 * The browser asks for permission only after a click (static/app.js).
 */
import { and, eq, sql } from "drizzle-orm";
import type { Conn, Db } from "../db/client.ts";
import { inboxes, inboxMembers, notificationPrefs } from "../db/schema.ts";
import { requireInbox } from "./access.ts";
import { unreadChatCount } from "./chats.ts";
import { type InboxSummary, listInboxes } from "./conversations.ts";
import type { User } from "./users.ts";

export type NotifyLevel = "all" | "assigned" | "mentions" | "none";
export const NOTIFY_LEVELS: readonly NotifyLevel[] = [
  "all",
  "assigned",
  "mentions",
  "none",
];

export interface InboxNotifyPref {
  inboxId: number;
  name: string;
  kind: "shared" | "personal";
  level: NotifyLevel;
  sound: boolean;
}

/**
 * The level when none was chosen: a personal inbox has no assignments, so
 * its owner hears of everything; a shared one, of what is theirs.
 */
export function defaultLevel(kind: "shared" | "personal"): NotifyLevel {
  return kind === "personal" ? "all" : "assigned";
}

/** The user's preference for each of their inboxes, by inbox name. */
export async function notifyPrefsOf(
  conn: Conn,
  userId: number,
): Promise<InboxNotifyPref[]> {
  const rows = await conn.select({
    inboxId: inboxes.id,
    name: inboxes.name,
    kind: inboxes.kind,
    level: notificationPrefs.level,
    sound: notificationPrefs.sound,
  }).from(inboxMembers)
    .innerJoin(inboxes, eq(inboxes.id, inboxMembers.inboxId))
    .leftJoin(
      notificationPrefs,
      and(
        eq(notificationPrefs.inboxId, inboxMembers.inboxId),
        eq(notificationPrefs.userId, userId),
      ),
    ).where(eq(inboxMembers.userId, userId)).orderBy(inboxes.name);
  return rows.map((r) => ({
    inboxId: r.inboxId,
    name: r.name,
    kind: r.kind,
    level: r.level ?? defaultLevel(r.kind),
    sound: r.sound ?? false,
  }));
}

/** Saves the user's preference for one of their inboxes. */
export async function setNotifyPref(
  db: Db,
  user: User,
  inboxId: number,
  input: { level: NotifyLevel; sound: boolean },
): Promise<void> {
  await db.write(async (tx) => {
    await requireInbox(tx, user, inboxId);
    await tx.insert(notificationPrefs).values({
      userId: user.id,
      inboxId,
      level: input.level,
      sound: input.sound,
    }).onConflictDoUpdate({
      target: [notificationPrefs.userId, notificationPrefs.inboxId],
      set: { level: input.level, sound: input.sound },
    });
  });
}

/**
 * Does `body` name this person: @First, @FirstLast, or their first name as
 * a word ("Hi Ana, …")? Customers name the agent they talked to.
 */
export function mentions(body: string, name: string): boolean {
  return mentionPattern(name)?.test(body) ?? false;
}

// a live message is checked against every viewer's name: compiling a
// unicode pattern per viewer per message cost more than the rest of the
// fan-out (~18 ms for 1,000 viewers)
const patterns = new Map<string, RegExp | null>();
const PATTERN_CACHE_MAX = 10_000;

function mentionPattern(name: string): RegExp | null {
  let re = patterns.get(name);
  if (re !== undefined) return re;
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return null;
  const handles = [parts[0], parts.join("")].map((h) =>
    h.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  );
  const word = "[\\p{L}\\p{N}_]";
  re = new RegExp(
    `(^|(?!${word})[^@])@?(${handles.join("|")})(?!${word})`,
    "iu",
  );
  if (patterns.size >= PATTERN_CACHE_MAX) patterns.clear();
  patterns.set(name, re);
  return re;
}

/** What the viewer's preference says about one inbox event. */
export function wantsNotice(
  pref: { level: NotifyLevel } | undefined,
  kind: "shared" | "personal",
  about: { assignedToViewer: boolean; mentionsViewer: boolean },
): boolean {
  const level = pref?.level ?? defaultLevel(kind);
  if (level === "all") return true;
  if (level === "assigned") return about.assignedToViewer;
  if (level === "mentions") return about.mentionsViewer;
  return false;
}

/** Unread counts the whole page shows: the tab title and the chats badge. */
export interface UnreadTotals {
  /** unread open conversations in all the user's inboxes */
  conversations: number;
  /** chats with something unread */
  chats: number;
}

export async function unreadTotals(
  conn: Conn,
  user: User,
): Promise<UnreadTotals> {
  const [inboxList, chats] = await Promise.all([
    listInboxes(conn, user),
    unreadChatCount(conn, user.id),
  ]);
  return totalsOf(inboxList, chats);
}

/** The totals from the user's inboxes (listInboxes) and unread chats. */
export function totalsOf(
  inboxList: InboxSummary[],
  chats: number,
): UnreadTotals {
  return {
    conversations: inboxList.reduce((n, i) => n + i.unreadCount, 0),
    chats,
  };
}

/** Per inbox id: the viewer's level and sound, with defaults applied. */
export async function prefsByInbox(
  conn: Conn,
  userId: number,
): Promise<Map<number, InboxNotifyPref>> {
  return new Map(
    (await notifyPrefsOf(conn, userId)).map((p) => [p.inboxId, p]),
  );
}

/** Conversation assignees, for "assigned to me" notices (one query). */
export async function assigneesOf(
  conn: Conn,
  conversationIds: number[],
): Promise<Map<number, number | null>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await conn.all<{ id: number; assignee_id: number | null }>(
    sql`select id, assignee_id from conversations where id in (${
      sql.join(conversationIds.map((i) => sql`${i}`), sql`, `)
    })`,
  );
  return new Map(
    rows.map((r) => [
      Number(r.id),
      r.assignee_id === null ? null : Number(r.assignee_id),
    ]),
  );
}
