/**
 * Files in direct and team chats (F7, F8): stored through the same media
 * store as a conversation's, shown in the chat's thread, and downloaded by
 * the chat's members only (anyone else gets NotFound).
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Conn, Tx } from "../db/client.ts";
import { chatAttachments, chatMembers, chatMessages } from "../db/schema.ts";
import {
  type AttachmentView,
  type DownloadableFile,
  groupByMessage,
  type StagedFile,
  storedFileRow,
} from "./attachments.ts";
import { NotFound } from "./errors.ts";
import type { User } from "./users.ts";

/** Attaches stored files to a chat message (in its transaction). */
export async function insertChatAttachments(
  tx: Tx,
  now: number,
  chatMessageId: number,
  files: StagedFile[],
): Promise<void> {
  if (files.length === 0) return;
  await tx.insert(chatAttachments).values(
    files.map((f) => ({ chatMessageId, ...storedFileRow(f, now) })),
  );
}

/** Files of these chat messages, grouped by message id (one query). */
export async function chatAttachmentsFor(
  conn: Conn,
  chatMessageIds: number[],
): Promise<Map<number, AttachmentView[]>> {
  if (chatMessageIds.length === 0) return new Map();
  const rows = await conn.select({
    id: chatAttachments.id,
    messageId: chatAttachments.chatMessageId,
    contentType: chatAttachments.contentType,
    size: chatAttachments.size,
    filename: chatAttachments.filename,
    isVoiceNote: chatAttachments.isVoiceNote,
    thumbnailKey: chatAttachments.thumbnailKey,
  }).from(chatAttachments)
    .where(inArray(chatAttachments.chatMessageId, chatMessageIds))
    .orderBy(asc(chatAttachments.id));
  // uploaded before the message is written: never pending, never failed
  return groupByMessage(rows.map((r) => ({ ...r, state: "stored" as const })));
}

/** A chat file the user may download: they are a member of its chat. */
export async function requireChatAttachment(
  conn: Conn,
  user: User,
  id: number,
): Promise<DownloadableFile> {
  const [row] = await conn.select({
    storageKey: chatAttachments.storageKey,
    thumbnailKey: chatAttachments.thumbnailKey,
    contentType: chatAttachments.contentType,
    filename: chatAttachments.filename,
  }).from(chatAttachments)
    .innerJoin(chatMessages, eq(chatMessages.id, chatAttachments.chatMessageId))
    .innerJoin(
      chatMembers,
      and(
        eq(chatMembers.chatId, chatMessages.chatId),
        eq(chatMembers.userId, user.id),
      ),
    ).where(eq(chatAttachments.id, id));
  if (!row) throw new NotFound("No such attachment");
  return row;
}
