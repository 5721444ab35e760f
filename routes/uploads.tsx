/**
 * POST /conversations/:id/uploads: one attachment for the composer (F22,
 * F30), posted by the script with upload progress. The answer is the chip
 * the reply form keeps (with the file's token), or the reason it was refused.
 */
import { Hono } from "hono";
import { MediaRefused } from "../services/media_limits.ts";
import { NotFound } from "../services/errors.ts";
import { stageUpload } from "../services/uploads.ts";
import { AttachmentChip } from "../views/attachment_chip.tsx";
import { type AppEnv, currentUser, idParam } from "./context.ts";

/** Routes whose bodies carry files; app.ts gives them a bigger body limit. */
export const UPLOAD_PATHS = [
  /^\/conversations\/\d+\/uploads$/,
  /^\/conversations\/\d+\/messages$/,
];

export const uploadRoutes = new Hono<AppEnv>();

uploadRoutes.post("/conversations/:id/uploads", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const t = c.get("t");
  const { db, clock, media, mediaUrlSecret } = c.get("deps");
  const form = await c.req.parseBody();
  const file = form.file;
  if (!(file instanceof File)) return c.text(t("error.bad_request"), 400);
  const thumb = form.thumb instanceof File && form.thumb.size > 0
    ? new Uint8Array(await form.thumb.arrayBuffer())
    : null;
  try {
    const staged = await stageUpload(
      { db, clock, media, secret: mediaUrlSecret },
      currentUser(c),
      {
        conversationId: id,
        name: file.name,
        bytes: new Uint8Array(await file.arrayBuffer()),
        thumbnail: thumb,
        voice: form.voice === "1",
      },
    );
    const { token, ...rest } = staged;
    return c.html(<AttachmentChip t={t} file={rest} token={token} />);
  } catch (err) {
    if (err instanceof MediaRefused) {
      return c.text(t(err.problem.key, err.problem.vars), 422);
    }
    throw err;
  }
});
