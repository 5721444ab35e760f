/**
 * Twilio: inbound messages at POST /webhooks/twilio, delivery reports at
 * POST /webhooks/twilio/status. Both answer empty TwiML: Bandeja replies
 * through the API, never in the webhook answer.
 */
import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { handleWebhook } from "./receive.ts";

const EMPTY_TWIML =
  '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export const twilioWebhooks = new Hono<AppEnv>();

for (const path of ["/webhooks/twilio", "/webhooks/twilio/status"]) {
  twilioWebhooks.post(path, async (c) => {
    const outcome = await handleWebhook(c, "twilio");
    if (!outcome.ok) return c.text(outcome.reason ?? "", outcome.status);
    return c.body(EMPTY_TWIML, 200, { "content-type": "text/xml" });
  });
}
