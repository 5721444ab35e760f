/**
 * The outbox against the carrier simulator over loopback (C2, C6): replies
 * reach the right numbers, failures retry with back-off (5xx) or fail for
 * good (4xx) with a Retry action, each number keeps its rate, and restarts,
 * crashes and competing workers never lose or double-send a message.
 */
import assert from "node:assert/strict";
import { type CarrierAdapter, CarrierError } from "../carriers/types.ts";
import type { Db } from "../db/client.ts";
import { conversationOf, outboxFor, q } from "./carrier_fixtures.ts";
import { type Client, loggedIn } from "./helpers.ts";
import { eventually, type Stack, startStack } from "./stack.ts";

const CARMEN = { contact: "+15551230001", number: "+15550100001" }; // Twilio
const UNKNOWN = { contact: "+15551230003", number: "+15550100004" }; // Telnyx
const SOFIA = { contact: "+15551230004", number: "+15550100002" }; // WhatsApp

/** Posts a reply as the composer does; resolves with the message id. */
async function reply(
  s: Stack,
  who: Client,
  to: { contact: string; number: string },
  body: string,
): Promise<{ id: number; conversationId: number }> {
  const conv = await conversationOf(s, to.contact, to.number);
  const res = await who.post(`/conversations/${conv.id}/messages`, { body });
  assert.equal(res.status, 200, await res.text());
  const [row] = await q(
    s,
    "select id from messages where body = ? and direction = 'out'",
    [body],
  );
  return { id: Number(row.id), conversationId: conv.id };
}

async function messageRow(s: Stack, id: number) {
  const [row] = await q(
    s,
    "select status, error, error_code, provider, provider_id from messages where id = ?",
    [id],
  );
  return row;
}

async function jobOf(s: Stack, messageId: number) {
  const [row] = await q(
    s,
    "select state, attempts, lease_owner, last_error from jobs where kind = 'send' and ref_id = ?",
    [messageId],
  );
  return row;
}

function statusBecomes(s: Stack, id: number, status: string) {
  return eventually(
    async () => (await messageRow(s, id)).status === status,
    5000,
    `message ${id} ${status}`,
  );
}

function sentBodies(s: Stack, body: string) {
  return s.sim.sent.filter((m) => m.body === body);
}

/** The thread as a member sees it, cut to one message's bubble. */
async function bubble(who: Client, conversationId: number, id: number) {
  const html = await (await who.request(`/conversations/${conversationId}`))
    .text();
  const start = html.indexOf(`id="msg-${id}"`);
  assert.ok(start > 0, `message ${id} in the thread`);
  return html.slice(start, html.indexOf("</li>", start));
}

// ---- sending -----------------------------------------------------------------

Deno.test("a Twilio reply goes out from our number to the contact with its body and status callback, and reaches delivered", async () => {
  const s = await startStack();
  try {
    const ana = await loggedIn(s, "ana");
    const msg = await reply(s, ana, CARMEN, "Your order ships today");
    await statusBecomes(s, msg.id, "delivered");
    const [sent] = sentBodies(s, "Your order ships today");
    assert.equal(sent.provider, "twilio");
    assert.equal(sent.from, "+15550100001");
    assert.equal(sent.to, "+15551230001");
    assert.equal(sent.statusCallbackUrl, `${s.url}/webhooks/twilio/status`);
    assert.equal((await messageRow(s, msg.id)).provider_id, sent.providerId);
    assert.equal((await jobOf(s, msg.id)).state, "done");
  } finally {
    await s.stop();
  }
});

Deno.test("a Telnyx reply goes out from our number to the contact with its body, and reaches delivered", async () => {
  const s = await startStack();
  try {
    const ana = await loggedIn(s, "ana");
    const msg = await reply(s, ana, UNKNOWN, "Yes, we ship to Puerto Rico");
    await statusBecomes(s, msg.id, "delivered");
    const [sent] = sentBodies(s, "Yes, we ship to Puerto Rico");
    assert.equal(sent.provider, "telnyx");
    assert.equal(sent.from, "+15550100004");
    assert.equal(sent.to, "+15551230003");
    assert.equal((await messageRow(s, msg.id)).provider_id, sent.providerId);
  } finally {
    await s.stop();
  }
});

Deno.test("a WhatsApp reply goes out through the Cloud API from our phone number id, and reaches delivered", async () => {
  const s = await startStack();
  try {
    const maria = await loggedIn(s, "maria");
    const msg = await reply(s, maria, SOFIA, "20 chairs: $1,200");
    await statusBecomes(s, msg.id, "delivered");
    const [sent] = sentBodies(s, "20 chairs: $1,200");
    assert.equal(sent.provider, "whatsapp");
    assert.equal(sent.fromPhoneNumberId, "100002");
    assert.equal(sent.from, "+15550100002");
    assert.equal(sent.to, "+15551230004");
  } finally {
    await s.stop();
  }
});

// ---- failures ----------------------------------------------------------------

Deno.test("after two 500s from the carrier a reply is retried with back-off and sent exactly once", async () => {
  const s = await startStack();
  try {
    const ana = await loggedIn(s, "ana");
    s.sim.failNext(2, 500);
    const started = Date.now();
    const msg = await reply(s, ana, CARMEN, "Third time lucky");
    await statusBecomes(s, msg.id, "delivered");
    const sent = sentBodies(s, "Third time lucky");
    assert.equal(sent.length, 1);
    // back-off base 20 ms: ≥ 0.8·20 + 0.8·40 between the three attempts
    assert.ok(sent[0].at - started >= 48, `${sent[0].at - started} ms`);
    const job = await jobOf(s, msg.id);
    assert.equal(job.state, "done");
    assert.equal(job.attempts, 3);
    await s.sim.pendingCallbacks();
    assert.equal(sentBodies(s, "Third time lucky").length, 1);
  } finally {
    await s.stop();
  }
});

Deno.test("a 4xx from the carrier is not retried: the reply fails with the provider's error and a Retry button that sends it", async () => {
  const s = await startStack();
  try {
    const ana = await loggedIn(s, "ana");
    s.sim.failNext(1, 400);
    const msg = await reply(s, ana, CARMEN, "Rejected at first");
    await statusBecomes(s, msg.id, "failed");
    const row = await messageRow(s, msg.id);
    assert.equal(row.error, "Simulated failure");
    assert.equal(row.error_code, "20500");
    const job = await jobOf(s, msg.id);
    assert.equal(job.state, "dead");
    assert.equal(job.attempts, 1, "not retried");
    assert.equal(sentBodies(s, "Rejected at first").length, 0);
    const li = await bubble(ana, msg.conversationId, msg.id);
    assert.match(li, /class="msg out failed"/);
    assert.match(li, /Simulated failure/);
    assert.match(li, new RegExp(`action="/messages/${msg.id}/retry"`));

    const retry = await ana.post(`/messages/${msg.id}/retry`, {});
    assert.equal(retry.status, 204);
    await statusBecomes(s, msg.id, "delivered");
    assert.equal(sentBodies(s, "Rejected at first").length, 1);
    assert.equal((await messageRow(s, msg.id)).error, null);
    assert.doesNotMatch(
      await bubble(ana, msg.conversationId, msg.id),
      /retry/,
    );
    // a delivered message is not retried again
    const again = await ana.post(`/messages/${msg.id}/retry`, {});
    assert.equal(again.status, 422);
    await again.body?.cancel();
  } finally {
    await s.stop();
  }
});

Deno.test("a reply to a handset the carrier cannot reach ends undelivered or failed, with the carrier's error", async () => {
  const s = await startStack();
  try {
    const ana = await loggedIn(s, "ana");
    s.sim.markFailing(CARMEN.contact);
    s.sim.markFailing(UNKNOWN.contact);
    const twilio = await reply(s, ana, CARMEN, "Nobody home (Twilio)");
    const telnyx = await reply(s, ana, UNKNOWN, "Nobody home (Telnyx)");
    await statusBecomes(s, twilio.id, "undelivered");
    await statusBecomes(s, telnyx.id, "undelivered");
    assert.equal((await messageRow(s, twilio.id)).error_code, "30003");
    const t = await messageRow(s, telnyx.id);
    assert.equal(t.error_code, "40008");
    assert.equal(
      t.error,
      "Undeliverable: The destination handset is unreachable.",
    );
    const li = await bubble(ana, telnyx.conversationId, telnyx.id);
    assert.match(li, /The destination handset is unreachable/);
    assert.match(li, />Retry</);

    // WhatsApp reports it as failed, with Meta's error
    s.sim.markFailing(SOFIA.contact);
    const maria = await loggedIn(s, "maria");
    const whatsapp = await reply(s, maria, SOFIA, "Nobody home (WhatsApp)");
    await statusBecomes(s, whatsapp.id, "failed");
    const w = await messageRow(s, whatsapp.id);
    assert.equal(w.error_code, "131026");
    assert.equal(w.error, "Message undeliverable: Unable to deliver message.");
  } finally {
    await s.stop();
  }
});

// ---- rate limit ------------------------------------------------------------------

Deno.test("one number sends at most OUTBOX_RATE_PER_SEC messages a second", async () => {
  const s = await startStack({ outbox: false });
  const outbox = outboxFor(s, { ratePerSecond: 5 });
  try {
    const ana = await loggedIn(s, "ana");
    // a first send on another number warms the connection and code paths,
    // so the first paced send is not late and the next one early
    outbox.start();
    const warm = await reply(s, ana, UNKNOWN, "Warm-up");
    await statusBecomes(s, warm.id, "delivered");
    await outbox.stop();
    for (let i = 1; i <= 4; i++) {
      await reply(s, ana, CARMEN, `Paced ${i}`);
    }
    outbox.start();
    await eventually(
      () => s.sim.sent.filter((m) => m.body.startsWith("Paced")).length === 4,
      5000,
      "four sends",
    );
    const at = s.sim.sent.filter((m) => m.body.startsWith("Paced")).map((m) =>
      m.at
    );
    // 5/s is one per 200 ms; lower bounds only, with room for a loaded
    // machine's event-loop lag (it can only pull two sends closer)
    for (let i = 1; i < at.length; i++) {
      assert.ok(at[i] - at[i - 1] >= 150, `gap ${i}: ${at[i] - at[i - 1]} ms`);
    }
    assert.ok(at[3] - at[0] >= 540, `${at[3] - at[0]} ms for four`);
  } finally {
    await outbox.stop();
    await s.stop();
  }
});

// ---- restarts, crashes, competition ----------------------------------------------

async function queueReplies(s: Stack, who: Client, prefix: string, n: number) {
  const targets = [CARMEN, UNKNOWN];
  const ids: number[] = [];
  for (let i = 1; i <= n; i++) {
    const to = targets[i % targets.length];
    ids.push((await reply(s, who, to, `${prefix} ${i}`)).id);
  }
  return ids;
}

/** Every one of `ids` was handed to the carrier exactly once. */
async function assertSentOnce(s: Stack, prefix: string, ids: number[]) {
  await eventually(
    async () => {
      const rows = await q(
        s,
        `select count(*) as n from jobs where kind = 'send' and state = 'done'
          and ref_id in (${ids.join(",")})`,
      );
      return Number(rows[0].n) === ids.length;
    },
    8000,
    "every job done",
  );
  // give a double send the time to show up
  await new Promise((r) => setTimeout(r, 150));
  const bodies = s.sim.sent.map((m) => m.body).filter((b) =>
    b.startsWith(prefix + " ")
  );
  assert.equal(bodies.length, ids.length, bodies.join(" | "));
  assert.equal(new Set(bodies).size, ids.length, "no body twice");
}

Deno.test("a restart in the middle of a queue sends every reply exactly once", async () => {
  const s = await startStack({ env: { OUTBOX_RATE_PER_SEC: "5" } });
  const successor = outboxFor(s, { ratePerSecond: 5 });
  try {
    const ana = await loggedIn(s, "ana");
    const ids = await queueReplies(s, ana, "Queued", 6);
    const first = s.outbox!;
    // stop at the worst moment: one sent, and one claimed but not yet sent
    await eventually(
      async () => {
        if (!s.sim.sent.some((m) => m.body.startsWith("Queued "))) return false;
        const [held] = await q(
          s,
          `select count(*) as n from jobs j join messages m on m.id = j.ref_id
          where j.kind = 'send' and j.lease_owner = ? and m.status = 'queued'`,
          [first.owner],
        );
        return Number(held.n) > 0;
      },
      5000,
      "a job claimed by the first worker and waiting",
    );
    await first.stop();
    const sentBefore = s.sim.sent.length;
    assert.ok(sentBefore < 6, "the restart came mid-queue");
    assert.notEqual(successor.owner, first.owner);
    successor.start();
    await assertSentOnce(s, "Queued", ids);
  } finally {
    await successor.stop();
    await s.stop();
  }
});

Deno.test("stopping the outbox while a send is in flight lets that send finish instead of sending it twice", async () => {
  const s = await startStack({ outbox: false });
  // the carrier takes the message at once but is slow to answer, and the
  // answer honours the caller's signal as our HTTP client does
  const inFlight = Promise.withResolvers<void>();
  const real = s.deps.carriers.twilio;
  const slow: CarrierAdapter = {
    ...real,
    send: async (msg, signal) => {
      const result = await real.send(msg);
      inFlight.resolve();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, 150);
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(new CarrierError("request aborted", true, "aborted"));
        }, { once: true });
      });
      return result;
    },
  };
  const first = outboxFor(s, {
    carriers: { ...s.deps.carriers, twilio: slow },
  });
  const second = outboxFor(s);
  try {
    const ana = await loggedIn(s, "ana");
    const msg = await reply(s, ana, CARMEN, "Inflight 1");
    first.start();
    await inFlight.promise;
    await first.stop();
    second.start();
    await assertSentOnce(s, "Inflight", [msg.id]);
  } finally {
    await first.stop();
    await second.stop();
    await s.stop();
  }
});

Deno.test("a job held by a worker that crashed is taken over when its lease runs out, and sent once", async () => {
  const s = await startStack({ outbox: false });
  // the crashed worker: it claims, then its process "dies" mid-send — it
  // never reaches the carrier and none of its later writes land
  let crashed = false;
  const dying: Db = {
    ...s.db,
    write: (fn) =>
      crashed ? Promise.reject(new Error("process gone")) : s.db.write(fn),
  };
  const claimed = Promise.withResolvers<void>();
  const death = Promise.withResolvers<void>();
  const hanging: CarrierAdapter = {
    ...s.deps.carriers.twilio,
    send: async () => {
      claimed.resolve();
      await death.promise;
      throw new CarrierError("connection reset", true, "network");
    },
  };
  const victim = outboxFor(s, {
    db: dying,
    leaseMs: 200,
    carriers: { ...s.deps.carriers, twilio: hanging },
  });
  const heir = outboxFor(s);
  const error = console.error;
  console.error = () => {}; // the dead worker's failed writes
  try {
    const ana = await loggedIn(s, "ana");
    const msg = await reply(s, ana, CARMEN, "Orphaned by a crash");
    victim.start();
    await claimed.promise;
    crashed = true;
    death.resolve();
    const job = await jobOf(s, msg.id);
    assert.equal(job.lease_owner, victim.owner);
    const [{ lease_until: leaseUntil }] = await q(
      s,
      "select lease_until from jobs where ref_id = ?",
      [msg.id],
    );
    heir.start();
    await statusBecomes(s, msg.id, "delivered");
    const sent = sentBodies(s, "Orphaned by a crash");
    assert.equal(sent.length, 1);
    assert.ok(sent[0].at >= Number(leaseUntil), "not before the lease ran out");
    const after = await jobOf(s, msg.id);
    assert.equal(after.lease_owner, null);
    assert.equal(after.attempts, 2);
  } finally {
    death.resolve();
    await victim.stop();
    await heir.stop();
    console.error = error;
    await s.stop();
  }
});

Deno.test("two workers racing over twenty queued replies never send one twice", async () => {
  const s = await startStack({ outbox: false });
  const a = outboxFor(s);
  const b = outboxFor(s);
  try {
    const ana = await loggedIn(s, "ana");
    const ids = await queueReplies(s, ana, "Raced", 20);
    a.start();
    b.start();
    await assertSentOnce(s, "Raced", ids);
    const owners = await q(
      s,
      `select count(*) as n from jobs where ref_id in (${ids.join(",")})
        and (attempts != 1 or lease_owner is not null)`,
    );
    assert.equal(Number(owners[0].n), 0, "each job claimed once, released");
  } finally {
    await a.stop();
    await b.stop();
    await s.stop();
  }
});
