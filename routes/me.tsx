/**
 * The user's own presence, queues and notification preferences (F26):
 * GET /me, and the forms that change them. Plain forms redirect back; htmx
 * forms get the fragment that changed.
 */
import { Hono } from "hono";
import { z } from "zod";
import { isMessageKey, LOCALES } from "../i18n/translate.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import {
  NOTIFY_LEVELS,
  notifyPrefsOf,
  setNotifyPref,
} from "../services/notifications.ts";
import { ownedPersonalInboxes } from "../services/personal_numbers.ts";
import { setLanguage } from "../services/users.ts";
import {
  queuesOf,
  setQueue,
  setStatus,
  STATUSES,
} from "../services/presence.ts";
import { MePage } from "../views/me_page.tsx";
import { PresenceUpdate } from "../views/presence_update.tsx";
import { QueueRow } from "../views/queue_row.tsx";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";

const localPath = z.string().regex(/^\/(?!\/)[\w\-/?=&%.]*$/);
const statusForm = z.object({
  status: z.enum(STATUSES as [string, ...string[]]).transform((s) =>
    s as (typeof STATUSES)[number]
  ),
  message: z.string().max(500).default(""),
  back: localPath.optional(),
});
const languageForm = z.object({
  locale: z.enum(["", ...LOCALES]).default(""),
  time_zone: z.string().trim().max(64).default(""),
});
const queueForm = z.object({ active: z.enum(["0", "1"]) });
const notifyForm = z.object({
  level: z.enum(NOTIFY_LEVELS as [string, ...string[]]).transform((l) =>
    l as (typeof NOTIFY_LEVELS)[number]
  ),
  sound: z.literal("1").optional(),
});

function inboxParam(c: Ctx): number {
  const id = idParam(c, "inboxId");
  if (!id) throw new NotFound();
  return id;
}

async function renderPage(c: Ctx, error?: string, status = 200) {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const [queues, prefs, personal] = await Promise.all([
    queuesOf(db.orm, user),
    notifyPrefsOf(db.orm, user.id),
    ownedPersonalInboxes(db.orm, user),
  ]);
  return c.html(
    <MePage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      me={user}
      queues={queues}
      prefs={prefs}
      personal={personal}
      saved={c.req.query("saved") === "1"}
      error={error}
    />,
    status as 200,
  );
}

/** A refusal's message, in place (htmx) or on the page. */
async function refused(c: Ctx, err: unknown) {
  if (!(err instanceof DomainError) || err.status !== 422) throw err;
  const msg = isMessageKey(err.key) ? c.get("t")(err.key) : err.message;
  if (isHtmx(c)) return c.text(msg, 422);
  return await renderPage(c, msg, 422);
}

export const meRoutes = new Hono<AppEnv>();

meRoutes.get("/me", (c) => renderPage(c));

meRoutes.post("/me/status", async (c) => {
  const input = statusForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  let me;
  try {
    me = await setStatus(db, clock, currentUser(c), {
      status: input.status,
      message: input.message,
    });
  } catch (err) {
    return await refused(c, err);
  }
  if (!isHtmx(c)) return c.redirect(input.back ?? "/me?saved=1", 303);
  // every copy of the user's badge on this page, at once
  return c.html(<PresenceUpdate t={c.get("t")} person={me} />);
});

meRoutes.post("/me/language", async (c) => {
  const input = languageForm.parse(await c.req.parseBody());
  try {
    await setLanguage(c.get("deps").db, currentUser(c), {
      locale: input.locale || null,
      timeZone: input.time_zone || null,
    });
  } catch (err) {
    return await refused(c, err);
  }
  // a full page load: the whole page changes language
  return c.redirect("/me?saved=1", 303);
});

meRoutes.post("/me/queues/:inboxId", async (c) => {
  const inboxId = inboxParam(c);
  const { active } = queueForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  const user = currentUser(c);
  await setQueue(db, clock, user, inboxId, active === "1");
  if (!isHtmx(c)) return c.redirect("/me?saved=1", 303);
  const queue = (await queuesOf(db.orm, user)).find((q) =>
    q.inboxId === inboxId
  );
  if (!queue) throw new NotFound();
  return c.html(
    <QueueRow
      t={c.get("t")}
      queue={queue}
      userId={user.id}
      csrfToken={csrfToken(c)}
    />,
  );
});

meRoutes.post("/me/notifications/:inboxId", async (c) => {
  const inboxId = inboxParam(c);
  const input = notifyForm.parse(await c.req.parseBody());
  const { db } = c.get("deps");
  await setNotifyPref(db, currentUser(c), inboxId, {
    level: input.level,
    sound: input.sound === "1",
  });
  if (!isHtmx(c)) return c.redirect("/me?saved=1", 303);
  return c.text(c.get("t")("settings.saved"));
});
