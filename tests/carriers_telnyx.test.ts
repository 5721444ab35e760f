import assert from "node:assert/strict";
import {
  createTelnyxAdapter,
  parseTelnyxWebhook,
  telnyxSignedPayload,
} from "../carriers/telnyx.ts";
import { CarrierError, InvalidPayload } from "../carriers/types.ts";
import {
  generateTelnyxKeyPair,
  startCarrierSimulator,
  telnyxKeyPairFromSeed,
} from "../carriers/simulator.ts";
import { fromBase64, toBase64 } from "../carriers/signing.ts";
import {
  fixtureBytes,
  TEST_TELNYX_API_KEY,
  TEST_TWILIO,
  webhook,
} from "./fixtures/carriers/harness.ts";

const HOOK = "https://bandeja.example.com/webhooks/telnyx";
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const NOW_SEC = Math.floor(NOW / 1000);

async function signedRequest(
  privateKey: string,
  body: Uint8Array,
  timestamp: number,
) {
  const key = await crypto.subtle.importKey(
    "pkcs8",
    fromBase64(privateKey)!,
    { name: "Ed25519" },
    false,
    ["sign"],
  );
  const signature = new Uint8Array(
    await crypto.subtle.sign(
      { name: "Ed25519" },
      key,
      telnyxSignedPayload(String(timestamp), body),
    ),
  );
  return webhook(HOOK, body, {
    "telnyx-signature-ed25519": toBase64(signature),
    "telnyx-timestamp": String(timestamp),
  });
}

Deno.test("a Telnyx webhook signed with the account's Ed25519 key verifies", async () => {
  const keys = await generateTelnyxKeyPair();
  const adapter = createTelnyxAdapter({
    apiKey: "k",
    publicKey: keys.publicKey,
    apiBase: "http://127.0.0.1:1",
  });
  const body = fixtureBytes("telnyx_message_received.json");
  assert.equal(
    await adapter.verify(
      await signedRequest(keys.privateKey, body, NOW_SEC),
      NOW,
    ),
    true,
  );
  // Within the 300 s window either side.
  assert.equal(
    await adapter.verify(
      await signedRequest(keys.privateKey, body, NOW_SEC - 300),
      NOW,
    ),
    true,
  );
});

Deno.test("Telnyx signatures fail for a tampered body, a wrong key or a stale timestamp", async () => {
  const keys = await generateTelnyxKeyPair();
  const other = await generateTelnyxKeyPair();
  const adapter = createTelnyxAdapter({
    apiKey: "k",
    publicKey: keys.publicKey,
    apiBase: "http://127.0.0.1:1",
  });
  const body = fixtureBytes("telnyx_message_received.json");
  const good = await signedRequest(keys.privateKey, body, NOW_SEC);

  const tampered = {
    ...good,
    rawBody: new TextEncoder().encode(
      new TextDecoder().decode(body).replace("Hello", "Hullo"),
    ),
  };
  assert.equal(await adapter.verify(tampered, NOW), false);
  assert.equal(
    await adapter.verify(
      await signedRequest(other.privateKey, body, NOW_SEC),
      NOW,
    ),
    false,
  );
  assert.equal(
    await adapter.verify(
      await signedRequest(keys.privateKey, body, NOW_SEC - 301),
      NOW,
    ),
    false,
  );
  assert.equal(
    await adapter.verify(
      await signedRequest(keys.privateKey, body, NOW_SEC + 301),
      NOW,
    ),
    false,
  );
  // The timestamp is part of what is signed: moving it breaks the signature.
  const restamped = webhook(HOOK, body, {
    "telnyx-signature-ed25519": good.headers.get("telnyx-signature-ed25519")!,
    "telnyx-timestamp": String(NOW_SEC + 1),
  });
  assert.equal(await adapter.verify(restamped, NOW), false);
});

Deno.test("Telnyx verify answers false on missing or garbage headers", async () => {
  const keys = await generateTelnyxKeyPair();
  const adapter = createTelnyxAdapter({
    apiKey: "k",
    publicKey: keys.publicKey,
    apiBase: "http://127.0.0.1:1",
  });
  const body = fixtureBytes("telnyx_message_received.json");
  assert.equal(await adapter.verify(webhook(HOOK, body), NOW), false);
  assert.equal(
    await adapter.verify(
      webhook(HOOK, body, { "telnyx-timestamp": String(NOW_SEC) }),
      NOW,
    ),
    false,
  );
  assert.equal(
    await adapter.verify(
      webhook(HOOK, body, {
        "telnyx-signature-ed25519": "%%%",
        "telnyx-timestamp": String(NOW_SEC),
      }),
      NOW,
    ),
    false,
  );
  assert.equal(
    await adapter.verify(
      webhook(HOOK, body, {
        "telnyx-signature-ed25519": toBase64(new Uint8Array(64)),
        "telnyx-timestamp": "soon",
      }),
      NOW,
    ),
    false,
  );
});

Deno.test("a Telnyx adapter refuses a public key that is not 32 raw bytes", () => {
  assert.throws(
    () =>
      createTelnyxAdapter({
        apiKey: "k",
        publicKey: "not base64!",
        apiBase: "x",
      }),
    /32-byte/,
  );
  assert.throws(
    () =>
      createTelnyxAdapter({
        apiKey: "k",
        publicKey: toBase64(new Uint8Array(31)),
        apiBase: "x",
      }),
    /32-byte/,
  );
});

Deno.test("a deterministic Telnyx key pair from a seed signs what its public key verifies", async () => {
  const seed = new Uint8Array(32).fill(7);
  const a = await telnyxKeyPairFromSeed(seed);
  const b = await telnyxKeyPairFromSeed(seed);
  assert.deepEqual(a, b);
  const adapter = createTelnyxAdapter({
    apiKey: "k",
    publicKey: a.publicKey,
    apiBase: "http://127.0.0.1:1",
  });
  const body = new TextEncoder().encode("{}");
  assert.equal(
    await adapter.verify(await signedRequest(a.privateKey, body, NOW_SEC), NOW),
    true,
  );
});

Deno.test("Telnyx's documented message.received example parses, media included", () => {
  const { messages, statuses } = parseTelnyxWebhook(
    fixtureBytes("telnyx_message_received.json"),
  );
  assert.equal(statuses.length, 0);
  assert.deepEqual(messages, [{
    provider: "telnyx",
    channel: "sms",
    providerId: "7ee4241c-f127-47e5-9c34-3aac291f8058",
    from: "+18665550001",
    to: "+18445550001",
    body: "Hello, World!",
    media: [
      {
        url: "https://media.telnyx.com/7ee4241c/photo.jpg",
        contentType: "image/jpeg",
      },
      {
        url: "https://media.telnyx.com/7ee4241c/clip.mp4",
        contentType: "video/mp4",
      },
    ],
    sentAt: Date.parse("2019-01-23T18:10:02.574Z"),
  }]);
});

Deno.test("Telnyx message.sent and message.finalized parse to status updates", () => {
  const sent = parseTelnyxWebhook(fixtureBytes("telnyx_message_sent.json"));
  assert.deepEqual(sent.statuses, [{
    provider: "telnyx",
    providerId: "40385f64-5717-4562-b3fc-2c963f66afa6",
    status: "sent",
    at: Date.parse("2019-01-23T18:10:02.574Z"),
  }]);
  const delivered = parseTelnyxWebhook(
    fixtureBytes("telnyx_message_finalized_delivered.json"),
  );
  assert.deepEqual(delivered.statuses, [{
    provider: "telnyx",
    providerId: "ac012cb5-4c1f-4b3f-8a0f-ff1f6a6a3f2e",
    status: "delivered",
    at: Date.parse("2019-12-09T21:32:14.148+00:00"),
  }]);
  const failed = parseTelnyxWebhook(
    fixtureBytes("telnyx_message_finalized_failed.json"),
  );
  assert.equal(failed.statuses[0].status, "undelivered");
  assert.equal(failed.statuses[0].errorCode, "40008");
  assert.equal(
    failed.statuses[0].errorMessage,
    "Undeliverable: The message could not be delivered to the destination handset.",
  );
});

Deno.test("Telnyx sending_failed means failed and delivery_unconfirmed means sent", () => {
  const base = JSON.parse(
    new TextDecoder().decode(
      fixtureBytes("telnyx_message_finalized_delivered.json"),
    ),
  );
  const withStatus = (status: string) => {
    base.data.payload.to[0].status = status;
    return parseTelnyxWebhook(new TextEncoder().encode(JSON.stringify(base)))
      .statuses[0]?.status;
  };
  assert.equal(withStatus("sending_failed"), "failed");
  assert.equal(withStatus("delivery_unconfirmed"), "sent");
  assert.equal(withStatus("sending"), "queued");
  assert.equal(withStatus("something_new"), undefined);
});

Deno.test("other Telnyx event types parse to nothing; malformed ones throw InvalidPayload", () => {
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  assert.deepEqual(
    parseTelnyxWebhook(
      enc({
        data: { event_type: "number_order.complete", id: "1", payload: {} },
      }),
    ),
    { messages: [], statuses: [] },
  );
  assert.throws(
    () => parseTelnyxWebhook(new TextEncoder().encode("not json")),
    InvalidPayload,
  );
  assert.throws(
    () => parseTelnyxWebhook(enc({ data: { payload: {} } })),
    /event_type/,
  );
  const noId = JSON.parse(
    new TextDecoder().decode(fixtureBytes("telnyx_message_received.json")),
  );
  delete noId.data.payload.id;
  assert.throws(() => parseTelnyxWebhook(enc(noId)), /payload\.id|id/);
  const noTo = JSON.parse(
    new TextDecoder().decode(fixtureBytes("telnyx_message_received.json")),
  );
  noTo.data.payload.to = [];
  assert.throws(() => parseTelnyxWebhook(enc(noTo)), InvalidPayload);
});

async function withSimulator(
  fn: (sim: Awaited<ReturnType<typeof startCarrierSimulator>>) => Promise<void>,
) {
  const { privateKey } = await generateTelnyxKeyPair();
  const sim = await startCarrierSimulator({
    twilio: TEST_TWILIO,
    telnyx: { privateKey, apiKey: TEST_TELNYX_API_KEY },
    whatsapp: { appSecret: "x" },
    appBaseUrl: "http://127.0.0.1:9",
    statusDelayMs: 60_000, // callbacks are the simulator test's business; close() cancels these
  });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

const keys = await generateTelnyxKeyPair();

Deno.test("Telnyx send posts JSON with a Bearer key and returns data.id", () =>
  withSimulator(async (sim) => {
    const telnyx = createTelnyxAdapter({
      apiKey: TEST_TELNYX_API_KEY,
      publicKey: keys.publicKey,
      apiBase: sim.url,
    });
    const result = await telnyx.send({
      from: "+15550100004",
      to: "+15551234567",
      body: "Your table is ready",
      mediaUrls: ["https://cdn.example.com/menu.png"],
      statusCallbackUrl: "https://bandeja.example.com/webhooks/telnyx",
    });
    assert.match(result.providerId, /^[0-9a-f-]{36}$/);
    assert.equal(result.status, "queued");
    assert.deepEqual(
      sim.sent.map((
        s,
      ) => [
        s.provider,
        s.providerId,
        s.body,
        s.mediaUrls,
        s.statusCallbackUrl,
      ]),
      [
        ["telnyx", result.providerId, "Your table is ready", [
          "https://cdn.example.com/menu.png",
        ], "https://bandeja.example.com/webhooks/telnyx"],
      ],
    );
  }));

Deno.test("Telnyx auth failures are final, server errors are retryable", () =>
  withSimulator(async (sim) => {
    const msg = {
      from: "+15550100004",
      to: "+15551234567",
      body: "hi",
      mediaUrls: [],
    };
    const wrong = createTelnyxAdapter({
      apiKey: "wrong",
      publicKey: keys.publicKey,
      apiBase: sim.url,
    });
    const e401 = await wrong.send(msg).catch((e) => e);
    assert.ok(e401 instanceof CarrierError);
    assert.equal(e401.retryable, false);
    assert.equal(e401.httpStatus, 401);
    assert.equal(e401.code, "10009");

    const telnyx = createTelnyxAdapter({
      apiKey: TEST_TELNYX_API_KEY,
      publicKey: keys.publicKey,
      apiBase: sim.url,
    });
    sim.failNext(2, 502);
    for (let i = 0; i < 2; i++) {
      const e = await telnyx.send(msg).catch((err) => err);
      assert.ok(
        e instanceof CarrierError && e.retryable && e.httpStatus === 502,
      );
    }
    const e422 = await telnyx.send({ ...msg, body: "" }).catch((err) => err);
    assert.ok(
      e422 instanceof CarrierError && !e422.retryable &&
        e422.httpStatus === 422,
    );
    assert.equal((await telnyx.send(msg)).status, "queued");
    assert.equal(sim.sent.length, 1);
  }));
