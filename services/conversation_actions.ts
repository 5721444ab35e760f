/**
 * What agents do to a conversation: assign (F16), move (F15), close, reopen
 * and close as spam (F19, F20). Each action checks access here, changes the
 * row, records an activity and appends the events in one transaction. An
 * action that takes a conversation off an agent's open count, or leaves one
 * unassigned, lets auto-assignment hand out what waits in that transaction.
 * Internal actions never touch read state: nobody's list turns unread.
 */
import { and, eq, notInArray } from "drizzle-orm";
import type { Conn, Db, Tx } from "../db/client.ts";
import {
  contacts,
  conversations,
  conversationTags,
  inboxes,
  inboxMembers,
  pins,
  users,
} from "../db/schema.ts";
import { type ConversationRow, requireConversation } from "./access.ts";
import {
  type ActivityDetail,
  type ActivityKind,
  recordActivity,
} from "./activities.ts";
import { assignWaiting } from "./auto_assignment.ts";
import type { Clock } from "./clock.ts";
import { Forbidden, Invalid, NotFound } from "./errors.ts";
import { appendEvents, type NewEvent } from "./events.ts";
import type { User } from "./users.ts";

export interface ActionResult {
  conversationId: number;
  /** the inbox the conversation is in now */
  inboxId: number;
  /** false when the conversation already was in that state */
  changed: boolean;
  activityId: number | null;
}

function unchanged(conv: ConversationRow): ActionResult {
  return {
    conversationId: conv.id,
    inboxId: conv.inboxId,
    changed: false,
    activityId: null,
  };
}

/**
 * Records the activity and tells every browser watching the inbox. Shared by
 * the actions of this module and of tags, contacts and opt-outs.
 */
export async function recordChange(
  tx: Tx,
  now: number,
  user: User,
  conv: { id: number; inboxId: number },
  kind: ActivityKind,
  detail: ActivityDetail = {},
  extra: NewEvent[] = [],
): Promise<ActionResult> {
  const activityId = await recordActivity(tx, now, {
    conversationId: conv.id,
    kind,
    actorId: user.id,
    detail,
  });
  await appendEvents(tx, now, [...extra, {
    kind: "conversation.updated",
    inboxId: conv.inboxId,
    conversationId: conv.id,
    payload: { by: user.id, activityId },
  }]);
  return {
    conversationId: conv.id,
    inboxId: conv.inboxId,
    changed: true,
    activityId,
  };
}

async function inboxOf(tx: Tx, id: number) {
  const [inbox] = await tx.select().from(inboxes).where(eq(inboxes.id, id));
  if (!inbox) throw new NotFound("No such inbox");
  return inbox;
}

async function isMember(tx: Tx, inboxId: number, userId: number) {
  const [row] = await tx.select({ id: inboxMembers.userId }).from(inboxMembers)
    .where(
      and(eq(inboxMembers.inboxId, inboxId), eq(inboxMembers.userId, userId)),
    );
  return !!row;
}

export interface AssignInput {
  conversationId: number;
  /** a member of the conversation's inbox, or null to unassign */
  assigneeId: number | null;
}

/**
 * Assigns the conversation to a member of its inbox, or unassigns it. Only
 * where the inbox's manager turned assignment mode on.
 */
export async function assignConversation(
  db: Db,
  clock: Clock,
  user: User,
  input: AssignInput,
): Promise<ActionResult> {
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, input.conversationId);
    const inbox = await inboxOf(tx, conv.inboxId);
    if (!inbox.assignmentMode) {
      throw new Forbidden(
        "Assignment mode is off in this inbox",
        "assignment.off",
      );
    }
    if (conv.assigneeId === input.assigneeId) return unchanged(conv);
    let assigneeName = "";
    if (input.assigneeId !== null) {
      if (!await isMember(tx, conv.inboxId, input.assigneeId)) {
        throw new Invalid(
          "The assignee is not a member of this inbox",
          "assignment.not_member",
        );
      }
      const [row] = await tx.select({ name: users.name }).from(users).where(
        eq(users.id, input.assigneeId),
      );
      assigneeName = row?.name ?? "";
    }
    await tx.update(conversations).set({ assigneeId: input.assigneeId })
      .where(eq(conversations.id, conv.id));
    const now = clock();
    const result = await recordChange(
      tx,
      now,
      user,
      conv,
      input.assigneeId === null ? "unassigned" : "assigned",
      input.assigneeId === null ? {} : { assignee: assigneeName },
    );
    // the former assignee has one open fewer, or this one waits unassigned
    await assignWaiting(tx, now, { inboxIds: [conv.inboxId] });
    return result;
  });
}

/** Closes an open conversation; a new inbound message reopens it (F20). */
export async function closeConversation(
  db: Db,
  clock: Clock,
  user: User,
  conversationId: number,
): Promise<ActionResult> {
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, conversationId);
    if (conv.status === "closed") return unchanged(conv);
    const now = clock();
    await tx.update(conversations).set({ status: "closed", closedAt: now })
      .where(eq(conversations.id, conv.id));
    const result = await recordChange(tx, now, user, conv, "closed");
    // its assignee may be under the cap again: waiting ones go out
    await assignWaiting(tx, now, { inboxIds: [conv.inboxId] });
    return result;
  });
}

/**
 * Reopens a closed conversation. Reopening one that was closed as spam says
 * it is not spam: the contact's later messages land in the inbox again.
 */
export async function reopenConversation(
  db: Db,
  clock: Clock,
  user: User,
  conversationId: number,
): Promise<ActionResult> {
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, conversationId);
    if (conv.status === "open" && !conv.spam) return unchanged(conv);
    await tx.update(conversations).set({
      status: "open",
      closedAt: null,
      spam: false,
    }).where(eq(conversations.id, conv.id));
    if (conv.spam) {
      await tx.update(contacts).set({ spam: false }).where(
        eq(contacts.id, conv.contactId),
      );
    }
    const now = clock();
    const result = await recordChange(
      tx,
      now,
      user,
      conv,
      "reopened",
      conv.spam ? { unspam: true } : {},
    );
    // reopened unassigned, it waits like a new one
    await assignWaiting(tx, now, { inboxIds: [conv.inboxId] });
    return result;
  });
}

/**
 * Closes the conversation as spam (F19): it leaves the inbox's lists for the
 * spam view at once, and the contact is marked spam, so their later messages
 * are kept but land closed in the spam view.
 */
export async function markSpam(
  db: Db,
  clock: Clock,
  user: User,
  conversationId: number,
): Promise<ActionResult> {
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, conversationId);
    if (conv.spam) return unchanged(conv);
    const now = clock();
    await tx.update(conversations).set({
      status: "closed",
      closedAt: conv.status === "closed" ? conv.closedAt : now,
      spam: true,
    }).where(eq(conversations.id, conv.id));
    await tx.update(contacts).set({ spam: true }).where(
      eq(contacts.id, conv.contactId),
    );
    const result = await recordChange(tx, now, user, conv, "spam");
    // its assignee may be under the cap again: waiting ones go out
    await assignWaiting(tx, now, { inboxIds: [conv.inboxId] });
    return result;
  });
}

export interface MoveInput {
  conversationId: number;
  targetInboxId: number;
}

/**
 * Moves the conversation to another inbox the user belongs to (F15), where
 * the source inbox allows it. Members of the old inbox lose access at once
 * (their lists drop the row live); the new inbox's members see it live.
 * Tags are per inbox and stay behind; an assignee who is not a member of
 * the new inbox is unassigned.
 */
export async function moveConversation(
  db: Db,
  clock: Clock,
  user: User,
  input: MoveInput,
): Promise<ActionResult> {
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, input.conversationId);
    const source = await inboxOf(tx, conv.inboxId);
    if (!source.allowMove) {
      throw new Forbidden(
        "Conversations may not be moved out of this inbox",
        "move.off",
      );
    }
    if (input.targetInboxId === conv.inboxId) {
      throw new Invalid("It is already in that inbox", "move.same_inbox");
    }
    if (!await isMember(tx, input.targetInboxId, user.id)) {
      throw new NotFound("No such inbox");
    }
    const target = await inboxOf(tx, input.targetInboxId);
    const keepAssignee = conv.assigneeId !== null &&
      await isMember(tx, target.id, conv.assigneeId);
    await tx.update(conversations).set({
      inboxId: target.id,
      assigneeId: keepAssignee ? conv.assigneeId : null,
    }).where(eq(conversations.id, conv.id));
    await tx.delete(conversationTags).where(
      eq(conversationTags.conversationId, conv.id),
    );
    // a pin is a way to find the conversation: not for those who lost it
    const stay = tx.select({ id: inboxMembers.userId }).from(inboxMembers)
      .where(eq(inboxMembers.inboxId, target.id));
    await tx.delete(pins).where(and(
      eq(pins.conversationId, conv.id),
      notInArray(pins.userId, stay),
    ));
    const now = clock();
    const result = await recordChange(
      tx,
      now,
      user,
      { id: conv.id, inboxId: target.id },
      "moved",
      { from: source.name, to: target.name },
      [{
        kind: "conversation.removed",
        inboxId: source.id,
        conversationId: conv.id,
        payload: { by: user.id, to: target.id },
      }],
    );
    // the source's assignee has one open fewer; in the target it may
    // arrive unassigned and wait
    await assignWaiting(tx, now, { inboxIds: [source.id, target.id] });
    return result;
  });
}

/** The inboxes (other than this one) the user may move a conversation to. */
export async function moveTargets(
  conn: Conn,
  user: User,
  fromInboxId: number,
): Promise<{ id: number; name: string }[]> {
  const rows = await conn.select({ id: inboxes.id, name: inboxes.name }).from(
    inboxes,
  ).innerJoin(
    inboxMembers,
    and(eq(inboxMembers.inboxId, inboxes.id), eq(inboxMembers.userId, user.id)),
  ).orderBy(inboxes.name);
  return rows.filter((r) => r.id !== fromInboxId);
}
