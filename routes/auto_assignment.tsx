/**
 * POST /inboxes/:inboxId/auto-assignment: a manager turns auto-assignment
 * on or off and sets the per-agent cap. The form is on the inbox settings
 * page; it answers the way that page's other forms do.
 */
import { Hono } from "hono";
import { z } from "zod";
import { isMessageKey } from "../i18n/translate.ts";
import { updateAutoAssignment } from "../services/auto_assignment.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import { type AppEnv, currentUser, idParam, isHtmx } from "./context.ts";

const form = z.object({
  enabled: z.literal("1").optional(),
  max_open: z.string().regex(/^\d{1,6}$/).transform(Number),
});

export const autoAssignmentRoutes = new Hono<AppEnv>();

autoAssignmentRoutes.post("/inboxes/:inboxId/auto-assignment", async (c) => {
  const inboxId = idParam(c, "inboxId");
  if (!inboxId) throw new NotFound();
  const input = form.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  try {
    await updateAutoAssignment(db, clock, currentUser(c), inboxId, {
      enabled: input.enabled === "1",
      maxOpenPerAgent: input.max_open,
    });
  } catch (err) {
    if (!(err instanceof DomainError) || err.status !== 422) throw err;
    const msg = isMessageKey(err.key) ? c.get("t")(err.key) : err.message;
    return c.text(msg, 422);
  }
  const back = `/inboxes/${inboxId}/settings?saved=1`;
  if (isHtmx(c)) {
    c.header("HX-Redirect", back);
    return c.body(null, 204);
  }
  return c.redirect(back, 303);
});
