/**
 * Two Bandeja processes on one database behave as one: live events cross
 * instances, and their outbox workers never send a job twice.
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

async function signedTwilio(url: string, params: Record<string, string>) {
  return await fetch(`${url}/webhooks/twilio`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": await computeTwilioSignature(
        TEST_SECRETS.twilioAuthToken,
        `${url}/webhooks/twilio`,
        params,
      ),
    },
    body: new URLSearchParams(params),
  });
}

Deno.test("a webhook received by instance A reaches an agent streaming from instance B, and two outboxes never send a job twice", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bandeja-scale-" });
  const portA = freePort();
  const sim = await startSharedSimulator(`http://127.0.0.1:${portA}`);
  const env = {
    ...sharedEnv(`${dir}/shared.db`, sim.url),
    OUTBOX_RATE_PER_SEC: "0",
  };
  const a = await startInstance(env, portA);
  const b = await startInstance(env);
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  try {
    // luis watches from B
    const luis = await httpLogin(b.url, "luis@demo.test");
    const stream = await fetch(`${b.url}/events`, {
      headers: { cookie: luis.cookie, accept: "text/event-stream" },
    });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    readers.push(reader);
    let seen = "";
    const decoder = new TextDecoder();
    const watch = (async () => {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += decoder.decode(value, { stream: true });
      }
    })();

    const body = `Cross-instance hello ${crypto.randomUUID().slice(0, 8)}`;
    const res = await signedTwilio(a.url, {
      MessageSid: `SMscale${Date.now()}`,
      AccountSid: TEST_SECRETS.twilioAccountSid,
      From: "+15557771234",
      To: "+15550100001",
      Body: body,
      NumMedia: "0",
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const sentAt = Date.now();
    // the poll fallback runs every 250 ms; the timing is reported, not
    // asserted (shared machines are noisy: speed lives in bench/)
    await eventually(() => seen.includes(body), 5000, "the event on B");
    console.log(`cross-instance delivery: ${Date.now() - sentAt} ms`);

    // both instances' outboxes race over replies queued through both
    const ana = await Promise.all(
      [a, b].map((i) => httpLogin(i.url, "ana@demo.test")),
    );
    const convId = Number(/\/conversations\/(\d+)/.exec(seen)?.[1]);
    assert.ok(convId > 0);
    const bodies = Array.from(
      { length: 20 },
      (_, i) => `reply ${i} ${crypto.randomUUID().slice(0, 6)}`,
    );
    await Promise.all(bodies.map(async (text, i) => {
      const inst = i % 2 ? b : a;
      const s = ana[i % 2];
      const r = await fetch(`${inst.url}/conversations/${convId}/messages`, {
        method: "POST",
        headers: {
          cookie: s.cookie,
          origin: inst.url,
          "x-csrf-token": s.csrf,
          "hx-request": "true",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ body: text }),
      });
      await r.body?.cancel();
      assert.equal(r.status, 200);
    }));
    await eventually(
      () => bodies.every((t) => sim.sent.some((m) => m.body === t)),
      10_000,
      "every reply sent",
    );
    await new Promise((r) => setTimeout(r, 500)); // a late duplicate would show now
    for (const t of bodies) {
      assert.equal(
        sim.sent.filter((m) => m.body === t).length,
        1,
        `${t} sent once`,
      );
    }
    await reader.cancel();
    await watch;
  } finally {
    for (const r of readers) await r.cancel().catch(() => {});
    await a.stop();
    await b.stop();
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
