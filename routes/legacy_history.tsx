/**
 * "History before this inbox" (F6): GET /inboxes/:inboxId/history, one
 * conversation of it, and its files. Read-only, for the inbox's members.
 */
import { Hono } from "hono";
import { requireInbox } from "../services/access.ts";
import { NotFound } from "../services/errors.ts";
import {
  listLegacyConversations,
  openLegacyThread,
  requireLegacyAttachment,
} from "../services/legacy_history.ts";
import { HistoryPage } from "../views/history_page.tsx";
import { HistoryThreadPage } from "../views/history_thread_page.tsx";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  idParam,
} from "./context.ts";
import { fileResponse } from "./media.ts";

function param(c: Ctx, name: string): number {
  const id = idParam(c, name);
  if (!id) throw new NotFound();
  return id;
}

export const legacyHistoryRoutes = new Hono<AppEnv>();

legacyHistoryRoutes.get("/inboxes/:inboxId/history", async (c) => {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const inbox = await requireInbox(db.orm, user, param(c, "inboxId"));
  const conversations = await listLegacyConversations(db.orm, user, inbox.id);
  return c.html(
    <HistoryPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      inbox={inbox}
      conversations={conversations}
    />,
  );
});

legacyHistoryRoutes.get("/inboxes/:inboxId/history/:id", async (c) => {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const inbox = await requireInbox(db.orm, user, param(c, "inboxId"));
  const thread = await openLegacyThread(db.orm, user, inbox.id, param(c, "id"));
  return c.html(
    <HistoryThreadPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      inbox={inbox}
      thread={thread}
    />,
  );
});

legacyHistoryRoutes.get(
  "/inboxes/:inboxId/history/:id/media/:fileId",
  async (c) => {
    const { db, media } = c.get("deps");
    const file = await requireLegacyAttachment(
      db.orm,
      currentUser(c),
      param(c, "inboxId"),
      param(c, "id"),
      param(c, "fileId"),
    );
    const bytes = await media.get(file.storageKey);
    if (!bytes) throw new NotFound();
    return fileResponse(c, bytes, file.contentType, "private, max-age=86400");
  },
);
