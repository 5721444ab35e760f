/** A conversation: read it, reply to it, mark it read. */
import { Hono } from "hono";
import { z } from "zod";
import { markRead, messagesById, viewOf } from "../services/conversations.ts";
import { fillCanned } from "../services/canned_responses.ts";
import { openFullThread } from "../services/thread_details.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import {
  type ComposerState,
  composerState,
  retryMessage,
  sendReply,
} from "../services/messages.ts";
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
import {
  renderContactPanel,
  renderDetailsPanel,
} from "./conversation_actions.tsx";

const threadQuery = z.object({
  // a side panel and a canned response, for browsers without JavaScript
  panel: z.enum(["contact", "details"]).optional(),
  q: z.string().max(100).optional(),
  canned: z.string().regex(/^[1-9]\d{0,15}$/).transform(Number).optional(),
});

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
  const query = threadQuery.parse(c.req.query());
  const thread = await openFullThread(db.orm, user, id, clock());
  await markRead(db, clock, user, id);
  thread.conversation.unread = false;
  const threadPanel = query.panel === "contact"
    ? await renderContactPanel(c, id, query.q ?? "")
    : query.panel === "details"
    ? await renderDetailsPanel(c, id)
    : undefined;
  const composerBody = query.canned
    ? await fillCanned(db.orm, user, id, query.canned)
    : undefined;
  if (isHtmx(c) && (c.req.header("hx-target") ?? "").includes("thread-pane")) {
    return c.html(
      <ThreadView
        t={c.get("t")}
        thread={thread}
        csrfToken={csrfToken(c)}
        user={user}
        panel={threadPanel}
        composerBody={composerBody}
      />,
    );
  }
  return await renderInboxPage(
    c,
    thread.conversation.inboxId,
    viewOf(thread.conversation),
    thread,
    { threadPanel, composerBody },
  );
});

// POST /conversations/:id/read and /unread: routes/read_state.tsx

conversationRoutes.post("/conversations/:id/messages", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const t = c.get("t");
  const { db, clock } = c.get("deps");
  const user = currentUser(c);
  const parsed = replyForm.safeParse(await c.req.parseBody());
  const body = typeof parsed.data?.body === "string" ? parsed.data.body : "";
  const renderComposer = (
    error?: string,
    keep?: string,
    state?: ComposerState,
  ) => (
    <Composer
      t={t}
      conversationId={id}
      csrfToken={csrfToken(c)}
      channel={state?.channel}
      block={state?.block}
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
      // a reply rule was broken: access was checked, show the rule's state
      const state =
        err.key?.startsWith("composer.") && err.key !== "composer.empty" &&
          err.key !== "composer.too_long"
          ? await composerState(db.orm, id, clock())
          : undefined;
      return c.html(
        renderComposer(state?.block ? undefined : msg, body, state),
        422,
      );
    }
    throw err;
  }
  if (!isHtmx(c)) return c.redirect(`/conversations/${id}`, 303);
  const msg = (await messagesById(db.orm, [sent.id])).get(sent.id)!;
  const state = await composerState(db.orm, id, clock());
  // the new composer, plus the message upserted into the thread: the live
  // stream will carry the same element and the upsert makes it one
  return c.html(
    <>
      {renderComposer(undefined, undefined, state)}
      <hx-upsert hx-target={`#messages-${id}`} key="data-seq" sort="">
        <MessageBubble t={t} msg={msg} />
      </hx-upsert>
    </>,
  );
});

conversationRoutes.post("/messages/:id/retry", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db, clock } = c.get("deps");
  const { conversationId } = await retryMessage(db, clock, currentUser(c), id);
  if (!isHtmx(c)) return c.redirect(`/conversations/${conversationId}`, 303);
  // the live stream carries the message's new state to every tab
  return c.body(null, 204);
});
