/** A conversation: read it, reply to it, mark it read. */
import { Hono } from "hono";
import { z } from "zod";
import {
  markRead,
  messagesById,
  openThread,
} from "../services/conversations.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import { sendReply } from "../services/messages.ts";
import { isMessageKey } from "../i18n/translate.ts";
import { Composer } from "../views/composer.tsx";
import { MessageBubble } from "../views/message_bubble.tsx";
import { ThreadView } from "../views/thread.tsx";
import {
  type AppEnv,
  csrfToken,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";
import { renderInboxPage } from "./inboxes.tsx";

const replyForm = z.object({
  body: z.string().max(10_000),
  client_key: z.string().regex(/^[\w-]{8,64}$/).optional(),
});

export const conversationRoutes = new Hono<AppEnv>();

conversationRoutes.get("/conversations/:id", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db, clock } = c.get("deps");
  const user = currentUser(c);
  const thread = await openThread(db.orm, user, id);
  await markRead(db, clock, user, id);
  thread.conversation.unread = false;
  if (isHtmx(c) && (c.req.header("hx-target") ?? "").includes("thread-pane")) {
    return c.html(
      <ThreadView t={c.get("t")} thread={thread} csrfToken={csrfToken(c)} />,
    );
  }
  return await renderInboxPage(
    c,
    thread.conversation.inboxId,
    thread.conversation.status,
    thread,
  );
});

conversationRoutes.post("/conversations/:id/read", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db, clock } = c.get("deps");
  await markRead(db, clock, currentUser(c), id);
  return c.body(null, 204);
});

conversationRoutes.post("/conversations/:id/messages", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const t = c.get("t");
  const { db, clock } = c.get("deps");
  const user = currentUser(c);
  const parsed = replyForm.safeParse(await c.req.parseBody());
  const body = typeof parsed.data?.body === "string" ? parsed.data.body : "";
  const renderComposer = (error?: string, keep?: string) => (
    <Composer
      t={t}
      conversationId={id}
      csrfToken={csrfToken(c)}
      body={keep}
      error={error}
    />
  );
  if (!parsed.success) {
    return c.html(renderComposer(t("error.bad_request"), body), 400);
  }
  let sent;
  try {
    sent = await sendReply(db, clock, user, {
      conversationId: id,
      body: parsed.data.body,
      clientKey: parsed.data.client_key,
    });
  } catch (err) {
    if (err instanceof DomainError && err.status === 422) {
      const msg = isMessageKey(err.key) ? t(err.key) : err.message;
      if (!isHtmx(c)) return c.text(msg, 422);
      return c.html(renderComposer(msg, body), 422);
    }
    throw err;
  }
  if (!isHtmx(c)) return c.redirect(`/conversations/${id}`, 303);
  const msg = (await messagesById(db.orm, [sent.id])).get(sent.id)!;
  // the new composer, plus the message upserted into the thread: the live
  // stream will carry the same element and the upsert makes it one
  return c.html(
    <>
      {renderComposer()}
      <hx-upsert hx-target={`#messages-${id}`} key="data-seq" sort="">
        <MessageBubble t={t} msg={msg} />
      </hx-upsert>
    </>,
  );
});
