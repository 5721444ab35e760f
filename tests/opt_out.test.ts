/**
 * Opt-out compliance (C4) end to end: a customer's STOP, START and HELP
 * through the carrier simulator, the confirmation we send back, and the
 * composer refusing to write to someone who opted out of that number.
 */
import assert from "node:assert/strict";
import { translator } from "../i18n/translate.ts";
import {
  conversationOf,
  outboxFor,
  q,
  twilioInbound,
} from "./carrier_fixtures.ts";
import { type Client, loggedIn } from "./helpers.ts";
import { eventually, type Stack, startStack } from "./stack.ts";

const t = translator("en");
const SUPPORT_SMS = "+15550100001"; // Twilio
const SUPPORT_TELNYX = "+15550100004";

/** What the browser shows for a text (JSX escapes these). */
function html(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(
    ">",
    "&gt;",
  ).replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** A customer texts one of our numbers through the simulator. */
async function customerTexts(
  s: Stack,
  from: string,
  body: string,
  to = SUPPORT_SMS,
) {
  const res = await s.sim.injectInbound({
    provider: to === SUPPORT_TELNYX ? "telnyx" : "twilio",
    from,
    to,
    body,
  });
  assert.equal(res.status, 200, res.responseBody);
  return res.providerId;
}

async function isOptedOut(s: Stack, contact: string, number: string) {
  const rows = await q(
    s,
    `select 1 from opt_outs o join contacts k on k.id = o.contact_id
      join phone_numbers n on n.id = o.number_id
      where k.e164 = ? and n.e164 = ?`,
    [contact, number],
  );
  return rows.length === 1;
}

/** Waits until the outbox has handed `body` to the carrier for `to`. */
function sentTo(s: Stack, to: string, body: string) {
  return eventually(
    () => s.sim.sent.find((m) => m.to === to && m.body === body),
    5000,
    `"${body}" to ${to}`,
  );
}

/** Everything handed to the carrier for `to`, once the outbox is idle. */
async function allSentTo(s: Stack, to: string) {
  await s.outbox?.idle();
  await s.sim.pendingCallbacks();
  return s.sim.sent.filter((m) => m.to === to);
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

function reply(who: Client, conversationId: number, body: string) {
  return who.post(`/conversations/${conversationId}/messages`, { body });
}

Deno.test("STOP, 'stop.' and 'Unsubscribe' each opt the sender out of the number, with one confirmation", async () => {
  const s = await startStack();
  try {
    const people = {
      "+15557771001": "STOP",
      "+15557771002": "stop.",
      "+15557771003": "Unsubscribe",
    };
    for (const [from, word] of Object.entries(people)) {
      await customerTexts(s, from, word);
    }
    for (const from of Object.keys(people)) {
      assert.ok(await isOptedOut(s, from, SUPPORT_SMS), from);
      await sentTo(s, from, t("optout.stop_confirm"));
    }
    for (const from of Object.keys(people)) {
      const sent = await allSentTo(s, from);
      assert.equal(sent.length, 1, `one confirmation to ${from}`);
      assert.equal(sent[0].from, SUPPORT_SMS);
    }
  } finally {
    await s.stop();
  }
});

Deno.test("a STOP that the carrier delivers twice is confirmed once", async () => {
  const s = await startStack();
  try {
    const params = twilioInbound({
      from: "+15557771011",
      to: SUPPORT_SMS,
      body: "STOP",
    });
    for (let i = 0; i < 2; i++) {
      const res = await s.sim.injectRaw("twilio", params);
      assert.equal(res.status, 200);
    }
    await sentTo(s, "+15557771011", t("optout.stop_confirm"));
    assert.equal((await allSentTo(s, "+15557771011")).length, 1);
  } finally {
    await s.stop();
  }
});

Deno.test("a reply to a contact who opted out is refused with 422 and the composer says why", async () => {
  const s = await startStack();
  try {
    await customerTexts(s, "+15557771021", "I have a question");
    await customerTexts(s, "+15557771021", "STOP");
    const conv = await conversationOf(s, "+15557771021", SUPPORT_SMS);
    await sentTo(s, "+15557771021", t("optout.stop_confirm"));
    const ana = await loggedIn(s, "ana");
    const before = await outboundCount(s, conv.id);

    const res = await reply(ana, conv.id, "Are you still there?");
    assert.equal(res.status, 422);
    const form = await res.text();
    assert.match(form, new RegExp(`id="composer-block-${conv.id}"`));
    assert.ok(form.includes(html(t("composer.opted_out"))), form);
    assert.match(form, /<textarea[^>]*disabled/);
    assert.equal(await outboundCount(s, conv.id), before, "nothing queued");

    // the thread says so before anyone types
    const page = await (await ana.request(`/conversations/${conv.id}`)).text();
    assert.ok(page.includes(html(t("composer.opted_out"))));
    assert.equal(
      s.sim.sent.filter((m) => m.body === "Are you still there?").length,
      0,
    );
  } finally {
    await s.stop();
  }
});

Deno.test("an opt-out that arrives after a reply was queued still stops that reply", async () => {
  const s = await startStack({ outbox: false });
  const outbox = outboxFor(s);
  try {
    await customerTexts(s, "+15557771031", "Hello?");
    const conv = await conversationOf(s, "+15557771031", SUPPORT_SMS);
    const ana = await loggedIn(s, "ana");
    const res = await reply(ana, conv.id, "Queued before the STOP");
    assert.equal(res.status, 200);
    await res.body?.cancel();
    await customerTexts(s, "+15557771031", "STOP");
    outbox.start();
    await sentTo(s, "+15557771031", t("optout.stop_confirm"));
    await eventually(
      async () => {
        const [m] = await q(
          s,
          "select status, error_code from messages where body = ?",
          ["Queued before the STOP"],
        );
        return m.status === "failed" && m.error_code === "opted_out";
      },
      5000,
      "the queued reply refused",
    );
    await outbox.idle();
    assert.equal(
      s.sim.sent.filter((m) => m.body === "Queued before the STOP").length,
      0,
    );
  } finally {
    await outbox.stop();
    await s.stop();
  }
});

Deno.test("HELP and 'info' get the inbox's help text, and opt nobody out", async () => {
  const s = await startStack();
  try {
    const [{ help_text: helpText }] = await q(
      s,
      "select help_text from inboxes where name = 'Support'",
    );
    assert.match(String(helpText), /Msg&data rates may apply/);
    await customerTexts(s, "+15557771041", "HELP");
    await customerTexts(s, "+15557771042", " info ");
    for (const from of ["+15557771041", "+15557771042"]) {
      await sentTo(s, from, String(helpText));
      assert.equal((await allSentTo(s, from)).length, 1);
      assert.equal(await isOptedOut(s, from, SUPPORT_SMS), false);
    }
  } finally {
    await s.stop();
  }
});

Deno.test("START after STOP opts the contact back in with a confirmation, and replies go out again", async () => {
  const s = await startStack();
  try {
    const from = "+15557771051";
    await customerTexts(s, from, "STOP");
    await sentTo(s, from, t("optout.stop_confirm"));
    await customerTexts(s, from, "Start");
    await sentTo(s, from, t("optout.start_confirm"));
    assert.equal(await isOptedOut(s, from, SUPPORT_SMS), false);

    const conv = await conversationOf(s, from, SUPPORT_SMS);
    const ana = await loggedIn(s, "ana");
    const res = await reply(ana, conv.id, "Welcome back!");
    assert.equal(res.status, 200);
    await res.body?.cancel();
    await sentTo(s, from, "Welcome back!");
    assert.deepEqual((await allSentTo(s, from)).map((m) => m.body), [
      t("optout.stop_confirm"),
      t("optout.start_confirm"),
      "Welcome back!",
    ]);
  } finally {
    await s.stop();
  }
});

Deno.test("with CARRIER_KEYWORD_REPLIES=twilio we send no confirmation on Twilio numbers, but still opt out", async () => {
  const s = await startStack({ env: { CARRIER_KEYWORD_REPLIES: "twilio" } });
  try {
    const from = "+15557771061";
    await customerTexts(s, from, "STOP");
    await customerTexts(s, from, "HELP");
    assert.ok(await isOptedOut(s, from, SUPPORT_SMS));
    const conv = await conversationOf(s, from, SUPPORT_SMS);
    assert.equal(await outboundCount(s, conv.id), 0, "nothing queued");
    // Telnyx is not configured to answer: there we confirm ourselves
    await customerTexts(s, from, "STOP", SUPPORT_TELNYX);
    await sentTo(s, from, t("optout.stop_confirm"));
    const sent = await allSentTo(s, from);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].from, SUPPORT_TELNYX);
  } finally {
    await s.stop();
  }
});

Deno.test("an opt-out applies to the number it was sent to only", async () => {
  const s = await startStack();
  try {
    const from = "+15557771071";
    await customerTexts(s, from, "Hi on Telnyx", SUPPORT_TELNYX);
    await customerTexts(s, from, "STOP", SUPPORT_SMS);
    await sentTo(s, from, t("optout.stop_confirm"));
    assert.ok(await isOptedOut(s, from, SUPPORT_SMS));
    assert.equal(await isOptedOut(s, from, SUPPORT_TELNYX), false);

    const ana = await loggedIn(s, "ana");
    const twilioConv = await conversationOf(s, from, SUPPORT_SMS);
    const telnyxConv = await conversationOf(s, from, SUPPORT_TELNYX);
    const refused = await reply(ana, twilioConv.id, "On the number you left");
    assert.equal(refused.status, 422);
    await refused.body?.cancel();
    const allowed = await reply(ana, telnyxConv.id, "On the other number");
    assert.equal(allowed.status, 200);
    await allowed.body?.cancel();
    const sent = await sentTo(s, from, "On the other number");
    assert.equal(sent.from, SUPPORT_TELNYX);
  } finally {
    await s.stop();
  }
});
