/**
 * The rules that stop a reply before it reaches the outbox, shown in the
 * composer and enforced by the API: carrier registration (C5) and the
 * WhatsApp 24-hour customer-service window. (Opt-out: opt_out.test.ts.)
 */
import assert from "node:assert/strict";
import { translator } from "../i18n/translate.ts";
import { conversationOf, q } from "./carrier_fixtures.ts";
import { type Client, loggedIn, testClock } from "./helpers.ts";
import { eventually, type Stack, startStack } from "./stack.ts";

const t = translator("en");
const PENDING_SMS = "+15550100003"; // Twilio, 10DLC registration pending, Sales
const SALES_WHATSAPP = "+15550100002";

function html(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("'", "&#39;").replaceAll(
    '"',
    "&quot;",
  );
}

/** Outbound messages plus send jobs of a conversation. */
async function outboundCount(s: Stack, conversationId: number) {
  const [row] = await q(
    s,
    `select (select count(*) from messages
        where conversation_id = ? and direction = 'out') +
      (select count(*) from jobs j join messages m on m.id = j.ref_id
        where j.kind = 'send' and m.conversation_id = ?) as n`,
    [conversationId, conversationId],
  );
  return Number(row.n);
}

/** The composer form of the thread page. */
async function composerOf(who: Client, conversationId: number) {
  const page = await (await who.request(`/conversations/${conversationId}`))
    .text();
  const start = page.indexOf(`id="composer-${conversationId}"`);
  assert.ok(start > 0, "the thread has a composer");
  return page.slice(start, page.indexOf("</form>", start));
}

function reply(who: Client, conversationId: number, body: string) {
  return who.post(`/conversations/${conversationId}/messages`, { body });
}

Deno.test("a number whose 10DLC registration is pending cannot reply: the composer says why and the API refuses", async () => {
  const s = await startStack();
  try {
    const from = "+15557772001";
    const res = await s.sim.injectInbound({
      provider: "twilio",
      from,
      to: PENDING_SMS,
      body: "Do you have chairs in stock?",
    });
    assert.equal(
      res.status,
      200,
      "inbound works while registration is pending",
    );
    const conv = await conversationOf(s, from, PENDING_SMS);
    const maria = await loggedIn(s, "maria");

    const composer = await composerOf(maria, conv.id);
    assert.ok(composer.includes(html(t("composer.not_registered"))), composer);
    assert.match(composer, /<textarea[^>]*disabled/);
    assert.match(composer, /<button type="submit"[^>]*disabled/);

    const refused = await reply(maria, conv.id, "We do!");
    assert.equal(refused.status, 422);
    assert.ok(
      (await refused.text()).includes(html(t("composer.not_registered"))),
    );
    assert.equal(await outboundCount(s, conv.id), 0, "nothing queued");
    // without htmx the API answers with the reason as text
    const api = await maria.request(`/conversations/${conv.id}/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-csrf-token": maria.csrf,
      },
      body: new URLSearchParams({ body: "We do!" }),
    });
    assert.equal(api.status, 422);
    assert.equal(await api.text(), t("composer.not_registered"));

    // An admin approves the registration. There is no admin screen for
    // registration status yet, so the test sets it in the database directly.
    await s.db.client.execute({
      sql: "update phone_numbers set registration = 'approved' where e164 = ?",
      args: [PENDING_SMS],
    });
    const approved = await composerOf(maria, conv.id);
    assert.ok(!approved.includes(html(t("composer.not_registered"))));
    const ok = await reply(maria, conv.id, "We do, 40 in stock");
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    const sent = await eventually(
      () => s.sim.sent.find((m) => m.body === "We do, 40 in stock"),
      5000,
      "the reply sent",
    );
    assert.equal(sent.from, PENDING_SMS);
    assert.equal(sent.to, from);
  } finally {
    await s.stop();
  }
});

Deno.test("WhatsApp replies go out within 24 hours of the customer's last message, and are refused after", async () => {
  const clock = testClock();
  const s = await startStack({ clock });
  try {
    const from = "+15557772011";
    const res = await s.sim.injectInbound({
      provider: "whatsapp",
      from,
      to: SALES_WHATSAPP,
      body: "Is the sofa still available?",
    });
    assert.equal(res.status, 200);
    const conv = await conversationOf(s, from, SALES_WHATSAPP);
    const maria = await loggedIn(s, "maria");

    clock.advance(23 * 3600_000);
    const inside = await reply(maria, conv.id, "Yes, it is!");
    assert.equal(inside.status, 200);
    await inside.body?.cancel();
    const sent = await eventually(
      () => s.sim.sent.find((m) => m.body === "Yes, it is!"),
      5000,
      "the WhatsApp reply",
    );
    assert.equal(sent.provider, "whatsapp");
    assert.equal(sent.fromPhoneNumberId, "100002");
    assert.equal(sent.to, from);

    clock.advance(2 * 3600_000); // 25 h after the customer wrote
    const composer = await composerOf(maria, conv.id);
    assert.ok(composer.includes(html(t("composer.whatsapp_window"))), composer);
    assert.match(composer, /<textarea[^>]*disabled/);
    const before = await outboundCount(s, conv.id);
    const refused = await reply(maria, conv.id, "Still there?");
    assert.equal(refused.status, 422);
    assert.ok(
      (await refused.text()).includes(html(t("composer.whatsapp_window"))),
    );
    assert.equal(await outboundCount(s, conv.id), before, "nothing queued");

    // the customer writing again opens a new window
    await s.sim.injectInbound({
      provider: "whatsapp",
      from,
      to: SALES_WHATSAPP,
      body: "Hello again",
    });
    const reopened = await reply(maria, conv.id, "Welcome back");
    assert.equal(reopened.status, 200);
    await reopened.body?.cancel();
    await eventually(
      () => s.sim.sent.find((m) => m.body === "Welcome back"),
      5000,
      "the reply in the new window",
    );
    assert.equal(s.sim.sent.filter((m) => m.body === "Still there?").length, 0);
  } finally {
    await s.stop();
  }
});
