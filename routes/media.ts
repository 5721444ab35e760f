/**
 * Attachment downloads: members of the inbox through their session, and
 * carriers through a short-lived signed URL (C7). Files are served with the
 * type sniffed from their bytes and never rendered inline as HTML.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import {
  requireAttachment,
  storedAttachment,
} from "../services/attachments.ts";
import { NotFound } from "../services/errors.ts";
import { verifyMediaSignature } from "../services/media_urls.ts";
import { type AppEnv, currentUser, idParam } from "./context.ts";

const INLINE = /^(image\/(jpeg|png|gif|webp)|audio\/|video\/)/;

function fileResponse(
  c: Context<AppEnv>,
  bytes: Uint8Array,
  contentType: string,
  cache: string,
) {
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    "content-type": contentType,
    "cache-control": cache,
    "content-disposition": INLINE.test(contentType) ? "inline" : "attachment",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
  });
}

export const mediaRoutes = new Hono<AppEnv>();

mediaRoutes.get("/media/signed/:id", async (c) => {
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
});

mediaRoutes.get("/media/:id", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db, media } = c.get("deps");
  const file = await requireAttachment(db.orm, currentUser(c), id);
  const bytes = await media.get(file.storageKey);
  if (!bytes) throw new NotFound();
  return fileResponse(c, bytes, file.contentType, "private, max-age=86400");
});
