/** The inbox screens: GET /, /inboxes, /inboxes/:id and its list pages. */
import { Hono } from "hono";
import { z } from "zod";
import { requireInbox } from "../services/access.ts";
import {
  type ConversationStatus,
  listConversations,
  listInboxes,
  type Thread,
} from "../services/conversations.ts";
import { latestEventId } from "../services/events.ts";
import { NotFound } from "../services/errors.ts";
import { ConversationItems } from "../views/conversation_list.tsx";
import { InboxPage } from "../views/inbox_page.tsx";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";

const listQuery = z.object({
  status: z.enum(["open", "closed"]).default("open"),
  before: z.string().regex(/^\d{1,15}_\d{1,15}$/).optional(),
});

/** Renders the whole inbox page, optionally with a thread open. */
export async function renderInboxPage(
  c: Ctx,
  inboxId: number,
  status: ConversationStatus,
  thread?: Thread,
) {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const conn = db.orm;
  // read the event cursor first: anything later reaches the page by SSE
  const lastEventId = await latestEventId(conn);
  await requireInbox(conn, user, inboxId);
  const [inboxes, page] = await Promise.all([
    listInboxes(conn, user),
    listConversations(conn, user, { inboxId, status }),
  ]);
  return c.html(
    <InboxPage
      t={c.get("t")}
      assets={c.get("assets")}
      user={user}
      csrfToken={csrfToken(c)}
      inboxes={inboxes}
      inboxId={inboxId}
      status={status}
      rows={page.rows}
      next={page.next}
      thread={thread}
      lastEventId={lastEventId}
    />,
  );
}

export const inboxRoutes = new Hono<AppEnv>();

inboxRoutes.get("/", async (c) => {
  const inboxes = await listInboxes(c.get("deps").db.orm, currentUser(c));
  if (inboxes.length === 0) throw new NotFound("You belong to no inbox yet");
  return c.redirect(`/inboxes/${inboxes[0].id}`, 302);
});

// the switcher's form target: ?inbox=ID
inboxRoutes.get("/inboxes", (c) => {
  const id = c.req.query("inbox") ?? "";
  if (!/^[1-9]\d{0,15}$/.test(id)) return c.redirect("/", 302);
  if (isHtmx(c)) {
    c.header("HX-Location", `/inboxes/${id}`);
  }
  return c.redirect(`/inboxes/${id}`, 303);
});

inboxRoutes.get("/inboxes/:inboxId", async (c) => {
  const inboxId = idParam(c, "inboxId");
  if (!inboxId) throw new NotFound();
  const q = listQuery.parse(c.req.query());
  return await renderInboxPage(c, inboxId, q.status);
});

inboxRoutes.get("/inboxes/:inboxId/list", async (c) => {
  const inboxId = idParam(c, "inboxId");
  if (!inboxId) throw new NotFound();
  const q = listQuery.parse(c.req.query());
  const { db } = c.get("deps");
  const user = currentUser(c);
  await requireInbox(db.orm, user, inboxId);
  const before = q.before
    ? (([at, id]) => ({ lastMessageAt: Number(at), id: Number(id) }))(
      q.before.split("_"),
    )
    : undefined;
  const page = await listConversations(db.orm, user, {
    inboxId,
    status: q.status,
    before,
  });
  if (!isHtmx(c)) {
    // without JavaScript the "load more" link is a full page of its own
    return await renderInboxPage(c, inboxId, q.status);
  }
  return c.html(
    <ConversationItems
      t={c.get("t")}
      inboxId={inboxId}
      status={q.status}
      rows={page.rows}
      next={page.next}
    />,
  );
});
