/**
 * What the team-side tests share: inbound SMS through the signed Twilio
 * webhook, a fresh number for personal-number tests, and reading a stream
 * for a fragment that must not come.
 */
import assert from "node:assert/strict";
import { q, twilioInbound, twilioRequest } from "./carrier_fixtures.ts";
import type { Client, TestApp } from "./helpers.ts";
import type { LiveStream } from "./live_stream.ts";

/** A customer's SMS to one of our numbers, through POST /webhooks/twilio. */
export async function inboundSms(
  t: TestApp,
  from: string,
  to: string,
  body: string,
): Promise<void> {
  const req = await twilioRequest(
    t.origin,
    "/webhooks/twilio",
    twilioInbound({ from, to, body }),
  );
  const res = await t.app.request(req);
  await res.body?.cancel();
  assert.equal(res.status, 200);
}

/**
 * A Twilio SMS number the organisation just bought, in no inbox yet (the
 * admin pages place numbers; nothing creates them but the provider).
 */
export async function newNumber(t: TestApp, e164: string): Promise<number> {
  const [row] = await q(
    t,
    `insert into phone_numbers (e164, channel, provider, registration, label, added_at)
      values (?, 'sms', 'twilio', 'approved', '', ?) returning id`,
    [e164, Date.now()],
  );
  return Number(row.id);
}

/** The conversations of a contact, oldest first, with where they live. */
export async function conversationsOf(t: TestApp, contact: string) {
  return (await q(
    t,
    `select c.id, c.inbox_id, c.assignee_id, c.status from conversations c
      join contacts k on k.id = c.contact_id where k.e164 = ? order by c.id`,
    [contact],
  )).map((r) => ({
    id: Number(r.id),
    inboxId: Number(r.inbox_id),
    assigneeId: r.assignee_id === null ? null : Number(r.assignee_id),
    status: String(r.status),
  }));
}

/** Asserts `fragment` does not reach the stream within `ms`. */
export async function expectNothing(
  stream: LiveStream,
  fragment: string,
  ms = 400,
): Promise<void> {
  const seen = await stream.waitFor((text) => text.includes(fragment), ms);
  assert.ok(!seen, `the stream carried ${fragment}`);
}

/** The chat id an htmx "start a chat" answer pushed to the URL. */
export function chatIdOf(res: Response): number {
  const m = /^\/chats\/(\d+)$/.exec(res.headers.get("hx-push-url") ?? "");
  assert.ok(m, "the answer pushes the chat's URL");
  return Number(m[1]);
}

/** Starts (or opens) the direct chat with `otherId` as htmx does; its id. */
export async function startDirect(c: Client, otherId: number): Promise<number> {
  const res = await c.post("/chats/direct", { user_id: String(otherId) });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  return chatIdOf(res);
}
