/**
 * What the inbox page reads besides its list, in one hand-written
 * statement before the list: the event cursor, the filter form's choices,
 * the user's show-tags preference and the team overview. Each statement
 * has a fixed cost in the client larger than these lookups.
 */
import { type Conn, execRaw } from "../db/client.ts";
import {
  FACET_COLUMNS,
  facetsOf,
  type ListFacets,
} from "./conversation_list.ts";
import {
  OVERVIEW_COLUMNS,
  overviewOf,
  type TeamOverview,
} from "./team_overview.ts";
import type { User } from "./users.ts";

export interface InboxScreen {
  /** the newest event id: anything later reaches the page by SSE */
  asOf: number;
  facets: ListFacets;
  /** does the user want tags in the list? (default: yes) */
  showTags: boolean;
  team: TeamOverview;
}

/**
 * Read before the list, so the event cursor is not newer than what the
 * list shows. Throws NotFound when the user is not a member of the inbox.
 */
export async function inboxScreen(
  conn: Conn,
  user: User,
  inboxId: number,
): Promise<InboxScreen> {
  const { rows: [row] } = await execRaw(
    conn,
    `select (select coalesce(max(id), 0) from events) as as_of,
      (select show_tags from user_prefs where user_id = ?1) as show_tags,
      ${FACET_COLUMNS},
      ${OVERVIEW_COLUMNS}`,
    [user.id, inboxId],
  );
  return {
    asOf: Number(row.as_of),
    facets: facetsOf(row),
    showTags: row.show_tags === null || Number(row.show_tags) !== 0,
    team: await overviewOf(conn, user, inboxId, row),
  };
}
