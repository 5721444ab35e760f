/** POST /conversations/:id/typing: "I am writing a reply" (collision notice). */
import { Hono } from "hono";
import { NotFound } from "../services/errors.ts";
import { noteTyping } from "../services/typing.ts";
import { type AppEnv, currentUser, idParam } from "./context.ts";

export const typingRoutes = new Hono<AppEnv>();

typingRoutes.post("/conversations/:id/typing", async (c) => {
  const id = idParam(c, "id");
  if (!id) throw new NotFound();
  const { db, clock } = c.get("deps");
  await noteTyping(db, clock, currentUser(c), id);
  return c.body(null, 204);
});
