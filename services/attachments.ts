/** Attachments as threads show them, and who may download them. */
import { and, eq } from "drizzle-orm";
import { type Conn, selectJson } from "../db/client.ts";
import {
  attachments,
  conversations,
  inboxMembers,
  messages,
} from "../db/schema.ts";
import { NotFound } from "./errors.ts";
import type { User } from "./users.ts";

export interface AttachmentView {
  id: number;
  messageId: number;
  state: "pending" | "stored" | "failed";
  contentType: string | null;
  size: number | null;
  filename: string;
  isVoiceNote: boolean;
  /** a small preview exists (GET /media/:id/thumb) */
  hasThumbnail: boolean;
}

/** An uploaded file ready to go out with a message (services/uploads.ts). */
export interface StagedFile {
  storageKey: string;
  thumbnailKey: string | null;
  contentType: string;
  size: number;
  filename: string;
  isVoiceNote: boolean;
}

/** A staged file as the columns of an attachment row (message or chat). */
export function storedFileRow(f: StagedFile, now: number) {
  return {
    contentType: f.contentType,
    size: f.size,
    filename: f.filename,
    storageKey: f.storageKey,
    thumbnailKey: f.thumbnailKey,
    isVoiceNote: f.isVoiceNote,
    createdAt: now,
  };
}

/** Attaches stored files to an outbound message (in its transaction). */
export async function insertAttachments(
  tx: Conn,
  now: number,
  messageId: number,
  files: StagedFile[],
): Promise<void> {
  if (files.length === 0) return;
  await tx.insert(attachments).values(files.map((f) => ({
    messageId,
    state: "stored" as const,
    ...storedFileRow(f, now),
  })));
}

/** Attachment rows as views, grouped by their message's id. */
export function groupByMessage(
  rows: (Omit<AttachmentView, "hasThumbnail"> & {
    thumbnailKey: string | null;
  })[],
): Map<number, AttachmentView[]> {
  const out = new Map<number, AttachmentView[]>();
  for (const { thumbnailKey, ...r } of rows) {
    const list = out.get(r.messageId) ?? [];
    list.push({ ...r, hasThumbnail: thumbnailKey !== null });
    out.set(r.messageId, list);
  }
  return out;
}

/** What a members-only download needs of a stored file. */
export interface DownloadableFile {
  storageKey: string;
  thumbnailKey: string | null;
  contentType: string;
  filename: string;
}

/** Attachments of these messages, grouped by message id (one query). */
export async function attachmentsFor(
  conn: Conn,
  messageIds: number[],
): Promise<Map<number, AttachmentView[]>> {
  if (messageIds.length === 0) return new Map();
  // hand-written, one JSON column: the live stream asks for every message
  // it shows
  const rows = await selectJson<
    [
      number,
      number,
      AttachmentView["state"],
      string | null,
      number | null,
      string,
      number,
      string | null,
    ]
  >(
    conn,
    `SELECT json_group_array(json_array(id, message_id, state, content_type,
        size, filename, is_voice_note, thumbnail_key))
    FROM attachments WHERE message_id IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(messageIds)],
  );
  // in id order (an aggregate's input order is not a promise SQL makes)
  rows.sort((a, b) => a[0] - b[0]);
  return groupByMessage(rows.map((r) => ({
    id: r[0],
    messageId: r[1],
    state: r[2],
    contentType: r[3],
    size: r[4],
    filename: r[5],
    isVoiceNote: Boolean(r[6]),
    thumbnailKey: r[7],
  })));
}

/** A stored attachment the user may download (a member of its inbox). */
export async function requireAttachment(
  conn: Conn,
  user: User,
  id: number,
): Promise<DownloadableFile> {
  const [row] = await conn.select({
    storageKey: attachments.storageKey,
    thumbnailKey: attachments.thumbnailKey,
    contentType: attachments.contentType,
    filename: attachments.filename,
  }).from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(
      inboxMembers,
      and(
        eq(inboxMembers.inboxId, conversations.inboxId),
        eq(inboxMembers.userId, user.id),
      ),
    ).where(and(eq(attachments.id, id), eq(attachments.state, "stored")));
  if (!row?.storageKey) throw new NotFound("No such attachment");
  return {
    storageKey: row.storageKey,
    thumbnailKey: row.thumbnailKey,
    contentType: row.contentType ?? "application/octet-stream",
    filename: row.filename,
  };
}

/** A stored attachment by id, for a signed carrier download. */
export async function storedAttachment(
  conn: Conn,
  id: number,
): Promise<{ storageKey: string; contentType: string } | null> {
  const [row] = await conn.select({
    storageKey: attachments.storageKey,
    contentType: attachments.contentType,
  }).from(attachments).where(
    and(eq(attachments.id, id), eq(attachments.state, "stored")),
  );
  return row?.storageKey
    ? {
      storageKey: row.storageKey,
      contentType: row.contentType ?? "application/octet-stream",
    }
    : null;
}
