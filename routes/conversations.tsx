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
} from "../services/messages.ts";
import { ReplyCollision } from "../services/collisions.ts";
import { mediaRules } from "../services/media_limits.ts";
import { peekUploads, sendFromComposer } from "../services/uploads.ts";
import { Composer } from "../views/composer.tsx";
import { MessageBubble } from "../views/message_bubble.tsx";
import { ThreadView } from "../views/thread.tsx";
import {
  type AppEnv,
  csrfToken,
  currentUser,
  idParam,
  isHtmx,
  refusalText,
} from "./context.ts";
import { renderInboxPage } from "./inboxes.tsx";
import { attachmentTokens, postedFiles, uploadDeps } from "./uploads.tsx";
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
  // the newest message the composer's user had seen (collision check)
  last_seen: z.string().regex(/^\d{1,15}$/).transform(Number).optional(),
  // upload tokens of the files attached (services/uploads.ts)
  attachment: attachmentTokens,
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
  thread.meeting = !!c.get("deps").config.meetingUrlTemplate;
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
  const raw = await c.req.parseBody({ all: true });
  const parsed = replyForm.safeParse({ ...raw, files: undefined });
  const body = typeof raw.body === "string" ? raw.body : "";
  const tokens = parsed.data?.attachment ?? [];
  const renderComposer = (
    opts: { error?: string; keep?: string; collision?: string[] } = {},
    state?: ComposerState,
  ) => (
    <Composer
      t={t}
      conversationId={id}
      csrfToken={csrfToken(c)}
      channel={state?.channel}
      block={state?.block}
      body={opts.keep}
      error={opts.error}
      media={state && mediaRules({
        channel: state.channel,
        provider: state.provider,
        e164: state.numberE164,
      })}
      lastSeenId={state?.lastMessageId}
      collision={opts.collision}
      attachments={opts.keep === undefined ? undefined : peekUploads(tokens)}
    />
  );
  if (!parsed.success) {
    return c.html(
      renderComposer(
        { error: t("error.bad_request"), keep: body },
        await composerState(db.orm, id, clock()).catch(() => undefined),
      ),
      400,
    );
  }
  let sent;
  try {
    sent = await sendFromComposer(
      uploadDeps(c),
      user,
      {
        conversationId: id,
        body: parsed.data.body,
        clientKey: parsed.data.client_key,
        tokens,
        files: await postedFiles(raw),
        lastSeenId: parsed.data.last_seen,
      },
    );
  } catch (err) {
    if (err instanceof ReplyCollision) {
      // the teammate's reply is in the thread already (live); ask first
      return c.html(
        renderComposer(
          { keep: body, collision: err.names },
          await composerState(db.orm, id, clock()),
        ),
        409,
      );
    }
    if (err instanceof DomainError && err.status === 422) {
      const msg = refusalText(t, err);
      if (!isHtmx(c)) return c.text(msg, 422);
      // access was checked: show the rule's state with the reason
      const state = await composerState(db.orm, id, clock());
      return c.html(
        renderComposer(
          { error: state.block ? undefined : msg, keep: body },
          state,
        ),
        422,
      );
    }
    throw err;
  }
  if (!isHtmx(c)) return c.redirect(`/conversations/${id}`, 303);
  const sentIds = sent.ids ?? [sent.id];
  const sentMessages = await messagesById(db.orm, sentIds);
  const state = await composerState(db.orm, id, clock());
  // the new composer, plus the messages upserted into the thread: the live
  // stream will carry the same elements and the upsert makes them one
  return c.html(
    <>
      {renderComposer({}, state)}
      <hx-upsert hx-target={`#messages-${id}`} key="data-seq" sort="">
        {sentIds.map((m) => sentMessages.get(m)).filter((m) => !!m).map((
          m,
        ) => <MessageBubble t={t} msg={m!} />)}
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
