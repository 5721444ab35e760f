/**
 * A campaign's optional file (F4 with F22): uploaded to the draft and
 * checked against the sending number's MMS rules exactly as the composer
 * checks an attachment (services/uploads.ts: type from the bytes, the
 * channel's size limits), then stored once in the media store. The runner
 * gives each recipient's message an attachment row pointing at that one
 * stored file, so the outbox sends it as MMS through signed links.
 *
 * Many attachment rows share the campaign's storage key. The media store
 * never deletes a file (services/media_store.ts has no delete), so nothing
 * done to one message's attachment can take the file from the others.
 */
import { eq } from "drizzle-orm";
import type { Conn, Db } from "../db/client.ts";
import { phoneNumbers } from "../db/schema.ts";
import type { DownloadableFile, StagedFile } from "./attachments.ts";
import {
  type Campaign,
  requireCampaign,
  requireDraft,
  updateDraft,
} from "./campaigns.ts";
import type { Clock } from "./clock.ts";
import { Invalid, NotFound } from "./errors.ts";
import { type MediaRules, mediaRules } from "./media_limits.ts";
import { type FileInput, stageFile, type UploadDeps } from "./uploads.ts";
import type { User } from "./users.ts";

/** The file a campaign sends with every message, or null. */
export function campaignFile(
  c: Pick<
    Campaign,
    "mediaStorageKey" | "mediaContentType" | "mediaFilename" | "mediaSize"
  >,
): StagedFile | null {
  if (!c.mediaStorageKey) return null;
  return {
    storageKey: c.mediaStorageKey,
    thumbnailKey: null,
    contentType: c.mediaContentType ?? "application/octet-stream",
    size: c.mediaSize ?? 0,
    filename: c.mediaFilename ?? "file",
    isVoiceNote: false,
  };
}

/**
 * The MMS rules of a draft's number, if the user may change the draft and
 * the number may send (C5: an unregistered number sends no MMS either).
 */
async function draftMediaRules(
  conn: Conn,
  user: User,
  id: number,
): Promise<MediaRules> {
  const c = await requireDraft(conn, user, id);
  if (!c.numberUsable) {
    throw new Invalid(
      "This number's A2P 10DLC registration is not approved",
      "composer.not_registered",
    );
  }
  const [number] = await conn.select({
    channel: phoneNumbers.channel,
    provider: phoneNumbers.provider,
    e164: phoneNumbers.e164,
  }).from(phoneNumbers).where(eq(phoneNumbers.id, c.numberId));
  return mediaRules(number);
}

/**
 * Checks and stores a file for a draft and makes it the campaign's (a
 * file attached before is replaced). `file` null: the form came without
 * one, refused after the access check (an outsider learns nothing).
 * Throws MediaRefused with the reason; nothing is written then.
 */
export async function attachCampaignMedia(
  deps: UploadDeps,
  user: User,
  id: number,
  file: Pick<FileInput, "name" | "bytes"> | null,
): Promise<Campaign> {
  const target = {
    scope: `campaign:${id}`,
    rules: () => draftMediaRules(deps.db.orm, user, id),
  };
  if (!file) {
    await target.rules();
    throw new Invalid("Choose a file to attach", "campaign.media_missing");
  }
  const staged = await stageFile(deps, user, target, file);
  return await updateDraft(deps.db, deps.clock, user, id, {
    mediaStorageKey: staged.storageKey,
    mediaContentType: staged.contentType,
    mediaFilename: staged.filename,
    mediaSize: staged.size,
  });
}

/** Takes the file off a draft (the stored bytes stay; see above). */
export async function removeCampaignMedia(
  db: Db,
  clock: Clock,
  user: User,
  id: number,
): Promise<Campaign> {
  return await updateDraft(db, clock, user, id, {
    mediaStorageKey: null,
    mediaContentType: null,
    mediaFilename: null,
    mediaSize: null,
  });
}

/** The campaign's file, for a member of its inbox. */
export async function requireCampaignMedia(
  conn: Conn,
  user: User,
  id: number,
): Promise<DownloadableFile> {
  const file = campaignFile(await requireCampaign(conn, user, id));
  if (!file) throw new NotFound("This campaign has no file");
  return {
    storageKey: file.storageKey,
    thumbnailKey: null,
    contentType: file.contentType,
    filename: file.filename,
  };
}
