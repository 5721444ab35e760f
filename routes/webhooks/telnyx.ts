/** Telnyx: every messaging event arrives at POST /webhooks/telnyx. */
import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { handleWebhook } from "./receive.ts";

export const telnyxWebhooks = new Hono<AppEnv>();

telnyxWebhooks.post("/webhooks/telnyx", async (c) => {
  const outcome = await handleWebhook(c, "telnyx");
  if (!outcome.ok) return c.json({ error: outcome.reason }, outcome.status);
  return c.json({ received: true });
});
