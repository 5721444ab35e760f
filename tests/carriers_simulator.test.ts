import assert from "node:assert/strict";
import { createTwilioAdapter } from "../carriers/twilio.ts";
import { createTelnyxAdapter } from "../carriers/telnyx.ts";
import { createWhatsAppAdapter } from "../carriers/whatsapp.ts";
import {
  type CarrierSimulator,
  generateTelnyxKeyPair,
  startCarrierSimulator,
} from "../carriers/simulator.ts";
import { callProvider } from "../carriers/provider_http.ts";
import {
  type CarrierAdapter,
  CarrierError,
  type Provider,
} from "../carriers/types.ts";
import {
  type RecordingApp,
  startRecordingApp,
  TEST_TELNYX_API_KEY,
  TEST_TWILIO,
  TEST_WHATSAPP,
} from "./fixtures/carriers/harness.ts";

const PUBLIC_URL = "https://bandeja.example.com";

interface World {
  app: RecordingApp;
  sim: CarrierSimulator;
  adapters: Record<Provider, CarrierAdapter>;
}

/**
 * The app verifies against PUBLIC_URL (as behind a TLS proxy) while the
 * simulator reaches it on loopback; adapters send to the simulator.
 */
async function withWorld(
  fn: (world: World) => Promise<void>,
  statusDelayMs = 1,
) {
  const keys = await generateTelnyxKeyPair();
  const adapters: Record<Provider, CarrierAdapter> = {
    twilio: createTwilioAdapter({
      ...TEST_TWILIO,
      apiBase: "http://127.0.0.1:1",
    }),
    telnyx: createTelnyxAdapter({
      apiKey: TEST_TELNYX_API_KEY,
      publicKey: keys.publicKey,
      apiBase: "http://127.0.0.1:1",
    }),
    whatsapp: createWhatsAppAdapter({
      ...TEST_WHATSAPP,
      apiBase: "http://127.0.0.1:1",
    }),
  };
  const app = startRecordingApp(adapters, PUBLIC_URL);
  const sim = await startCarrierSimulator({
    twilio: TEST_TWILIO,
    telnyx: { privateKey: keys.privateKey, apiKey: TEST_TELNYX_API_KEY },
    whatsapp: {
      ...TEST_WHATSAPP,
      phoneNumberIds: { "+15550100002": "100002" },
    },
    appBaseUrl: app.url,
    publicUrl: PUBLIC_URL,
    statusDelayMs,
  });
  const sending: Record<Provider, CarrierAdapter> = {
    twilio: createTwilioAdapter({ ...TEST_TWILIO, apiBase: sim.url }),
    telnyx: createTelnyxAdapter({
      apiKey: TEST_TELNYX_API_KEY,
      publicKey: keys.publicKey,
      apiBase: sim.url,
    }),
    whatsapp: createWhatsAppAdapter({
      ...TEST_WHATSAPP,
      apiBase: `${sim.url}/v21.0`,
    }),
  };
  try {
    await fn({ app, sim, adapters: sending });
  } finally {
    await sim.close();
    await app.close();
  }
}

const JPEG = new Uint8Array([
  0xff,
  0xd8,
  0xff,
  0xe0,
  1,
  2,
  3,
  4,
  5,
  0xff,
  0xd9,
]);

Deno.test("an injected Twilio MMS is signed for the public url and its media downloads", () =>
  withWorld(async ({ app, sim, adapters }) => {
    const result = await sim.injectInbound({
      provider: "twilio",
      from: "+15551234567",
      to: "+15550100001",
      body: "see attached",
      media: [{ contentType: "image/jpeg", bytes: JPEG }],
    });
    assert.equal(result.status, 200);
    const [got] = app.received;
    assert.equal(got.verified, true);
    const [m] = got.parsed!.messages;
    assert.deepEqual([m.providerId, m.from, m.to, m.body, m.channel], [
      result.providerId,
      "+15551234567",
      "+15550100001",
      "see attached",
      "sms",
    ]);
    assert.equal(m.media[0].contentType, "image/jpeg");
    // Basic auth, then a redirect to storage, as Twilio does.
    const file = await adapters.twilio.fetchMedia(m.media[0].url);
    assert.deepEqual(file.bytes, JPEG);
    assert.equal(file.contentType, "image/jpeg");
    const anonymous = await callProvider(m.media[0].url, {});
    assert.equal(anonymous.status, 401);
  }));

Deno.test("an injected Telnyx message carries a valid Ed25519 signature and fetchable media", () =>
  withWorld(async ({ app, sim, adapters }) => {
    const result = await sim.injectInbound({
      provider: "telnyx",
      from: "+15551234567",
      to: "+15550100004",
      body: "hola",
      media: [{ contentType: "image/jpeg", bytes: JPEG }],
    });
    assert.equal(result.status, 200);
    const [got] = app.received;
    assert.equal(got.verified, true);
    const [m] = got.parsed!.messages;
    assert.deepEqual([m.provider, m.providerId, m.from, m.to, m.body], [
      "telnyx",
      result.providerId,
      "+15551234567",
      "+15550100004",
      "hola",
    ]);
    assert.deepEqual(
      (await adapters.telnyx.fetchMedia(m.media[0].url)).bytes,
      JPEG,
    );
  }));

Deno.test("an injected WhatsApp voice note verifies and downloads through the two-step media API", () =>
  withWorld(async ({ app, sim, adapters }) => {
    const ogg = new TextEncoder().encode("OggS fake opus");
    const result = await sim.injectInbound({
      provider: "whatsapp",
      from: "+5215512345678",
      to: "+15550100002",
      contactName: "Lupita",
      media: [{ contentType: "audio/ogg", bytes: ogg }],
    });
    assert.equal(result.status, 200);
    const [got] = app.received;
    assert.equal(got.verified, true);
    const [m] = got.parsed!.messages;
    assert.deepEqual(
      [
        m.providerId,
        m.from,
        m.to,
        m.toPhoneNumberId,
        m.contactName,
        m.isVoiceNote,
      ],
      [
        result.providerId,
        "+5215512345678",
        "+15550100002",
        "100002",
        "Lupita",
        true,
      ],
    );
    assert.match(m.media[0].url, /^whatsapp-media:/);
    const file = await adapters.whatsapp.fetchMedia(m.media[0].url);
    assert.deepEqual(file.bytes, ogg);
    assert.equal(file.contentType, "audio/ogg");
  }));

Deno.test("an injected WhatsApp reaction reaches the app as a reaction", () =>
  withWorld(async ({ app, sim }) => {
    await sim.injectInbound({
      provider: "whatsapp",
      from: "+5215512345678",
      to: "+15550100002",
      reaction: { emoji: "🙏", targetProviderId: "wamid.ours" },
    });
    assert.deepEqual(app.received[0].parsed!.messages[0].reaction, {
      emoji: "🙏",
      targetProviderId: "wamid.ours",
    });
  }));

Deno.test("a Twilio send gets signed queued, sent and delivered callbacks at its StatusCallback", () =>
  withWorld(async ({ app, sim, adapters }) => {
    const { providerId } = await adapters.twilio.send({
      from: "+15550100001",
      to: "+15551234567",
      body: "on our way",
      mediaUrls: [],
      statusCallbackUrl: `${PUBLIC_URL}/webhooks/twilio/status`,
    });
    await sim.pendingCallbacks();
    assert.ok(
      app.received.every((r) =>
        r.verified && r.path === "/webhooks/twilio/status"
      ),
    );
    assert.deepEqual(
      app.received.map((
        r,
      ) => [r.parsed!.statuses[0].providerId, r.parsed!.statuses[0].status]),
      [[providerId, "queued"], [providerId, "sent"], [providerId, "delivered"]],
    );
    assert.deepEqual(sim.callbacks.map((c) => [c.status, c.httpStatus]), [
      ["queued", 200],
      ["sent", 200],
      ["delivered", 200],
    ]);
  }));

Deno.test("Telnyx and WhatsApp sends are followed by signed sent and delivered reports", () =>
  withWorld(async ({ app, sim, adapters }) => {
    const telnyx = await adapters.telnyx.send({
      from: "+15550100004",
      to: "+15551234567",
      body: "hi",
      mediaUrls: [],
    });
    const whatsapp = await adapters.whatsapp.send({
      from: "+15550100002",
      fromPhoneNumberId: "100002",
      to: "+5215512345678",
      body: "hola",
      mediaUrls: [],
    });
    await sim.pendingCallbacks();
    assert.ok(app.received.every((r) => r.verified));
    const reports = (provider: Provider) =>
      app.received.filter((r) => r.provider === provider).flatMap((r) =>
        r.parsed!.statuses
      )
        .map((s) => [s.providerId, s.status]);
    assert.deepEqual(reports("telnyx"), [[telnyx.providerId, "sent"], [
      telnyx.providerId,
      "delivered",
    ]]);
    assert.deepEqual(reports("whatsapp"), [[whatsapp.providerId, "sent"], [
      whatsapp.providerId,
      "delivered",
    ]]);
    assert.equal(
      sim.sent.find((s) => s.provider === "whatsapp")?.from,
      "+15550100002",
    );
  }));

Deno.test("sends to a failing number are accepted and then reported undeliverable", () =>
  withWorld(async ({ app, sim, adapters }) => {
    sim.markFailing("+15559990000");
    const msg = {
      from: "+15550100001",
      to: "+15559990000",
      body: "hello?",
      mediaUrls: [],
    };
    await adapters.twilio.send({
      ...msg,
      statusCallbackUrl: `${PUBLIC_URL}/webhooks/twilio/status`,
    });
    await adapters.telnyx.send(msg);
    await adapters.whatsapp.send({ ...msg, fromPhoneNumberId: "100002" });
    await sim.pendingCallbacks();
    const last = (provider: Provider) =>
      app.received.filter((r) => r.provider === provider).flatMap((r) =>
        r.parsed!.statuses
      ).at(-1)!;
    assert.deepEqual([last("twilio").status, last("twilio").errorCode], [
      "undelivered",
      "30003",
    ]);
    assert.deepEqual([last("telnyx").status, last("telnyx").errorCode], [
      "undelivered",
      "40008",
    ]);
    assert.deepEqual([last("whatsapp").status, last("whatsapp").errorCode], [
      "failed",
      "131026",
    ]);
  }));

Deno.test("failNext fails exactly the next n sends", () =>
  withWorld(async ({ sim, adapters }) => {
    sim.failNext(2, 503);
    const msg = {
      from: "+15550100004",
      to: "+15551234567",
      body: "hi",
      mediaUrls: [],
    };
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(
        await adapters.telnyx.send(msg).then(
          () => "ok",
          (e: CarrierError) => e.httpStatus,
        ),
      );
    }
    assert.deepEqual(outcomes, [503, 503, "ok"]);
    assert.equal(sim.sent.length, 1);
  }, 60_000));

Deno.test("injectRaw signs crafted payloads; a forged signature is refused by the app", () =>
  withWorld(async ({ app, sim }) => {
    const malformed = await sim.injectRaw("telnyx", {
      data: { event_type: "message.received", payload: {} },
    });
    assert.equal(malformed.status, 400);
    assert.equal(app.received[0].verified, true);
    const forged = await sim.injectRaw("whatsapp", {
      object: "whatsapp_business_account",
      entry: [],
    }, {
      signature: "sha256=" + "0".repeat(64),
    });
    assert.equal(forged.status, 403);
    const stale = await sim.injectRaw("telnyx", {
      data: { event_type: "x", payload: {} },
    }, {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    assert.equal(stale.status, 403);
    const status = await sim.injectRaw("twilio", {
      MessageSid: "SM1",
      MessageStatus: "read",
    }, { path: "/webhooks/twilio/status" });
    assert.equal(status.status, 200);
    assert.deepEqual(app.received.map((r) => r.verified), [
      true,
      false,
      false,
      true,
    ]);
    assert.equal(app.received[3].parsed!.statuses[0].status, "read");
  }));

Deno.test("POST /_inject lets a developer inject over HTTP", () =>
  withWorld(async ({ app, sim }) => {
    const res = await fetch(`${sim.url}/_inject`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        provider: "twilio",
        from: "+15551234567",
        to: "+15550100001",
        body: "hi from curl",
      }),
    });
    const result = await res.json();
    assert.equal(res.status, 200);
    assert.equal(result.status, 200);
    assert.equal(app.received[0].parsed!.messages[0].body, "hi from curl");
    const bad = await fetch(`${sim.url}/_inject`, {
      method: "POST",
      body: "{}",
    });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  }));

Deno.test("closing the simulator with callbacks still scheduled leaks nothing", async () => {
  const { privateKey } = await generateTelnyxKeyPair();
  const sim = await startCarrierSimulator({
    twilio: TEST_TWILIO,
    telnyx: { privateKey },
    whatsapp: { appSecret: "x" },
    appBaseUrl: "http://127.0.0.1:9",
    statusDelayMs: 60_000,
  });
  const telnyx = createTelnyxAdapter({
    apiKey: "any",
    publicKey: (await generateTelnyxKeyPair()).publicKey,
    apiBase: sim.url,
  });
  await telnyx.send({
    from: "+15550100004",
    to: "+15551234567",
    body: "hi",
    mediaUrls: [],
  });
  await sim.close();
  assert.equal(sim.callbacks.length, 0);
});

Deno.test("provider calls that hang time out as retryable, unreachable hosts are network errors", async () => {
  let release!: () => void;
  const hang = new Promise<void>((resolve) => (release = resolve));
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    onListen: () => {},
  }, async () => {
    await hang;
    return new Response("late");
  });
  try {
    const timeout = await callProvider(
      `http://127.0.0.1:${server.addr.port}/`,
      {},
      { timeoutMs: 50 },
    ).catch((e) => e);
    assert.ok(timeout instanceof CarrierError);
    assert.deepEqual([timeout.retryable, timeout.code], [true, "timeout"]);
    const controller = new AbortController();
    const pending = callProvider(`http://127.0.0.1:${server.addr.port}/`, {}, {
      signal: controller.signal,
    });
    controller.abort();
    const aborted = await pending.catch((e) => e);
    assert.deepEqual([aborted.retryable, aborted.code], [true, "aborted"]);
  } finally {
    release();
    await server.shutdown();
  }
  const down = await callProvider(`http://127.0.0.1:${server.addr.port}/`, {})
    .catch((e) => e);
  assert.ok(down instanceof CarrierError);
  assert.deepEqual([down.retryable, down.code], [true, "network"]);
});

Deno.test("media larger than the cap is refused without reading it all", async () => {
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    onListen: () => {},
  }, () => new Response(new Uint8Array(2048)));
  try {
    const twilio = createTwilioAdapter({
      ...TEST_TWILIO,
      apiBase: "http://127.0.0.1:1",
      maxMediaBytes: 1024,
    });
    const error = await twilio.fetchMedia(
      `http://127.0.0.1:${server.addr.port}/big.jpg`,
    ).catch((e) => e);
    assert.ok(error instanceof CarrierError);
    assert.deepEqual([error.retryable, error.code], [false, "media_too_large"]);
  } finally {
    await server.shutdown();
  }
});
