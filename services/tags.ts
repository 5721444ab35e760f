/**
 * Tags (F18): each inbox has its own, with a colour from a fixed palette
 * (CSS classes: no style attributes under our CSP). Any member creates tags
 * and puts them on conversations; a manager deletes them. Each user decides
 * whether their list shows tags.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Conn, Db, Tx } from "../db/client.ts";
import { conversationTags, tags, userPrefs } from "../db/schema.ts";
import { requireConversation, requireInbox } from "./access.ts";
import type { Clock } from "./clock.ts";
import { type ActionResult, recordChange } from "./conversation_actions.ts";
import { Invalid, NotFound } from "./errors.ts";
import { appendEvents } from "./events.ts";
import { requireManagedInbox } from "./inbox_settings.ts";
import type { User } from "./users.ts";

export const TAG_COLORS = [
  "c1",
  "c2",
  "c3",
  "c4",
  "c5",
  "c6",
  "c7",
  "c8",
] as const;
export type TagColor = typeof TAG_COLORS[number];

export interface Tag {
  id: number;
  inboxId: number;
  name: string;
  color: TagColor;
}

/** Older rows (and the column default) hold a hex colour: show it as c1. */
export function tagColor(stored: string): TagColor {
  return (TAG_COLORS as readonly string[]).includes(stored)
    ? stored as TagColor
    : "c1";
}

const tagColumns = {
  id: tags.id,
  inboxId: tags.inboxId,
  name: tags.name,
  color: tags.color,
};

function toTag(
  r: { id: number; inboxId: number; name: string; color: string },
) {
  return { ...r, color: tagColor(r.color) };
}

/** The inbox's tags, by name, for a member of it. */
export async function listTags(
  conn: Conn,
  user: User,
  inboxId: number,
): Promise<Tag[]> {
  await requireInbox(conn, user, inboxId);
  return await tagsOfInbox(conn, inboxId);
}

/** The inbox's tags, by name; the caller has checked access. */
export async function tagsOfInbox(conn: Conn, inboxId: number) {
  const rows = await conn.select(tagColumns).from(tags).where(
    eq(tags.inboxId, inboxId),
  ).orderBy(tags.name);
  return rows.map(toTag);
}

/** The tags on each of the given conversations, by name. */
export async function tagsOfConversations(
  conn: Conn,
  conversationIds: number[],
): Promise<Map<number, Tag[]>> {
  const out = new Map<number, Tag[]>();
  if (conversationIds.length === 0) return out;
  const rows = await conn.select({
    conversationId: conversationTags.conversationId,
    ...tagColumns,
  }).from(conversationTags).innerJoin(
    tags,
    eq(tags.id, conversationTags.tagId),
  ).where(inArray(conversationTags.conversationId, conversationIds))
    .orderBy(tags.name);
  for (const { conversationId, ...t } of rows) {
    const list = out.get(conversationId) ?? [];
    list.push(toTag(t));
    out.set(conversationId, list);
  }
  return out;
}

export interface NewTag {
  inboxId: number;
  name: string;
  color: TagColor;
}

/** Creates a tag in an inbox the user belongs to. */
export async function createTag(
  db: Db,
  clock: Clock,
  user: User,
  input: NewTag,
): Promise<Tag> {
  return await db.write(async (tx) => {
    // members make tags; an admin may also make them in any inbox
    if (user.role === "admin") {
      await requireManagedInbox(tx, user, input.inboxId);
    } else await requireInbox(tx, user, input.inboxId);
    return await insertTag(tx, clock(), input);
  });
}

async function insertTag(tx: Tx, now: number, input: NewTag): Promise<Tag> {
  const name = input.name.replace(/\s+/g, " ").trim();
  if (!name) throw new Invalid("A tag needs a name", "tags.name_required");
  const [dup] = await tx.select({ id: tags.id }).from(tags).where(
    and(eq(tags.inboxId, input.inboxId), eq(tags.name, name)),
  );
  if (dup) throw new Invalid("That tag already exists", "tags.duplicate");
  const [row] = await tx.insert(tags).values({
    inboxId: input.inboxId,
    name,
    color: input.color,
    createdAt: now,
  }).returning(tagColumns);
  return toTag(row);
}

/**
 * Makes a tag in the conversation's inbox and puts it on the conversation,
 * in one transaction (the details panel's "create and add").
 */
export async function createTagOn(
  db: Db,
  clock: Clock,
  user: User,
  conversationId: number,
  input: { name: string; color: TagColor },
): Promise<ActionResult> {
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, conversationId);
    const now = clock();
    const tag = await insertTag(tx, now, { ...input, inboxId: conv.inboxId });
    await tx.insert(conversationTags).values({
      conversationId: conv.id,
      tagId: tag.id,
      createdAt: now,
    });
    return await recordChange(tx, now, user, conv, "tagged", {
      tag: tag.name,
      color: tag.color,
    });
  });
}

/**
 * Deletes a tag (managers only): it leaves every conversation, and their
 * rows update live. No activity line: the tag is gone, not taken off.
 */
export async function deleteTag(
  db: Db,
  clock: Clock,
  user: User,
  inboxId: number,
  tagId: number,
): Promise<void> {
  await db.write(async (tx) => {
    await requireManagedInbox(tx, user, inboxId);
    const [tag] = await tx.select({ id: tags.id }).from(tags).where(
      and(eq(tags.id, tagId), eq(tags.inboxId, inboxId)),
    );
    if (!tag) throw new NotFound("No such tag");
    const tagged = await tx.delete(conversationTags).where(
      eq(conversationTags.tagId, tag.id),
    ).returning({ id: conversationTags.conversationId });
    await tx.delete(tags).where(eq(tags.id, tag.id));
    await appendEvents(
      tx,
      clock(),
      tagged.map((r) => ({
        kind: "conversation.updated" as const,
        inboxId,
        conversationId: r.id,
        payload: { by: user.id },
      })),
    );
  });
}

export interface TagInput {
  conversationId: number;
  tagId: number;
}

async function requireTagFor(
  conn: Conn,
  user: User,
  input: TagInput,
) {
  const conv = await requireConversation(conn, user, input.conversationId);
  const [tag] = await conn.select(tagColumns).from(tags).where(
    and(eq(tags.id, input.tagId), eq(tags.inboxId, conv.inboxId)),
  );
  if (!tag) throw new NotFound("No such tag");
  return { conv, tag: toTag(tag) };
}

/** Puts a tag of the conversation's inbox on it. */
export async function addTag(
  db: Db,
  clock: Clock,
  user: User,
  input: TagInput,
): Promise<ActionResult> {
  return await db.write(async (tx) => {
    const { conv, tag } = await requireTagFor(tx, user, input);
    const now = clock();
    const added = await tx.insert(conversationTags).values({
      conversationId: conv.id,
      tagId: tag.id,
      createdAt: now,
    }).onConflictDoNothing().returning({ id: conversationTags.tagId });
    if (added.length === 0) {
      return {
        conversationId: conv.id,
        inboxId: conv.inboxId,
        changed: false,
        activityId: null,
      };
    }
    return await recordChange(tx, now, user, conv, "tagged", {
      tag: tag.name,
      color: tag.color,
    });
  });
}

/** Takes a tag off the conversation. */
export async function removeTag(
  db: Db,
  clock: Clock,
  user: User,
  input: TagInput,
): Promise<ActionResult> {
  return await db.write(async (tx) => {
    const { conv, tag } = await requireTagFor(tx, user, input);
    const gone = await tx.delete(conversationTags).where(and(
      eq(conversationTags.conversationId, conv.id),
      eq(conversationTags.tagId, tag.id),
    )).returning({ id: conversationTags.tagId });
    if (gone.length === 0) {
      return {
        conversationId: conv.id,
        inboxId: conv.inboxId,
        changed: false,
        activityId: null,
      };
    }
    return await recordChange(tx, clock(), user, conv, "untagged", {
      tag: tag.name,
      color: tag.color,
    });
  });
}

/** Saves the user's "show tags" preference. */
export async function setShowTags(
  db: Db,
  user: User,
  show: boolean,
): Promise<void> {
  await db.write(async (tx) => {
    await tx.insert(userPrefs).values({ userId: user.id, showTags: show })
      .onConflictDoUpdate({
        target: userPrefs.userId,
        set: { showTags: show },
      });
  });
}
