/**
 * A loopback stand-in for Twilio, Telnyx and the WhatsApp Cloud API.
 *
 * It answers the three REST APIs the adapters call (same paths, auth and
 * JSON shapes as the real ones), serves media, and plays the provider's part
 * in the other direction: it posts correctly signed inbound webhooks and
 * delivery callbacks to our app. Tests and the demo point `*_API_BASE` at it.
 *
 * As a program:
 *
 * ```sh
 * deno run -A carriers/simulator.ts                 # serve, configured by env
 * deno run -A carriers/simulator.ts inject --provider twilio \
 *   --from +15551234567 --to +15550100001 --body hi [--media photo.jpg]
 * ```
 *
 * @module
 */

import { z } from "zod";
import type { Provider } from "./types.ts";
import { computeTwilioSignature, decodeForm } from "./twilio.ts";
import { callProvider } from "./provider_http.ts";
import {
  TELNYX_SIGNATURE_HEADER,
  TELNYX_TIMESTAMP_HEADER,
  telnyxSignedPayload,
} from "./telnyx.ts";
import {
  computeWhatsAppSignature,
  WHATSAPP_SIGNATURE_HEADER,
} from "./whatsapp.ts";
import {
  constantTimeEqual,
  fromBase64,
  sha256Hex,
  toBase64,
  toHex,
  utf8,
} from "./signing.ts";

/** Options for {@linkcode startCarrierSimulator}. */
export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  hostname?: string;
  twilio: { accountSid: string; authToken: string };
  telnyx: {
    /** Signs webhooks: a CryptoKey, or base64 PKCS#8 (see generateTelnyxKeyPair). */
    privateKey: CryptoKey | string;
    /** When set, sends must present exactly this Bearer key; otherwise any. */
    apiKey?: string;
  };
  whatsapp: {
    appSecret: string;
    /** When set, Graph calls must present exactly this Bearer token; otherwise any. */
    accessToken?: string;
    /** Our WhatsApp numbers (E.164) → phone_number_id; else the digits are the id. */
    phoneNumberIds?: Record<string, string>;
  };
  /** Where our webhooks are reachable, e.g. http://127.0.0.1:8000. */
  appBaseUrl: string;
  /** What Twilio signs and what callback URLs start with; default appBaseUrl. */
  publicUrl?: string;
  /** Pause before each delivery callback, in ms (default 25). */
  statusDelayMs?: number;
}

/** One message the simulator accepted for sending. */
export interface SentRecord {
  provider: Provider;
  providerId: string;
  /** Our number (WhatsApp: E.164 when known from phoneNumberIds, else phone_number_id). */
  from: string;
  /** The customer (WhatsApp: "+" + digits). */
  to: string;
  body: string;
  mediaUrls: string[];
  at: number;
  statusCallbackUrl?: string;
  fromPhoneNumberId?: string;
  reaction?: { emoji: string; targetProviderId: string };
}

/** One delivery callback the simulator posted to the app. */
export interface CallbackRecord {
  provider: Provider;
  providerId: string;
  /** The provider's own status word ("sent", "delivery_failed", …). */
  status: string;
  url: string;
  /** The app's answer, or null when the request itself failed. */
  httpStatus: number | null;
}

/** An inbound message to post to the app as a provider would. */
export interface InjectInbound {
  provider: Provider;
  /** The customer, E.164 (Twilio may use "whatsapp:+…"). */
  from: string;
  /** Our number, E.164. */
  to: string;
  body?: string;
  media?: Array<{ contentType: string; bytes: Uint8Array }>;
  /** WhatsApp phone_number_id; default from options.phoneNumberIds or the digits of `to`. */
  phoneNumberId?: string;
  /** WhatsApp profile name / Twilio ProfileName. */
  contactName?: string;
  /** WhatsApp only: send a reaction instead of text. */
  reaction?: { emoji: string; targetProviderId: string };
}

/** Options for {@linkcode CarrierSimulator.injectRaw}. */
export interface InjectRawOptions {
  /** Webhook path on the app; default /webhooks/<provider>. */
  path?: string;
  /** Replace the computed signature header value (to test rejection). */
  signature?: string;
  /** Telnyx: unix seconds to stamp and sign with (default now). */
  timestamp?: number;
}

/** A running simulator. */
export interface CarrierSimulator {
  /** Base url serving all three APIs, e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  /** Everything accepted for sending, in order. */
  readonly sent: SentRecord[];
  /** Every delivery callback posted, in order. */
  readonly callbacks: CallbackRecord[];
  /** The next `n` sends (any provider) answer with HTTP `status`. */
  failNext(n: number, status?: number): void;
  /** Sends to this number are accepted, then reported as not delivered. */
  markFailing(number: string): void;
  /** Posts a signed inbound webhook; resolves with the app's answer. */
  injectInbound(
    msg: InjectInbound,
  ): Promise<{ status: number; providerId: string; responseBody: string }>;
  /** Signs and posts a crafted payload (form fields for Twilio, JSON otherwise). */
  injectRaw(
    provider: Provider,
    payload: unknown,
    options?: InjectRawOptions,
  ): Promise<{ status: number; body: string }>;
  /** Resolves once every scheduled delivery callback has been posted. */
  pendingCallbacks(): Promise<void>;
  /** Stops the server, timers and callbacks. */
  close(): Promise<void>;
}

// Ed25519 PKCS#8 is a fixed 16-byte header followed by the 32-byte seed.
const ED25519_PKCS8_PREFIX = new Uint8Array([
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
]);

/** A fresh Telnyx-style key pair: base64 raw public key, base64 PKCS#8 private key. */
export async function generateTelnyxKeyPair(): Promise<
  { publicKey: string; privateKey: string }
> {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  return {
    publicKey: toBase64(
      new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)),
    ),
    privateKey: toBase64(
      new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey)),
    ),
  };
}

/**
 * A deterministic key pair from a 32-byte seed, so a demo app and simulator
 * can agree on keys through configuration alone.
 */
export async function telnyxKeyPairFromSeed(
  seed: Uint8Array,
): Promise<{ publicKey: string; privateKey: string }> {
  if (seed.length !== 32) throw new Error("an Ed25519 seed is 32 bytes");
  const pkcs8 = new Uint8Array(48);
  pkcs8.set(ED25519_PKCS8_PREFIX);
  pkcs8.set(seed, 16);
  return {
    publicKey: await telnyxPublicKeyOf(toBase64(pkcs8)),
    privateKey: toBase64(pkcs8),
  };
}

/** The base64 raw public key belonging to a base64 PKCS#8 Ed25519 private key. */
export async function telnyxPublicKeyOf(privateKey: string): Promise<string> {
  const key = await importTelnyxPrivateKey(privateKey, true);
  const jwk = await crypto.subtle.exportKey("jwk", key);
  const b64url = jwk.x ?? "";
  return btoa(atob(b64url.replace(/-/g, "+").replace(/_/g, "/")));
}

function importTelnyxPrivateKey(
  privateKey: string,
  extractable = false,
): Promise<CryptoKey> {
  const bytes = fromBase64(privateKey);
  if (!bytes) throw new Error("Telnyx private key must be base64 PKCS#8");
  return crypto.subtle.importKey(
    "pkcs8",
    bytes,
    { name: "Ed25519" },
    extractable,
    ["sign"],
  );
}

function randomHex(bytes: number): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

function digits(number: string): string {
  return number.replace(/\D/g, "");
}

function json(
  data: unknown,
  status = 200,
  headers: HeadersInit = {},
): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

interface StoredMedia {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string;
  /** WhatsApp media wants the Bearer token even on the file link. */
  needsBearer: boolean;
}

const WHATSAPP_VERSION_PREFIX = /^\/v\d+(?:\.\d+)?(?=\/)/;

/** Starts the simulator; `close()` it when done. */
export async function startCarrierSimulator(
  options: SimulatorOptions,
): Promise<CarrierSimulator> {
  const appBaseUrl = options.appBaseUrl.replace(/\/+$/, "");
  const publicUrl = (options.publicUrl ?? appBaseUrl).replace(/\/+$/, "");
  const statusDelayMs = options.statusDelayMs ?? 25;
  const telnyxKey = typeof options.telnyx.privateKey === "string"
    ? await importTelnyxPrivateKey(options.telnyx.privateKey)
    : options.telnyx.privateKey;
  const twilioAuth = "Basic " +
    toBase64(utf8(`${options.twilio.accountSid}:${options.twilio.authToken}`));
  const phoneNumberIds = options.whatsapp.phoneNumberIds ?? {};

  const sent: SentRecord[] = [];
  const callbacks: CallbackRecord[] = [];
  const media = new Map<string, StoredMedia>();
  const failing = new Set<string>();
  let failures = { remaining: 0, status: 500 };
  let closed = false;
  const inflight = new Set<Promise<void>>();
  const sleepers = new Map<ReturnType<typeof setTimeout>, () => void>();
  const closing = new AbortController();

  const server = Deno.serve(
    {
      port: options.port ?? 0,
      hostname: options.hostname ?? "127.0.0.1",
      onListen: () => {},
    },
    async (req) => {
      try {
        return await route(req);
      } catch (error) {
        return json({ error: String(error) }, 500);
      }
    },
  );
  const url = `http://${options.hostname ?? "127.0.0.1"}:${server.addr.port}`;

  // ---- plumbing -----------------------------------------------------------

  /** Callback urls name the public host; we post to where the app listens. */
  function reachable(target: string): string {
    return target.startsWith(publicUrl)
      ? appBaseUrl + target.slice(publicUrl.length)
      : target;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (closed) return resolve();
      const id = setTimeout(() => {
        sleepers.delete(id);
        resolve();
      }, ms);
      sleepers.set(id, resolve);
    });
  }

  function track(task: Promise<void>) {
    inflight.add(task);
    task.finally(() => inflight.delete(task));
  }

  async function post(
    target: string,
    body: string | Uint8Array<ArrayBuffer>,
    headers: HeadersInit,
  ) {
    // Providers give up on a slow webhook too (Telnyx after a few seconds).
    const res = await callProvider(reachable(target), {
      method: "POST",
      headers,
      body,
    }, {
      signal: closing.signal,
      timeoutMs: 10_000,
    });
    return { status: res.status, body: new TextDecoder().decode(res.bytes) };
  }

  function takeFailure(): number | null {
    if (failures.remaining <= 0) return null;
    failures.remaining--;
    return failures.status;
  }

  function isFailing(number: string): boolean {
    return failing.has(digits(number));
  }

  /** Posts each callback in order, `statusDelayMs` apart. */
  function scheduleCallbacks(
    provider: Provider,
    providerId: string,
    steps: Array<
      { status: string; send: () => Promise<{ url: string; status: number }> }
    >,
  ) {
    track((async () => {
      for (const step of steps) {
        await sleep(statusDelayMs);
        if (closed) return;
        const record: CallbackRecord = {
          provider,
          providerId,
          status: step.status,
          url: "",
          httpStatus: null,
        };
        try {
          const result = await step.send();
          record.url = result.url;
          record.httpStatus = result.status;
        } catch {
          // The app was down or we are closing; a real provider would retry.
        }
        callbacks.push(record);
      }
    })());
  }

  function storeMedia(
    bytes: Uint8Array,
    contentType: string,
    needsBearer: boolean,
  ): string {
    const id = randomHex(12);
    media.set(id, { bytes: new Uint8Array(bytes), contentType, needsBearer });
    return id;
  }

  // ---- signing --------------------------------------------------------------

  async function postTwilio(target: string, params: URLSearchParams) {
    const signature = await computeTwilioSignature(
      options.twilio.authToken,
      target,
      decodeForm(utf8(params.toString())),
    );
    const body = params.toString();
    return await post(target, body, {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": signature,
      "user-agent": "TwilioProxy/1.1",
    });
  }

  async function postTelnyx(
    target: string,
    body: string,
    stamp?: number,
    signature?: string,
  ) {
    const timestamp = String(stamp ?? Math.floor(Date.now() / 1000));
    const raw = utf8(body);
    const sig = signature ??
      toBase64(
        new Uint8Array(
          await crypto.subtle.sign(
            { name: "Ed25519" },
            telnyxKey,
            telnyxSignedPayload(timestamp, raw),
          ),
        ),
      );
    return await post(target, raw, {
      "content-type": "application/json",
      [TELNYX_SIGNATURE_HEADER]: sig,
      [TELNYX_TIMESTAMP_HEADER]: timestamp,
    });
  }

  async function postWhatsApp(
    target: string,
    body: string,
    signature?: string,
  ) {
    const raw = utf8(body);
    return await post(target, raw, {
      "content-type": "application/json",
      [WHATSAPP_SIGNATURE_HEADER]: signature ??
        await computeWhatsAppSignature(options.whatsapp.appSecret, raw),
    });
  }

  // ---- Twilio ---------------------------------------------------------------

  function twilioError(
    status: number,
    code: number,
    message: string,
  ): Response {
    return json({
      code,
      message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    }, status);
  }

  async function twilioSend(
    req: Request,
    accountSid: string,
  ): Promise<Response> {
    const form = new URLSearchParams(await req.text());
    if (
      accountSid !== options.twilio.accountSid ||
      !constantTimeEqual(req.headers.get("authorization") ?? "", twilioAuth)
    ) {
      return twilioError(401, 20003, "Authenticate");
    }
    const failure = takeFailure();
    if (failure) {
      return twilioError(
        failure,
        failure === 429 ? 20429 : 20500,
        "Simulated failure",
      );
    }
    const to = form.get("To") ?? "";
    const from = form.get("From") ?? "";
    const body = form.get("Body") ?? "";
    const mediaUrls = form.getAll("MediaUrl");
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!from) {
      return twilioError(400, 21603, "A 'From' phone number is required.");
    }
    if (!body && mediaUrls.length === 0) {
      return twilioError(400, 21602, "Message body is required.");
    }
    const sid = (mediaUrls.length ? "MM" : "SM") + randomHex(16);
    const callbackUrl = form.get("StatusCallback") ?? undefined;
    sent.push({
      provider: "twilio",
      providerId: sid,
      from,
      to,
      body,
      mediaUrls,
      at: Date.now(),
      ...(callbackUrl ? { statusCallbackUrl: callbackUrl } : {}),
    });
    if (callbackUrl) {
      // https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
      const finals: Array<{ status: string; errorCode?: string }> =
        isFailing(to)
          ? [{ status: "undelivered", errorCode: "30003" }]
          : [{ status: "sent" }, { status: "delivered" }];
      scheduleCallbacks(
        "twilio",
        sid,
        [{ status: "queued" }, ...finals].map((step) => ({
          status: step.status,
          send: async () => {
            const params = new URLSearchParams({
              MessageSid: sid,
              SmsSid: sid,
              AccountSid: options.twilio.accountSid,
              From: from,
              To: to,
              MessageStatus: step.status,
              SmsStatus: step.status,
              ApiVersion: "2010-04-01",
            });
            if (step.errorCode) params.set("ErrorCode", step.errorCode);
            const res = await postTwilio(callbackUrl, params);
            return { url: callbackUrl, status: res.status };
          },
        })),
      );
    }
    const now = new Date().toUTCString();
    return json({
      sid,
      account_sid: options.twilio.accountSid,
      from,
      to,
      body,
      status: "queued",
      num_media: String(mediaUrls.length),
      num_segments: "1",
      direction: "outbound-api",
      api_version: "2010-04-01",
      date_created: now,
      date_updated: now,
      date_sent: null,
      error_code: null,
      error_message: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    }, 201);
  }

  // ---- Telnyx ---------------------------------------------------------------

  function telnyxError(
    status: number,
    code: string,
    title: string,
    detail: string,
  ): Response {
    return json({ errors: [{ code, title, detail }] }, status);
  }

  function bearerOk(req: Request, expected: string | undefined): boolean {
    const header = req.headers.get("authorization") ?? "";
    if (!header.startsWith("Bearer ") || header.length <= 7) return false;
    return expected === undefined ||
      constantTimeEqual(header, `Bearer ${expected}`);
  }

  function telnyxMessage(
    id: string,
    from: string,
    to: string,
    status: string,
    text: string,
    mediaUrls: string[],
    errors: unknown[] = [],
  ) {
    return {
      record_type: "message",
      direction: "outbound",
      id,
      type: mediaUrls.length ? "MMS" : "SMS",
      from: { phone_number: from, carrier: "Telnyx", line_type: "VoIP" },
      to: [{
        phone_number: to,
        status,
        carrier: "T-MOBILE USA, INC.",
        line_type: "Wireless",
      }],
      cc: [],
      text,
      media: mediaUrls.map((u) => ({
        url: u,
        content_type: null,
        sha256: null,
        size: null,
      })),
      encoding: "GSM-7",
      parts: 1,
      errors,
    };
  }

  async function telnyxSend(req: Request): Promise<Response> {
    const raw = await req.text();
    if (!bearerOk(req, options.telnyx.apiKey)) {
      return telnyxError(
        401,
        "10009",
        "Authentication failed",
        "The API key is not valid.",
      );
    }
    const failure = takeFailure();
    if (failure) {
      return telnyxError(
        failure,
        "10007",
        "Unexpected error",
        "Simulated failure",
      );
    }
    const parsed = z.object({
      from: z.string().min(1),
      to: z.string().min(1),
      text: z.string().optional(),
      media_urls: z.array(z.string()).optional(),
      webhook_url: z.string().optional(),
    }).safeParse((() => {
      try {
        return JSON.parse(raw);
      } catch {
        return null;
      }
    })());
    if (!parsed.success) {
      return telnyxError(
        422,
        "10015",
        "Invalid parameter",
        parsed.error.issues[0]?.message ?? "",
      );
    }
    const {
      from,
      to,
      text = "",
      media_urls: mediaUrls = [],
      webhook_url: webhookUrl,
    } = parsed.data;
    if (!text && mediaUrls.length === 0) {
      return telnyxError(
        422,
        "10015",
        "Invalid parameter",
        "text or media_urls is required",
      );
    }
    const id = crypto.randomUUID();
    sent.push({
      provider: "telnyx",
      providerId: id,
      from,
      to,
      body: text,
      mediaUrls,
      at: Date.now(),
      ...(webhookUrl ? { statusCallbackUrl: webhookUrl } : {}),
    });
    const target = webhookUrl ?? `${publicUrl}/webhooks/telnyx`;
    const final = isFailing(to)
      ? {
        event: "message.finalized",
        status: "delivery_failed",
        errors: [{
          code: "40008",
          title: "Undeliverable",
          detail: "The destination handset is unreachable.",
        }],
      }
      : { event: "message.finalized", status: "delivered", errors: [] };
    scheduleCallbacks(
      "telnyx",
      id,
      [{ event: "message.sent", status: "sent", errors: [] }, final].map((
        step,
      ) => ({
        status: step.status,
        send: async () => {
          const occurredAt = new Date().toISOString();
          const body = JSON.stringify({
            data: {
              record_type: "event",
              id: crypto.randomUUID(),
              event_type: step.event,
              occurred_at: occurredAt,
              payload: {
                ...telnyxMessage(
                  id,
                  from,
                  to,
                  step.status,
                  text,
                  mediaUrls,
                  step.errors,
                ),
                sent_at: occurredAt,
                completed_at: step.event === "message.finalized"
                  ? occurredAt
                  : null,
              },
            },
            meta: { attempt: 1, delivered_to: target },
          });
          const res = await postTelnyx(target, body);
          return { url: target, status: res.status };
        },
      })),
    );
    return json({
      data: telnyxMessage(id, from, to, "queued", text, mediaUrls),
    });
  }

  // ---- WhatsApp -------------------------------------------------------------

  function metaError(status: number, code: number, message: string): Response {
    return json({
      error: {
        message,
        type: "OAuthException",
        code,
        fbtrace_id: randomHex(8),
      },
    }, status);
  }

  function displayNumberFor(phoneNumberId: string): string {
    const entry = Object.entries(phoneNumberIds).find(([, id]) =>
      id === phoneNumberId
    );
    return entry ? entry[0] : phoneNumberId;
  }

  function phoneNumberIdFor(number: string): string {
    return phoneNumberIds[number] ?? digits(number);
  }

  const whatsappSendSchema = z.object({
    messaging_product: z.literal("whatsapp"),
    to: z.string().min(1),
    type: z.string(),
    text: z.object({ body: z.string() }).optional(),
    reaction: z.object({ message_id: z.string(), emoji: z.string() })
      .optional(),
  }).catchall(z.unknown());

  async function whatsappSend(
    req: Request,
    phoneNumberId: string,
  ): Promise<Response> {
    const raw = await req.text();
    if (!bearerOk(req, options.whatsapp.accessToken)) {
      return metaError(
        401,
        190,
        "Invalid OAuth access token - Cannot parse access token",
      );
    }
    const failure = takeFailure();
    if (failure) {
      return metaError(
        failure,
        failure === 429 ? 130429 : 131000,
        "Simulated failure",
      );
    }
    let input: unknown = null;
    try {
      input = JSON.parse(raw);
    } catch {
      // Reported below.
    }
    const parsed = whatsappSendSchema.safeParse(input);
    if (!parsed.success) {
      return metaError(
        400,
        100,
        `(#100) Invalid parameter: ${parsed.error.issues[0]?.message}`,
      );
    }
    const m = parsed.data;
    const attachment = m[m.type] as
      | { link?: string; caption?: string }
      | undefined;
    const body = m.text?.body ?? attachment?.caption ?? "";
    const mediaUrls = attachment?.link ? [attachment.link] : [];
    if (m.type !== "reaction" && !body && !mediaUrls.length) {
      return metaError(
        400,
        100,
        "(#100) The parameter text['body'] is required.",
      );
    }
    const wamid = "wamid." +
      toBase64(crypto.getRandomValues(new Uint8Array(24)));
    const to = "+" + digits(m.to);
    const record: SentRecord = {
      provider: "whatsapp",
      providerId: wamid,
      from: displayNumberFor(phoneNumberId),
      fromPhoneNumberId: phoneNumberId,
      to,
      body,
      mediaUrls,
      at: Date.now(),
    };
    if (m.reaction) {
      record.reaction = {
        emoji: m.reaction.emoji,
        targetProviderId: m.reaction.message_id,
      };
    }
    sent.push(record);
    // Reactions only ever get a "sent" status (Meta's reaction-message docs).
    const steps: Array<{ status: string; errors?: unknown[] }> = isFailing(to)
      ? [{
        status: "failed",
        errors: [{
          code: 131026,
          title: "Message undeliverable",
          message: "Message undeliverable",
          error_data: { details: "Unable to deliver message." },
        }],
      }]
      : m.reaction
      ? [{ status: "sent" }]
      : [{ status: "sent" }, { status: "delivered" }];
    const target = `${publicUrl}/webhooks/whatsapp`;
    scheduleCallbacks(
      "whatsapp",
      wamid,
      steps.map((step) => ({
        status: step.status,
        send: async () => {
          const status: Record<string, unknown> = {
            id: wamid,
            status: step.status,
            timestamp: String(Math.floor(Date.now() / 1000)),
            recipient_id: digits(m.to),
          };
          if (step.errors) status.errors = step.errors;
          const body = JSON.stringify(
            whatsappEnvelope(phoneNumberId, { statuses: [status] }),
          );
          const res = await postWhatsApp(target, body);
          return { url: target, status: res.status };
        },
      })),
    );
    return json({
      messaging_product: "whatsapp",
      contacts: [{ input: m.to, wa_id: digits(m.to) }],
      messages: [{ id: wamid }],
    });
  }

  function whatsappEnvelope(
    phoneNumberId: string,
    value: Record<string, unknown>,
  ) {
    return {
      object: "whatsapp_business_account",
      entry: [{
        id: "102290129340398",
        changes: [{
          value: {
            messaging_product: "whatsapp",
            metadata: {
              display_phone_number: digits(displayNumberFor(phoneNumberId)),
              phone_number_id: phoneNumberId,
            },
            ...value,
          },
          field: "messages",
        }],
      }],
    };
  }

  function whatsappMediaInfo(req: Request, id: string): Response {
    if (!bearerOk(req, options.whatsapp.accessToken)) {
      return metaError(
        401,
        190,
        "Invalid OAuth access token - Cannot parse access token",
      );
    }
    const item = media.get(id);
    if (!item) return metaError(404, 100, "(#100) Unsupported get request.");
    return json({
      messaging_product: "whatsapp",
      url: `${url}/media/${id}`,
      mime_type: item.contentType,
      sha256: sha256Hex(item.bytes),
      file_size: item.bytes.length,
      id,
    });
  }

  function serveMedia(req: Request, id: string): Response {
    const item = media.get(id);
    if (!item) return new Response("not found", { status: 404 });
    if (item.needsBearer && !bearerOk(req, options.whatsapp.accessToken)) {
      return new Response("unauthorized", { status: 401 });
    }
    return new Response(item.bytes, {
      headers: { "content-type": item.contentType },
    });
  }

  // ---- inbound ---------------------------------------------------------------

  async function injectInbound(msg: InjectInbound) {
    if (msg.provider === "twilio") {
      const sid = (msg.media?.length ? "MM" : "SM") + randomHex(16);
      const params = new URLSearchParams({
        MessageSid: sid,
        SmsMessageSid: sid,
        SmsSid: sid,
        AccountSid: options.twilio.accountSid,
        From: msg.from,
        To: msg.to,
        Body: msg.body ?? "",
        NumMedia: String(msg.media?.length ?? 0),
        NumSegments: "1",
        SmsStatus: "received",
        ApiVersion: "2010-04-01",
      });
      (msg.media ?? []).forEach((m, i) => {
        const mediaSid = "ME" + storeMedia(m.bytes, m.contentType, false);
        params.set(
          `MediaUrl${i}`,
          `${url}/2010-04-01/Accounts/${options.twilio.accountSid}/Messages/${sid}/Media/${mediaSid}`,
        );
        params.set(`MediaContentType${i}`, m.contentType);
      });
      if (msg.from.startsWith("whatsapp:")) {
        params.set("WaId", digits(msg.from));
        if (msg.contactName) params.set("ProfileName", msg.contactName);
      }
      const res = await postTwilio(`${publicUrl}/webhooks/twilio`, params);
      return { status: res.status, providerId: sid, responseBody: res.body };
    }

    if (msg.provider === "telnyx") {
      const id = crypto.randomUUID();
      const now = new Date().toISOString();
      const items = (msg.media ?? []).map((m) => {
        const bytes = new Uint8Array(m.bytes);
        return {
          id: storeMedia(bytes, m.contentType, false),
          bytes,
          contentType: m.contentType,
        };
      });
      const body = JSON.stringify({
        data: {
          record_type: "event",
          id: crypto.randomUUID(),
          event_type: "message.received",
          occurred_at: now,
          payload: {
            record_type: "message",
            direction: "inbound",
            id,
            type: items.length ? "MMS" : "SMS",
            from: {
              phone_number: msg.from,
              carrier: "T-MOBILE USA, INC.",
              line_type: "Wireless",
            },
            to: [{
              phone_number: msg.to,
              status: "webhook_delivered",
              carrier: "Telnyx",
              line_type: "VoIP",
            }],
            cc: [],
            text: msg.body ?? "",
            media: items.map((m) => ({
              url: `${url}/media/${m.id}`,
              content_type: m.contentType,
              sha256: sha256Hex(m.bytes),
              size: m.bytes.length,
            })),
            encoding: "GSM-7",
            parts: 1,
            received_at: now,
            errors: [],
          },
        },
        meta: { attempt: 1, delivered_to: `${publicUrl}/webhooks/telnyx` },
      });
      const res = await postTelnyx(`${publicUrl}/webhooks/telnyx`, body);
      return { status: res.status, providerId: id, responseBody: res.body };
    }

    const phoneNumberId = msg.phoneNumberId ?? phoneNumberIdFor(msg.to);
    if (msg.phoneNumberId && !phoneNumberIds[msg.to]) {
      phoneNumberIds[msg.to] = msg.phoneNumberId;
    }
    const waId = digits(msg.from);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const newId = () =>
      "wamid." + toBase64(crypto.getRandomValues(new Uint8Array(24)));
    const messages: Array<Record<string, unknown>> = [];
    if (msg.reaction) {
      messages.push({
        from: waId,
        id: newId(),
        timestamp,
        type: "reaction",
        reaction: msg.reaction.emoji
          ? {
            message_id: msg.reaction.targetProviderId,
            emoji: msg.reaction.emoji,
          }
          : { message_id: msg.reaction.targetProviderId },
      });
    } else {
      let caption = msg.body ?? "";
      for (const m of msg.media ?? []) {
        const type = m.contentType === "image/webp"
          ? "sticker"
          : ["image", "video", "audio"].find((t) =>
            m.contentType.startsWith(`${t}/`)
          ) ?? "document";
        const item: Record<string, unknown> = {
          id: storeMedia(m.bytes, m.contentType, true),
          mime_type: m.contentType,
          sha256: sha256Hex(new Uint8Array(m.bytes)),
        };
        if (type === "audio") {
          item.voice = m.contentType.startsWith("audio/ogg");
        }
        if (type === "document") item.filename = "file";
        if (caption && type !== "audio" && type !== "sticker") {
          item.caption = caption;
          caption = "";
        }
        messages.push({
          from: waId,
          id: newId(),
          timestamp,
          type,
          [type]: item,
        });
      }
      // A body that could not ride along as a caption goes as its own text.
      if (caption || messages.length === 0) {
        messages.unshift({
          from: waId,
          id: newId(),
          timestamp,
          type: "text",
          text: { body: caption },
        });
      }
    }
    const body = JSON.stringify(whatsappEnvelope(phoneNumberId, {
      contacts: [{
        profile: { name: msg.contactName ?? "WhatsApp User" },
        wa_id: waId,
      }],
      messages,
    }));
    const res = await postWhatsApp(`${publicUrl}/webhooks/whatsapp`, body);
    return {
      status: res.status,
      providerId: String(messages[0].id),
      responseBody: res.body,
    };
  }

  async function injectRaw(
    provider: Provider,
    payload: unknown,
    opts: InjectRawOptions = {},
  ) {
    const target = `${publicUrl}${opts.path ?? `/webhooks/${provider}`}`;
    if (provider === "twilio") {
      const params = payload instanceof URLSearchParams
        ? payload
        : typeof payload === "string"
        ? new URLSearchParams(payload)
        : new URLSearchParams();
      if (
        !(payload instanceof URLSearchParams) && typeof payload === "object" &&
        payload
      ) {
        for (const [key, value] of Object.entries(payload)) {
          for (const v of Array.isArray(value) ? value : [value]) {
            params.append(key, String(v));
          }
        }
      }
      if (opts.signature === undefined) return await postTwilio(target, params);
      return await post(target, params.toString(), {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": opts.signature,
      });
    }
    const body = typeof payload === "string"
      ? payload
      : JSON.stringify(payload);
    return provider === "telnyx"
      ? await postTelnyx(target, body, opts.timestamp, opts.signature)
      : await postWhatsApp(target, body, opts.signature);
  }

  const injectSchema = z.object({
    provider: z.enum(["twilio", "telnyx", "whatsapp"]),
    from: z.string().min(1),
    to: z.string().min(1),
    body: z.string().optional(),
    media: z.array(
      z.object({ contentType: z.string().min(1), base64: z.string() }),
    ).optional(),
    phoneNumberId: z.string().optional(),
    contactName: z.string().optional(),
  });

  async function injectFromHttp(req: Request): Promise<Response> {
    let input: unknown = null;
    try {
      input = await req.json();
    } catch {
      // Reported below.
    }
    const parsed = injectSchema.safeParse(input);
    if (!parsed.success) {
      return json({ error: parsed.error.issues[0]?.message }, 400);
    }
    const { media: files, ...rest } = parsed.data;
    const decoded = (files ?? []).map((f) => ({
      contentType: f.contentType,
      bytes: fromBase64(f.base64),
    }));
    if (decoded.some((f) => f.bytes === null)) {
      return json({ error: "media base64 is invalid" }, 400);
    }
    try {
      const result = await injectInbound({
        ...rest,
        media: decoded.map((f) => ({
          contentType: f.contentType,
          bytes: f.bytes!,
        })),
      });
      return json(result);
    } catch (error) {
      return json({ error: `could not reach the app: ${error}` }, 502);
    }
  }

  // ---- routing ----------------------------------------------------------------

  async function route(req: Request): Promise<Response> {
    const { pathname } = new URL(req.url);
    let m: RegExpMatchArray | null;
    if (req.method === "POST" && pathname === "/_inject") {
      return await injectFromHttp(req);
    }
    if (req.method === "GET" && pathname === "/_sent") return json(sent);
    if (
      req.method === "POST" &&
      (m = pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/))
    ) {
      return await twilioSend(req, decodeURIComponent(m[1]));
    }
    if (
      req.method === "GET" &&
      (m = pathname.match(
        /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/[^/]+\/Media\/ME([0-9a-f]+)$/,
      ))
    ) {
      if (
        m[1] !== options.twilio.accountSid ||
        !constantTimeEqual(req.headers.get("authorization") ?? "", twilioAuth)
      ) {
        return twilioError(401, 20003, "Authenticate");
      }
      if (!media.has(m[2])) {
        return twilioError(404, 20404, "The requested resource was not found");
      }
      // Twilio answers media with a redirect to short-lived storage.
      return new Response(null, {
        status: 307,
        headers: { location: `${url}/media/${m[2]}` },
      });
    }
    if (req.method === "POST" && pathname === "/v2/messages") {
      return await telnyxSend(req);
    }
    if (
      req.method === "GET" && (m = pathname.match(/^\/media\/([0-9a-f]+)$/))
    ) {
      return serveMedia(req, m[1]);
    }
    const graphPath = pathname.replace(WHATSAPP_VERSION_PREFIX, "");
    if (
      req.method === "POST" && (m = graphPath.match(/^\/([^/]+)\/messages$/))
    ) {
      return await whatsappSend(req, decodeURIComponent(m[1]));
    }
    if (req.method === "GET" && (m = graphPath.match(/^\/([0-9a-f]+)$/))) {
      return whatsappMediaInfo(req, m[1]);
    }
    return json({ error: `no route for ${req.method} ${pathname}` }, 404);
  }

  async function pendingCallbacks() {
    while (inflight.size) await Promise.allSettled([...inflight]);
  }

  return {
    url,
    sent,
    callbacks,
    failNext(n: number, status = 500) {
      failures = { remaining: n, status };
    },
    markFailing(number: string) {
      failing.add(digits(number));
    },
    injectInbound,
    injectRaw,
    pendingCallbacks,
    async close() {
      if (closed) return;
      closed = true;
      for (const [id, resolve] of sleepers) {
        clearTimeout(id);
        resolve();
      }
      sleepers.clear();
      closing.abort();
      await pendingCallbacks();
      await server.shutdown();
    },
  };
}

// ---- command line --------------------------------------------------------------

const CONTENT_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  ogg: "audio/ogg",
  mp3: "audio/mpeg",
  pdf: "application/pdf",
};

async function main(args: string[]) {
  const { parseArgs } = await import("node:util");
  const env = (name: string, fallback: string) =>
    Deno.env.get(name) ?? fallback;
  const simulatorUrl = env(
    "SIMULATOR_URL",
    `http://127.0.0.1:${env("SIMULATOR_PORT", "8026")}`,
  );

  if (args[0] === "inject") {
    const { values } = parseArgs({
      args: args.slice(1),
      options: {
        provider: { type: "string", default: "twilio" },
        from: { type: "string" },
        to: { type: "string" },
        body: { type: "string", default: "" },
        media: { type: "string", multiple: true },
        name: { type: "string" },
        "phone-number-id": { type: "string" },
        simulator: { type: "string", default: simulatorUrl },
      },
    });
    if (!values.from || !values.to) {
      console.error(
        "usage: inject --provider twilio|telnyx|whatsapp --from +1… --to +1… [--body text] [--media file]",
      );
      Deno.exit(2);
    }
    const media = await Promise.all((values.media ?? []).map(async (path) => ({
      contentType: CONTENT_TYPES[path.split(".").pop()?.toLowerCase() ?? ""] ??
        "application/octet-stream",
      base64: toBase64(await Deno.readFile(path)),
    })));
    const res = await fetch(`${values.simulator}/_inject`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        provider: values.provider,
        from: values.from,
        to: values.to,
        body: values.body,
        media,
        contactName: values.name,
        phoneNumberId: values["phone-number-id"],
      }),
    });
    console.log(res.status, await res.text());
    Deno.exit(res.ok ? 0 : 1);
  }

  let telnyxPrivateKey = Deno.env.get("TELNYX_PRIVATE_KEY");
  if (!telnyxPrivateKey) {
    const pair = await generateTelnyxKeyPair();
    telnyxPrivateKey = pair.privateKey;
    console.log(
      `TELNYX_PRIVATE_KEY not set; generated one. Give the app TELNYX_PUBLIC_KEY=${pair.publicKey}`,
    );
  }
  const sim = await startCarrierSimulator({
    port: Number(env("SIMULATOR_PORT", "8026")),
    hostname: "127.0.0.1",
    twilio: {
      accountSid: env(
        "TWILIO_ACCOUNT_SID",
        "AC00000000000000000000000000000000",
      ),
      authToken: env("TWILIO_AUTH_TOKEN", "dev-twilio-token"),
    },
    telnyx: {
      privateKey: telnyxPrivateKey,
      apiKey: Deno.env.get("TELNYX_API_KEY"),
    },
    whatsapp: {
      appSecret: env("WHATSAPP_APP_SECRET", "dev-whatsapp-secret"),
      accessToken: Deno.env.get("WHATSAPP_ACCESS_TOKEN"),
      phoneNumberIds: JSON.parse(
        env("WHATSAPP_PHONE_NUMBER_IDS", '{"+15550100002":"100002"}'),
      ),
    },
    appBaseUrl: env("APP_BASE_URL", "http://127.0.0.1:8000"),
    publicUrl: Deno.env.get("PUBLIC_URL"),
    statusDelayMs: Number(env("SIMULATOR_STATUS_DELAY_MS", "500")),
  });
  console.log(
    `carrier simulator listening on ${sim.url} (point *_API_BASE here)`,
  );
  Deno.addSignalListener("SIGINT", async () => {
    await sim.close();
    Deno.exit(0);
  });
}

if (import.meta.main) await main(Deno.args);
