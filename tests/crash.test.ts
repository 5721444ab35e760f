/**
 * Crash safety: SIGKILL in the middle of inbound webhooks and outbound
 * sends, then a restart. Every webhook answered 2xx is stored exactly once,
 * the carrier's retries of the others are absorbed without duplicates, and
 * every queued reply is delivered.
 */
import assert from "node:assert/strict";
import { computeTwilioSignature } from "../carriers/twilio.ts";
import { TEST_SECRETS } from "./helpers.ts";
import {
  freePort,
  httpLogin,
  sharedEnv,
  startInstance,
  startSharedSimulator,
} from "./process.ts";
import { eventually } from "./stack.ts";
import { createClient } from "@libsql/client";

Deno.test("SIGKILL mid-stream loses no answered webhook, absorbs retries, and sends every queued reply", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bandeja-crash-" });
  const port = freePort();
  const sim = await startSharedSimulator(`http://127.0.0.1:${port}`);
  const env = {
    ...sharedEnv(`${dir}/crash.db`, sim.url),
    OUTBOX_RATE_PER_SEC: "20",
    OUTBOX_LEASE_MS: "1500",
  };
  let inst = await startInstance(env, port);
  const url = inst.url;
  try {
    // queue replies first, so sends are in flight when the kill lands
    const ana = await httpLogin(url, "ana@demo.test");
    const replies = Array.from({ length: 30 }, (_, i) => `crash reply ${i}`);
    for (const text of replies) {
      const r = await fetch(`${url}/conversations/1/messages`, {
        method: "POST",
        headers: {
          cookie: ana.cookie,
          origin: url,
          "x-csrf-token": ana.csrf,
          "hx-request": "true",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ body: text }),
      });
      await r.body?.cancel();
      assert.equal(r.status, 200);
    }

    const webhooks = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const params = {
          MessageSid: `SMcrash${String(i).padStart(6, "0")}`,
          AccountSid: TEST_SECRETS.twilioAccountSid,
          From: `+1555888${String(i % 50).padStart(4, "0")}`,
          To: "+15550100001",
          Body: `crash inbound ${i}`,
          NumMedia: "0",
        };
        return {
          params,
          signature: await computeTwilioSignature(
            TEST_SECRETS.twilioAuthToken,
            `${url}/webhooks/twilio`,
            params,
          ),
        };
      }),
    );
    const post = async (w: (typeof webhooks)[number]) => {
      try {
        const r = await fetch(`${url}/webhooks/twilio`, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "x-twilio-signature": w.signature,
          },
          body: new URLSearchParams(w.params),
        });
        await r.body?.cancel();
        return r.status;
      } catch {
        return 0; // connection reset by the crash
      }
    };
    const answered = new Set<string>();
    let next = 0;
    const senders = Array.from({ length: 8 }, async () => {
      while (next < webhooks.length) {
        const w = webhooks[next++];
        if ((await post(w)) === 200) answered.add(w.params.MessageSid);
      }
    });
    await eventually(() => answered.size >= 80, 20_000, "80 answered webhooks");
    await inst.kill();
    await Promise.all(senders);
    assert.ok(answered.size < webhooks.length, "the kill landed mid-stream");

    inst = await startInstance(env, port);
    // the carrier retries everything it is unsure of; we send all again
    for (const w of webhooks) assert.equal(await post(w), 200);

    const db = createClient({ url: `file:${dir}/crash.db` });
    try {
      const rows = (await db.execute(
        "SELECT provider_id, count(*) AS n FROM messages WHERE provider_id LIKE 'SMcrash%' GROUP BY provider_id",
      )).rows;
      assert.equal(rows.length, webhooks.length, "every webhook stored");
      assert.ok(rows.every((r) => Number(r.n) === 1), "each stored once");
      for (const sid of answered) {
        assert.ok(rows.some((r) => r.provider_id === sid), `${sid} kept`);
      }
    } finally {
      db.close();
    }

    await eventually(
      () => replies.every((t) => sim.sent.some((m) => m.body === t)),
      20_000,
      "every queued reply sent",
    );
    // at most the send in flight at the instant of the kill can go twice: a
    // carrier API takes no idempotency key, so a reply the carrier accepted
    // just before the crash cannot be told from one it never got
    const duplicates = replies.filter((t) =>
      sim.sent.filter((m) => m.body === t).length > 1
    );
    assert.ok(duplicates.length <= 1, `sent twice: ${duplicates.join(", ")}`);
  } finally {
    await inst.stop();
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
