/**
 * Fuzzing the doors a stranger can knock on: every webhook parser and the
 * webhook and form endpoints, with random and mutated payloads, wrong
 * content types, huge bodies, invalid UTF-8 and deeply nested JSON. The
 * answer is never a 5xx and nothing is written. Seeded, so a failure can be
 * replayed: FUZZ_SEED=<n> deno task test.
 */
import assert from "node:assert/strict";
import { demoTelnyxKeys } from "../carriers/registry.ts";
import {
  computeTwilioSignature,
  decodeForm,
  parseTwilioInbound,
} from "../carriers/twilio.ts";
import { parseTelnyxWebhook } from "../carriers/telnyx.ts";
import {
  computeWhatsAppSignature,
  parseWhatsAppWebhook,
} from "../carriers/whatsapp.ts";
import { InvalidPayload } from "../carriers/types.ts";
import { fromBase64, toBase64 } from "../carriers/signing.ts";
import { loggedIn, TEST_SECRETS, type TestApp, testApp } from "./helpers.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? Date.now() % 1_000_000);
console.log(`fuzz seed ${SEED}`);

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TWILIO_SAMPLE =
  "MessageSid=SM0123&From=%2B15551230001&To=%2B15550100001&Body=Hello&NumMedia=1&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm%2F1&MediaContentType0=image%2Fjpeg";
const TELNYX_SAMPLE = JSON.stringify({
  data: {
    event_type: "message.received",
    id: "e1",
    occurred_at: "2026-01-01T00:00:00Z",
    payload: {
      id: "p1",
      from: { phone_number: "+15551230001" },
      to: [{ phone_number: "+15550100001" }],
      text: "Hello",
      media: [{ url: "https://x.test/a.jpg", content_type: "image/jpeg" }],
    },
  },
});
const WHATSAPP_SAMPLE = JSON.stringify({
  object: "whatsapp_business_account",
  entry: [{
    id: "1",
    changes: [{
      field: "messages",
      value: {
        messaging_product: "whatsapp",
        metadata: {
          display_phone_number: "15550100002",
          phone_number_id: "100002",
        },
        contacts: [{ profile: { name: "Ana" }, wa_id: "15551230001" }],
        messages: [{
          from: "15551230001",
          id: "wamid.1",
          timestamp: "1700000000",
          type: "text",
          text: { body: "Hi" },
        }],
      },
    }],
  }],
});

/** A payload: random bytes, a mutated sample, or a pathological shape. */
function payload(
  r: () => number,
  sample: string,
): Uint8Array<ArrayBuffer> {
  const enc = new TextEncoder();
  const kind = Math.floor(r() * 7);
  if (kind === 0) {
    return crypto.getRandomValues(new Uint8Array(Math.floor(r() * 2048)));
  }
  if (kind === 1) {
    const b = enc.encode(sample);
    for (let i = 0; i < 1 + r() * 8; i++) {
      b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
    }
    return b;
  }
  if (kind === 2) {
    const s = sample.split("");
    const cut = Math.floor(r() * s.length);
    return enc.encode(s.slice(0, cut).join(""));
  }
  if (kind === 3) {
    const depth = 200 + Math.floor(r() * 5000);
    return enc.encode("[".repeat(depth) + "]".repeat(depth));
  }
  if (kind === 4) {
    return new Uint8Array([
      0xff,
      0xfe,
      0xc3,
      0x28,
      ...enc.encode(sample),
      0xe2,
      0x82,
    ]);
  }
  if (kind === 5) {
    // right shape, wrong types
    return enc.encode(
      sample.replace(
        /"[^"]*"/g,
        (m) =>
          r() < 0.3 ? String(Math.floor(r() * 1e6)) : r() < 0.2 ? "null" : m,
      ),
    );
  }
  return enc.encode(
    JSON.stringify({
      data: { payload: "x".repeat(Math.floor(r() * 500)) },
      entry: [null, 1, "s"],
    }),
  );
}

Deno.test("the three webhook parsers answer garbage with InvalidPayload or a clean parse, never another error", () => {
  const r = rng(SEED);
  const parsers: [string, (b: Uint8Array) => unknown][] = [
    [
      TWILIO_SAMPLE,
      (b) =>
        parseTwilioInbound({
          url: "https://example.test/webhooks/twilio",
          headers: new Headers(),
          rawBody: b,
        }),
    ],
    [TELNYX_SAMPLE, parseTelnyxWebhook],
    [WHATSAPP_SAMPLE, parseWhatsAppWebhook],
  ];
  let invalid = 0, parsed = 0;
  for (let i = 0; i < 600; i++) {
    const [sample, parse] = parsers[i % 3];
    const body = payload(r, sample);
    try {
      parse(body);
      parsed++;
    } catch (err) {
      assert.ok(
        err instanceof InvalidPayload,
        `unexpected ${err} for seed ${SEED} case ${i}`,
      );
      invalid++;
    }
  }
  assert.ok(invalid > 100, "most garbage is refused");
  assert.equal(invalid + parsed, 600);
});

async function countAll(t: TestApp): Promise<string> {
  const tables = [
    "messages",
    "contacts",
    "conversations",
    "events",
    "jobs",
    "attachments",
    "opt_outs",
  ];
  const counts = [];
  for (const table of tables) {
    counts.push(
      Number(
        (await t.db.client.execute(`SELECT count(*) AS n FROM ${table}`))
          .rows[0].n,
      ),
    );
  }
  return counts.join(",");
}

async function signFor(
  provider: string,
  url: string,
  body: Uint8Array,
): Promise<Record<string, string>> {
  if (provider === "twilio") {
    return {
      "x-twilio-signature": await computeTwilioSignature(
        TEST_SECRETS.twilioAuthToken,
        url,
        decodeForm(body),
      ),
    };
  }
  if (provider === "whatsapp") {
    return {
      "x-hub-signature-256": await computeWhatsAppSignature(
        TEST_SECRETS.whatsappAppSecret,
        body,
      ),
    };
  }
  const ts = String(Math.floor(Date.now() / 1000));
  const key = await crypto.subtle.importKey(
    "pkcs8",
    fromBase64((await demoTelnyxKeys()).privateKey)!,
    { name: "Ed25519" },
    false,
    ["sign"],
  );
  const signed = new Uint8Array([
    ...new TextEncoder().encode(`${ts}|`),
    ...body,
  ]);
  const sig = new Uint8Array(await crypto.subtle.sign("Ed25519", key, signed));
  return { "telnyx-signature-ed25519": toBase64(sig), "telnyx-timestamp": ts };
}

Deno.test("signed garbage to every webhook is a 4xx, never a 5xx, and writes nothing", async () => {
  const t = await testApp();
  try {
    const r = rng(SEED + 1);
    const before = await countAll(t);
    const routes: [string, string, string][] = [
      [
        "twilio",
        "/webhooks/twilio",
        TWILIO_SAMPLE.replace("To=%2B15550100001", "To=%2B19990000000"),
      ],
      [
        "twilio",
        "/webhooks/twilio/status",
        "MessageSid=SM1&MessageStatus=delivered",
      ],
      [
        "telnyx",
        "/webhooks/telnyx",
        TELNYX_SAMPLE.replace("+15550100001", "+19990000000"),
      ],
      [
        "whatsapp",
        "/webhooks/whatsapp",
        // both the number's id and its display number: unknown to us
        WHATSAPP_SAMPLE.replaceAll("100002", "999999"),
      ],
    ];
    const types = [
      "application/x-www-form-urlencoded",
      "application/json",
      "text/plain",
      "multipart/form-data; boundary=x",
      "",
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 240; i++) {
      const [provider, path, sample] = routes[i % routes.length];
      const body = payload(r, sample);
      const url = `${t.origin}${path}`;
      const signed = r() < 0.8;
      const headers: Record<string, string> = signed
        ? await signFor(provider, url, body)
        : { "x-twilio-signature": "AAAA", "x-hub-signature-256": "sha256=00" };
      const type = types[Math.floor(r() * types.length)];
      if (type) headers["content-type"] = type;
      const res = await t.app.request(url, { method: "POST", headers, body });
      await res.body?.cancel();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(
        res.status < 500,
        `${path} answered ${res.status} (seed ${SEED}, case ${i})`,
      );
    }
    // the samples name numbers we do not have: even a clean parse stores nothing
    assert.equal(
      await countAll(t),
      before,
      `rows changed; statuses ${[...statuses]}`,
    );
    assert.ok(statuses.has(400) || statuses.has(403));
  } finally {
    await t.close();
  }
});

Deno.test("huge bodies are refused with 413 before they are parsed", async () => {
  const t = await testApp();
  try {
    const big = new Uint8Array(2 * 1024 * 1024).fill(0x61);
    for (
      const path of [
        "/webhooks/twilio",
        "/webhooks/telnyx",
        "/webhooks/whatsapp",
        "/login",
      ]
    ) {
      const res = await t.app.request(`${t.origin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: t.origin },
        body: big,
      });
      await res.body?.cancel();
      assert.equal(res.status, 413, path);
    }
  } finally {
    await t.close();
  }
});

Deno.test("garbage posted to the reply and login forms is refused without a 5xx or a write", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const r = rng(SEED + 2);
    const before = await countAll(t);
    for (let i = 0; i < 80; i++) {
      const body = payload(r, "body=hello&client_key=abcdefgh1234");
      const type = [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=zz",
        "application/json",
        "text/plain",
      ][i % 4];
      const res = await ana.request(
        `/conversations/${1000 + i}/messages`,
        {
          method: "POST",
          headers: {
            "content-type": type,
            "x-csrf-token": ana.csrf,
            "hx-request": "true",
          },
          body,
        },
      );
      await res.body?.cancel();
      assert.ok(
        res.status < 500,
        `reply answered ${res.status} (seed ${SEED}, case ${i})`,
      );
      const login = await t.app.request(`${t.origin}/login`, {
        method: "POST",
        headers: { "content-type": type, origin: t.origin },
        body,
      });
      await login.body?.cancel();
      assert.ok(login.status < 500, `login answered ${login.status}`);
    }
    // failed logins are recorded for the brute-force limit; nothing else
    assert.deepEqual(
      (await countAll(t)).split(",").slice(0, 6),
      before.split(",").slice(0, 6),
    );
    // to a conversation ana may write in, garbage may even be a valid
    // reply; what matters is that nothing answers 5xx
    for (let i = 0; i < 40; i++) {
      const res = await ana.request("/conversations/1/messages", {
        method: "POST",
        headers: {
          "content-type": i % 2
            ? "multipart/form-data; boundary=q"
            : "application/x-www-form-urlencoded",
          "x-csrf-token": ana.csrf,
          "hx-request": "true",
        },
        body: payload(r, "body=hello&client_key=abcdefgh1234"),
      });
      await res.body?.cancel();
      assert.ok(
        res.status < 500,
        `reply to conversation 1 answered ${res.status}`,
      );
    }
  } finally {
    await t.close();
  }
});
