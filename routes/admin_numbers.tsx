/**
 * /admin/numbers (admins): give a number to someone as their personal
 * number, or add it to a shared inbox. Plain forms redirect back; htmx
 * forms get HX-Redirect, or the refusal's text in place.
 */
import { Hono } from "hono";
import { z } from "zod";
import { isMessageKey } from "../i18n/translate.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import {
  addNumberToInbox,
  assignPersonalNumber,
  numbersOverview,
} from "../services/personal_numbers.ts";
import { AdminNumbersPage } from "../views/admin_numbers_page.tsx";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";

const id = z.string().regex(/^[1-9]\d{0,15}$/).transform(Number);
const personalForm = z.object({ user_id: id });
const inboxForm = z.object({ inbox_id: id });

async function renderPage(c: Ctx, error?: string, status = 200) {
  const user = currentUser(c);
  const overview = await numbersOverview(c.get("deps").db.orm, user);
  return c.html(
    <AdminNumbersPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      overview={overview}
      saved={c.req.query("saved") === "1"}
      error={error}
    />,
    status as 200,
  );
}

async function change(c: Ctx, run: () => Promise<unknown>) {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof DomainError) || err.status !== 422) throw err;
    const msg = isMessageKey(err.key) ? c.get("t")(err.key) : err.message;
    if (isHtmx(c)) return c.text(msg, 422);
    return await renderPage(c, msg, 422);
  }
  const back = "/admin/numbers?saved=1";
  if (isHtmx(c)) {
    c.header("HX-Redirect", back);
    return c.body(null, 204);
  }
  return c.redirect(back, 303);
}

function numberId(c: Ctx): number {
  const n = idParam(c, "id");
  if (!n) throw new NotFound();
  return n;
}

export const adminNumberRoutes = new Hono<AppEnv>();

adminNumberRoutes.get("/admin/numbers", (c) => renderPage(c));

adminNumberRoutes.post("/admin/numbers/:id/personal", async (c) => {
  const n = numberId(c);
  const { user_id } = personalForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  return await change(
    c,
    () => assignPersonalNumber(db, clock, currentUser(c), n, user_id),
  );
});

adminNumberRoutes.post("/admin/numbers/:id/inbox", async (c) => {
  const n = numberId(c);
  const { inbox_id } = inboxForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  return await change(
    c,
    () => addNumberToInbox(db, clock, currentUser(c), n, inbox_id),
  );
});
