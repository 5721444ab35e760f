/**
 * Canned responses (F10, F24): managing them per inbox, and the composer's
 * side — `/phrase` suggestions, the picker, and the text of one filled in
 * for a conversation. Without JavaScript the picker is a page whose links
 * open the thread with the composer already holding the text.
 */
import { Hono } from "hono";
import { z } from "zod";
import { isMessageKey } from "../i18n/translate.ts";
import { requireConversation, requireInbox } from "../services/access.ts";
import {
  createCanned,
  deleteCanned,
  fillCanned,
  listCanned,
  normalizeKeyPhrase,
  updateCanned,
} from "../services/canned_responses.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import { CannedOptions } from "../views/canned_options.tsx";
import { CannedPage } from "../views/canned_page.tsx";
import { CannedUsePage } from "../views/canned_use_page.tsx";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";

const cannedForm = z.object({
  key_phrase: z.string().max(41),
  body: z.string().max(4000),
});
const suggestQuery = z.object({ q: z.string().max(41).default("") });

function param(c: Ctx, name: string): number {
  const id = idParam(c, name);
  if (!id) throw new NotFound();
  return id;
}

async function renderPage(c: Ctx, inboxId: number, error?: string) {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const inbox = await requireInbox(db.orm, user, inboxId);
  const responses = await listCanned(db.orm, user, inboxId);
  return c.html(
    <CannedPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      inbox={inbox}
      responses={responses}
      error={error}
    />,
    error ? 422 : 200,
  );
}

/** Runs a change; back to the list, or the refusal where the form was. */
async function change(c: Ctx, inboxId: number, run: () => Promise<unknown>) {
  const t = c.get("t");
  try {
    await run();
  } catch (err) {
    if (!(err instanceof DomainError) || err.status !== 422) throw err;
    const msg = isMessageKey(err.key) ? t(err.key) : err.message;
    if (isHtmx(c)) return c.text(msg, 422);
    return await renderPage(c, inboxId, msg);
  }
  const back = `/inboxes/${inboxId}/canned`;
  if (isHtmx(c)) {
    c.header("HX-Redirect", back);
    return c.body(null, 204);
  }
  return c.redirect(back, 303);
}

export const cannedRoutes = new Hono<AppEnv>();

cannedRoutes.get(
  "/inboxes/:inboxId/canned",
  (c) => renderPage(c, param(c, "inboxId")),
);

cannedRoutes.post("/inboxes/:inboxId/canned", async (c) => {
  const inboxId = param(c, "inboxId");
  const input = cannedForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  return await change(
    c,
    inboxId,
    () =>
      createCanned(db, clock, currentUser(c), inboxId, {
        keyPhrase: input.key_phrase,
        body: input.body,
      }),
  );
});

cannedRoutes.post("/inboxes/:inboxId/canned/:id", async (c) => {
  const inboxId = param(c, "inboxId");
  const id = param(c, "id");
  const input = cannedForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  return await change(
    c,
    inboxId,
    () =>
      updateCanned(db, clock, currentUser(c), { inboxId, id }, {
        keyPhrase: input.key_phrase,
        body: input.body,
      }),
  );
});

cannedRoutes.post("/inboxes/:inboxId/canned/:id/delete", async (c) => {
  const inboxId = param(c, "inboxId");
  const id = param(c, "id");
  const { db } = c.get("deps");
  return await change(
    c,
    inboxId,
    () => deleteCanned(db, currentUser(c), { inboxId, id }),
  );
});

// what `/phrase` in the composer suggests (app.js asks as the user types)
cannedRoutes.get("/conversations/:id/canned/suggest", async (c) => {
  const id = param(c, "id");
  const { q } = suggestQuery.parse(c.req.query());
  const { db } = c.get("deps");
  const user = currentUser(c);
  const conv = await requireConversation(db.orm, user, id);
  const responses = await listCanned(
    db.orm,
    user,
    conv.inboxId,
    normalizeKeyPhrase(q),
    8,
  );
  return c.html(
    <CannedOptions
      t={c.get("t")}
      conversationId={id}
      responses={responses}
      q={q}
      quietWhenEmpty
    />,
  );
});

// the picker's list, loaded when it is first opened
cannedRoutes.get("/conversations/:id/canned/options", async (c) => {
  const id = param(c, "id");
  const { db } = c.get("deps");
  const user = currentUser(c);
  const conv = await requireConversation(db.orm, user, id);
  const responses = await listCanned(db.orm, user, conv.inboxId);
  return c.html(
    <CannedOptions t={c.get("t")} conversationId={id} responses={responses} />,
  );
});

// the picker as a page, for browsers without JavaScript
cannedRoutes.get("/conversations/:id/canned", async (c) => {
  const id = param(c, "id");
  const { db } = c.get("deps");
  const user = currentUser(c);
  const conv = await requireConversation(db.orm, user, id);
  const responses = await listCanned(db.orm, user, conv.inboxId);
  return c.html(
    <CannedUsePage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      conversationId={id}
      inboxId={conv.inboxId}
      responses={responses}
    />,
  );
});

// one canned response filled in for this conversation and this agent
cannedRoutes.get("/conversations/:id/canned/:cannedId/fill", async (c) => {
  const id = param(c, "id");
  const cannedId = param(c, "cannedId");
  if (!isHtmx(c)) {
    return c.redirect(`/conversations/${id}?canned=${cannedId}`, 303);
  }
  const { db } = c.get("deps");
  const text = await fillCanned(db.orm, currentUser(c), id, cannedId);
  // escaped HTML: the holder's textContent is then exactly the text
  return c.html(<>{text}</>);
});
