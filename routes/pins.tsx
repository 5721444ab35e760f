/**
 * Pinning (F11): pin, unpin, move up/down (buttons that work on a phone)
 * and the whole order at once (drag and drop on a desktop). Each answers
 * with the list body, re-read with the filters the form sent along.
 */
import { Hono } from "hono";
import { z } from "zod";
import { NotFound } from "../services/errors.ts";
import {
  movePin,
  pinConversation,
  reorderPins,
  unpinConversation,
} from "../services/pins.ts";
import {
  type AppEnv,
  type Ctx,
  currentUser,
  idParam,
  isHtmx,
} from "./context.ts";
import { parseListQuery, renderListBody } from "./inboxes.tsx";

const orderForm = z.object({
  order: z.string().regex(/^[1-9]\d{0,15}(,[1-9]\d{0,15}){0,99}$/),
});

async function answer(c: Ctx, inboxId: number, form: Record<string, unknown>) {
  if (!isHtmx(c)) return c.redirect(`/inboxes/${inboxId}`, 303);
  const { filters } = parseListQuery(form);
  return await renderListBody(c, inboxId, filters);
}

export const pinRoutes = new Hono<AppEnv>();

pinRoutes.post("/conversations/:id/pin", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const form = await c.req.parseBody();
  const { db, clock } = c.get("deps");
  const r = await pinConversation(db, clock, currentUser(c), id);
  return await answer(c, r.inboxId, form);
});

pinRoutes.post("/conversations/:id/unpin", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const form = await c.req.parseBody();
  const { db, clock } = c.get("deps");
  const r = await unpinConversation(db, clock, currentUser(c), id);
  return await answer(c, r.inboxId, form);
});

pinRoutes.post("/conversations/:id/pin/:direction{up|down}", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const direction = c.req.param("direction") === "up" ? "up" : "down";
  const form = await c.req.parseBody();
  const { db, clock } = c.get("deps");
  const r = await movePin(db, clock, currentUser(c), id, direction);
  return await answer(c, r.inboxId, form);
});

pinRoutes.post("/inboxes/:inboxId/pins/order", async (c) => {
  const inboxId = idParam(c, "inboxId");
  if (!inboxId) throw new NotFound();
  const form = await c.req.parseBody();
  const { order } = orderForm.parse(form);
  const { db, clock } = c.get("deps");
  await reorderPins(
    db,
    clock,
    currentUser(c),
    inboxId,
    order.split(",").map(Number),
  );
  return await answer(c, inboxId, form);
});
