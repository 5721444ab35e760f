/**
 * What the carrier integration tests share: webhook requests signed the way
 * each provider signs them, the provider payload shapes, small real files,
 * and row counts to prove a rejected request wrote nothing.
 */
import { demoTelnyxKeys } from "../carriers/registry.ts";
import { fromBase64, toBase64, utf8 } from "../carriers/signing.ts";
import {
  TELNYX_SIGNATURE_HEADER,
  TELNYX_TIMESTAMP_HEADER,
  telnyxSignedPayload,
} from "../carriers/telnyx.ts";
import {
  computeTwilioSignature,
  TWILIO_SIGNATURE_HEADER,
} from "../carriers/twilio.ts";
import {
  computeWhatsAppSignature,
  WHATSAPP_SIGNATURE_HEADER,
} from "../carriers/whatsapp.ts";
import type { Db } from "../db/client.ts";
import { type OutboxOptions, OutboxWorker } from "../services/outbox.ts";
import { TEST_SECRETS, type TestApp } from "./helpers.ts";

/** Rows of a query, as plain records. */
export async function q(
  t: { db: Db },
  sql: string,
  args: (string | number | null)[] = [],
): Promise<Record<string, unknown>[]> {
  return (await t.db.client.execute({ sql, args })).rows as unknown as Record<
    string,
    unknown
  >[];
}

/** Every table a webhook may write to. */
const WRITTEN_BY_WEBHOOKS = [
  "messages",
  "contacts",
  "conversations",
  "events",
  "jobs",
  "attachments",
  "opt_outs",
  "status_orphans",
];

/** Row counts of the tables webhooks write, to compare before and after. */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of WRITTEN_BY_WEBHOOKS) {
    const rs = await db.client.execute(`select count(*) as n from ${table}`);
    out[table] = Number(rs.rows[0].n);
  }
  return out;
}

/** The conversation between a contact and one of our numbers (newest). */
export async function conversationOf(
  t: { db: Db },
  contact: string,
  number: string,
): Promise<{ id: number; status: string; spam: number; inboxId: number }> {
  const [row] = await q(
    t,
    `select c.id, c.status, c.spam, c.inbox_id from conversations c
      join contacts k on k.id = c.contact_id
      join phone_numbers n on n.id = c.number_id
      where k.e164 = ? and n.e164 = ? order by c.id desc limit 1`,
    [contact, number],
  );
  if (!row) throw new Error(`no conversation ${contact} ↔ ${number}`);
  return {
    id: Number(row.id),
    status: String(row.status),
    spam: Number(row.spam),
    inboxId: Number(row.inbox_id),
  };
}

/**
 * An outbox worker of our own on the app's database and carriers (not
 * started); `opts` overrides the test defaults (no rate limit, fast polls).
 */
export function outboxFor(
  t: TestApp,
  opts: Partial<OutboxOptions> = {},
): OutboxWorker {
  return new OutboxWorker({
    db: t.db,
    clock: t.clock,
    carriers: t.deps.carriers,
    media: t.deps.media,
    publicUrl: t.deps.config.publicUrl,
    mediaUrlSecret: t.deps.mediaUrlSecret,
    ratePerSecond: 0,
    pollMs: 50,
    backoffBaseMs: 20,
    ...opts,
  });
}

// ---- Twilio --------------------------------------------------------------

/** A Twilio inbound-message form, as Twilio posts it. */
export function twilioInbound(
  p: { sid?: string; from: string; to: string; body: string },
): Record<string, string> {
  const sid = p.sid ?? `SM${crypto.randomUUID().replaceAll("-", "")}`;
  return {
    MessageSid: sid,
    SmsMessageSid: sid,
    SmsSid: sid,
    AccountSid: TEST_SECRETS.twilioAccountSid,
    From: p.from,
    To: p.to,
    Body: p.body,
    NumMedia: "0",
    NumSegments: "1",
    SmsStatus: "received",
    ApiVersion: "2010-04-01",
  };
}

/**
 * A POST to a Twilio webhook path of the app at `origin` (its PUBLIC_URL),
 * signed over that URL and the form; `signature: null` leaves the header out.
 */
export async function twilioRequest(
  origin: string,
  path: string,
  params: Record<string, string>,
  opts: { signature?: string | null; token?: string } = {},
): Promise<Request> {
  const headers = new Headers({
    "content-type": "application/x-www-form-urlencoded",
  });
  const signature = opts.signature !== undefined
    ? opts.signature
    : await computeTwilioSignature(
      opts.token ?? TEST_SECRETS.twilioAuthToken,
      origin + path,
      params,
    );
  if (signature !== null) headers.set(TWILIO_SIGNATURE_HEADER, signature);
  return new Request(origin + path, {
    method: "POST",
    headers,
    body: new URLSearchParams(params).toString(),
  });
}

// ---- Telnyx --------------------------------------------------------------

/** A Telnyx message.received event (the shape of their published example). */
export function telnyxInbound(
  p: { id?: string; from: string; to: string; text: string },
): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    data: {
      record_type: "event",
      id: crypto.randomUUID(),
      event_type: "message.received",
      occurred_at: now,
      payload: {
        record_type: "message",
        direction: "inbound",
        id: p.id ?? crypto.randomUUID(),
        type: "SMS",
        from: {
          phone_number: p.from,
          carrier: "T-MOBILE USA, INC.",
          line_type: "Wireless",
        },
        to: [{
          phone_number: p.to,
          status: "webhook_delivered",
          carrier: "TELNYX LLC",
          line_type: "VoIP",
        }],
        cc: [],
        text: p.text,
        media: [],
        encoding: "GSM-7",
        parts: 1,
        received_at: now,
        errors: [],
      },
    },
    meta: { attempt: 1, delivered_to: "http://localhost:8000/webhooks/telnyx" },
  };
}

let telnyxKey: Promise<CryptoKey> | null = null;

/** The demo private key the app's default TELNYX_PUBLIC_KEY belongs to. */
function telnyxPrivateKey(): Promise<CryptoKey> {
  telnyxKey ??= demoTelnyxKeys().then(({ privateKey }) =>
    crypto.subtle.importKey(
      "pkcs8",
      fromBase64(privateKey)!,
      { name: "Ed25519" },
      false,
      ["sign"],
    )
  );
  return telnyxKey;
}

/**
 * A POST to /webhooks/telnyx signed with Ed25519 over `timestamp|body`, as
 * Telnyx signs. `timestamp` is unix seconds (default: now).
 */
export async function telnyxRequest(
  origin: string,
  payload: unknown,
  opts: {
    timestamp?: number;
    signature?: string | null;
    key?: CryptoKey;
  } = {},
): Promise<Request> {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = opts.signature !== undefined ? opts.signature : toBase64(
    new Uint8Array(
      await crypto.subtle.sign(
        { name: "Ed25519" },
        opts.key ?? await telnyxPrivateKey(),
        telnyxSignedPayload(timestamp, utf8(body)),
      ),
    ),
  );
  const headers = new Headers({
    "content-type": "application/json",
    [TELNYX_TIMESTAMP_HEADER]: timestamp,
  });
  if (signature !== null) headers.set(TELNYX_SIGNATURE_HEADER, signature);
  return new Request(`${origin}/webhooks/telnyx`, {
    method: "POST",
    headers,
    body,
  });
}

// ---- WhatsApp ------------------------------------------------------------

/** A WhatsApp Cloud API text message notification. */
export function whatsappInbound(
  p: {
    wamid?: string;
    from: string;
    phoneNumberId?: string;
    /** our number as Meta shows it (digits) */
    displayNumber?: string;
    text: string;
    name?: string;
  },
): Record<string, unknown> {
  const waId = p.from.replace(/\D/g, "");
  return {
    object: "whatsapp_business_account",
    entry: [{
      id: "102290129340398",
      changes: [{
        value: {
          messaging_product: "whatsapp",
          metadata: {
            display_phone_number: p.displayNumber ?? "15550100002",
            phone_number_id: p.phoneNumberId ?? "100002",
          },
          contacts: [{
            profile: { name: p.name ?? "Sheena Nelson" },
            wa_id: waId,
          }],
          messages: [{
            from: waId,
            id: p.wamid ??
              `wamid.${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`,
            timestamp: String(Math.floor(Date.now() / 1000)),
            type: "text",
            text: { body: p.text },
          }],
        },
        field: "messages",
      }],
    }],
  };
}

/** A POST to /webhooks/whatsapp with Meta's `X-Hub-Signature-256`. */
export async function whatsappRequest(
  origin: string,
  payload: unknown,
  opts: { signature?: string | null; secret?: string } = {},
): Promise<Request> {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const signature = opts.signature !== undefined
    ? opts.signature
    : await computeWhatsAppSignature(
      opts.secret ?? TEST_SECRETS.whatsappAppSecret,
      utf8(body),
    );
  const headers = new Headers({ "content-type": "application/json" });
  if (signature !== null) headers.set(WHATSAPP_SIGNATURE_HEADER, signature);
  return new Request(`${origin}/webhooks/whatsapp`, {
    method: "POST",
    headers,
    body,
  });
}

// ---- files ---------------------------------------------------------------

/** A real 1×1 PNG. */
export const PNG_1X1 = fromBase64(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
)!;

/** A minimal PDF. */
export const PDF_MINIMAL = utf8(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" +
    "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
    "trailer<</Root 1 0 R>>\n%%EOF\n",
);

/** The first page of an Ogg/Opus voice note (capture pattern + OpusHead). */
export const OGG_OPUS_HEAD = new Uint8Array([
  ...utf8("OggS"),
  0x00, // version
  0x02, // beginning of stream
  ...new Array(20).fill(0), // granule, serial, sequence, checksum
  0x01, // one segment
  0x13, // of 19 bytes
  ...utf8("OpusHead"),
  0x01, // version
  0x01, // one channel
  0x38,
  0x01, // pre-skip 312
  0x80,
  0xbb,
  0x00,
  0x00, // 48 kHz
  0x00,
  0x00, // gain
  0x00, // mapping family
]);
