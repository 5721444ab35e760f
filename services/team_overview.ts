/**
 * What the inbox screen's header shows of the team side: the user's inboxes
 * (the switcher), unread totals (tab title, chats badge), the open inbox's
 * team with presence and queue, and the user's personal numbers for the
 * channel selector. One call, reading each of those once.
 */
import type { Conn } from "../db/client.ts";
import { type InboxSummary, UNREAD_COUNT_CAP } from "./conversations.ts";
import { NotFound } from "./errors.ts";
import { totalsOf, type UnreadTotals } from "./notifications.ts";
import { type ChannelNumber, personalNumbersOf } from "./personal_numbers.ts";
import type { Teammate } from "./presence.ts";
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

/**
 * The same reads as listInboxes, unreadChatCount and teammatesOf, as three
 * columns of one hand-written statement (services/inbox_screen.ts): every
 * page shows them, and each statement costs more in the client and drizzle
 * than in SQLite. ?1 is the user, ?2 the open inbox; members only of a
 * shared inbox the user belongs to.
 */
export const OVERVIEW_COLUMNS = `
  (select json_group_array(json_array(id, name, kind, unread)
      order by name, id)
    from (select i.id, i.name, i.kind,
        (select count(*) from (select 1 from conversation_unread u
          where u.user_id = ?1 and u.inbox_id = i.id and u.status = 'open'
          limit ${UNREAD_COUNT_CAP + 1})) as unread
      from inboxes i join inbox_members m
        on m.inbox_id = i.id and m.user_id = ?1)) as inboxes,
  (select count(*) from chat_members cm join chats c on c.id = cm.chat_id
    where cm.user_id = ?1 and exists (select 1 from chat_messages m
      where m.chat_id = cm.chat_id and m.id > cm.last_read_message_id
        and m.user_id <> ?1)) as chats,
  (select json_group_array(json_array(u.id, u.name, u.status,
        u.status_message, m.queue_active)
      order by case u.status when 'available' then 0 when 'busy' then 1
        when 'away' then 2 else 3 end, u.name)
    from inbox_members m join users u on u.id = m.user_id
    where m.inbox_id = ?2
      and exists (select 1 from inboxes i where i.id = ?2 and i.kind = 'shared')
      and exists (select 1 from inbox_members me
        where me.inbox_id = ?2 and me.user_id = ?1)) as members`;

/**
 * The overview out of a row holding OVERVIEW_COLUMNS (and the personal
 * numbers, when the user has personal inboxes). Throws NotFound when the
 * user is not a member of the inbox.
 */
export async function overviewOf(
  conn: Conn,
  user: User,
  inboxId: number,
  row: Record<string, unknown>,
): Promise<TeamOverview> {
  // lists only the inboxes the user is a member of: the access check too
  const inboxes = (JSON.parse(String(row.inboxes)) as [
    number,
    string,
    InboxSummary["kind"],
    number,
  ][]).map(([id, name, kind, unreadCount]) => ({
    id,
    name,
    kind,
    unreadCount,
  }));
  if (!inboxes.some((i) => i.id === inboxId)) {
    throw new NotFound("No such inbox");
  }
  const members = (JSON.parse(String(row.members)) as [
    number,
    string,
    Teammate["status"],
    string,
    number,
  ][]).map(([id, name, status, statusMessage, queueActive]) => ({
    id,
    name,
    status,
    statusMessage,
    queueActive: queueActive !== 0,
  }));
  const personal = inboxes.filter((i) => i.kind === "personal");
  const numbers = await personalNumbersOf(
    conn,
    user,
    personal.map((i) => i.id),
  );
  return {
    inboxes,
    totals: totalsOf(inboxes, Number(row.chats)),
    members,
    numbers,
  };
}
