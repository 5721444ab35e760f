/**
 * What the inbox screen's header shows of the team side: unread totals
 * (tab title, chats badge), the open inbox's team with presence and queue,
 * and the user's personal numbers for the channel selector. One call.
 */
import type { Conn } from "../db/client.ts";
import { memberInboxIds, requireInbox } from "./access.ts";
import { type UnreadTotals, unreadTotals } from "./notifications.ts";
import { type ChannelNumber, personalNumbersOf } from "./personal_numbers.ts";
import { inboxTeam, type Teammate } from "./presence.ts";
import type { User } from "./users.ts";

export interface TeamOverview {
  totals: UnreadTotals;
  /** the open inbox's members; empty for a personal inbox */
  members: Teammate[];
  /** numbers of the personal inboxes the user belongs to */
  numbers: ChannelNumber[];
}

export async function teamOverview(
  conn: Conn,
  user: User,
  inboxId: number,
): Promise<TeamOverview> {
  const inbox = await requireInbox(conn, user, inboxId);
  const [totals, members, numbers] = await Promise.all([
    unreadTotals(conn, user),
    inbox.kind === "shared" ? inboxTeam(conn, user, inbox.id) : [],
    memberInboxIds(conn, user.id).then((ids) =>
      personalNumbersOf(conn, user, [...ids])
    ),
  ]);
  return { totals, members, numbers };
}
