/**
 * What the inbox screen's header shows of the team side: the user's inboxes
 * (the switcher), unread totals (tab title, chats badge), the open inbox's
 * team with presence and queue, and the user's personal numbers for the
 * channel selector. One call, reading each of those once.
 */
import type { Conn } from "../db/client.ts";
import { unreadChatCount } from "./chats.ts";
import { type InboxSummary, listInboxes } from "./conversations.ts";
import { NotFound } from "./errors.ts";
import { totalsOf, type UnreadTotals } from "./notifications.ts";
import { type ChannelNumber, personalNumbersOf } from "./personal_numbers.ts";
import { type Teammate, teammatesOf } from "./presence.ts";
import type { User } from "./users.ts";

export interface TeamOverview {
  /** the user's inboxes with their unread counts, by name */
  inboxes: InboxSummary[];
  totals: UnreadTotals;
  /** the open inbox's members; empty for a personal inbox */
  members: Teammate[];
  /** numbers of the personal inboxes the user belongs to */
  numbers: ChannelNumber[];
}

/** Throws NotFound when the user is not a member of the inbox. */
export async function teamOverview(
  conn: Conn,
  user: User,
  inboxId: number,
): Promise<TeamOverview> {
  // lists only the inboxes the user is a member of: the access check too
  const inboxes = await listInboxes(conn, user);
  const inbox = inboxes.find((i) => i.id === inboxId);
  if (!inbox) throw new NotFound("No such inbox");
  const personal = inboxes.filter((i) => i.kind === "personal");
  const [chats, members, numbers] = await Promise.all([
    unreadChatCount(conn, user.id),
    inbox.kind === "shared" ? teammatesOf(conn, inbox.id) : [],
    personalNumbersOf(conn, user, personal.map((i) => i.id)),
  ]);
  return { inboxes, totals: totalsOf(inboxes, chats), members, numbers };
}
