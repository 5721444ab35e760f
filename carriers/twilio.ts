/**
 * Twilio Programmable Messaging (SMS, MMS and WhatsApp-through-Twilio).
 *
 * - Webhook security: https://www.twilio.com/docs/usage/webhooks/webhooks-security
 *   (mirrors twilio-node `src/webhooks/webhooks.ts` validateRequest).
 * - Inbound parameters: https://www.twilio.com/docs/messaging/guides/webhook-request
 * - Status callbacks: https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
 * - Send: https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 *
 * `parse` decides per body: a body carrying `MessageStatus` (other than
 * "received") and neither `Body` nor `NumMedia` is a status callback, anything
 * else is an inbound message. Routes that know which endpoint was hit can call
 * {@linkcode parseTwilioStatus} / {@linkcode parseTwilioInbound} directly.
 *
 * @module
 */

import { z } from "zod";
import {
  type CarrierAdapter,
  CarrierError,
  type DeliveryStatus,
  type InboundMedia,
  type InboundMessage,
  InvalidPayload,
  type OutboundMessage,
  type ParsedWebhook,
  type SendResult,
  type StatusUpdate,
  type WebhookRequest,
} from "./types.ts";
import {
  constantTimeEqual,
  hmac,
  sha256Hex,
  toBase64,
  utf8,
} from "./signing.ts";
import {
  callProvider,
  DEFAULT_MAX_MEDIA_BYTES,
  httpError,
  isSameOrigin,
  joinUrl,
  jsonBody,
} from "./provider_http.ts";

/** Configuration for {@linkcode createTwilioAdapter}. */
export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** `https://api.twilio.com` in production; the simulator's url in tests. */
  apiBase: string;
  timeoutMs?: number;
  maxMediaBytes?: number;
}

/** The header Twilio signs every webhook with. */
export const TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature";

const STATUS_MAP: Record<string, DeliveryStatus> = {
  accepted: "queued",
  scheduled: "queued",
  queued: "queued",
  sending: "queued",
  sent: "sent",
  // Some but not all parts arrived: forward-only, so never claim delivered.
  partially_delivered: "sent",
  delivered: "delivered",
  read: "read",
  undelivered: "undelivered",
  failed: "failed",
  canceled: "failed",
};

/** Maps a Twilio message status to ours; undefined for inbound-only words. */
export function mapTwilioStatus(status: string): DeliveryStatus | undefined {
  return STATUS_MAP[status.toLowerCase()];
}

/**
 * Decodes an `application/x-www-form-urlencoded` body into name → values,
 * keeping repeated names (Twilio signs every value).
 */
export function decodeForm(rawBody: Uint8Array): Map<string, string[]> {
  const params = new Map<string, string[]>();
  const text = new TextDecoder().decode(rawBody);
  for (const [key, value] of new URLSearchParams(text)) {
    const values = params.get(key);
    if (values) values.push(value);
    else params.set(key, [value]);
  }
  return params;
}

/**
 * The variants of a webhook url Twilio may have signed. Twilio's back end is
 * inconsistent about default ports, so twilio-node accepts the url with the
 * port removed and with the scheme's standard port added; we also accept the
 * WHATWG-normalised spelling (escaped quotes, lower-case host), which newer
 * twilio-node versions sign.
 */
export function twilioUrlVariants(url: string): string[] {
  const variants = new Set<string>();
  const bases = [url];
  try {
    bases.push(new URL(url).href);
  } catch {
    // Not a URL; the raw string is still worth one try.
  }
  for (const base of bases) {
    const match = base.match(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([\s\S]*)$/i);
    if (!match) {
      variants.add(base);
      continue;
    }
    const [, scheme, authority, rest] = match;
    const at = authority.lastIndexOf("@");
    const userinfo = authority.slice(0, at + 1);
    const hostPort = authority.slice(at + 1).match(
      /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/,
    );
    if (!hostPort) {
      variants.add(base);
      continue;
    }
    const [, host, port] = hostPort;
    const standardPort = scheme.toLowerCase() === "https://" ? "443" : "80";
    variants.add(base);
    variants.add(`${scheme}${userinfo}${host}${rest}`);
    variants.add(`${scheme}${userinfo}${host}:${port || standardPort}${rest}`);
  }
  return [...variants];
}

/**
 * Computes `X-Twilio-Signature` for a url and its POST parameters exactly as
 * Twilio does: base64(HMAC-SHA1(authToken, url + each name+value, names
 * sorted; a repeated name's distinct values sorted)).
 */
export function computeTwilioSignature(
  authToken: string,
  url: string,
  params: Map<string, string[]> | Record<string, string | string[]>,
): string {
  const entries = params instanceof Map ? [...params] : Object.entries(params);
  let data = url;
  for (
    const [name, value] of entries.sort((
      [a],
      [b],
    ) => (a < b ? -1 : a > b ? 1 : 0))
  ) {
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const v of values) data += name + v;
  }
  return toBase64(hmac("SHA-1", authToken, utf8(data)));
}

/**
 * Validates a Twilio signature the way twilio-node's `validateRequest` does
 * (url with and without port), plus the `bodySHA256` variant Twilio uses for
 * JSON bodies, where the url alone is signed and the body is pinned by hash.
 */
export function validateTwilioSignature(
  authToken: string,
  signature: string,
  url: string,
  rawBody: Uint8Array,
): boolean {
  let bodyHash: string | null = null;
  try {
    bodyHash = new URL(url).searchParams.get("bodySHA256");
  } catch {
    return false;
  }
  const params = bodyHash === null
    ? decodeForm(rawBody)
    : new Map<string, string[]>();
  // The url as configured comes first and is the one Twilio normally signs,
  // so a genuine webhook costs one HMAC. Stopping at the first match reveals
  // only which spelling of our own url matched, nothing about the secret;
  // each comparison itself is constant-time.
  let valid = false;
  for (const candidate of twilioUrlVariants(url)) {
    const expected = computeTwilioSignature(authToken, candidate, params);
    if (constantTimeEqual(signature, expected)) {
      valid = true;
      break;
    }
  }
  if (valid && bodyHash !== null) {
    valid = constantTimeEqual(
      bodyHash,
      sha256Hex(new Uint8Array(rawBody)),
    );
  }
  return valid;
}

const sidSchema = z.string().min(1, "MessageSid is required");

const inboundSchema = z.object({
  MessageSid: sidSchema,
  From: z.string().min(1, "From is required"),
  To: z.string().min(1, "To is required"),
  Body: z.string().default(""),
  NumMedia: z.string().regex(/^\d{1,2}$/, "NumMedia must be a small integer")
    .default("0"),
  ProfileName: z.string().optional(),
});

const statusSchema = z.object({
  MessageSid: sidSchema,
  MessageStatus: z.string().min(1, "MessageStatus is required"),
  ErrorCode: z.string().optional(),
  ErrorMessage: z.string().optional(),
});

function single(params: Map<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, values] of params) out[key] = values[values.length - 1];
  return out;
}

function check<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join(".") ?? "";
    throw new InvalidPayload(
      `invalid ${what}: ${where ? where + ": " : ""}${issue?.message}`,
    );
  }
  return result.data;
}

const WHATSAPP_PREFIX = "whatsapp:";

function stripChannel(address: string): string {
  return address.startsWith(WHATSAPP_PREFIX)
    ? address.slice(WHATSAPP_PREFIX.length)
    : address;
}

/** Parses an inbound-message webhook (SMS, MMS or WhatsApp via Twilio). */
export function parseTwilioInbound(
  req: WebhookRequest,
  now = Date.now(),
): ParsedWebhook {
  const fields = single(decodeForm(req.rawBody));
  const p = check(inboundSchema, fields, "Twilio inbound message");
  const media: InboundMedia[] = [];
  for (let i = 0; i < Number(p.NumMedia); i++) {
    const url = fields[`MediaUrl${i}`];
    if (!url) {
      throw new InvalidPayload(
        `invalid Twilio inbound message: MediaUrl${i} missing`,
      );
    }
    media.push({
      url,
      contentType: fields[`MediaContentType${i}`] ?? null,
      providerMediaId: url.split("/").pop() || undefined,
    });
  }
  const message: InboundMessage = {
    provider: "twilio",
    channel: p.From.startsWith(WHATSAPP_PREFIX) ? "whatsapp" : "sms",
    providerId: p.MessageSid,
    from: stripChannel(p.From),
    to: stripChannel(p.To),
    body: p.Body,
    media,
    // Twilio sends no timestamp with inbound messages.
    sentAt: now,
  };
  if (p.ProfileName) message.contactName = p.ProfileName;
  return { messages: [message], statuses: [] };
}

/**
 * Parses a status callback. Statuses we have no word for are ignored (an
 * empty result) so a new Twilio status never turns into a 400 loop.
 */
/**
 * Titles of the delivery errors Twilio reports most, from its error
 * dictionary (https://www.twilio.com/docs/api/errors).
 */
export const TWILIO_ERRORS: Record<string, string> = {
  "21610": "Recipient unsubscribed (replied STOP)",
  "21614": "Not a mobile number",
  "30001": "Queue overflow",
  "30002": "Account suspended",
  "30003": "Unreachable destination handset",
  "30004": "Message blocked",
  "30005": "Unknown destination handset",
  "30006": "Landline or unreachable carrier",
  "30007": "Message filtered by the carrier",
  "30008": "Unknown error",
  "30032": "Toll-free number not verified",
  "30034": "Message from an unregistered 10DLC number",
};

export function parseTwilioStatus(
  req: WebhookRequest,
  now = Date.now(),
): ParsedWebhook {
  const p = check(
    statusSchema,
    single(decodeForm(req.rawBody)),
    "Twilio status callback",
  );
  const status = mapTwilioStatus(p.MessageStatus);
  if (!status) return { messages: [], statuses: [] };
  const update: StatusUpdate = {
    provider: "twilio",
    providerId: p.MessageSid,
    status,
    at: now,
  };
  if (p.ErrorCode && p.ErrorCode !== "0") update.errorCode = p.ErrorCode;
  if (p.ErrorMessage) update.errorMessage = p.ErrorMessage;
  else if (update.errorCode && TWILIO_ERRORS[update.errorCode]) {
    // status callbacks carry only the code; show its documented title
    update.errorMessage = `${
      TWILIO_ERRORS[update.errorCode]
    } (${update.errorCode})`;
  }
  return { messages: [], statuses: [update] };
}

/** True when a Twilio form body is a status callback rather than an inbound message. */
export function isTwilioStatusCallback(rawBody: Uint8Array): boolean {
  const params = decodeForm(rawBody);
  const status = params.get("MessageStatus")?.[0];
  return status !== undefined && status !== "received" &&
    status !== "receiving" &&
    !params.has("Body") && !params.has("NumMedia");
}

const sendResponseSchema = z.object({
  sid: z.string().min(1),
  status: z.string(),
});
const errorResponseSchema = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
});

/** Creates the Twilio adapter. */
export function createTwilioAdapter(config: TwilioConfig): CarrierAdapter {
  const basicAuth = "Basic " +
    toBase64(utf8(`${config.accountSid}:${config.authToken}`));

  return {
    provider: "twilio",

    verify(req: WebhookRequest): boolean {
      try {
        const signature = req.headers.get(TWILIO_SIGNATURE_HEADER);
        if (!signature) return false;
        return validateTwilioSignature(
          config.authToken,
          signature,
          req.url,
          req.rawBody,
        );
      } catch {
        return false;
      }
    },

    parse(req: WebhookRequest): ParsedWebhook {
      return isTwilioStatusCallback(req.rawBody)
        ? parseTwilioStatus(req)
        : parseTwilioInbound(req);
    },

    async send(
      msg: OutboundMessage,
      signal?: AbortSignal,
    ): Promise<SendResult> {
      if (msg.reaction) {
        throw new CarrierError(
          "Twilio cannot send reactions",
          false,
          "unsupported",
        );
      }
      const form = new URLSearchParams({ To: msg.to, From: msg.from });
      // Twilio needs Body or MediaUrl; an empty Body next to media is noise.
      if (msg.body || msg.mediaUrls.length === 0) form.set("Body", msg.body);
      for (const url of msg.mediaUrls) form.append("MediaUrl", url);
      if (msg.statusCallbackUrl) {
        form.set("StatusCallback", msg.statusCallbackUrl);
      }
      const url = joinUrl(
        config.apiBase,
        `/2010-04-01/Accounts/${
          encodeURIComponent(config.accountSid)
        }/Messages.json`,
      );
      const res = await callProvider(url, {
        method: "POST",
        headers: {
          authorization: basicAuth,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: form.toString(),
      }, { signal, timeoutMs: config.timeoutMs });
      const json = jsonBody(res.bytes);
      if (!res.ok) {
        // https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions
        const err = errorResponseSchema.safeParse(json);
        const code = err.success && err.data.code !== undefined
          ? String(err.data.code)
          : undefined;
        const message = (err.success && err.data.message) ||
          `Twilio answered ${res.status}`;
        throw httpError(res.status, message, code);
      }
      const ok = sendResponseSchema.safeParse(json);
      if (!ok.success) {
        // It may well have been accepted: retrying could send it twice.
        throw new CarrierError(
          "unreadable Twilio answer",
          false,
          "bad_response",
          res.status,
        );
      }
      return {
        providerId: ok.data.sid,
        status: mapTwilioStatus(ok.data.status) ?? "queued",
      };
    },

    async fetchMedia(url: string, signal?: AbortSignal) {
      // Credentials only go to Twilio's own API host; media URLs redirect to
      // short-lived storage links, and fetch drops Authorization across origins.
      const headers: HeadersInit = isSameOrigin(url, config.apiBase)
        ? { authorization: basicAuth }
        : {};
      const res = await callProvider(url, { headers, redirect: "follow" }, {
        signal,
        timeoutMs: config.timeoutMs,
        maxBytes: config.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES,
      });
      if (!res.ok) {
        throw httpError(res.status, `Twilio media answered ${res.status}`);
      }
      return { bytes: res.bytes, contentType: res.headers.get("content-type") };
    },
  };
}
