/**
 * Telnyx Messaging API v2 (SMS/MMS).
 *
 * - Webhooks and signatures: https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks
 *   (Ed25519 over `${telnyx-timestamp}|${raw body}`, as telnyx-node's
 *   `webhooks.constructEvent` checks it).
 * - Inbound payload: https://developers.telnyx.com/api-reference/callbacks/inbound-message
 * - Delivery updates: https://developers.telnyx.com/api-reference/callbacks/delivery-update
 * - Send: https://developers.telnyx.com/api-reference/messages/send-a-message
 *
 * @module
 */

import { z } from "zod";
import {
  type CarrierAdapter,
  CarrierError,
  type DeliveryStatus,
  InvalidPayload,
  type OutboundMessage,
  type ParsedWebhook,
  type SendResult,
  type StatusUpdate,
  type WebhookRequest,
} from "./types.ts";
import { concatBytes, fromBase64, utf8 } from "./signing.ts";
import {
  callProvider,
  DEFAULT_MAX_MEDIA_BYTES,
  httpError,
  isSameOrigin,
  joinUrl,
  jsonBody,
} from "./provider_http.ts";

/** Configuration for {@linkcode createTelnyxAdapter}. */
export interface TelnyxConfig {
  apiKey: string;
  /** The account's webhook public key: base64 of the raw 32-byte Ed25519 key. */
  publicKey: string;
  /** `https://api.telnyx.com` in production; the simulator's url in tests. */
  apiBase: string;
  /** How far `telnyx-timestamp` may be from now, in seconds (replay window). */
  toleranceSec?: number;
  timeoutMs?: number;
  maxMediaBytes?: number;
}

/** Header carrying the base64 Ed25519 signature. */
export const TELNYX_SIGNATURE_HEADER = "telnyx-signature-ed25519";
/** Header carrying the unix time (seconds) the webhook was signed at. */
export const TELNYX_TIMESTAMP_HEADER = "telnyx-timestamp";

const STATUS_MAP: Record<string, DeliveryStatus> = {
  queued: "queued",
  // Still on its way to the carrier; "sent" means the carrier took it.
  sending: "queued",
  sent: "sent",
  delivered: "delivered",
  // Never left Telnyx.
  sending_failed: "failed",
  // The carrier took it but the handset did not.
  delivery_failed: "undelivered",
  // The carrier has it and will not tell us more.
  delivery_unconfirmed: "sent",
};

/** Maps a Telnyx recipient status to ours; undefined for unknown words. */
export function mapTelnyxStatus(status: string): DeliveryStatus | undefined {
  return STATUS_MAP[status];
}

/** The bytes Telnyx signs: timestamp, a pipe, then the raw body unchanged. */
export function telnyxSignedPayload(
  timestamp: string,
  rawBody: Uint8Array,
): Uint8Array<ArrayBuffer> {
  return concatBytes(utf8(`${timestamp}|`), rawBody);
}

const phone = z.object({ phone_number: z.string().min(1) });
const recipient = phone.extend({ status: z.string().optional() });
const telnyxError = z.object({
  code: z.union([z.string(), z.number()]).optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
});

const messagePayload = z.object({
  id: z.string().min(1, "payload.id is required"),
  from: phone,
  to: z.array(recipient).min(1, "payload.to must name a recipient"),
  text: z.string().nullish(),
  media: z.array(
    z.object({ url: z.string().min(1), content_type: z.string().nullish() }),
  )
    .nullish(),
  errors: z.array(telnyxError).nullish(),
  received_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  sent_at: z.string().nullish(),
});

const envelope = z.object({
  data: z.object({
    event_type: z.string().min(1, "data.event_type is required"),
    id: z.string().optional(),
    occurred_at: z.string().nullish(),
    payload: z.unknown(),
  }),
});

function check<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join(".") ?? "";
    throw new InvalidPayload(
      `invalid Telnyx webhook: ${where ? where + ": " : ""}${issue?.message}`,
    );
  }
  return result.data;
}

function epochMs(...isoTimes: Array<string | null | undefined>): number {
  for (const iso of isoTimes) {
    const ms = iso ? Date.parse(iso) : NaN;
    if (Number.isFinite(ms)) return ms;
  }
  return Date.now();
}

/**
 * Parses a Telnyx messaging webhook. Event types other than
 * message.received / message.sent / message.finalized parse to nothing:
 * a profile may send us other events and they are not errors.
 */
export function parseTelnyxWebhook(rawBody: Uint8Array): ParsedWebhook {
  const json = jsonBody(rawBody);
  if (json === null) {
    throw new InvalidPayload("invalid Telnyx webhook: body is not JSON");
  }
  const { data } = check(envelope, json);
  const result: ParsedWebhook = { messages: [], statuses: [] };
  if (data.event_type === "message.received") {
    const p = check(messagePayload, data.payload);
    result.messages.push({
      provider: "telnyx",
      channel: "sms",
      providerId: p.id,
      from: p.from.phone_number,
      to: p.to[0].phone_number,
      body: p.text ?? "",
      media: (p.media ?? []).map((m) => ({
        url: m.url,
        contentType: m.content_type ?? null,
      })),
      sentAt: epochMs(p.received_at, data.occurred_at),
    });
  } else if (
    data.event_type === "message.sent" ||
    data.event_type === "message.finalized"
  ) {
    const p = check(messagePayload, data.payload);
    const status = mapTelnyxStatus(p.to[0].status ?? "");
    if (status) {
      const update: StatusUpdate = {
        provider: "telnyx",
        providerId: p.id,
        status,
        at: epochMs(data.occurred_at, p.completed_at, p.sent_at),
      };
      const error = p.errors?.[0];
      if (error?.code !== undefined) update.errorCode = String(error.code);
      const message = [error?.title, error?.detail].filter(Boolean).join(": ");
      if (message) update.errorMessage = message;
      result.statuses.push(update);
    }
  }
  return result;
}

const sendResponseSchema = z.object({
  data: z.object({
    id: z.string().min(1),
    to: z.array(z.object({ status: z.string().optional() })).optional(),
  }),
});
const errorResponseSchema = z.object({ errors: z.array(telnyxError).min(1) });

/**
 * Creates the Telnyx adapter. Throws at once when the public key is not a
 * base64 32-byte key, so a misconfiguration fails at start-up, not per request.
 */
export function createTelnyxAdapter(config: TelnyxConfig): CarrierAdapter {
  const rawKey = fromBase64(config.publicKey);
  if (!rawKey || rawKey.length !== 32) {
    throw new Error(
      "Telnyx public key must be base64 of a raw 32-byte Ed25519 key",
    );
  }
  const toleranceMs = (config.toleranceSec ?? 300) * 1000;
  let key: Promise<CryptoKey> | undefined;
  const publicKey = () =>
    key ??= crypto.subtle.importKey("raw", rawKey, { name: "Ed25519" }, false, [
      "verify",
    ]);

  return {
    provider: "telnyx",

    async verify(req: WebhookRequest, now = Date.now()): Promise<boolean> {
      try {
        const signature = fromBase64(
          req.headers.get(TELNYX_SIGNATURE_HEADER) ?? "",
        );
        const timestamp = req.headers.get(TELNYX_TIMESTAMP_HEADER) ?? "";
        if (
          !signature || signature.length !== 64 || !/^\d{1,12}$/.test(timestamp)
        ) return false;
        // Both directions: a far-future stamp is as suspicious as a stale one.
        if (Math.abs(now - Number(timestamp) * 1000) > toleranceMs) {
          return false;
        }
        return await crypto.subtle.verify(
          { name: "Ed25519" },
          await publicKey(),
          signature,
          telnyxSignedPayload(timestamp, req.rawBody),
        );
      } catch {
        return false;
      }
    },

    parse(req: WebhookRequest): ParsedWebhook {
      return parseTelnyxWebhook(req.rawBody);
    },

    async send(
      msg: OutboundMessage,
      signal?: AbortSignal,
    ): Promise<SendResult> {
      if (msg.reaction) {
        throw new CarrierError(
          "Telnyx cannot send reactions",
          false,
          "unsupported",
        );
      }
      const body: Record<string, unknown> = { from: msg.from, to: msg.to };
      if (msg.body) body.text = msg.body;
      if (msg.mediaUrls.length) body.media_urls = msg.mediaUrls;
      if (msg.statusCallbackUrl) body.webhook_url = msg.statusCallbackUrl;
      const res = await callProvider(joinUrl(config.apiBase, "/v2/messages"), {
        method: "POST",
        headers: {
          authorization: `Bearer ${config.apiKey}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: JSON.stringify(body),
      }, { signal, timeoutMs: config.timeoutMs });
      const json = jsonBody(res.bytes);
      if (!res.ok) {
        // https://developers.telnyx.com/development/api-fundamentals/api-errors
        const err = errorResponseSchema.safeParse(json);
        const first = err.success ? err.data.errors[0] : undefined;
        const message =
          [first?.title, first?.detail].filter(Boolean).join(": ") ||
          `Telnyx answered ${res.status}`;
        throw httpError(
          res.status,
          message,
          first?.code !== undefined ? String(first.code) : undefined,
        );
      }
      const ok = sendResponseSchema.safeParse(json);
      if (!ok.success) {
        throw new CarrierError(
          "unreadable Telnyx answer",
          false,
          "bad_response",
          res.status,
        );
      }
      const status = mapTelnyxStatus(ok.data.data.to?.[0]?.status ?? "") ??
        "queued";
      return { providerId: ok.data.data.id, status };
    },

    async fetchMedia(url: string, signal?: AbortSignal) {
      // Inbound media links are pre-signed; the API key only goes to Telnyx's API.
      const headers: HeadersInit = isSameOrigin(url, config.apiBase)
        ? { authorization: `Bearer ${config.apiKey}` }
        : {};
      const res = await callProvider(url, { headers }, {
        signal,
        timeoutMs: config.timeoutMs,
        maxBytes: config.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES,
      });
      if (!res.ok) {
        throw httpError(res.status, `Telnyx media answered ${res.status}`);
      }
      return { bytes: res.bytes, contentType: res.headers.get("content-type") };
    },
  };
}
