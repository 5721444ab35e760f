/** POST /messages/:id/reactions: toggles the user's emoji reaction (F21). */
import { Hono } from "hono";
import { z } from "zod";
import { isMessageKey } from "../i18n/translate.ts";
import { messagesById } from "../services/conversations.ts";
import { DomainError, NotFound } from "../services/errors.ts";
import { toggleReaction } from "../services/reactions.ts";
import { MessageBubble } from "../views/message_bubble.tsx";
import { type AppEnv, currentUser, idParam, isHtmx } from "./context.ts";

const reactionForm = z.object({ emoji: z.string().min(1).max(32) });

export const reactionRoutes = new Hono<AppEnv>();

reactionRoutes.post("/messages/:id/reactions", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const t = c.get("t");
  const { db, clock } = c.get("deps");
  const { emoji } = reactionForm.parse(await c.req.parseBody());
  let error: string | undefined;
  let conversationId: number | undefined;
  try {
    ({ conversationId } = await toggleReaction(
      db,
      clock,
      currentUser(c),
      id,
      emoji,
    ));
  } catch (err) {
    if (!(err instanceof DomainError) || err.status !== 422 || !isHtmx(c)) {
      throw err;
    }
    error = isMessageKey(err.key) ? t(err.key) : err.message;
  }
  if (!isHtmx(c)) return c.redirect(`/conversations/${conversationId}`, 303);
  // the bubble as it is now (the live stream brings it to the others)
  const msg = (await messagesById(db.orm, [id])).get(id);
  if (!msg) throw new NotFound();
  return c.html(
    <MessageBubble t={t} msg={msg} reactionError={error} />,
    error ? 422 : 200,
  );
});
