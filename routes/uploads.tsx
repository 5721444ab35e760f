/**
 * POST /conversations/:id/uploads and /chats/:id/uploads: one attachment
 * for a composer (F7, F22, F30), posted by the script with upload
 * progress. The answer is the chip the form keeps (with the file's token),
 * or the reason it was refused.
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  CHAT_MAX_FILE_BYTES,
  CHAT_MAX_TOTAL_BYTES,
  MAX_MMS_BYTES,
  MAX_UPLOAD_BYTES,
  MB,
  MediaRefused,
} from "../services/media_limits.ts";
import { NotFound } from "../services/errors.ts";
import { stageChatUpload } from "../services/chat_uploads.ts";
import {
  type FileInput,
  type StagedUpload,
  stageUpload,
  type UploadDeps,
} from "../services/uploads.ts";
import type { User } from "../services/users.ts";
import { AttachmentChip } from "../views/attachment_chip.tsx";
import { type AppEnv, type Ctx, currentUser, idParam } from "./context.ts";

/** Room for the form around the files (fields, boundaries, a preview). */
const FORM_SLACK = 1 * MB;

/**
 * Routes whose bodies carry files, and the most each may carry; app.ts
 * answers more with 413 before reading it. A conversation: the largest
 * file any channel takes (WhatsApp documents, 100 MB). A chat: one file
 * per upload, and all of a message's files when posted without the script.
 */
export const UPLOAD_LIMITS: [RegExp, number][] = [
  [/^\/conversations\/\d+\/(uploads|messages)$/, MAX_UPLOAD_BYTES + FORM_SLACK],
  [/^\/chats\/\d+\/uploads$/, CHAT_MAX_FILE_BYTES + FORM_SLACK],
  [/^\/chats\/\d+\/messages$/, CHAT_MAX_TOTAL_BYTES + FORM_SLACK],
  // a campaign's file (routes/campaign_media.tsx): it goes out as MMS
  [/^\/campaigns\/\d+\/media$/, MAX_MMS_BYTES + FORM_SLACK],
];

/** The upload tokens of the files a composer form carries. */
export const attachmentTokens = z.union([
  z.string().max(4096).transform((v) => [v]),
  z.array(z.string().max(4096)).max(50),
]).optional();

/**
 * Files posted with a composer form itself: only without the script (it
 * uploads them first and posts their tokens).
 */
export async function postedFiles(
  form: Record<string, unknown>,
): Promise<{ name: string; bytes: Uint8Array }[]> {
  const files = [form.files].flat().filter((f): f is File =>
    f instanceof File && f.size > 0
  );
  return await Promise.all(files.map(async (f) => ({
    name: f.name,
    bytes: new Uint8Array(await f.arrayBuffer()),
  })));
}

export const uploadRoutes = new Hono<AppEnv>();

type Stage = (
  deps: UploadDeps,
  user: User,
  id: number,
  file: FileInput,
) => Promise<StagedUpload>;

/** What staging an upload needs, from the app's dependencies. */
export function uploadDeps(c: Ctx): UploadDeps {
  const { db, clock, media, mediaUrlSecret } = c.get("deps");
  return { db, clock, media, secret: mediaUrlSecret };
}

/** Reads the upload form, stages its file, and answers with its chip. */
async function answerUpload(c: Ctx, stage: Stage) {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const t = c.get("t");
  const form = await c.req.parseBody();
  const file = form.file;
  if (!(file instanceof File)) return c.text(t("error.bad_request"), 400);
  const thumb = form.thumb instanceof File && form.thumb.size > 0
    ? new Uint8Array(await form.thumb.arrayBuffer())
    : null;
  try {
    const { token, ...staged } = await stage(
      uploadDeps(c),
      currentUser(c),
      id,
      {
        name: file.name,
        bytes: new Uint8Array(await file.arrayBuffer()),
        thumbnail: thumb,
        voice: form.voice === "1",
      },
    );
    return c.html(<AttachmentChip t={t} file={staged} token={token} />);
  } catch (err) {
    if (err instanceof MediaRefused) {
      return c.text(t(err.problem.key, err.problem.vars), 422);
    }
    throw err;
  }
}

uploadRoutes.post("/conversations/:id/uploads", (c) =>
  answerUpload(
    c,
    (deps, user, conversationId, file) =>
      stageUpload(deps, user, { conversationId, ...file }),
  ));

uploadRoutes.post("/chats/:id/uploads", (c) =>
  answerUpload(
    c,
    (deps, user, chatId, file) =>
      stageChatUpload(deps, user, { chatId, ...file }),
  ));
