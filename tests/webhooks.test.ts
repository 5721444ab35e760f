/**
 * Carrier webhooks over HTTP (C1, C2, C3): each provider's signature is
 * checked on the raw body before anything is written, replays are stored
 * once, and delivery reports only ever move a message forward.
 */
import assert from "node:assert/strict";
import { generateTelnyxKeyPair } from "../carriers/simulator.ts";
import { fromBase64 } from "../carriers/signing.ts";
import type { CarrierAdapter } from "../carriers/types.ts";
import {
  conversationOf,
  outboxFor,
  q,
  rowCounts,
  telnyxInbound,
  telnyxRequest,
  twilioInbound,
  twilioRequest,
  whatsappInbound,
  whatsappRequest,
} from "./carrier_fixtures.ts";
import {
  type Client,
  loggedIn,
  TEST_SECRETS,
  type TestApp,
  testApp,
  testClock,
} from "./helpers.ts";
import { eventually, type Stack, startStack } from "./stack.ts";

const EMPTY_TWIML =
  '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** The one message stored under a provider id, with where it landed. */
async function storedMessage(t: TestApp, provider: string, id: string) {
  const rows = await q(
    t,
    `select m.id, m.body, m.direction, m.status, m.conversation_id,
        c.inbox_id, c.status as conv_status, k.e164 as contact, k.name
      from messages m join conversations c on c.id = m.conversation_id
      join contacts k on k.id = c.contact_id
      where m.provider = ? and m.provider_id = ?`,
    [provider, id],
  );
  assert.equal(rows.length, 1, `one ${provider} message ${id}`);
  return rows[0];
}

async function inboxId(t: TestApp, name: string): Promise<number> {
  const [row] = await q(t, "select id from inboxes where name = ?", [name]);
  return Number(row.id);
}

/** Asserts the inbound message, its contact, conversation and event exist. */
async function assertStoredOnce(
  t: TestApp,
  before: Record<string, number>,
  provider: string,
  id: string,
) {
  const after = await rowCounts(t.db);
  assert.equal(after.messages, before.messages + 1, "one message");
  assert.equal(after.contacts, before.contacts + 1, "one new contact");
  assert.equal(after.conversations, before.conversations + 1, "one new conv");
  assert.equal(after.events, before.events + 1, "one event");
  const m = await storedMessage(t, provider, id);
  const events = await q(
    t,
    "select kind, conversation_id, message_id from events where message_id = ?",
    [Number(m.id)],
  );
  assert.deepEqual(events.map((e) => e.kind), ["message.created"]);
  assert.equal(Number(events[0].conversation_id), Number(m.conversation_id));
  return m;
}

// ---- valid deliveries -------------------------------------------------------

Deno.test("a signed Twilio SMS is answered with empty TwiML and stored with its contact, conversation and event", async () => {
  const t = await testApp();
  try {
    const before = await rowCounts(t.db);
    const params = twilioInbound({
      from: "+15557770101",
      to: "+15550100001",
      body: "Hello over Twilio",
    });
    const res = await t.app.request(
      await twilioRequest(t.origin, "/webhooks/twilio", params),
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /xml/);
    assert.equal(await res.text(), EMPTY_TWIML);
    const m = await assertStoredOnce(t, before, "twilio", params.MessageSid);
    assert.equal(m.body, "Hello over Twilio");
    assert.equal(m.direction, "in");
    assert.equal(m.status, "received");
    assert.equal(m.contact, "+15557770101");
    assert.equal(m.conv_status, "open");
    assert.equal(Number(m.inbox_id), await inboxId(t, "Support"));
  } finally {
    await t.close();
  }
});

Deno.test("a signed Telnyx message is answered 2xx and stored with its contact, conversation and event", async () => {
  const t = await testApp();
  try {
    const before = await rowCounts(t.db);
    const payload = telnyxInbound({
      from: "+15557770102",
      to: "+15550100004",
      text: "Hello over Telnyx",
    });
    const res = await t.app.request(await telnyxRequest(t.origin, payload));
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const id = (payload.data as { payload: { id: string } }).payload.id;
    const m = await assertStoredOnce(t, before, "telnyx", id);
    assert.equal(m.body, "Hello over Telnyx");
    assert.equal(m.contact, "+15557770102");
    assert.equal(Number(m.inbox_id), await inboxId(t, "Support"));
  } finally {
    await t.close();
  }
});

Deno.test("a signed WhatsApp message is answered 2xx and stored with its contact, conversation and event", async () => {
  const t = await testApp();
  try {
    const before = await rowCounts(t.db);
    const wamid =
      "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=";
    const payload = whatsappInbound({
      wamid,
      from: "+16505551234",
      text: "Does it come in another color?",
    });
    const res = await t.app.request(await whatsappRequest(t.origin, payload));
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const m = await assertStoredOnce(t, before, "whatsapp", wamid);
    assert.equal(m.body, "Does it come in another color?");
    assert.equal(m.contact, "+16505551234");
    assert.equal(m.name, "Sheena Nelson");
    assert.equal(Number(m.inbox_id), await inboxId(t, "Sales"));
  } finally {
    await t.close();
  }
});

// ---- replays (C3) -------------------------------------------------------------

/** Delivers the same webhook twice, then five times at once. */
async function replay(t: TestApp, make: () => Promise<Request>) {
  for (let i = 0; i < 2; i++) {
    const res = await t.app.request(await make());
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
  const answers = await Promise.all(
    Array.from({ length: 5 }, async () => t.app.request(await make())),
  );
  for (const res of answers) {
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
}

Deno.test("a Twilio delivery replayed, one after another and concurrently, is stored once", async () => {
  const t = await testApp();
  try {
    const before = await rowCounts(t.db);
    const params = twilioInbound({
      from: "+15557770111",
      to: "+15550100001",
      body: "only once please",
    });
    await replay(t, () => twilioRequest(t.origin, "/webhooks/twilio", params));
    await assertStoredOnce(t, before, "twilio", params.MessageSid);
  } finally {
    await t.close();
  }
});

Deno.test("a Telnyx delivery replayed, one after another and concurrently, is stored once", async () => {
  const t = await testApp();
  try {
    const before = await rowCounts(t.db);
    const payload = telnyxInbound({
      from: "+15557770112",
      to: "+15550100004",
      text: "only once please",
    });
    await replay(t, () => telnyxRequest(t.origin, payload));
    const id = (payload.data as { payload: { id: string } }).payload.id;
    await assertStoredOnce(t, before, "telnyx", id);
  } finally {
    await t.close();
  }
});

Deno.test("a WhatsApp delivery replayed, one after another and concurrently, is stored once", async () => {
  const t = await testApp();
  try {
    const before = await rowCounts(t.db);
    const wamid = "wamid.replayed-0001";
    const payload = whatsappInbound({
      wamid,
      from: "+15557770113",
      text: "only once please",
    });
    await replay(t, () => whatsappRequest(t.origin, payload));
    await assertStoredOnce(t, before, "whatsapp", wamid);
  } finally {
    await t.close();
  }
});

// ---- rejected deliveries (C1) -----------------------------------------------

/** Each request is refused with `status`, logged, and no table changed. */
async function assertRefused(
  t: TestApp,
  status: number,
  cases: Record<string, () => Promise<Request>>,
) {
  const before = await rowCounts(t.db);
  const { log, warn } = console;
  const logged: string[] = [];
  console.log = console.warn = (line: string) => logged.push(line);
  try {
    for (const [name, make] of Object.entries(cases)) {
      logged.length = 0;
      const res = await t.app.request(await make());
      assert.equal(res.status, status, name);
      await res.body?.cancel();
      assert.deepEqual(await rowCounts(t.db), before, `${name} wrote nothing`);
      const outcome = status === 403 ? "bad_signature" : "malformed";
      assert.ok(
        logged.some((l) => l.includes(`"outcome":"${outcome}"`)),
        `${name} was logged`,
      );
    }
  } finally {
    Object.assign(console, { log, warn });
  }
}

Deno.test("a Twilio webhook with a missing or wrong signature gets 403 and writes nothing", async () => {
  const t = await testApp();
  try {
    const params = twilioInbound({
      from: "+15557770121",
      to: "+15550100001",
      body: "forged",
    });
    const path = "/webhooks/twilio";
    await assertRefused(t, 403, {
      "no signature": () =>
        twilioRequest(t.origin, path, params, { signature: null }),
      "garbage signature": () =>
        twilioRequest(t.origin, path, params, { signature: "bm90IGl0" }),
      "another account's token": () =>
        twilioRequest(t.origin, path, params, { token: "someone-else" }),
      "signed for another URL": async () => {
        const other = await twilioRequest(
          t.origin,
          "/webhooks/twilio/status",
          params,
        );
        return twilioRequest(t.origin, path, params, {
          signature: other.headers.get("x-twilio-signature"),
        });
      },
      "body changed after signing": async () => {
        const signed = await twilioRequest(t.origin, path, params);
        return twilioRequest(t.origin, path, { ...params, Body: "tampered" }, {
          signature: signed.headers.get("x-twilio-signature"),
        });
      },
    });
  } finally {
    await t.close();
  }
});

Deno.test("a Telnyx webhook with a missing, wrong or stale signature gets 403 and writes nothing", async () => {
  // whole seconds: Telnyx stamps unix seconds
  const clock = testClock(Math.floor(Date.now() / 1000) * 1000);
  const t = await testApp({ clock });
  try {
    const nowSec = clock() / 1000;
    const payload = telnyxInbound({
      from: "+15557770122",
      to: "+15550100004",
      text: "forged",
    });
    const stranger = await crypto.subtle.importKey(
      "pkcs8",
      fromBase64((await generateTelnyxKeyPair()).privateKey)!,
      { name: "Ed25519" },
      false,
      ["sign"],
    );
    await assertRefused(t, 403, {
      "no signature": () =>
        telnyxRequest(t.origin, payload, { signature: null }),
      "garbage signature": () =>
        telnyxRequest(t.origin, payload, { signature: "AAAA" }),
      "signed by another key": () =>
        telnyxRequest(t.origin, payload, { key: stranger }),
      "body changed after signing": async () => {
        const signed = await telnyxRequest(t.origin, payload, {
          timestamp: nowSec,
        });
        return telnyxRequest(t.origin, { ...payload, meta: {} }, {
          timestamp: nowSec,
          signature: signed.headers.get("telnyx-signature-ed25519"),
        });
      },
      "timestamp 301 s old": () =>
        telnyxRequest(t.origin, payload, { timestamp: nowSec - 301 }),
      "timestamp 301 s ahead": () =>
        telnyxRequest(t.origin, payload, { timestamp: nowSec + 301 }),
    });
    // the same delivery 299 s old is still inside Telnyx's tolerance
    const res = await t.app.request(
      await telnyxRequest(t.origin, payload, { timestamp: nowSec - 299 }),
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("a WhatsApp webhook with a missing or wrong signature gets 403 and writes nothing", async () => {
  const t = await testApp();
  try {
    const payload = whatsappInbound({ from: "+15557770123", text: "forged" });
    await assertRefused(t, 403, {
      "no signature": () =>
        whatsappRequest(t.origin, payload, { signature: null }),
      "another app's secret": () =>
        whatsappRequest(t.origin, payload, { secret: "someone-else" }),
      "not sha256": () =>
        whatsappRequest(t.origin, payload, { signature: "sha1=abcdef" }),
      "body changed after signing": async () => {
        const signed = await whatsappRequest(t.origin, payload);
        return whatsappRequest(
          t.origin,
          whatsappInbound({ from: "+15557770123", text: "tampered" }),
          { signature: signed.headers.get("x-hub-signature-256") },
        );
      },
    });
  } finally {
    await t.close();
  }
});

Deno.test("a malformed payload with a valid signature gets 400 and writes nothing", async () => {
  const t = await testApp();
  try {
    const good = twilioInbound({
      from: "+15557770131",
      to: "+15550100001",
      body: "x",
    });
    const { From: _from, ...noFrom } = good;
    const telnyxNoId = telnyxInbound({
      from: "+15557770131",
      to: "+15550100004",
      text: "x",
    });
    delete (telnyxNoId.data as { payload: { id?: string } }).payload.id;
    await assertRefused(t, 400, {
      "Twilio without From": () =>
        twilioRequest(t.origin, "/webhooks/twilio", noFrom),
      "Twilio announcing media it does not link": () =>
        twilioRequest(t.origin, "/webhooks/twilio", { ...good, NumMedia: "1" }),
      "Twilio status without MessageSid": () =>
        twilioRequest(t.origin, "/webhooks/twilio/status", {
          MessageStatus: "delivered",
        }),
      "Telnyx body that is not JSON": () =>
        telnyxRequest(t.origin, "{not json"),
      "Telnyx message without an id": () => telnyxRequest(t.origin, telnyxNoId),
      "WhatsApp body that is not JSON": () =>
        whatsappRequest(t.origin, "<xml/>"),
      "WhatsApp entry that is not a list": () =>
        whatsappRequest(t.origin, {
          object: "whatsapp_business_account",
          entry: "nope",
        }),
    });
  } finally {
    await t.close();
  }
});

Deno.test("a message to a number we do not have is answered 2xx and writes nothing", async () => {
  const t = await testApp();
  const warn = console.warn;
  const logged: string[] = [];
  console.warn = (line: string) => logged.push(line);
  const log = console.log;
  console.log = (line: string) => logged.push(line);
  try {
    const before = await rowCounts(t.db);
    const twilio = await t.app.request(
      await twilioRequest(
        t.origin,
        "/webhooks/twilio",
        twilioInbound({ from: "+15557770141", to: "+15559990000", body: "?" }),
      ),
    );
    assert.equal(twilio.status, 200);
    assert.equal(await twilio.text(), EMPTY_TWIML);
    const telnyx = await t.app.request(
      await telnyxRequest(
        t.origin,
        telnyxInbound({ from: "+15557770141", to: "+15559990000", text: "?" }),
      ),
    );
    assert.equal(telnyx.status, 200);
    await telnyx.body?.cancel();
    const whatsapp = await t.app.request(
      await whatsappRequest(
        t.origin,
        whatsappInbound({
          from: "+15557770141",
          phoneNumberId: "999999",
          displayNumber: "15559990000",
          text: "?",
        }),
      ),
    );
    assert.equal(whatsapp.status, 200);
    await whatsapp.body?.cancel();
    assert.deepEqual(await rowCounts(t.db), before);
    // the drop is logged, so an operator can see a misrouted number
    assert.ok(logged.some((l) => l.includes("+15559990000")), logged.join());
  } finally {
    console.warn = warn;
    console.log = log;
    await t.close();
  }
});

Deno.test("the WhatsApp subscription handshake echoes the challenge only for our verify token", async () => {
  const t = await testApp();
  try {
    const handshake = (token: string) =>
      t.app.request(
        `${t.origin}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`,
      );
    const ok = await handshake(TEST_SECRETS.whatsappVerifyToken);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), "1158201444");
    const wrong = await handshake("not-our-token");
    assert.equal(wrong.status, 403);
    assert.doesNotMatch(await wrong.text(), /1158201444/);
  } finally {
    await t.close();
  }
});

// ---- where a message lands ------------------------------------------------------

Deno.test("a new inbound message reopens a closed conversation and appends the reopen event", async () => {
  const t = await testApp();
  try {
    // seeded: John Smith's conversation on the Telnyx number is closed
    const conv = await conversationOf(t, "+15551230002", "+15550100004");
    assert.equal(conv.status, "closed");
    const conversations = (await rowCounts(t.db)).conversations;
    const payload = telnyxInbound({
      from: "+15551230002",
      to: "+15550100004",
      text: "One more question",
    });
    const res = await t.app.request(await telnyxRequest(t.origin, payload));
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const id = (payload.data as { payload: { id: string } }).payload.id;
    const m = await storedMessage(t, "telnyx", id);
    assert.equal(Number(m.conversation_id), conv.id, "same conversation");
    assert.equal(m.conv_status, "open");
    const [row] = await q(
      t,
      "select closed_at from conversations where id = ?",
      [
        conv.id,
      ],
    );
    assert.equal(row.closed_at, null);
    assert.equal((await rowCounts(t.db)).conversations, conversations);
    const events = await q(
      t,
      "select kind from events where conversation_id = ? order by id",
      [conv.id],
    );
    assert.deepEqual(events.map((e) => e.kind), [
      "conversation.reopened",
      "message.created",
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("a spam contact's message is stored but their conversations stay closed", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const conv = await conversationOf(t, "+15551230002", "+15550100001");
    const spam = await ana.post(`/conversations/${conv.id}/spam`, {});
    assert.equal(spam.status, 200);
    await spam.body?.cancel();
    const lastEvent = Number(
      (await q(t, "select max(id) as id from events"))[0].id,
    );

    const params = twilioInbound({
      from: "+15551230002",
      to: "+15550100001",
      body: "BUY CHEAP WATCHES",
    });
    const res = await t.app.request(
      await twilioRequest(t.origin, "/webhooks/twilio", params),
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const m = await storedMessage(t, "twilio", params.MessageSid);
    assert.equal(m.body, "BUY CHEAP WATCHES");
    assert.equal(Number(m.conversation_id), conv.id);
    assert.equal(m.conv_status, "closed");

    // the contact is spam on every number: the closed Telnyx one stays shut
    const other = await conversationOf(t, "+15551230002", "+15550100004");
    const telnyx = await t.app.request(
      await telnyxRequest(
        t.origin,
        telnyxInbound({
          from: "+15551230002",
          to: "+15550100004",
          text: "still me",
        }),
      ),
    );
    assert.equal(telnyx.status, 200);
    await telnyx.body?.cancel();
    assert.equal(
      (await conversationOf(t, "+15551230002", "+15550100004")).status,
      "closed",
    );
    const kinds = await q(
      t,
      "select kind from events where id > ? and conversation_id in (?, ?)",
      [lastEvent, conv.id, other.id],
    );
    assert.ok(
      !kinds.some((e) => e.kind === "conversation.reopened"),
      "nothing reopened",
    );
  } finally {
    await t.close();
  }
});

// ---- delivery reports (C2) ------------------------------------------------------

/**
 * A stack whose simulator never reports on its own (its callbacks wait a
 * minute and are dropped at close), so each test posts the reports itself.
 */
function quietStack(opts: Parameters<typeof startStack>[0] = {}) {
  return startStack({ statusDelayMs: 60_000, ...opts });
}

async function stopQuiet(s: Stack) {
  await s.sim.close();
  await s.stop();
}

/** Ana replies to Carmen (Twilio); resolves once the outbox recorded its sid. */
async function replyRecorded(s: Stack, ana: Client, body: string) {
  const conv = await conversationOf(s, "+15551230001", "+15550100001");
  const res = await ana.post(`/conversations/${conv.id}/messages`, { body });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  const row = await eventually(
    async () => {
      const [m] = await q(
        s,
        "select id, provider_id, status from messages where body = ? and direction = 'out'",
        [body],
      );
      return m?.provider_id ? m : null;
    },
    5000,
    "the provider id",
  );
  return {
    id: Number(row.id),
    sid: String(row.provider_id),
    conversationId: conv.id,
  };
}

async function twilioStatus(
  s: Stack,
  sid: string,
  status: string,
  extra: Record<string, string> = {},
) {
  const res = await s.sim.injectRaw("twilio", {
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: TEST_SECRETS.twilioAccountSid,
    From: "+15550100001",
    To: "+15551230001",
    MessageStatus: status,
    SmsStatus: status,
    ApiVersion: "2010-04-01",
    ...extra,
  }, { path: "/webhooks/twilio/status" });
  assert.equal(res.status, 200, res.body);
  assert.equal(res.body, EMPTY_TWIML);
}

async function statusOf(s: Stack, id: number) {
  const [m] = await q(
    s,
    "select status, error, error_code from messages where id = ?",
    [id],
  );
  return m;
}

Deno.test("Twilio status callbacks move a reply forward from sent to delivered", async () => {
  const s = await quietStack();
  try {
    const ana = await loggedIn(s, "ana");
    const msg = await replyRecorded(s, ana, "Forward only");
    assert.equal((await statusOf(s, msg.id)).status, "queued");
    await twilioStatus(s, msg.sid, "sent");
    assert.equal((await statusOf(s, msg.id)).status, "sent");
    await twilioStatus(s, msg.sid, "delivered");
    assert.equal((await statusOf(s, msg.id)).status, "delivered");
    const updates = await q(
      s,
      "select count(*) as n from events where kind = 'message.updated' and message_id = ?",
      [msg.id],
    );
    // recorded by the outbox, then sent, then delivered
    assert.equal(Number(updates[0].n), 3);
  } finally {
    await stopQuiet(s);
  }
});

Deno.test("a 'sent' report arriving after 'delivered' leaves the reply delivered, and a repeated report changes nothing", async () => {
  const s = await quietStack();
  try {
    const ana = await loggedIn(s, "ana");
    const msg = await replyRecorded(s, ana, "Out of order");
    await twilioStatus(s, msg.sid, "delivered");
    const events = async () =>
      Number(
        (await q(
          s,
          "select count(*) as n from events where message_id = ?",
          [msg.id],
        ))[0].n,
      );
    const afterDelivered = await events();
    await twilioStatus(s, msg.sid, "sent");
    await twilioStatus(s, msg.sid, "queued");
    await twilioStatus(s, msg.sid, "delivered");
    assert.equal((await statusOf(s, msg.id)).status, "delivered");
    assert.equal(await events(), afterDelivered, "no event for a no-op");
  } finally {
    await stopQuiet(s);
  }
});

Deno.test("a failed report shows the provider's error code in the thread with a Retry button", async () => {
  const s = await quietStack();
  try {
    const ana = await loggedIn(s, "ana");
    const msg = await replyRecorded(s, ana, "Will fail");
    await twilioStatus(s, msg.sid, "sent");
    await twilioStatus(s, msg.sid, "failed", { ErrorCode: "30007" });
    const row = await statusOf(s, msg.id);
    assert.equal(row.status, "failed");
    assert.equal(row.error_code, "30007");
    const page = await ana.request(`/conversations/${msg.conversationId}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    const bubble = html.slice(html.indexOf(`id="msg-${msg.id}"`));
    const end = bubble.indexOf("</li>");
    const li = bubble.slice(0, end);
    assert.match(li, /class="msg out failed"/);
    assert.match(li, /30007/);
    assert.match(li, new RegExp(`action="/messages/${msg.id}/retry"`));
    assert.match(li, />Retry</);
  } finally {
    await stopQuiet(s);
  }
});

Deno.test("a delivery report that beats the outbox to the provider id is applied once the id is recorded", async () => {
  const s = await quietStack({ outbox: false });
  // Twilio's callback can arrive before our commit of the sid: post it from
  // inside the send, after Twilio accepted the message, before we record it
  const real = s.deps.carriers.twilio;
  let orphaned = 0;
  const racing: CarrierAdapter = {
    ...real,
    send: async (msg, signal) => {
      const result = await real.send(msg, signal);
      await twilioStatus(s, result.providerId, "delivered");
      orphaned = Number(
        (await q(
          s,
          "select count(*) as n from status_orphans where provider_id = ?",
          [result.providerId],
        ))[0].n,
      );
      return result;
    },
  };
  const outbox = outboxFor(s, {
    carriers: { ...s.deps.carriers, twilio: racing },
  });
  outbox.start();
  try {
    const ana = await loggedIn(s, "ana");
    const msg = await replyRecorded(s, ana, "Callback first");
    assert.equal(orphaned, 1, "the early report was kept");
    await eventually(
      async () => (await statusOf(s, msg.id)).status === "delivered",
      5000,
      "delivered",
    );
    assert.equal(
      Number((await q(s, "select count(*) as n from status_orphans"))[0].n),
      0,
      "and then forgotten",
    );
  } finally {
    await outbox.stop();
    await stopQuiet(s);
  }
});
