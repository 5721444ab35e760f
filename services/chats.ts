/**
 * Chats between employees: direct (one-to-one, F7) and team (named group,
 * F8). Only members read or post; a chat that is not the user's is
 * NotFound, so nobody learns it exists. Team chats' members are managed by
 * their creator or an admin who is a member; anyone may leave a team chat.
 * Every change appends its event (chat_id), so members' pages follow live.
 */
import { and, asc, desc, eq, inArray, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Conn, Db, Tx } from "../db/client.ts";
import { chatMembers, chatMessages, chats, users } from "../db/schema.ts";
import type { AttachmentView, StagedFile } from "./attachments.ts";
import {
  chatAttachmentsFor,
  insertChatAttachments,
} from "./chat_attachments.ts";
import type { Clock } from "./clock.ts";
import { Forbidden, Invalid, NotFound } from "./errors.ts";
import { appendEvents, type NewEvent } from "./events.ts";
import { chatMediaRules, checkSet, MediaRefused } from "./media_limits.ts";
import { filesPreview, MAX_BODY, previewOf } from "./messages.ts";
import type { Presence } from "./presence.ts";
import type { User } from "./users.ts";

export type ChatKind = "direct" | "team";
export const MAX_CHAT_NAME = 60;
/** How many messages a chat shows when opened. */
export const CHAT_PAGE = 100;

type ChatRow = typeof chats.$inferSelect;

/** A chat as one member's list shows it. */
export interface ChatSummary {
  id: number;
  kind: ChatKind;
  /** the team chat's name, or the other person's name */
  title: string;
  /** the other person of a direct chat (for their presence) */
  other: Presence | null;
  preview: string;
  lastMessageAt: number;
  /** messages from others after the last one this member read */
  unread: number;
}

export interface ChatMessageView {
  id: number;
  chatId: number;
  userId: number;
  senderName: string;
  body: string;
  createdAt: number;
  /** its files, in the order they were attached */
  attachments: AttachmentView[];
}

export interface ChatMember extends Presence {
  isCreator: boolean;
}

export interface ChatThread {
  chat: ChatSummary;
  createdBy: number;
  members: ChatMember[];
  messages: ChatMessageView[];
  /** the viewer may add and remove members (team chats) */
  canManage: boolean;
}

/** The chat, if the user is one of its members. */
export async function requireChat(
  conn: Conn,
  user: User,
  chatId: number,
): Promise<ChatRow> {
  const [row] = await conn.select({ chat: chats }).from(chats).innerJoin(
    chatMembers,
    and(eq(chatMembers.chatId, chats.id), eq(chatMembers.userId, user.id)),
  ).where(eq(chats.id, chatId));
  if (!row) throw new NotFound("No such chat");
  return row.chat;
}

/** Ids of the chats the user belongs to (the live stream's filter). */
export async function memberChatIds(
  conn: Conn,
  userId: number,
): Promise<Set<number>> {
  const rows = await conn.select({ id: chatMembers.chatId }).from(chatMembers)
    .where(eq(chatMembers.userId, userId));
  return new Set(rows.map((r) => r.id));
}

const other = alias(users, "other");
const otherMember = alias(chatMembers, "other_member");

/** The user's chats (or only `ids`), most recent activity first. */
export async function listChats(
  conn: Conn,
  userId: number,
  ids?: number[],
): Promise<ChatSummary[]> {
  if (ids && ids.length === 0) return [];
  const rows = await conn.select({
    id: chats.id,
    kind: chats.kind,
    name: chats.name,
    lastMessageAt: chats.lastMessageAt,
    lastMessageId: chats.lastMessageId,
    body: chatMessages.body,
    otherId: other.id,
    otherName: other.name,
    otherStatus: other.status,
    otherMessage: other.statusMessage,
    unread: sql<number>`(select count(*) from ${chatMessages} m
      where m.chat_id = ${chats.id} and m.id > ${chatMembers.lastReadMessageId}
        and m.user_id <> ${userId})`,
  }).from(chatMembers)
    .innerJoin(chats, eq(chats.id, chatMembers.chatId))
    .leftJoin(chatMessages, eq(chatMessages.id, chats.lastMessageId))
    // a direct chat's other member; team chats join nobody here
    .leftJoin(
      otherMember,
      and(
        eq(otherMember.chatId, chats.id),
        ne(otherMember.userId, userId),
        eq(chats.kind, "direct"),
      ),
    )
    .leftJoin(other, eq(other.id, otherMember.userId))
    .where(and(
      eq(chatMembers.userId, userId),
      ids ? inArray(chats.id, ids) : undefined,
    ))
    .orderBy(desc(chats.lastMessageAt), desc(chats.id));
  // a message that is only files is previewed by them
  const files = await chatAttachmentsFor(
    conn,
    rows.flatMap((r) => r.lastMessageId && !r.body ? [r.lastMessageId] : []),
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.kind === "direct" ? (r.otherName ?? "") : r.name,
    other: r.otherId !== null
      ? {
        id: r.otherId,
        name: r.otherName ?? "",
        status: r.otherStatus ?? "offline",
        statusMessage: r.otherMessage ?? "",
      }
      : null,
    preview: r.body
      ? previewOf(r.body)
      : filesPreview(files.get(r.lastMessageId ?? 0) ?? []),
    lastMessageAt: r.lastMessageAt,
    unread: Number(r.unread),
  }));
}

/** How many of the user's chats have something unread (the header badge). */
export async function unreadChatCount(
  conn: Conn,
  userId: number,
): Promise<number> {
  const [row] = await conn.all<{ n: number }>(sql`select count(*) as n
    from chat_members cm join chats c on c.id = cm.chat_id
    where cm.user_id = ${userId} and exists (select 1 from chat_messages m
      where m.chat_id = cm.chat_id and m.id > cm.last_read_message_id
        and m.user_id <> ${userId})`);
  return Number(row?.n ?? 0);
}

const messageColumns = {
  id: chatMessages.id,
  chatId: chatMessages.chatId,
  userId: chatMessages.userId,
  senderName: users.name,
  body: chatMessages.body,
  createdAt: chatMessages.createdAt,
};

/** Chat messages (rows of messageColumns) with their files. */
async function withFiles(
  conn: Conn,
  rows: Omit<ChatMessageView, "attachments">[],
): Promise<ChatMessageView[]> {
  const files = await chatAttachmentsFor(conn, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, attachments: files.get(r.id) ?? [] }));
}

/** Chat messages by id, for live updates (callers check membership). */
export async function chatMessagesById(
  conn: Conn,
  ids: number[],
): Promise<Map<number, ChatMessageView>> {
  if (ids.length === 0) return new Map();
  const rows = await conn.select(messageColumns).from(chatMessages)
    .innerJoin(users, eq(users.id, chatMessages.userId))
    .where(inArray(chatMessages.id, ids));
  return new Map((await withFiles(conn, rows)).map((r) => [r.id, r]));
}

async function membersOf(conn: Conn, chat: ChatRow): Promise<ChatMember[]> {
  const rows = await conn.select({
    id: users.id,
    name: users.name,
    status: users.status,
    statusMessage: users.statusMessage,
  }).from(chatMembers).innerJoin(users, eq(users.id, chatMembers.userId))
    .where(eq(chatMembers.chatId, chat.id)).orderBy(asc(users.name));
  return rows.map((r) => ({ ...r, isCreator: r.id === chat.createdBy }));
}

function canManage(user: User, chat: ChatRow): boolean {
  return chat.kind === "team" &&
    (chat.createdBy === user.id || user.role === "admin");
}

/** A chat with its members and latest messages, if the user is a member. */
export async function openChat(
  conn: Conn,
  user: User,
  chatId: number,
): Promise<ChatThread> {
  const chat = await requireChat(conn, user, chatId);
  const [[summary], members, latest] = await Promise.all([
    listChats(conn, user.id, [chat.id]),
    membersOf(conn, chat),
    conn.select(messageColumns).from(chatMessages)
      .innerJoin(users, eq(users.id, chatMessages.userId))
      .where(eq(chatMessages.chatId, chat.id))
      .orderBy(desc(chatMessages.id)).limit(CHAT_PAGE),
  ]);
  return {
    chat: summary,
    createdBy: chat.createdBy,
    members,
    messages: await withFiles(conn, latest.reverse()),
    canManage: canManage(user, chat),
  };
}

/** The head of an open chat (members, what the viewer may do). */
export async function chatHead(
  conn: Conn,
  user: User,
  chatId: number,
): Promise<Omit<ChatThread, "messages">> {
  const chat = await requireChat(conn, user, chatId);
  const [[summary], members] = await Promise.all([
    listChats(conn, user.id, [chat.id]),
    membersOf(conn, chat),
  ]);
  return {
    chat: summary,
    createdBy: chat.createdBy,
    members,
    canManage: canManage(user, chat),
  };
}

async function existingUsers(tx: Tx, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await tx.select({ id: users.id }).from(users).where(
    inArray(users.id, ids),
  );
  return rows.map((r) => r.id);
}

/** Events that let new or former members' streams follow the chat. */
function accessEvents(chatId: number, userIds: number[], by: number) {
  return userIds.map((userId): NewEvent => ({
    kind: "access.changed",
    userId,
    payload: { by, chatId },
  }));
}

/**
 * The direct chat between the user and `otherId`, created on first use
 * (one per pair, by its key). Returns its id.
 */
export async function openDirectChat(
  db: Db,
  clock: Clock,
  user: User,
  otherId: number,
): Promise<number> {
  if (otherId === user.id) {
    throw new Invalid("A direct chat needs someone else", "chats.not_self");
  }
  const [a, b] = [user.id, otherId].sort((x, y) => x - y);
  const key = `${a}:${b}`;
  return await db.write(async (tx) => {
    const [found] = await tx.select({ id: chats.id }).from(chats).where(
      eq(chats.directKey, key),
    );
    if (found) return found.id;
    if ((await existingUsers(tx, [otherId])).length === 0) {
      throw new NotFound("No such person");
    }
    const now = clock();
    const [chat] = await tx.insert(chats).values({
      kind: "direct",
      directKey: key,
      createdBy: user.id,
      createdAt: now,
      lastMessageAt: now,
    }).returning({ id: chats.id });
    await tx.insert(chatMembers).values([
      { chatId: chat.id, userId: user.id, joinedAt: now },
      { chatId: chat.id, userId: otherId, joinedAt: now },
    ]);
    await appendEvents(
      tx,
      now,
      accessEvents(chat.id, [user.id, otherId], user.id),
    );
    return chat.id;
  });
}

function cleanName(name: string): string {
  const clean = name.replace(/\s+/g, " ").trim();
  if (!clean) {
    throw new Invalid("A team chat needs a name", "chats.name_required");
  }
  if (clean.length > MAX_CHAT_NAME) {
    throw new Invalid("The name is too long", "chats.name_too_long");
  }
  return clean;
}

/** Creates a team chat with the user and `memberIds` in it; returns its id. */
export async function createTeamChat(
  db: Db,
  clock: Clock,
  user: User,
  input: { name: string; memberIds: number[] },
): Promise<number> {
  const name = cleanName(input.name);
  return await db.write(async (tx) => {
    const others = await existingUsers(
      tx,
      [...new Set(input.memberIds)].filter((id) => id !== user.id),
    );
    const now = clock();
    const [chat] = await tx.insert(chats).values({
      kind: "team",
      name,
      createdBy: user.id,
      createdAt: now,
      lastMessageAt: now,
    }).returning({ id: chats.id });
    await tx.insert(chatMembers).values(
      [user.id, ...others].map((userId) => ({
        chatId: chat.id,
        userId,
        joinedAt: now,
      })),
    );
    await appendEvents(tx, now, [
      ...accessEvents(chat.id, [user.id, ...others], user.id),
      { kind: "chat.updated", chatId: chat.id, payload: { by: user.id } },
    ]);
    return chat.id;
  });
}

/** A team chat the user may manage; NotFound for non-members. */
async function requireManagedChat(tx: Tx, user: User, chatId: number) {
  const chat = await requireChat(tx, user, chatId);
  if (chat.kind !== "team") {
    throw new Invalid("A direct chat has two members", "chats.direct_fixed");
  }
  if (!canManage(user, chat)) {
    throw new Forbidden(
      "Only the chat's creator or an admin manages its members",
      "chats.managers_only",
    );
  }
  return chat;
}

/** Adds people to a team chat (its creator or an admin member). */
export async function addChatMembers(
  db: Db,
  clock: Clock,
  user: User,
  chatId: number,
  memberIds: number[],
): Promise<void> {
  await db.write(async (tx) => {
    const chat = await requireManagedChat(tx, user, chatId);
    const ids = await existingUsers(tx, [...new Set(memberIds)]);
    if (ids.length === 0) return;
    const now = clock();
    const added = await tx.insert(chatMembers).values(
      ids.map((userId) => ({ chatId: chat.id, userId, joinedAt: now })),
    ).onConflictDoNothing().returning({ id: chatMembers.userId });
    if (added.length === 0) return;
    await appendEvents(tx, now, [
      // the new members' streams start following the chat first
      ...accessEvents(chat.id, added.map((a) => a.id), user.id),
      { kind: "chat.updated", chatId: chat.id, payload: { by: user.id } },
    ]);
  });
}

async function dropMember(
  tx: Tx,
  now: number,
  chatId: number,
  memberId: number,
  by: number,
) {
  const gone = await tx.delete(chatMembers).where(and(
    eq(chatMembers.chatId, chatId),
    eq(chatMembers.userId, memberId),
  )).returning({ id: chatMembers.userId });
  if (gone.length === 0) return;
  await appendEvents(tx, now, [
    // the former member's pages drop it; their stream stops following it
    { kind: "chat.left", userId: memberId, chatId, payload: { by } },
    ...accessEvents(chatId, [memberId], by),
    { kind: "chat.updated", chatId, payload: { by } },
  ]);
}

/** Removes someone from a team chat (its creator or an admin member). */
export async function removeChatMember(
  db: Db,
  clock: Clock,
  user: User,
  chatId: number,
  memberId: number,
): Promise<void> {
  await db.write(async (tx) => {
    const chat = await requireManagedChat(tx, user, chatId);
    if (memberId === user.id) {
      throw new Invalid("Leave the chat instead", "chats.remove_self");
    }
    await dropMember(tx, clock(), chat.id, memberId, user.id);
  });
}

/** The user leaves a team chat. */
export async function leaveChat(
  db: Db,
  clock: Clock,
  user: User,
  chatId: number,
): Promise<void> {
  await db.write(async (tx) => {
    const chat = await requireChat(tx, user, chatId);
    if (chat.kind !== "team") {
      throw new Invalid("A direct chat cannot be left", "chats.direct_fixed");
    }
    await dropMember(tx, clock(), chat.id, user.id, user.id);
  });
}

export interface PostInput {
  chatId: number;
  body: string;
  /** the composer's idempotency key: a resubmission is stored once */
  clientKey?: string;
  /** uploaded files (services/chat_uploads.ts), written with the message */
  attachments?: StagedFile[];
}

/** Posts a message to a chat the user belongs to; returns the message. */
export async function postChatMessage(
  db: Db,
  clock: Clock,
  user: User,
  input: PostInput,
): Promise<ChatMessageView> {
  const body = input.body.replace(/\r\n?/g, "\n").trim();
  const files = input.attachments ?? [];
  if (!body && files.length === 0) {
    throw new Invalid("The message is empty", "composer.empty");
  }
  if (body.length > MAX_BODY) {
    throw new Invalid("The message is too long", "composer.too_long");
  }
  // each file was checked at its upload; the set is checked here
  const problem = checkSet(chatMediaRules(), files);
  if (problem) throw new MediaRefused(problem);
  return await db.write(async (tx) => {
    const chat = await requireChat(tx, user, input.chatId);
    if (input.clientKey) {
      const [dup] = await tx.select(messageColumns).from(chatMessages)
        .innerJoin(users, eq(users.id, chatMessages.userId)).where(and(
          eq(chatMessages.userId, user.id),
          eq(chatMessages.clientKey, input.clientKey),
        ));
      if (dup && dup.chatId !== chat.id) {
        throw new Invalid("This form was already used", "error.bad_request");
      }
      if (dup) return (await withFiles(tx, [dup]))[0];
    }
    const now = clock();
    const [msg] = await tx.insert(chatMessages).values({
      chatId: chat.id,
      userId: user.id,
      body,
      clientKey: input.clientKey ?? null,
      createdAt: now,
    }).returning({ id: chatMessages.id });
    await insertChatAttachments(tx, now, msg.id, files);
    await tx.update(chats).set({ lastMessageAt: now, lastMessageId: msg.id })
      .where(eq(chats.id, chat.id));
    // the sender has read their own message
    await tx.update(chatMembers).set({ lastReadMessageId: msg.id }).where(and(
      eq(chatMembers.chatId, chat.id),
      eq(chatMembers.userId, user.id),
    ));
    await appendEvents(tx, now, [{
      kind: "chat.message",
      chatId: chat.id,
      payload: { by: user.id, chatMessageId: msg.id },
    }]);
    const [view] = await withFiles(tx, [{
      id: msg.id,
      chatId: chat.id,
      userId: user.id,
      senderName: user.name,
      body,
      createdAt: now,
    }]);
    return view;
  });
}

/** Marks the chat read for this user up to its last message. */
export async function markChatRead(
  db: Db,
  clock: Clock,
  user: User,
  chatId: number,
): Promise<void> {
  await db.write(async (tx) => {
    const chat = await requireChat(tx, user, chatId);
    const upTo = chat.lastMessageId ?? 0;
    const changed = await tx.update(chatMembers).set({
      lastReadMessageId: upTo,
    }).where(and(
      eq(chatMembers.chatId, chat.id),
      eq(chatMembers.userId, user.id),
      sql`${chatMembers.lastReadMessageId} < ${upTo}`,
    )).returning({ id: chatMembers.userId });
    if (changed.length === 0) return;
    await appendEvents(tx, clock(), [{
      kind: "chat.read",
      userId: user.id,
      chatId: chat.id,
    }]);
  });
}
