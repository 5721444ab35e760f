/**
 * Chats between employees (F7, F8): GET /chats and /chats/:id (the screen,
 * or the open chat alone for htmx), and the forms that start chats, post to
 * them (text and files; uploads: routes/uploads.tsx, downloads:
 * routes/media.ts), mark them read and manage a team chat's members.
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  addChatMembers,
  chatHead,
  createTeamChat,
  leaveChat,
  listChats,
  markChatRead,
  openChat,
  openDirectChat,
  removeChatMember,
} from "../services/chats.ts";
import { postFromChatComposer } from "../services/chat_uploads.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import { latestEventId } from "../services/events.ts";
import { unreadTotals } from "../services/notifications.ts";
import { people } from "../services/presence.ts";
import { peekUploads } from "../services/uploads.ts";
import { ChatComposer } from "../views/chat_composer.tsx";
import { ChatHead } from "../views/chat_head.tsx";
import { ChatLeftUpdate } from "../views/chat_left_update.tsx";
import { ChatMessageUpdate } from "../views/chat_message_update.tsx";
import { ChatRowUpdate } from "../views/chat_row_update.tsx";
import { ChatsPage } from "../views/chats_page.tsx";
import { ChatView } from "../views/chat_view.tsx";
import { TeamChatForm } from "../views/team_chat_form.tsx";
import {
  type AppEnv,
  csrfToken,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
  refusalText,
} from "./context.ts";
import { attachmentTokens, postedFiles, uploadDeps } from "./uploads.tsx";

const userId = z.string().regex(/^[1-9]\d{0,15}$/).transform(Number);
const directForm = z.object({ user_id: userId });
const memberList = z.union([userId, z.array(userId)]).optional().transform((
  v,
) => v === undefined ? [] : Array.isArray(v) ? v : [v]);
const teamForm = z.object({ name: z.string().max(500), member: memberList });
const membersForm = z.object({ member: memberList });
const postForm = z.object({
  body: z.string().max(10_000),
  client_key: z.string().regex(/^[\w-]{8,64}$/).optional(),
  // upload tokens of the files attached (services/chat_uploads.ts)
  attachment: attachmentTokens,
});

function chatId(c: Ctx): number {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  return id;
}

/** The message of a refusal (422), or rethrows anything else. */
function refusal(c: Ctx, err: unknown): string {
  if (!(err instanceof DomainError) || err.status !== 422) throw err;
  return refusalText(c.get("t"), err);
}

/** The whole chats screen, with `openId` open. */
async function renderPage(
  c: Ctx,
  openId?: number,
  teamError?: string,
  status = 200,
) {
  const { db } = c.get("deps");
  const user = currentUser(c);
  // read the event cursor first: anything later reaches the page by SSE
  const lastEventId = await latestEventId(db.orm);
  const thread = openId ? await openChat(db.orm, user, openId) : undefined;
  const [chats, everyone, totals] = await Promise.all([
    listChats(db.orm, user.id),
    people(db.orm, user),
    unreadTotals(db.orm, user),
  ]);
  return c.html(
    <ChatsPage
      t={c.get("t")}
      assets={c.get("assets")}
      csrfToken={csrfToken(c)}
      user={user}
      me={user}
      totals={totals}
      chats={chats}
      people={everyone}
      thread={thread}
      lastEventId={lastEventId}
      teamError={teamError}
    />,
    status as 200,
  );
}

/** The open chat for htmx, with its row upserted into the list. */
async function renderChat(c: Ctx, id: number, resetTeamForm = false) {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const [thread, everyone] = await Promise.all([
    openChat(db.orm, user, id),
    people(db.orm, user),
  ]);
  const t = c.get("t");
  return c.html(
    <>
      <ChatView
        t={t}
        thread={thread}
        user={user}
        csrfToken={csrfToken(c)}
        people={everyone}
      />
      <ChatRowUpdate t={t} chat={thread.chat} activeId={id} />
      {resetTeamForm && (
        // the team chat was made: its form closes, empty, for the next one
        <hx-partial hx-target="#new-team" hx-swap="outerHTML">
          <TeamChatForm t={t} csrfToken={csrfToken(c)} people={everyone} />
        </hx-partial>
      )}
    </>,
  );
}

/** After starting a chat: show it (htmx, with the URL) or go to it. */
async function showStarted(c: Ctx, id: number, team = false) {
  if (!isHtmx(c)) return c.redirect(`/chats/${id}`, 303);
  c.header("HX-Push-Url", `/chats/${id}`);
  return await renderChat(c, id, team);
}

export const chatRoutes = new Hono<AppEnv>();

chatRoutes.get("/chats", (c) => renderPage(c));

chatRoutes.get("/chats/:id", async (c) => {
  const id = chatId(c);
  const { db, clock } = c.get("deps");
  // opening it reads it (404 first for someone who is not a member)
  await markChatRead(db, clock, currentUser(c), id);
  if (isHtmx(c) && (c.req.header("hx-target") ?? "").includes("thread-pane")) {
    return await renderChat(c, id);
  }
  return await renderPage(c, id);
});

chatRoutes.get("/chats/:id/head", async (c) => {
  const { db } = c.get("deps");
  const user = currentUser(c);
  const [head, everyone] = await Promise.all([
    chatHead(db.orm, user, chatId(c)),
    people(db.orm, user),
  ]);
  return c.html(
    <ChatHead
      t={c.get("t")}
      head={head}
      user={user}
      csrfToken={csrfToken(c)}
      people={everyone}
    />,
  );
});

chatRoutes.post("/chats/direct", async (c) => {
  const { user_id } = directForm.parse(await c.req.parseBody());
  const { db, clock } = c.get("deps");
  const id = await openDirectChat(db, clock, currentUser(c), user_id);
  return await showStarted(c, id);
});

chatRoutes.post("/chats", async (c) => {
  const input = teamForm.parse(await c.req.parseBody({ all: true }));
  const { db, clock } = c.get("deps");
  const user = currentUser(c);
  let id: number;
  try {
    id = await createTeamChat(db, clock, user, {
      name: input.name,
      memberIds: input.member,
    });
  } catch (err) {
    const msg = refusal(c, err);
    if (!isHtmx(c)) return await renderPage(c, undefined, msg, 422);
    return c.html(
      <TeamChatForm
        t={c.get("t")}
        csrfToken={csrfToken(c)}
        people={await people(db.orm, user)}
        error={msg}
        open
      />,
      422,
    );
  }
  return await showStarted(c, id, true);
});

chatRoutes.post("/chats/:id/messages", async (c) => {
  const id = chatId(c);
  const t = c.get("t");
  const user = currentUser(c);
  const raw = await c.req.parseBody({ all: true });
  const parsed = postForm.safeParse({ ...raw, files: undefined });
  const body = typeof raw.body === "string" ? raw.body : "";
  const tokens = parsed.data?.attachment ?? [];
  // a refused post keeps its text and the files already uploaded
  const composer = (error?: string, keep?: string) => (
    <ChatComposer
      t={t}
      chatId={id}
      csrfToken={csrfToken(c)}
      body={keep}
      error={error}
      attachments={keep === undefined ? undefined : peekUploads(tokens)}
    />
  );
  if (!parsed.success) {
    return c.html(composer(t("error.bad_request"), body), 400);
  }
  let msg;
  try {
    msg = await postFromChatComposer(
      uploadDeps(c),
      user,
      {
        chatId: id,
        body: parsed.data.body,
        clientKey: parsed.data.client_key,
        tokens,
        files: await postedFiles(raw),
      },
    );
  } catch (err) {
    const text = refusal(c, err);
    if (!isHtmx(c)) return c.text(text, 422);
    return c.html(composer(text, body), 422);
  }
  if (!isHtmx(c)) return c.redirect(`/chats/${id}`, 303);
  // the live stream carries the same element; the upsert makes it one
  return c.html(
    <>
      {composer()}
      <ChatMessageUpdate t={t} msg={msg} mine />
    </>,
  );
});

chatRoutes.post("/chats/:id/read", async (c) => {
  const { db, clock } = c.get("deps");
  await markChatRead(db, clock, currentUser(c), chatId(c));
  return c.body(null, 204);
});

/** After a membership change: the fresh head (htmx) or back to the chat. */
async function afterMembers(c: Ctx, id: number, run: () => Promise<void>) {
  try {
    await run();
  } catch (err) {
    const msg = refusal(c, err);
    if (isHtmx(c)) return c.text(msg, 422);
    return await renderPage(c, id, undefined, 422);
  }
  if (!isHtmx(c)) return c.redirect(`/chats/${id}`, 303);
  const { db } = c.get("deps");
  const user = currentUser(c);
  const [head, everyone] = await Promise.all([
    chatHead(db.orm, user, id),
    people(db.orm, user),
  ]);
  return c.html(
    <hx-partial hx-target={`#chat-head-${id}`} hx-swap="outerHTML">
      <ChatHead
        t={c.get("t")}
        head={head}
        user={user}
        csrfToken={csrfToken(c)}
        people={everyone}
      />
    </hx-partial>,
  );
}

chatRoutes.post("/chats/:id/members", async (c) => {
  const id = chatId(c);
  const { member } = membersForm.parse(await c.req.parseBody({ all: true }));
  const { db, clock } = c.get("deps");
  return await afterMembers(
    c,
    id,
    () => addChatMembers(db, clock, currentUser(c), id, member),
  );
});

chatRoutes.post("/chats/:id/members/:userId/remove", async (c) => {
  const id = chatId(c);
  const memberId = idParam(c, "userId");
  if (!memberId) throw new NotFound();
  const { db, clock } = c.get("deps");
  return await afterMembers(
    c,
    id,
    () => removeChatMember(db, clock, currentUser(c), id, memberId),
  );
});

chatRoutes.post("/chats/:id/leave", async (c) => {
  const id = chatId(c);
  const { db, clock } = c.get("deps");
  await leaveChat(db, clock, currentUser(c), id);
  if (!isHtmx(c)) return c.redirect("/chats", 303);
  return c.html(<ChatLeftUpdate t={c.get("t")} chatId={id} />);
});
