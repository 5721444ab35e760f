/**
 * WhatsApp Business Cloud API (Meta Graph API).
 *
 * - Webhook set-up and signatures: https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 *   (GET handshake with hub.* params; POSTs carry `X-Hub-Signature-256:
 *   sha256=<hex HMAC-SHA256(app secret, raw body)>`).
 * - Payloads: https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples
 *   and https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 * - Send: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 * - Media: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media
 *
 * `apiBase` includes the Graph version, e.g. `https://graph.facebook.com/v21.0`.
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
import { constantTimeEqual, hmac, toHex } from "./signing.ts";
import {
  callProvider,
  DEFAULT_MAX_MEDIA_BYTES,
  httpError,
  joinUrl,
  jsonBody,
} from "./provider_http.ts";

/** Configuration for {@linkcode createWhatsAppAdapter}. */
export interface WhatsAppConfig {
  accessToken: string;
  /** The Meta app secret, which keys the webhook HMAC. */
  appSecret: string;
  /** Our chosen token for the GET subscription handshake. */
  verifyToken: string;
  /** e.g. `https://graph.facebook.com/v21.0`; the simulator's url in tests. */
  apiBase: string;
  timeoutMs?: number;
  maxMediaBytes?: number;
}

/** Header carrying `sha256=<hex>`. */
export const WHATSAPP_SIGNATURE_HEADER = "X-Hub-Signature-256";

/** Scheme of the `InboundMedia.url`s this adapter produces: `whatsapp-media:<id>`. */
export const WHATSAPP_MEDIA_SCHEME = "whatsapp-media:";

/** One WhatsApp message carries at most one attachment (with an optional caption). */
export const WHATSAPP_MAX_MEDIA_PER_MESSAGE = 1;

/**
 * Answers Meta's subscription handshake: returns `hub.challenge` (to echo
 * with 200) when `hub.mode` is "subscribe" and the token matches, else null
 * (answer 403).
 */
export function verifyHandshake(
  params: URLSearchParams,
  verifyToken: string,
): string | null {
  const challenge = params.get("hub.challenge");
  if (
    !verifyToken || params.get("hub.mode") !== "subscribe" || challenge === null
  ) return null;
  return constantTimeEqual(params.get("hub.verify_token") ?? "", verifyToken)
    ? challenge
    : null;
}

/** Computes the `X-Hub-Signature-256` header value for a body. */
export function computeWhatsAppSignature(
  appSecret: string,
  rawBody: Uint8Array,
): string {
  return "sha256=" +
    toHex(hmac("SHA-256", appSecret, new Uint8Array(rawBody)));
}

const STATUS_MAP: Record<string, DeliveryStatus> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  // A voice message was played: at least read.
  played: "read",
  failed: "failed",
};

const mediaObject = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
});

const messageSchema = z.object({
  // the sender's WhatsApp id: their phone number's digits, nothing else
  from: z.string().regex(/^\d{5,15}$/, "from must be a WhatsApp id (digits)"),
  id: z.string().min(1, "id is required"),
  timestamp: z.string().regex(/^\d+$/, "timestamp must be unix seconds"),
  type: z.string().min(1),
  text: z.object({ body: z.string() }).optional(),
  image: mediaObject.optional(),
  video: mediaObject.optional(),
  audio: mediaObject.optional(),
  document: mediaObject.optional(),
  sticker: mediaObject.optional(),
  // Meta omits `emoji` when the customer removes a reaction.
  reaction: z.object({
    message_id: z.string().min(1),
    emoji: z.string().optional(),
  }).optional(),
  button: z.object({
    text: z.string().optional(),
    payload: z.string().optional(),
  }).optional(),
  interactive: z.object({
    type: z.string().optional(),
    button_reply: z.object({ id: z.string().optional(), title: z.string() })
      .optional(),
    list_reply: z.object({
      id: z.string().optional(),
      title: z.string(),
      description: z.string().optional(),
    }).optional(),
  }).optional(),
  location: z.object({
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().optional(),
    address: z.string().optional(),
  }).optional(),
  contacts: z.array(z.object({
    name: z.object({ formatted_name: z.string().optional() }).optional(),
    phones: z.array(z.object({ phone: z.string().optional() })).optional(),
  })).optional(),
});

const statusSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/, "timestamp must be unix seconds"),
  recipient_id: z.string().optional(),
  errors: z.array(z.object({
    code: z.union([z.number(), z.string()]),
    title: z.string().optional(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).optional(),
  })).optional(),
});

const valueSchema = z.object({
  messaging_product: z.string().optional(),
  metadata: z.object({
    display_phone_number: z.string().min(1),
    phone_number_id: z.string().min(1),
  }).optional(),
  contacts: z.array(z.object({
    wa_id: z.string().optional(),
    profile: z.object({ name: z.string().optional() }).optional(),
  })).optional(),
  messages: z.array(messageSchema).optional(),
  statuses: z.array(statusSchema).optional(),
});

const payloadSchema = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.object({
    id: z.string().optional(),
    changes: z.array(z.object({ field: z.string(), value: z.unknown() })),
  })),
});

function check<T>(schema: z.ZodType<T>, input: unknown, at: string): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = [at, ...(issue?.path ?? [])].filter((p) => p !== "").join(
      ".",
    );
    throw new InvalidPayload(
      `invalid WhatsApp webhook: ${where}: ${issue?.message}`,
    );
  }
  return result.data;
}

function e164(digits: string): string {
  return "+" + digits.replace(/\D/g, "");
}

type WaMessage = z.infer<typeof messageSchema>;

const MEDIA_TYPES = ["image", "video", "audio", "document", "sticker"] as const;

function describeUnsupported(m: WaMessage): string {
  if (m.location) {
    const { latitude, longitude, name, address } = m.location;
    return ["[location]", name, address, `${latitude},${longitude}`].filter(
      Boolean,
    ).join(" ");
  }
  if (m.contacts?.length) {
    const people = m.contacts.map((c) =>
      [c.name?.formatted_name, ...(c.phones ?? []).map((p) => p.phone)].filter(
        Boolean,
      ).join(" ")
    );
    return `[contact] ${people.join("; ")}`;
  }
  // Keep a visible trace so an agent knows the customer sent something.
  return m.type === "unsupported" || m.type === "unknown"
    ? "[unsupported]"
    : `[unsupported: ${m.type}]`;
}

function toInbound(
  m: WaMessage,
  value: z.infer<typeof valueSchema>,
  at: string,
): InboundMessage {
  if (!value.metadata) {
    throw new InvalidPayload(
      `invalid WhatsApp webhook: ${at}: metadata missing`,
    );
  }
  const message: InboundMessage = {
    provider: "whatsapp",
    channel: "whatsapp",
    providerId: m.id,
    from: e164(m.from),
    to: e164(value.metadata.display_phone_number),
    toPhoneNumberId: value.metadata.phone_number_id,
    body: "",
    media: [],
    sentAt: Number(m.timestamp) * 1000,
  };
  const name = value.contacts?.find((c) => c.wa_id === m.from)?.profile?.name ??
    value.contacts?.[0]?.profile?.name;
  if (name) message.contactName = name;

  const mediaType = MEDIA_TYPES.find((t) => t === m.type);
  if (m.type === "text" && m.text) {
    message.body = m.text.body;
  } else if (mediaType && m[mediaType]) {
    const media = m[mediaType]!;
    const item: InboundMedia = {
      url: WHATSAPP_MEDIA_SCHEME + media.id,
      contentType: media.mime_type ?? null,
      providerMediaId: media.id,
    };
    if (media.filename) item.filename = media.filename;
    message.media.push(item);
    message.body = media.caption ?? "";
    if (mediaType === "audio" && media.voice === true) {
      message.isVoiceNote = true;
    }
  } else if (m.type === "reaction" && m.reaction) {
    message.reaction = {
      emoji: m.reaction.emoji ?? "",
      targetProviderId: m.reaction.message_id,
    };
  } else if (m.type === "button" && m.button) {
    message.body = m.button.text ?? m.button.payload ?? "";
  } else if (m.type === "interactive" && m.interactive) {
    const reply = m.interactive.button_reply ?? m.interactive.list_reply;
    message.body = reply?.title ?? describeUnsupported(m);
  } else {
    message.body = describeUnsupported(m);
  }
  return message;
}

function toStatus(s: z.infer<typeof statusSchema>): StatusUpdate | null {
  const status = STATUS_MAP[s.status];
  if (!status) return null; // "deleted", "warning", … carry no delivery news
  const update: StatusUpdate = {
    provider: "whatsapp",
    providerId: s.id,
    status,
    at: Number(s.timestamp) * 1000,
  };
  const error = s.errors?.[0];
  if (error) {
    update.errorCode = String(error.code);
    const message = [error.title ?? error.message, error.error_data?.details]
      .filter(Boolean).join(": ");
    if (message) update.errorMessage = message;
  }
  return update;
}

/** Parses a Cloud API webhook; changes other than `messages` are ignored. */
export function parseWhatsAppWebhook(rawBody: Uint8Array): ParsedWebhook {
  const json = jsonBody(rawBody);
  if (json === null) {
    throw new InvalidPayload("invalid WhatsApp webhook: body is not JSON");
  }
  const payload = check(payloadSchema, json, "");
  const result: ParsedWebhook = { messages: [], statuses: [] };
  payload.entry.forEach((entry, e) =>
    entry.changes.forEach((change, c) => {
      if (change.field !== "messages") return;
      const at = `entry.${e}.changes.${c}.value`;
      const value = check(valueSchema, change.value, at);
      for (const m of value.messages ?? []) {
        result.messages.push(toInbound(m, value, at));
      }
      for (const s of value.statuses ?? []) {
        const update = toStatus(s);
        if (update) result.statuses.push(update);
      }
    })
  );
  return result;
}

const EXTENSION_TYPES: Record<string, "image" | "video" | "audio" | "sticker"> =
  {
    jpg: "image",
    jpeg: "image",
    png: "image",
    webp: "sticker",
    mp4: "video",
    "3gp": "video",
    aac: "audio",
    amr: "audio",
    mp3: "audio",
    m4a: "audio",
    ogg: "audio",
    opus: "audio",
  };

/** Which WhatsApp message type a media link is sent as, by its file extension. */
export function whatsappMediaType(
  url: string,
): "image" | "video" | "audio" | "sticker" | "document" {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Keep the raw string.
  }
  const ext = path.split(".").pop()?.toLowerCase() ?? "";
  return EXTENSION_TYPES[ext] ?? "document";
}

function outboundPayload(msg: OutboundMessage): Record<string, unknown> {
  const base = {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: msg.to.replace(/\D/g, ""),
  };
  if (msg.reaction) {
    return {
      ...base,
      type: "reaction",
      reaction: {
        message_id: msg.reaction.targetProviderId,
        emoji: msg.reaction.emoji,
      },
    };
  }
  if (msg.mediaUrls.length > WHATSAPP_MAX_MEDIA_PER_MESSAGE) {
    throw new CarrierError(
      "WhatsApp sends one attachment per message",
      false,
      "too_many_media",
    );
  }
  const [link] = msg.mediaUrls;
  if (!link) return { ...base, type: "text", text: { body: msg.body } };
  const type = whatsappMediaType(link);
  const media: Record<string, string> = { link };
  if (msg.body) {
    if (type === "audio" || type === "sticker") {
      throw new CarrierError(
        `WhatsApp ${type} messages take no caption`,
        false,
        "caption_not_supported",
      );
    }
    media.caption = msg.body;
  }
  if (type === "document") {
    const name = decodeURIComponent(
      new URL(link).pathname.split("/").pop() ?? "",
    );
    if (name) media.filename = name;
  }
  return { ...base, type, [type]: media };
}

// Meta reports throttling and transient outages with HTTP 400 and these codes:
// https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
const RETRYABLE_META_CODES = new Set([
  1,
  2,
  4,
  80007,
  130429,
  131000,
  131016,
  131048,
  131056,
  133004,
]);

const errorResponseSchema = z.object({
  error: z.object({
    code: z.union([z.number(), z.string()]).optional(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).optional(),
  }),
});
const sendResponseSchema = z.object({
  messages: z.array(z.object({ id: z.string().min(1) })).min(1),
});
const mediaInfoSchema = z.object({
  url: z.url(),
  mime_type: z.string().optional(),
});

/** Creates the WhatsApp Cloud API adapter. */
export function createWhatsAppAdapter(config: WhatsAppConfig): CarrierAdapter {
  const auth = { authorization: `Bearer ${config.accessToken}` };

  async function graph(
    url: string,
    init: RequestInit,
    signal?: AbortSignal,
    maxBytes?: number,
  ) {
    const res = await callProvider(url, {
      ...init,
      headers: { ...auth, ...init.headers },
    }, {
      signal,
      timeoutMs: config.timeoutMs,
      maxBytes,
    });
    if (!res.ok) {
      const err = errorResponseSchema.safeParse(jsonBody(res.bytes));
      const code = err.success ? err.data.error.code : undefined;
      const message = err.success && err.data.error.message
        ? [err.data.error.message, err.data.error.error_data?.details].filter(
          Boolean,
        ).join(": ")
        : `WhatsApp answered ${res.status}`;
      const retryable = res.status >= 500 || res.status === 429 ||
        RETRYABLE_META_CODES.has(Number(code));
      throw httpError(
        res.status,
        message,
        code === undefined ? undefined : String(code),
        retryable,
      );
    }
    return res;
  }

  return {
    provider: "whatsapp",

    verify(req: WebhookRequest): boolean {
      try {
        const header = req.headers.get(WHATSAPP_SIGNATURE_HEADER) ?? "";
        if (!header.startsWith("sha256=")) return false;
        const expected = computeWhatsAppSignature(
          config.appSecret,
          req.rawBody,
        );
        return constantTimeEqual(
          "sha256=" + header.slice(7).toLowerCase(),
          expected,
        );
      } catch {
        return false;
      }
    },

    parse(req: WebhookRequest): ParsedWebhook {
      return parseWhatsAppWebhook(req.rawBody);
    },

    async send(
      msg: OutboundMessage,
      signal?: AbortSignal,
    ): Promise<SendResult> {
      if (!msg.fromPhoneNumberId) {
        throw new CarrierError(
          "WhatsApp needs fromPhoneNumberId",
          false,
          "missing_phone_number_id",
        );
      }
      const url = joinUrl(
        config.apiBase,
        `/${encodeURIComponent(msg.fromPhoneNumberId)}/messages`,
      );
      const res = await graph(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
        },
        body: JSON.stringify(outboundPayload(msg)),
      }, signal);
      const ok = sendResponseSchema.safeParse(jsonBody(res.bytes));
      if (!ok.success) {
        throw new CarrierError(
          "unreadable WhatsApp answer",
          false,
          "bad_response",
          res.status,
        );
      }
      // Meta's first webhook for it will say "sent"; until then it is queued.
      return { providerId: ok.data.messages[0].id, status: "queued" };
    },

    async fetchMedia(url: string, signal?: AbortSignal) {
      if (!url.startsWith(WHATSAPP_MEDIA_SCHEME)) {
        throw new CarrierError(
          `not a WhatsApp media reference: ${url}`,
          false,
          "bad_media_url",
        );
      }
      const id = url.slice(WHATSAPP_MEDIA_SCHEME.length);
      // Two hops: the id resolves to a short-lived link, which also wants the token.
      const info = await graph(
        joinUrl(config.apiBase, `/${encodeURIComponent(id)}`),
        {},
        signal,
      );
      const parsed = mediaInfoSchema.safeParse(jsonBody(info.bytes));
      if (!parsed.success) {
        throw new CarrierError(
          "unreadable WhatsApp media answer",
          false,
          "bad_response",
          info.status,
        );
      }
      const file = await graph(
        parsed.data.url,
        {},
        signal,
        config.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES,
      );
      return {
        bytes: file.bytes,
        contentType: parsed.data.mime_type ?? file.headers.get("content-type"),
      };
    },
  };
}
