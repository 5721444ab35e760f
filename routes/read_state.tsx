/**
 * Read and unread, for the user alone (F17). From a list row the answer is
 * the row itself; "mark unread" from the thread closes the thread (reading
 * it on would mark it read again) and shows the list. A row's menu of
 * these actions (and pins) is fetched when it is first opened.
 */
import { Hono } from "hono";
import {
  conversationSummaries,
  markRead,
  markUnread,
} from "../services/conversations.ts";
import { NotFound } from "../services/errors.ts";
import { requireConversation } from "../services/access.ts";
import { ConversationRow, RowMenuItems } from "../views/conversation_row.tsx";
import {
  type AppEnv,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";

/** The row as this user sees it now, when the request swaps a row. */
async function rowAnswer(c: Ctx, id: number) {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const conv = (await conversationSummaries(db.orm, user.id, [id])).get(id);
  if (!conv) throw new NotFound();
  const target = c.req.header("hx-target") ?? "";
  if (target.endsWith(`#conv-${id}`)) {
    return c.html(<ConversationRow t={c.get("t")} conv={conv} />);
  }
  if (target.endsWith("#thread-pane")) {
    c.header("HX-Push-Url", `/inboxes/${conv.inboxId}`);
    return c.html(
      <>
        <p class="empty">{c.get("t")("thread.pick")}</p>
        <hx-partial hx-target={`#conv-${id}`} hx-swap="outerHTML">
          <ConversationRow t={c.get("t")} conv={conv} />
        </hx-partial>
      </>,
    );
  }
  return c.body(null, 204);
}

export const readStateRoutes = new Hono<AppEnv>();

readStateRoutes.post("/conversations/:id/read", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db, clock } = c.get("deps");
  await markRead(db, clock, currentUser(c), id);
  if (!isHtmx(c)) return c.redirect(`/conversations/${id}`, 303);
  return await rowAnswer(c, id);
});

readStateRoutes.post("/conversations/:id/unread", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db, clock } = c.get("deps");
  const user = currentUser(c);
  await markUnread(db, clock, user, id);
  if (!isHtmx(c)) {
    const conv = (await conversationSummaries(db.orm, user.id, [id])).get(id);
    return c.redirect(`/inboxes/${conv?.inboxId ?? ""}`, 303);
  }
  return await rowAnswer(c, id);
});

readStateRoutes.get("/conversations/:id/menu", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db } = c.get("deps");
  const user = currentUser(c);
  await requireConversation(db.orm, user, id); // 404 if not theirs
  const conv = (await conversationSummaries(db.orm, user.id, [id])).get(id)!;
  return c.html(<RowMenuItems t={c.get("t")} conv={conv} />);
});
