/**
 * /inboxes/:id/settings and its forms, for the inbox's managers (and
 * admins): assignment mode, moving out, members, tags. Plain forms redirect
 * back; htmx forms (which ask before removing anything) get HX-Redirect.
 */
import { Hono } from "hono";
import { z } from "zod";
import { isMessageKey } from "../i18n/translate.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import {
  addInboxMember,
  inboxSettings,
  removeInboxMember,
  updateInboxSettings,
} from "../services/inbox_settings.ts";
import {
  createTag,
  deleteTag,
  TAG_COLORS,
  tagsOfInbox,
} from "../services/tags.ts";
import { InboxSettingsPage } from "../views/inbox_settings_page.tsx";
import { autoAssignmentOf } from "../services/auto_assignment.ts";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";

const settingsForm = z.object({
  assignment_mode: z.literal("1").optional(),
  allow_move: z.literal("1").optional(),
});
const memberForm = z.object({
  user_id: z.string().regex(/^[1-9]\d{0,15}$/).transform(Number),
});
const tagForm = z.object({
  name: z.string().max(40),
  color: z.enum(TAG_COLORS).default("c1"),
});

function inboxId(c: Ctx): number {
  const id = idParam(c, "inboxId");
  if (!id) throw new NotFound();
  return id;
}

async function renderPage(c: Ctx, id: number, error?: string, status = 200) {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const settings = await inboxSettings(db.orm, user, id);
  const inboxTags = await tagsOfInbox(db.orm, id);
  const autoAssignment = await autoAssignmentOf(db.orm, id);
  return c.html(
    <InboxSettingsPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      settings={settings}
      tags={inboxTags}
      autoAssignment={autoAssignment}
      saved={c.req.query("saved") === "1"}
      error={error}
    />,
    status as 200,
  );
}

/**
 * Runs a change and answers: back to the page (saved), or the refusal's
 * message — in place for htmx, on the page for a plain form.
 */
async function change(c: Ctx, id: number, run: () => Promise<unknown>) {
  const t = c.get("t");
  try {
    await run();
  } catch (err) {
    if (!(err instanceof DomainError) || err.status !== 422) throw err;
    const msg = isMessageKey(err.key) ? t(err.key) : err.message;
    if (isHtmx(c)) return c.text(msg, 422);
    return await renderPage(c, id, msg, 422);
  }
  const back = `/inboxes/${id}/settings?saved=1`;
  if (isHtmx(c)) {
    c.header("HX-Redirect", back);
    return c.body(null, 204);
  }
  return c.redirect(back, 303);
}

export const inboxSettingsRoutes = new Hono<AppEnv>();

inboxSettingsRoutes.get(
  "/inboxes/:inboxId/settings",
  (c) => renderPage(c, inboxId(c)),
);

inboxSettingsRoutes.post("/inboxes/:inboxId/settings", async (c) => {
  const id = inboxId(c);
  const input = settingsForm.parse(await c.req.parseBody());
  const { db } = c.get("deps");
  return await change(c, id, () =>
    updateInboxSettings(db, currentUser(c), id, {
      assignmentMode: input.assignment_mode === "1",
      allowMove: input.allow_move === "1",
    }));
});

inboxSettingsRoutes.post("/inboxes/:inboxId/members", async (c) => {
  const id = inboxId(c);
  const { user_id } = memberForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  return await change(
    c,
    id,
    () => addInboxMember(db, clock, currentUser(c), id, user_id),
  );
});

inboxSettingsRoutes.post(
  "/inboxes/:inboxId/members/:userId/remove",
  async (c) => {
    const id = inboxId(c);
    const memberId = idParam(c, "userId");
    if (!memberId) throw new NotFound();
    const { db, clock } = c.get("deps");
    return await change(
      c,
      id,
      () => removeInboxMember(db, clock, currentUser(c), id, memberId),
    );
  },
);

inboxSettingsRoutes.post("/inboxes/:inboxId/tags", async (c) => {
  const id = inboxId(c);
  const input = tagForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  return await change(
    c,
    id,
    () => createTag(db, clock, currentUser(c), { inboxId: id, ...input }),
  );
});

inboxSettingsRoutes.post(
  "/inboxes/:inboxId/tags/:tagId/delete",
  async (c) => {
    const id = inboxId(c);
    const tagId = idParam(c, "tagId");
    if (!tagId) throw new NotFound();
    const { db, clock } = c.get("deps");
    return await change(
      c,
      id,
      () => deleteTag(db, clock, currentUser(c), id, tagId),
    );
  },
);
