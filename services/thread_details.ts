/**
 * What the thread shows besides its messages: the actions this user may
 * take there (assignment, move, tags), the audit trail, and the details of
 * F28 (contact, channel and number, assignee, opened time and duration,
 * message counts).
 */
import { and, eq, sql } from "drizzle-orm";
import type { Conn } from "../db/client.ts";
import { contacts, inboxes, messages, optOuts } from "../db/schema.ts";
import { requireConversation } from "./access.ts";
import { type Activity, listActivities } from "./activities.ts";
import { moveTargets } from "./conversation_actions.ts";
import { inboxMembersOf } from "./inbox_members.ts";
import { openThread, type Thread } from "./conversations.ts";
import { type ComposerState, composerState } from "./messages.ts";
import { listTags, type Tag, tagsOfConversations } from "./tags.ts";
import type { User } from "./users.ts";

export interface ThreadDetails {
  inbox: {
    id: number;
    name: string;
    assignmentMode: boolean;
    allowMove: boolean;
  };
  assigneeId: number | null;
  /** members who can be assigned (empty when assignment mode is off) */
  members: { id: number; name: string }[];
  /** inboxes this user may move it to (empty when moving is off) */
  moveTargets: { id: number; name: string }[];
  tags: Tag[];
  /** the inbox's tags, for the "add tag" picker */
  inboxTags: Tag[];
  status: "open" | "closed";
  spam: boolean;
  openedAt: number;
  closedAt: number | null;
  contact: { id: number; name: string; e164: string; spam: boolean };
  /** the contact opted out of this conversation's number */
  optedOut: boolean;
  counts: { inbound: number; outbound: number };
}

/** The thread's details as this user sees them. */
export async function threadDetails(
  conn: Conn,
  user: User,
  conversationId: number,
): Promise<ThreadDetails> {
  const conv = await requireConversation(conn, user, conversationId);
  const [[inbox], [contact], [opted], countRows, members, targets, tagMap] =
    await Promise.all([
      conn.select({
        id: inboxes.id,
        name: inboxes.name,
        assignmentMode: inboxes.assignmentMode,
        allowMove: inboxes.allowMove,
      }).from(inboxes).where(eq(inboxes.id, conv.inboxId)),
      conn.select({
        id: contacts.id,
        name: contacts.name,
        e164: contacts.e164,
        spam: contacts.spam,
      }).from(contacts).where(eq(contacts.id, conv.contactId)),
      conn.select({ at: optOuts.at }).from(optOuts).where(and(
        eq(optOuts.contactId, conv.contactId),
        eq(optOuts.numberId, conv.numberId),
      )),
      conn.select({
        direction: messages.direction,
        n: sql<number>`count(*)`,
      }).from(messages).where(eq(messages.conversationId, conv.id)).groupBy(
        messages.direction,
      ),
      inboxMembersOf(conn, conv.inboxId),
      moveTargets(conn, user, conv.inboxId),
      tagsOfConversations(conn, [conv.id]),
    ]);
  const inboxTags = await listTags(conn, user, conv.inboxId);
  const count = (d: "in" | "out") =>
    countRows.find((r) => r.direction === d)?.n ?? 0;
  return {
    inbox,
    assigneeId: conv.assigneeId,
    members: inbox.assignmentMode
      ? members.map(({ id, name }) => ({ id, name }))
      : [],
    moveTargets: inbox.allowMove ? targets : [],
    tags: tagMap.get(conv.id) ?? [],
    inboxTags,
    status: conv.status,
    spam: conv.spam,
    openedAt: conv.openedAt,
    closedAt: conv.closedAt,
    contact,
    optedOut: !!opted,
    counts: { inbound: count("in"), outbound: count("out") },
  };
}

/** A thread with its details and the activity lines among its messages. */
export interface FullThread extends Thread {
  details: ThreadDetails;
  activities: Activity[];
  /** the composer's channel, sending number and newest message */
  composer?: ComposerState;
  /** a meeting link can be sent (MEETING_URL_TEMPLATE; set by the route) */
  meeting?: boolean;
}

/** Opens the thread the way the thread pane shows it. */
export async function openFullThread(
  conn: Conn,
  user: User,
  conversationId: number,
  now: number,
): Promise<FullThread> {
  const thread = await openThread(conn, user, conversationId, now);
  // a thread cut at its newest messages shows the activities among them
  const since = thread.messages.length >= 100 ? thread.messages[0].id : 0;
  const [details, activities, composer] = await Promise.all([
    threadDetails(conn, user, conversationId),
    listActivities(conn, conversationId, since),
    composerState(conn, conversationId, now),
  ]);
  return { ...thread, details, activities, composer };
}
