import assert from "node:assert/strict";
import {
  computeWhatsAppSignature,
  createWhatsAppAdapter,
  parseWhatsAppWebhook,
  verifyHandshake,
  whatsappMediaType,
} from "../carriers/whatsapp.ts";
import { CarrierError, InvalidPayload } from "../carriers/types.ts";
import {
  generateTelnyxKeyPair,
  startCarrierSimulator,
} from "../carriers/simulator.ts";
import {
  fixtureBytes,
  TEST_TWILIO,
  TEST_WHATSAPP,
  webhook,
} from "./fixtures/carriers/harness.ts";

const HOOK = "https://bandeja.example.com/webhooks/whatsapp";
const offline = createWhatsAppAdapter({
  ...TEST_WHATSAPP,
  apiBase: "http://127.0.0.1:1",
});

Deno.test("the WhatsApp handshake echoes the challenge only for our token", () => {
  const params = (token: string, mode = "subscribe") =>
    new URLSearchParams({
      "hub.mode": mode,
      "hub.verify_token": token,
      "hub.challenge": "1158201444",
    });
  assert.equal(verifyHandshake(params("hub-token"), "hub-token"), "1158201444");
  assert.equal(verifyHandshake(params("wrong"), "hub-token"), null);
  assert.equal(
    verifyHandshake(params("hub-token", "unsubscribe"), "hub-token"),
    null,
  );
  assert.equal(
    verifyHandshake(
      new URLSearchParams({
        "hub.mode": "subscribe",
        "hub.verify_token": "hub-token",
      }),
      "hub-token",
    ),
    null,
  );
  // An unset token must never match an empty one.
  assert.equal(verifyHandshake(params(""), ""), null);
});

Deno.test("WhatsApp X-Hub-Signature-256 is checked over the raw body", async () => {
  const body = fixtureBytes("whatsapp_text.json");
  const signature = await computeWhatsAppSignature(
    TEST_WHATSAPP.appSecret,
    body,
  );
  assert.match(signature, /^sha256=[0-9a-f]{64}$/);
  assert.equal(
    await offline.verify(
      webhook(HOOK, body, { "X-Hub-Signature-256": signature }),
    ),
    true,
  );
  // Hex case is not meaningful.
  assert.equal(
    await offline.verify(
      webhook(HOOK, body, {
        "X-Hub-Signature-256": "sha256=" + signature.slice(7).toUpperCase(),
      }),
    ),
    true,
  );
});

Deno.test("WhatsApp signatures that are wrong, missing or sha1 are rejected", async () => {
  const body = fixtureBytes("whatsapp_text.json");
  const signature = await computeWhatsAppSignature(
    TEST_WHATSAPP.appSecret,
    body,
  );
  const tampered = new TextEncoder().encode(
    new TextDecoder().decode(body).replace("color", "colour"),
  );
  assert.equal(
    await offline.verify(
      webhook(HOOK, tampered, { "X-Hub-Signature-256": signature }),
    ),
    false,
  );
  assert.equal(await offline.verify(webhook(HOOK, body)), false);
  assert.equal(
    await offline.verify(
      webhook(HOOK, body, {
        "X-Hub-Signature-256": signature.replace("sha256=", "sha1="),
      }),
    ),
    false,
  );
  assert.equal(
    await offline.verify(
      webhook(HOOK, body, { "X-Hub-Signature-256": signature.slice(7) }),
    ),
    false,
  );
  const otherSecret = await computeWhatsAppSignature("another-secret", body);
  assert.equal(
    await offline.verify(
      webhook(HOOK, body, { "X-Hub-Signature-256": otherSecret }),
    ),
    false,
  );
});

Deno.test("Meta's text message example parses with the contact's name", () => {
  const { messages, statuses } = parseWhatsAppWebhook(
    fixtureBytes("whatsapp_text.json"),
  );
  assert.equal(statuses.length, 0);
  assert.deepEqual(messages, [{
    provider: "whatsapp",
    channel: "whatsapp",
    providerId:
      "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
    from: "+16505551234",
    to: "+15550783881",
    toPhoneNumberId: "106540352242922",
    body: "Does it come in another color?",
    media: [],
    contactName: "Sheena Nelson",
    sentAt: 1749416383000,
  }]);
});

Deno.test("a WhatsApp image arrives as a media reference with its caption as body", () => {
  const { messages: [m] } = parseWhatsAppWebhook(
    fixtureBytes("whatsapp_image.json"),
  );
  assert.equal(m.body, "Here is the damaged box");
  assert.deepEqual(m.media, [{
    url: "whatsapp-media:1003383421387256",
    contentType: "image/jpeg",
    providerMediaId: "1003383421387256",
  }]);
  assert.equal(m.isVoiceNote, undefined);
});

Deno.test("a WhatsApp voice note is flagged as one", () => {
  const { messages: [m] } = parseWhatsAppWebhook(
    fixtureBytes("whatsapp_voice.json"),
  );
  assert.equal(m.isVoiceNote, true);
  assert.equal(m.body, "");
  assert.equal(m.media[0].contentType, "audio/ogg; codecs=opus");
  assert.equal(m.media[0].url, "whatsapp-media:1119536836468591");
});

Deno.test("WhatsApp reactions parse, and a removed reaction has an empty emoji", () => {
  const { messages: [added] } = parseWhatsAppWebhook(
    fixtureBytes("whatsapp_reaction.json"),
  );
  assert.deepEqual(added.reaction, {
    emoji: "👍",
    targetProviderId:
      "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RkQ4QTlFRjM0MDE3NDY0NTQA",
  });
  assert.equal(added.body, "");
  const { messages: [removed] } = parseWhatsAppWebhook(
    fixtureBytes("whatsapp_reaction_removed.json"),
  );
  assert.equal(removed.reaction?.emoji, "");
});

Deno.test("unsupported WhatsApp messages keep a visible body instead of vanishing", () => {
  const { messages: [m] } = parseWhatsAppWebhook(
    fixtureBytes("whatsapp_unsupported.json"),
  );
  assert.equal(m.body, "[unsupported]");
  const location = JSON.parse(
    new TextDecoder().decode(fixtureBytes("whatsapp_text.json")),
  );
  location.entry[0].changes[0].value.messages[0] = {
    from: "16505551234",
    id: "wamid.loc",
    timestamp: "1749416383",
    type: "location",
    location: { latitude: 19.4326, longitude: -99.1332, name: "Zócalo" },
  };
  const parsed = parseWhatsAppWebhook(
    new TextEncoder().encode(JSON.stringify(location)),
  );
  assert.equal(parsed.messages[0].body, "[location] Zócalo 19.4326,-99.1332");
});

Deno.test("WhatsApp button and interactive replies carry their title as body", () => {
  const base = JSON.parse(
    new TextDecoder().decode(fixtureBytes("whatsapp_text.json")),
  );
  const value = base.entry[0].changes[0].value;
  value.messages = [
    {
      from: "16505551234",
      id: "wamid.b",
      timestamp: "1749416383",
      type: "button",
      button: { payload: "YES_PAYLOAD", text: "Yes" },
    },
    {
      from: "16505551234",
      id: "wamid.i",
      timestamp: "1749416384",
      type: "interactive",
      interactive: {
        type: "list_reply",
        list_reply: {
          id: "opt-2",
          title: "Tomorrow 10am",
          description: "Slot 2",
        },
      },
    },
  ];
  const { messages } = parseWhatsAppWebhook(
    new TextEncoder().encode(JSON.stringify(base)),
  );
  assert.deepEqual(messages.map((m) => m.body), ["Yes", "Tomorrow 10am"]);
});

Deno.test("WhatsApp statuses parse in order, failures with Meta's error code", () => {
  const { statuses } = parseWhatsAppWebhook(
    fixtureBytes("whatsapp_statuses.json"),
  );
  assert.deepEqual(statuses.map((s) => [s.status, s.at]), [
    ["sent", 1750263773000],
    ["delivered", 1750263774000],
    ["read", 1750263790000],
  ]);
  const { statuses: [failed] } = parseWhatsAppWebhook(
    fixtureBytes("whatsapp_status_failed.json"),
  );
  assert.deepEqual(failed, {
    provider: "whatsapp",
    providerId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBIyQkNGNzQ5MUNCN0U2RjI4RjQA",
    status: "failed",
    errorCode: "131026",
    errorMessage: "Message undeliverable: Message Undeliverable.",
    at: 1750263800000,
  });
});

Deno.test("malformed WhatsApp webhooks throw InvalidPayload; other fields are ignored", () => {
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  assert.throws(
    () => parseWhatsAppWebhook(new TextEncoder().encode("{")),
    InvalidPayload,
  );
  assert.throws(
    () => parseWhatsAppWebhook(enc({ object: "page", entry: [] })),
    InvalidPayload,
  );
  const noId = JSON.parse(
    new TextDecoder().decode(fixtureBytes("whatsapp_text.json")),
  );
  delete noId.entry[0].changes[0].value.messages[0].id;
  assert.throws(
    () => parseWhatsAppWebhook(enc(noId)),
    /entry\.0\.changes\.0\.value\.messages\.0\.id/,
  );
  const noMetadata = JSON.parse(
    new TextDecoder().decode(fixtureBytes("whatsapp_text.json")),
  );
  delete noMetadata.entry[0].changes[0].value.metadata;
  assert.throws(() => parseWhatsAppWebhook(enc(noMetadata)), /metadata/);
  // a sender id is digits: anything else would become a contact "number"
  const badFrom = JSON.parse(
    new TextDecoder().decode(fixtureBytes("whatsapp_text.json")),
  );
  badFrom.entry[0].changes[0].value.messages[0].from = "1555123000\uFFFD";
  assert.throws(
    () => parseWhatsAppWebhook(enc(badFrom)),
    /messages\.0\.from: from must be a WhatsApp id/,
  );
  const template = {
    object: "whatsapp_business_account",
    entry: [{
      id: "1",
      changes: [{
        field: "message_template_status_update",
        value: { event: "APPROVED" },
      }],
    }],
  };
  assert.deepEqual(parseWhatsAppWebhook(enc(template)), {
    messages: [],
    statuses: [],
  });
});

Deno.test("outbound media links are sent as the WhatsApp type their extension implies", () => {
  assert.equal(
    whatsappMediaType("https://cdn.example.com/a/photo.JPG?sig=1"),
    "image",
  );
  assert.equal(whatsappMediaType("https://cdn.example.com/clip.mp4"), "video");
  assert.equal(whatsappMediaType("https://cdn.example.com/note.ogg"), "audio");
  assert.equal(
    whatsappMediaType("https://cdn.example.com/invoice.pdf"),
    "document",
  );
});

async function withSimulator(
  fn: (sim: Awaited<ReturnType<typeof startCarrierSimulator>>) => Promise<void>,
) {
  const { privateKey } = await generateTelnyxKeyPair();
  const sim = await startCarrierSimulator({
    twilio: TEST_TWILIO,
    telnyx: { privateKey },
    whatsapp: {
      appSecret: TEST_WHATSAPP.appSecret,
      accessToken: TEST_WHATSAPP.accessToken,
    },
    appBaseUrl: "http://127.0.0.1:9",
    statusDelayMs: 60_000,
  });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

Deno.test("WhatsApp send posts text, media and reactions to /{phone_number_id}/messages", () =>
  withSimulator(async (sim) => {
    const wa = createWhatsAppAdapter({
      ...TEST_WHATSAPP,
      apiBase: `${sim.url}/v21.0`,
    });
    const base = {
      from: "+15550100002",
      fromPhoneNumberId: "100002",
      to: "+52 1 55 1234 5678",
      mediaUrls: [],
    };
    const text = await wa.send({ ...base, body: "¡Hola!" });
    assert.match(text.providerId, /^wamid\./);
    assert.equal(text.status, "queued");
    await wa.send({
      ...base,
      body: "the invoice",
      mediaUrls: ["https://cdn.example.com/invoice.pdf"],
    });
    await wa.send({
      ...base,
      body: "",
      reaction: { emoji: "❤️", targetProviderId: "wamid.abc" },
    });
    assert.deepEqual(
      sim.sent.map((
        s,
      ) => [s.to, s.fromPhoneNumberId, s.body, s.mediaUrls, s.reaction]),
      [
        ["+5215512345678", "100002", "¡Hola!", [], undefined],
        ["+5215512345678", "100002", "the invoice", [
          "https://cdn.example.com/invoice.pdf",
        ], undefined],
        ["+5215512345678", "100002", "", [], {
          emoji: "❤️",
          targetProviderId: "wamid.abc",
        }],
      ],
    );
  }));

Deno.test("WhatsApp sends that cannot work fail before any request", async () => {
  const base = {
    from: "+15550100002",
    fromPhoneNumberId: "100002",
    to: "+15551234567",
    body: "x",
    mediaUrls: [],
  };
  const noId = await offline.send({ ...base, fromPhoneNumberId: undefined })
    .catch((e) => e);
  assert.ok(
    noId instanceof CarrierError && !noId.retryable &&
      noId.code === "missing_phone_number_id",
  );
  const two = await offline.send({
    ...base,
    mediaUrls: ["https://x/a.jpg", "https://x/b.jpg"],
  }).catch((e) => e);
  assert.ok(
    two instanceof CarrierError && !two.retryable &&
      two.code === "too_many_media",
  );
  const captionedAudio = await offline.send({
    ...base,
    mediaUrls: ["https://x/a.ogg"],
  }).catch((e) => e);
  assert.ok(
    captionedAudio instanceof CarrierError &&
      captionedAudio.code === "caption_not_supported",
  );
});

Deno.test("a bad WhatsApp token is final; 5xx and Meta's throttling codes are retryable", () =>
  withSimulator(async (sim) => {
    const msg = {
      from: "+15550100002",
      fromPhoneNumberId: "100002",
      to: "+15551234567",
      body: "x",
      mediaUrls: [],
    };
    const wrong = createWhatsAppAdapter({
      ...TEST_WHATSAPP,
      accessToken: "expired",
      apiBase: sim.url,
    });
    const e401 = await wrong.send(msg).catch((e) => e);
    assert.ok(e401 instanceof CarrierError);
    assert.deepEqual([e401.retryable, e401.httpStatus, e401.code], [
      false,
      401,
      "190",
    ]);

    const wa = createWhatsAppAdapter({ ...TEST_WHATSAPP, apiBase: sim.url });
    sim.failNext(1, 500);
    const e500 = await wa.send(msg).catch((e) => e);
    assert.ok(
      e500 instanceof CarrierError && e500.retryable && e500.code === "131000",
    );
    assert.equal(sim.sent.length, 0);
  }));

Deno.test("Meta's pair rate limit arrives as HTTP 400 and is still retryable", async () => {
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    onListen: () => {},
  }, async (req) => {
    await req.body?.cancel();
    return Response.json({
      error: {
        message:
          "(#131056) (Business Account, Consumer Account) pair rate limit hit",
        code: 131056,
      },
    }, { status: 400 });
  });
  try {
    const wa = createWhatsAppAdapter({
      ...TEST_WHATSAPP,
      apiBase: `http://127.0.0.1:${server.addr.port}`,
    });
    const error = await wa.send({
      from: "+1",
      fromPhoneNumberId: "1",
      to: "+2",
      body: "x",
      mediaUrls: [],
    })
      .catch((e) => e);
    assert.ok(error instanceof CarrierError);
    assert.deepEqual([error.retryable, error.httpStatus, error.code], [
      true,
      400,
      "131056",
    ]);
    assert.match(error.message, /pair rate limit/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("WhatsApp fetchMedia only accepts whatsapp-media references", async () => {
  const error = await offline.fetchMedia("https://evil.example.com/steal-token")
    .catch((e) => e);
  assert.ok(
    error instanceof CarrierError && !error.retryable &&
      error.code === "bad_media_url",
  );
});
