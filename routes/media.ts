/**
 * Attachment downloads: members of the inbox (or of the chat) through their
 * session, and carriers through a short-lived signed URL (C7). Files are served with the
 * type sniffed from their bytes and never rendered inline as HTML.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { Db } from "../db/client.ts";
import {
  type DownloadableFile,
  requireAttachment,
  storedAttachment,
} from "../services/attachments.ts";
import { requireChatAttachment } from "../services/chat_attachments.ts";
import { NotFound } from "../services/errors.ts";
import { verifyMediaSignature } from "../services/media_urls.ts";
import { sniffContentType } from "../services/media_store.ts";
import type { User } from "../services/users.ts";
import { type AppEnv, currentUser, idParam } from "./context.ts";

const INLINE = /^(image\/(jpeg|png|gif|webp)|audio\/|video\/)/;

/** A file download that never renders as a page of ours. */
export function fileResponse(
  c: Context<AppEnv>,
  bytes: Uint8Array,
  contentType: string,
  cache: string,
) {
  const headers = {
    "content-type": contentType,
    "cache-control": cache,
    "content-disposition": INLINE.test(contentType) ? "inline" : "attachment",
    "x-content-type-options": "nosniff",
    "content-security-policy":
      "default-src 'none'; sandbox; frame-ancestors 'none'",
    "accept-ranges": "bytes",
  };
  // one byte range (RFC 9110 §14): audio and video players seek with it,
  // and read an Ogg voice note's duration from its last page
  const range = /^bytes=(\d*)-(\d*)$/.exec(c.req.header("range") ?? "");
  if (range && (range[1] || range[2])) {
    const size = bytes.length;
    const start = range[1]
      ? Number(range[1])
      : Math.max(0, size - Number(range[2]));
    const end = range[1] && range[2]
      ? Math.min(Number(range[2]), size - 1)
      : size - 1;
    if (start > end || start >= size) {
      return c.body(null, 416, {
        ...headers,
        "content-range": `bytes */${size}`,
      });
    }
    return c.body(
      bytes.subarray(start, end + 1) as Uint8Array<ArrayBuffer>,
      206,
      {
        ...headers,
        "content-range": `bytes ${start}-${end}/${size}`,
      },
    );
  }
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, headers);
}

export const mediaRoutes = new Hono<AppEnv>();

// the file name after the id is for the carrier (WhatsApp reads the type
// from its extension); the signature covers the id and expiry
mediaRoutes.get("/media/signed/:id/:name", (c) => signedFile(c));
mediaRoutes.get("/media/signed/:id", (c) => signedFile(c));

async function signedFile(c: Context<AppEnv>) {
  const id = idParam(c, "id");
  const { db, clock, media, mediaUrlSecret } = c.get("deps");
  const exp = Number(c.req.query("exp"));
  const sig = c.req.query("sig") ?? "";
  if (
    !id || !(await verifyMediaSignature(mediaUrlSecret, id, exp, sig, clock()))
  ) {
    return c.text("link expired or invalid", 403);
  }
  const file = await storedAttachment(db.orm, id);
  const bytes = file && await media.get(file.storageKey);
  if (!file || !bytes) throw new NotFound();
  return fileResponse(c, bytes, file.contentType, "private, max-age=300");
}

/** Finds a stored file the user may download, or throws NotFound. */
type FindFile = (
  conn: Db["orm"],
  user: User,
  id: number,
) => Promise<DownloadableFile>;

/**
 * A file for a member, through their session: the file itself, or the
 * small preview the browser made of an image it uploaded.
 */
async function memberFile(c: Context<AppEnv>, find: FindFile, thumb: boolean) {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db, media } = c.get("deps");
  const file = await find(db.orm, currentUser(c), id);
  const key = thumb ? file.thumbnailKey : file.storageKey;
  const bytes = key && await media.get(key);
  if (!bytes) throw new NotFound();
  return fileResponse(
    c,
    bytes,
    thumb ? sniffContentType(bytes) : file.contentType,
    "private, max-age=86400",
  );
}

// a conversation's files: members of its inbox
mediaRoutes.get(
  "/media/:id/thumb",
  (c) => memberFile(c, requireAttachment, true),
);
mediaRoutes.get("/media/:id", (c) => memberFile(c, requireAttachment, false));
// a chat's files: members of the chat (F7, F8)
mediaRoutes.get(
  "/chat-media/:id/thumb",
  (c) => memberFile(c, requireChatAttachment, true),
);
mediaRoutes.get(
  "/chat-media/:id",
  (c) => memberFile(c, requireChatAttachment, false),
);
