/** A user's own display preferences: show or hide tags in the list (F18). */
import { Hono } from "hono";
import { z } from "zod";
import { setShowTags } from "../services/tags.ts";
import { type AppEnv, currentUser, isHtmx } from "./context.ts";

const tagsForm = z.object({
  show_tags: z.literal("1").optional(),
  back: z.string().regex(/^\/(?!\/)[\w\-/?=&%.]*$/).optional(),
});

export const prefsRoutes = new Hono<AppEnv>();

prefsRoutes.post("/prefs/tags", async (c) => {
  const input = tagsForm.parse(await c.req.parseBody());
  await setShowTags(c.get("deps").db, currentUser(c), input.show_tags === "1");
  // with htmx the checkbox already shows the result (CSS); nothing to swap
  if (isHtmx(c)) return c.body(null, 204);
  return c.redirect(input.back ?? "/", 303);
});
