/** GET /emoji: the composer's emoji picker panel (F21), loaded when opened. */
import { Hono } from "hono";
import { z } from "zod";
import { searchEmoji } from "../services/emoji_catalog.ts";
import { EmojiPicker } from "../views/emoji_picker.tsx";
import type { AppEnv } from "./context.ts";

const query = z.object({ q: z.string().max(40).default("") });

export const emojiRoutes = new Hono<AppEnv>();

emojiRoutes.get("/emoji", (c) => {
  const { q } = query.parse(c.req.query());
  return c.html(
    <EmojiPicker t={c.get("t")} groups={searchEmoji(q)} q={q} />,
    200,
    // the same for every user of a language: cache it for the session
    { "cache-control": "private, max-age=3600" },
  );
});
