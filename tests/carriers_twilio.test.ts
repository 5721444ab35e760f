import assert from "node:assert/strict";
import {
  computeTwilioSignature,
  createTwilioAdapter,
  parseTwilioStatus,
  validateTwilioSignature,
} from "../carriers/twilio.ts";
import { CarrierError, InvalidPayload } from "../carriers/types.ts";
import {
  generateTelnyxKeyPair,
  startCarrierSimulator,
} from "../carriers/simulator.ts";
import { formBody, TEST_TWILIO, webhook } from "./fixtures/carriers/harness.ts";

// Vectors published in twilio-node spec/validation.spec.js (token "12345").
const TOKEN = "12345";
const URL_ = "https://mycompany.com/myapp.php?foo=1&bar=2";
const PARAMS = {
  CallSid: "CA1234567890ABCDE",
  Caller: "+14158675309",
  Digits: "1234",
  From: "+14158675309",
  To: "+18005551212",
};
const SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
const JSON_BODY = '{"property": "value", "boolean": true}';
const JSON_BODY_HASH =
  "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

const valid = (
  signature: string,
  url: string,
  params: Record<string, string | string[]> = PARAMS,
) =>
  validateTwilioSignature(
    TOKEN,
    signature,
    url,
    new TextEncoder().encode(formBody(params)),
  );

Deno.test("Twilio's published signature vector is accepted", async () => {
  assert.equal(await computeTwilioSignature(TOKEN, URL_, PARAMS), SIGNATURE);
  assert.equal(await valid(SIGNATURE, URL_), true);
});

Deno.test("Twilio signatures are checked with and without the default port, as twilio-node does", async () => {
  // Signed with :443 added, checked against the port-less url.
  assert.equal(await valid("kvajT1Ptam85bY51eRf/AJRuM3w=", URL_), true);
  // Signed with :80 added to an http url.
  assert.equal(
    await valid("0ZXoZLH/DfblKGATFgpif+LLRf4=", URL_.replace("https", "http")),
    true,
  );
  // A non-standard port that was signed is kept…
  const http1234 = URL_.replace("https", "http").replace(".com", ".com:1234");
  assert.equal(await valid("Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", http1234), true);
  // …and one that was not signed is stripped.
  assert.equal(await valid(SIGNATURE, URL_.replace(".com", ".com:1234")), true);
});

Deno.test("Twilio signatures over urls with credentials and special characters verify", async () => {
  const withCreds = "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2";
  assert.equal(await valid("CukzLTc1tT5dXEDIHm/tKBanW10=", withCreds), true);
  assert.equal(await valid("ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=", withCreds), true);
  assert.equal(
    await valid(
      "2YRLlVAflCqxaNicjMpJcSTgzSs=",
      "https://user@mycompany.com/myapp.php?foo=1&bar=2",
    ),
    true,
  );
  assert.equal(
    await valid("dsq4Ehbj6cs+KdTkpF5sSSplOWw=", URL_ + "&Body=It's+amazing"),
    true,
  );
});

Deno.test("Twilio signatures cover every value of a repeated parameter, in any order", async () => {
  const sig = "83O6e2vORAoJHUNzJjDWN1jz+BA=";
  assert.equal(
    await valid(sig, URL_, {
      "MessagingBinding.Address": ["+1325xxxxxxx", "+1415xxxxxxx"],
    }),
    true,
  );
  assert.equal(
    await valid(sig, URL_, {
      "MessagingBinding.Address": ["+1415xxxxxxx", "+1325xxxxxxx"],
    }),
    true,
  );
  const multi = {
    Sid: "CA123",
    SidAccount: "AC123",
    Digits: ["5678", "1234", "1234"],
  };
  assert.equal(await valid("IK+Dwps556ElfBT0I3Rgjkr1wJU=", URL_, multi), true);
});

Deno.test("a url signed with an escaped quote verifies against the unescaped spelling", async () => {
  // twilio-node spec/unit/webhooks: both spellings of ' are the same url.
  const sig = await computeTwilioSignature(
    "s3cr3t",
    "https://example.com/path?test=param%27WithQuote",
    {},
  );
  const empty = new Uint8Array();
  assert.equal(
    await validateTwilioSignature(
      "s3cr3t",
      sig,
      "https://example.com/path?test=param'WithQuote",
      empty,
    ),
    true,
  );
  assert.equal(
    await validateTwilioSignature(
      "s3cr3t",
      sig,
      "https://example.com/path?test=param2",
      empty,
    ),
    false,
  );
});

Deno.test("Twilio's bodySHA256 variant pins a JSON body by hash", async () => {
  const enc = new TextEncoder();
  const urlWithHash = `${URL_}&bodySHA256=${JSON_BODY_HASH}`;
  assert.equal(
    await validateTwilioSignature(
      TOKEN,
      "a9nBmqA0ju/hNViExpshrM61xv4=",
      urlWithHash,
      enc.encode(JSON_BODY),
    ),
    true,
  );
  const emptyHash =
    "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
  assert.equal(
    await validateTwilioSignature(
      TOKEN,
      "Ldidvp12m26NI7eqEvxnEpkd9Hc=",
      `${URL_}&bodySHA256=${emptyHash}`,
      enc.encode("{}"),
    ),
    true,
  );
  const shortUrl =
    `https://mycompany.com/myapp.php?bodySHA256=${JSON_BODY_HASH}`;
  assert.equal(
    await validateTwilioSignature(
      TOKEN,
      "y77kIzt2vzLz71DgmJGsen2scGs=",
      shortUrl,
      enc.encode(JSON_BODY),
    ),
    true,
  );
  // Same signed url, different body: the hash no longer matches.
  assert.equal(
    await validateTwilioSignature(
      TOKEN,
      "a9nBmqA0ju/hNViExpshrM61xv4=",
      urlWithHash,
      enc.encode('{"property": "other"}'),
    ),
    false,
  );
});

Deno.test("tampered Twilio parameters, urls, tokens and signatures are rejected", async () => {
  assert.equal(
    await valid(SIGNATURE, URL_, { ...PARAMS, Digits: "9999" }),
    false,
  );
  assert.equal(await valid(SIGNATURE, URL_, { ...PARAMS, Extra: "1" }), false);
  assert.equal(
    await valid(SIGNATURE, URL_ + "&somethingUnexpected=true"),
    false,
  );
  assert.equal(
    await valid(SIGNATURE, URL_.replace("mycompany", "evil")),
    false,
  );
  assert.equal(
    await validateTwilioSignature(
      "54321",
      SIGNATURE,
      URL_,
      new TextEncoder().encode(formBody(PARAMS)),
    ),
    false,
  );
  assert.equal(await valid("WRONG_SIGNATURE", URL_), false);
  assert.equal(await valid("", URL_), false);
});

Deno.test("the Twilio adapter's verify reads the header and never throws", async () => {
  const adapter = createTwilioAdapter({
    accountSid: "AC1",
    authToken: TOKEN,
    apiBase: "http://127.0.0.1:1",
  });
  const body = formBody(PARAMS);
  assert.equal(
    await adapter.verify(
      webhook(URL_, body, { "X-Twilio-Signature": SIGNATURE }),
    ),
    true,
  );
  assert.equal(
    await adapter.verify(
      webhook(URL_, body, { "x-twilio-signature": SIGNATURE }),
    ),
    true,
  );
  assert.equal(await adapter.verify(webhook(URL_, body)), false);
  assert.equal(
    await adapter.verify(
      webhook("not a url", body, { "X-Twilio-Signature": SIGNATURE }),
    ),
    false,
  );
  assert.equal(
    await adapter.verify(
      webhook(URL_, new Uint8Array([0xff, 0xfe, 0x00]), {
        "X-Twilio-Signature": "x",
      }),
    ),
    false,
  );
});

const adapter = createTwilioAdapter({
  ...TEST_TWILIO,
  apiBase: "http://127.0.0.1:1",
});
const HOOK = "https://bandeja.example.com/webhooks/twilio";

Deno.test("a Twilio inbound SMS parses to one message", () => {
  const parsed = adapter.parse(webhook(
    HOOK,
    formBody({
      ToCountry: "US",
      SmsMessageSid: "SM1f0e8ae6ade43cb3c0ce4525424e404f",
      NumMedia: "0",
      SmsSid: "SM1f0e8ae6ade43cb3c0ce4525424e404f",
      SmsStatus: "received",
      Body: "Hi, is my order ready?",
      To: "+15550100001",
      NumSegments: "1",
      MessageSid: "SM1f0e8ae6ade43cb3c0ce4525424e404f",
      AccountSid: TEST_TWILIO.accountSid,
      From: "+15551234567",
      ApiVersion: "2010-04-01",
    }),
  ));
  assert.equal(parsed.statuses.length, 0);
  assert.equal(parsed.messages.length, 1);
  const [m] = parsed.messages;
  assert.deepEqual(
    { ...m, sentAt: typeof m.sentAt },
    {
      provider: "twilio",
      channel: "sms",
      providerId: "SM1f0e8ae6ade43cb3c0ce4525424e404f",
      from: "+15551234567",
      to: "+15550100001",
      body: "Hi, is my order ready?",
      media: [],
      sentAt: "number",
    },
  );
});

Deno.test("a Twilio MMS with two attachments keeps both, in order", () => {
  const base =
    "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MMabc/Media/";
  const { messages: [m] } = adapter.parse(webhook(
    HOOK,
    formBody({
      MessageSid: "MMabc",
      From: "+15551234567",
      To: "+15550100001",
      Body: "",
      NumMedia: "2",
      MediaUrl0: base + "ME111",
      MediaContentType0: "image/jpeg",
      MediaUrl1: base + "ME222",
      MediaContentType1: "application/pdf",
    }),
  ));
  assert.equal(m.body, "");
  assert.deepEqual(m.media, [
    {
      url: base + "ME111",
      contentType: "image/jpeg",
      providerMediaId: "ME111",
    },
    {
      url: base + "ME222",
      contentType: "application/pdf",
      providerMediaId: "ME222",
    },
  ]);
});

Deno.test("a WhatsApp message through Twilio loses the whatsapp: prefix and keeps the profile name", () => {
  const { messages: [m] } = adapter.parse(webhook(
    HOOK,
    formBody({
      MessageSid: "SMwa1",
      From: "whatsapp:+5215512345678",
      To: "whatsapp:+15550100002",
      Body: "Hola",
      NumMedia: "0",
      ProfileName: "Lupita",
      WaId: "5215512345678",
    }),
  ));
  assert.equal(m.channel, "whatsapp");
  assert.equal(m.from, "+5215512345678");
  assert.equal(m.to, "+15550100002");
  assert.equal(m.contactName, "Lupita");
});

Deno.test("a Twilio status callback parses to a status update", () => {
  const fields = {
    SmsSid: "SM5a0e4e0e1c",
    SmsStatus: "undelivered",
    MessageStatus: "undelivered",
    To: "+15551234567",
    MessageSid: "SM5a0e4e0e1c",
    AccountSid: TEST_TWILIO.accountSid,
    From: "+15550100001",
    ApiVersion: "2010-04-01",
    ErrorCode: "30003",
  };
  const parsed = adapter.parse(webhook(HOOK + "/status", formBody(fields)));
  assert.equal(parsed.messages.length, 0);
  assert.equal(parsed.statuses.length, 1);
  const [s] = parsed.statuses;
  assert.equal(s.provider, "twilio");
  assert.equal(s.providerId, "SM5a0e4e0e1c");
  assert.equal(s.status, "undelivered");
  assert.equal(s.errorCode, "30003");
  const sending = parseTwilioStatus(
    webhook(HOOK, formBody({ MessageSid: "SM1", MessageStatus: "sending" })),
  );
  assert.equal(sending.statuses[0].status, "queued");
  const read = parseTwilioStatus(
    webhook(HOOK, formBody({ MessageSid: "SM1", MessageStatus: "read" })),
  );
  assert.equal(read.statuses[0].status, "read");
});

Deno.test("a Twilio status we have no word for is ignored, not an error", () => {
  const parsed = parseTwilioStatus(
    webhook(HOOK, formBody({ MessageSid: "SM1", MessageStatus: "received" })),
  );
  assert.deepEqual(parsed, { messages: [], statuses: [] });
});

Deno.test("malformed Twilio webhooks throw InvalidPayload", () => {
  assert.throws(
    () =>
      adapter.parse(
        webhook(HOOK, formBody({ From: "+1555", To: "+1555", Body: "hi" })),
      ),
    InvalidPayload,
  );
  assert.throws(
    () => adapter.parse(webhook(HOOK, formBody({ MessageStatus: "sent" }))),
    InvalidPayload,
  );
  assert.throws(
    () =>
      adapter.parse(
        webhook(
          HOOK,
          formBody({
            MessageSid: "MM1",
            From: "+1",
            To: "+2",
            NumMedia: "2",
            MediaUrl0: "https://x/1",
          }),
        ),
      ),
    /MediaUrl1/,
  );
  assert.throws(
    () =>
      adapter.parse(
        webhook(
          HOOK,
          formBody({
            MessageSid: "MM1",
            From: "+1",
            To: "+2",
            NumMedia: "lots",
          }),
        ),
      ),
    InvalidPayload,
  );
});

async function withSimulator(
  fn: (sim: Awaited<ReturnType<typeof startCarrierSimulator>>) => Promise<void>,
) {
  const { privateKey } = await generateTelnyxKeyPair();
  const sim = await startCarrierSimulator({
    twilio: TEST_TWILIO,
    telnyx: { privateKey },
    whatsapp: { appSecret: "x" },
    appBaseUrl: "http://127.0.0.1:9", // nothing listens: no callbacks are requested here
  });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

Deno.test("Twilio send posts the documented form and returns the sid", () =>
  withSimulator(async (sim) => {
    const twilio = createTwilioAdapter({ ...TEST_TWILIO, apiBase: sim.url });
    const result = await twilio.send({
      from: "+15550100001",
      to: "+15551234567",
      body: "Your order is ready",
      mediaUrls: [
        "https://cdn.example.com/a.jpg",
        "https://cdn.example.com/b.png",
      ],
    });
    assert.match(result.providerId, /^MM[0-9a-f]{32}$/);
    assert.equal(result.status, "queued");
    assert.equal(sim.sent.length, 1);
    assert.equal(sim.sent[0].providerId, result.providerId);
    assert.equal(sim.sent[0].body, "Your order is ready");
    assert.deepEqual(sim.sent[0].mediaUrls, [
      "https://cdn.example.com/a.jpg",
      "https://cdn.example.com/b.png",
    ]);
  }));

Deno.test("a wrong Twilio token is a 401 that is not worth retrying", () =>
  withSimulator(async (sim) => {
    const twilio = createTwilioAdapter({
      ...TEST_TWILIO,
      authToken: "wrong",
      apiBase: sim.url,
    });
    const error = await twilio.send({
      from: "+15550100001",
      to: "+15551234567",
      body: "hi",
      mediaUrls: [],
    })
      .catch((e) => e);
    assert.ok(error instanceof CarrierError);
    assert.equal(error.retryable, false);
    assert.equal(error.httpStatus, 401);
    assert.equal(error.code, "20003");
    assert.equal(sim.sent.length, 0);
  }));

Deno.test("Twilio 5xx and 429 answers are retryable, a 400 is not", () =>
  withSimulator(async (sim) => {
    const twilio = createTwilioAdapter({ ...TEST_TWILIO, apiBase: sim.url });
    const msg = {
      from: "+15550100001",
      to: "+15551234567",
      body: "hi",
      mediaUrls: [],
    };
    sim.failNext(1, 503);
    const e503 = await twilio.send(msg).catch((e) => e);
    assert.ok(
      e503 instanceof CarrierError && e503.retryable && e503.httpStatus === 503,
    );
    sim.failNext(1, 429);
    const e429 = await twilio.send(msg).catch((e) => e);
    assert.ok(
      e429 instanceof CarrierError && e429.retryable && e429.code === "20429",
    );
    const e400 = await twilio.send({ ...msg, to: "" }).catch((e) => e);
    assert.ok(
      e400 instanceof CarrierError && !e400.retryable && e400.code === "21604",
    );
    assert.equal((await twilio.send(msg)).status, "queued");
  }));
