/**
 * Reactions (F21): an agent's on a customer's message (internal on SMS, a
 * real WhatsApp reaction through the outbox on WhatsApp), and the
 * customer's own — WhatsApp `reaction` messages and SMS tapbacks — shown on
 * the message they refer to, never as new lines.
 */
import assert from "node:assert/strict";
import type { InboundMessage } from "../carriers/types.ts";
import { receiveInbound } from "../services/inbound.ts";
import { parseTapback, quoteMatches } from "../services/reactions.ts";
import { q } from "./carrier_fixtures.ts";
import { loggedIn, testApp, testClock } from "./helpers.ts";
import { eventually, startStack } from "./stack.ts";

const CARMEN = 1; // Support, SMS (Twilio); message 1 is hers, 2 is ana's
const SOFIA = 5; // Sales, WhatsApp

function react(
  client: Awaited<ReturnType<typeof loggedIn>>,
  messageId: number,
  emoji: string,
) {
  return client.post(`/messages/${messageId}/reactions`, { emoji });
}

function inbound(m: Partial<InboundMessage>): InboundMessage {
  return {
    provider: "twilio",
    channel: "sms",
    providerId: `SM${crypto.randomUUID().replaceAll("-", "")}`,
    from: "+15551230001",
    to: "+15550100001",
    body: "",
    media: [],
    sentAt: Date.now(),
    ...m,
  };
}

const count = async (t: { db: Parameters<typeof q>[0]["db"] }, sql: string) =>
  Number((await q(t, sql))[0].n);

Deno.test("SMS tapbacks are read in English and Spanish, and quotes match cut or formatted text", () => {
  assert.deepEqual(parseTapback("Liked “See you at 5”"), {
    emoji: "👍",
    quoted: "See you at 5",
    removed: false,
  });
  assert.deepEqual(parseTapback('Loved "Thanks!"'), {
    emoji: "❤️",
    quoted: "Thanks!",
    removed: false,
  });
  assert.equal(parseTapback("Laughed at “lol”")?.emoji, "😂");
  assert.equal(parseTapback("Le encantó “Gracias”")?.emoji, "❤️");
  assert.deepEqual(parseTapback("Removed a like from “See you at 5”"), {
    emoji: "👍",
    quoted: "See you at 5",
    removed: true,
  });
  assert.equal(parseTapback("Reacted 🎉 to “Order shipped”")?.emoji, "🎉");
  assert.equal(parseTapback("I liked the chairs a lot"), null);
  assert.equal(parseTapback("Liked it"), null);
  assert.ok(
    quoteMatches("Your *order* ships today", "Your *order* ships today"),
  );
  assert.ok(
    quoteMatches("Your order ships today", "Your *order* ships _today_"),
  );
  assert.ok(quoteMatches("Your order ships to…", "Your order ships today"));
  assert.ok(!quoteMatches("Your order", "Your order ships today"));
});

Deno.test("on SMS a reaction stays with the team, and the picker says so", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const luis = await loggedIn(t, "luis");
    let res = await react(ana, 1, "👍");
    const html = await res.text();
    assert.equal(res.status, 200, html);
    assert.match(html, /<li id="msg-1"/);
    assert.match(
      html,
      /<button type="submit" name="emoji" value="👍" class="reaction" title="Ana López"[^>]*>👍 <span class="n">1<\/span>/,
    );
    res = await react(luis, 1, "👍");
    assert.match(
      await res.text(),
      /title="Ana López, Luis Pérez"[^>]*>👍 <span class="n">2<\/span>/,
    );
    // nothing goes to the carrier
    assert.equal(
      await count(t, "select count(*) as n from jobs where kind = 'react'"),
      0,
    );
    // the SMS thread shows the SMS sentence (CSS hides the other by channel)
    const page = await (await ana.request(`/conversations/${CARMEN}`)).text();
    assert.match(page, /data-channel="sms"/);
    assert.match(page, /SMS has no reactions: only your team sees this one\./);
    // the same emoji again takes it off
    res = await react(ana, 1, "👍");
    assert.match(
      await res.text(),
      /title="Luis Pérez"[^>]*>👍 <span class="n">1<\/span>/,
    );
  } finally {
    await t.close();
  }
});

Deno.test("reactions are for customers' messages, with an emoji, in the user's inboxes", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    let res = await react(ana, 2, "👍"); // ana's own reply
    assert.equal(res.status, 422);
    assert.match(
      await res.text(),
      /Only customers(&#39;|') messages take reactions\./,
    );
    res = await react(ana, 1, "<b>hi</b>");
    assert.equal(res.status, 422);
    assert.doesNotMatch(await res.text(), /<b>hi<\/b>/);
    const [sales] = await q(
      t,
      `select id from messages where conversation_id = ${SOFIA} limit 1`,
    );
    res = await react(ana, Number(sales.id), "👍"); // Sales is not ana's
    assert.equal(res.status, 404);
    await res.body?.cancel();
    assert.equal(await count(t, "select count(*) as n from reactions"), 0);
  } finally {
    await t.close();
  }
});

Deno.test("on WhatsApp an agent's reaction reaches the customer as a WhatsApp reaction", async () => {
  const s = await startStack();
  try {
    const maria = await loggedIn(s, "maria");
    const { providerId } = await s.sim.injectInbound({
      provider: "whatsapp",
      from: "+15551230004",
      to: "+15550100002",
      body: "Do you have them in blue?",
    });
    const [msg] = await eventually(
      () =>
        q(s, "select id from messages where provider_id = ?", [providerId])
          .then((r) => r.length ? r : null),
      5000,
      "the inbound message",
    );
    const res = await react(maria, Number(msg.id), "❤️");
    const html = await res.text();
    assert.equal(res.status, 200, html);
    assert.match(html, /Sent to the customer as a WhatsApp reaction/);
    const sent = await eventually(
      () => s.sim.sent.find((m) => m.reaction),
      5000,
      "the reaction",
    );
    assert.deepEqual(sent.reaction, {
      emoji: "❤️",
      targetProviderId: providerId,
    });
    assert.equal(sent.to, "+15551230004");
    // (its delivery report first: it finds the reaction it belongs to)
    await s.sim.pendingCallbacks();
    // taking it off sends an empty reaction (WhatsApp's "remove")
    await (await react(maria, Number(msg.id), "❤️")).body?.cancel();
    const removed = await eventually(
      () => s.sim.sent.filter((m) => m.reaction).at(1),
      5000,
      "the removal",
    );
    assert.deepEqual(removed.reaction, {
      emoji: "",
      targetProviderId: providerId,
    });
    await s.sim.pendingCallbacks();
    // its delivery report concerns no message: it is not kept waiting for one
    await eventually(
      async () =>
        (await count(
          s,
          "select count(*) as n from jobs where kind = 'react' and state = 'done'",
        )) === 1,
      5000,
      "the job done",
    );
    assert.equal(await count(s, "select count(*) as n from status_orphans"), 0);
  } finally {
    await s.stop();
  }
});

Deno.test("a customer's WhatsApp reaction lands on the message it refers to", async () => {
  const t = await testApp();
  try {
    const maria = await loggedIn(t, "maria");
    const clock = testClock();
    // the seeded reply to Sofía, as the outbox records a sent one
    const [ours] = await q(
      t,
      `select id from messages where conversation_id = ${SOFIA} order by id limit 1`,
    );
    await t.db.client.execute(
      `update messages set provider = 'whatsapp', provider_id = 'wamid.TARGET' where id = ${ours.id}`,
    );
    const messagesBefore = await count(t, "select count(*) as n from messages");
    const reaction = (emoji: string, id: string, sentAt: number) =>
      inbound({
        provider: "whatsapp",
        channel: "whatsapp",
        providerId: id,
        from: "+15551230004",
        to: "+15550100002",
        toPhoneNumberId: "100002",
        reaction: { emoji, targetProviderId: "wamid.TARGET" },
        sentAt,
      });
    const now = Date.now();
    let r = await receiveInbound(t.db, clock, [
      reaction("👍", "wamid.R1", now),
    ]);
    assert.equal(r.stored, 1);
    // a retry of the same webhook is absorbed (C3)
    r = await receiveInbound(t.db, clock, [reaction("👍", "wamid.R1", now)]);
    assert.equal(r.duplicates, 1);
    assert.equal(
      await count(t, "select count(*) as n from messages"),
      messagesBefore,
    );
    let html = await (await maria.request(`/conversations/${SOFIA}`)).text();
    assert.match(
      html,
      new RegExp(
        `<li id="msg-${ours.id}"[\\s\\S]*?class="reaction" title="the customer"[^>]*>👍`,
      ),
    );
    // a newer one replaces it; an older one delivered late does not
    await receiveInbound(t.db, clock, [reaction("😂", "wamid.R2", now + 1000)]);
    await receiveInbound(t.db, clock, [reaction("😮", "wamid.R0", now - 1000)]);
    const rows = await q(
      t,
      `select emoji from reactions where user_id is null`,
    );
    assert.deepEqual(rows.map((x) => x.emoji), ["😂"]);
    // an empty emoji takes it off
    await receiveInbound(t.db, clock, [reaction("", "wamid.R3", now + 2000)]);
    html = await (await maria.request(`/conversations/${SOFIA}`)).text();
    assert.doesNotMatch(html, /title="the customer"/);
    assert.equal(
      await count(t, "select count(*) as n from messages"),
      messagesBefore,
    );
  } finally {
    await t.close();
  }
});

Deno.test("an SMS tapback becomes a reaction on the quoted message; an unknown quote stays a message", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const clock = testClock();
    const before = await count(t, "select count(*) as n from messages");
    // message 2 is ana's "Hi Carmen! Let me look that up for you."
    await receiveInbound(t.db, clock, [
      inbound({ body: "Liked “Hi Carmen! Let me look that up for you.”" }),
    ]);
    assert.equal(await count(t, "select count(*) as n from messages"), before);
    const [row] = await q(
      t,
      "select message_id, emoji, user_id from reactions",
    );
    assert.deepEqual([Number(row.message_id), row.emoji, row.user_id], [
      2,
      "👍",
      null,
    ]);
    const html = await (await ana.request(`/conversations/${CARMEN}`)).text();
    assert.match(
      html,
      /<li id="msg-2"[\s\S]*?<span class="reaction" title="the customer"[^>]*>👍/,
    );
    // removing it
    await receiveInbound(t.db, clock, [
      inbound({
        body: "Removed a like from “Hi Carmen! Let me look that up for you.”",
        sentAt: Date.now() + 1000,
      }),
    ]);
    assert.equal(
      await count(t, "select count(*) as n from reactions where emoji <> ''"),
      0,
    );
    // a quote of nothing we have is kept as the customer's message
    await receiveInbound(t.db, clock, [
      inbound({ body: "Loved “a photo from last year”" }),
    ]);
    assert.equal(
      await count(t, "select count(*) as n from messages"),
      before + 1,
    );
  } finally {
    await t.close();
  }
});
