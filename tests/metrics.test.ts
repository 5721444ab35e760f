import assert from "node:assert/strict";
import { computeTwilioSignature } from "../carriers/twilio.ts";
import { TEST_SECRETS, testApp } from "./helpers.ts";

const TOKEN = "metrics-token-0123456789abcdef";

Deno.test("GET /metrics needs its token and reports requests, webhooks, outbox and streams", async () => {
  const t = await testApp({ env: { METRICS_TOKEN: TOKEN } });
  try {
    assert.equal((await t.app.request("/metrics")).status, 401);
    const wrong = await t.app.request("/metrics", {
      headers: { authorization: "Bearer nope" },
    });
    assert.equal(wrong.status, 401);

    const url = `${t.origin}/webhooks/twilio`;
    const params = {
      MessageSid: "SMmetrics1",
      From: "+15557770099",
      To: "+15550100001",
      Body: "hi",
      NumMedia: "0",
    };
    const sig = await computeTwilioSignature(
      TEST_SECRETS.twilioAuthToken,
      url,
      params,
    );
    for (const signature of [sig, "bad"]) {
      const r = await t.app.request(url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": signature,
        },
        body: new URLSearchParams(params),
      });
      await r.body?.cancel();
    }
    const res = await t.app.request("/metrics", {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await res.text();
    assert.match(
      text,
      /bandeja_webhooks_total\{provider="twilio",outcome="ok"\} 1/,
    );
    assert.match(
      text,
      /bandeja_webhooks_total\{provider="twilio",outcome="bad_signature"\} 1/,
    );
    assert.match(
      text,
      /bandeja_http_requests_total\{method="POST",status="200"\} 1/,
    );
    assert.match(text, /bandeja_outbox_depth \d+/);
    assert.match(text, /bandeja_sse_connections 0/);
    assert.match(text, /bandeja_event_lag_seconds [\d.]+/);
    assert.doesNotMatch(text, new RegExp(TEST_SECRETS.twilioAuthToken));
  } finally {
    await t.close();
  }
});

Deno.test("without METRICS_TOKEN there is no /metrics endpoint", async () => {
  const t = await testApp();
  try {
    const res = await t.app.request("/metrics", {
      headers: { authorization: "Bearer anything-at-all-here" },
    });
    await res.body?.cancel();
    assert.equal(res.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("every response carries its request id", async () => {
  const t = await testApp();
  try {
    const res = await t.app.request("/healthz", {
      headers: { "x-request-id": "req-abc-123" },
    });
    await res.body?.cancel();
    assert.equal(res.headers.get("x-request-id"), "req-abc-123");
    const other = await t.app.request("/healthz");
    await other.body?.cancel();
    assert.match(other.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  } finally {
    await t.close();
  }
});
