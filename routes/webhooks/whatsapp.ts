/**
 * WhatsApp Cloud API: GET /webhooks/whatsapp is Meta's subscription
 * handshake; POST carries messages and statuses.
 */
import { Hono } from "hono";
import { verifyHandshake } from "../../carriers/whatsapp.ts";
import type { AppEnv } from "../context.ts";
import { handleWebhook } from "./receive.ts";

export const whatsappWebhooks = new Hono<AppEnv>();

whatsappWebhooks.get("/webhooks/whatsapp", (c) => {
  const challenge = verifyHandshake(
    new URL(c.req.url).searchParams,
    c.get("deps").config.env.WHATSAPP_VERIFY_TOKEN,
  );
  if (challenge === null) return c.text("verification failed", 403);
  return c.text(challenge);
});

whatsappWebhooks.post("/webhooks/whatsapp", async (c) => {
  const outcome = await handleWebhook(c, "whatsapp");
  if (!outcome.ok) return c.json({ error: outcome.reason }, outcome.status);
  return c.json({ received: true });
});
