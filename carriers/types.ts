/**
 * The contract between Bandeja and the SMS/WhatsApp providers it talks to.
 *
 * Adapters translate each provider's wire format into these shapes; nothing
 * outside `carriers/` should know what a `MessageSid` or a `wamid` looks like.
 *
 * @module
 */

/** The providers Bandeja has an adapter for. */
export type Provider = "twilio" | "telnyx" | "whatsapp";

/** How a message travels: carrier SMS/MMS or WhatsApp (native or via Twilio). */
export type Channel = "sms" | "whatsapp";

/**
 * Our own delivery status vocabulary; each adapter maps its provider's words
 * onto it. `undelivered` means the carrier took it but the handset never got
 * it; `failed` means it never left.
 */
export type DeliveryStatus =
  | "queued"
  | "sent"
  | "delivered"
  | "read"
  | "undelivered"
  | "failed";

/** An attachment announced by an inbound webhook; fetch it with `fetchMedia`. */
export interface InboundMedia {
  /** Where to fetch it from (`whatsapp-media:<id>` for WhatsApp). */
  url: string;
  contentType: string | null;
  providerMediaId?: string;
  /** Original file name, when the provider tells us (WhatsApp documents). */
  filename?: string;
}

/** One message a customer sent to one of our numbers. */
export interface InboundMessage {
  provider: Provider;
  channel: Channel;
  /** MessageSid / Telnyx payload id / WhatsApp wamid. */
  providerId: string;
  /** The customer, E.164 ("+1555…"). */
  from: string;
  /** Our number, E.164. */
  to: string;
  /** WhatsApp `metadata.phone_number_id`. */
  toPhoneNumberId?: string;
  /** Text of the message; "" when there is none. */
  body: string;
  media: InboundMedia[];
  /** WhatsApp `contacts[].profile.name`, Twilio `ProfileName`. */
  contactName?: string;
  /** A WhatsApp reaction; `emoji` "" means the customer removed it. */
  reaction?: { emoji: string; targetProviderId: string };
  /** WhatsApp `audio.voice === true` (a push-to-talk recording). */
  isVoiceNote?: boolean;
  /** Epoch ms: the provider's timestamp, or the time we parsed it. */
  sentAt: number;
}

/** A delivery report for a message we sent. */
export interface StatusUpdate {
  provider: Provider;
  providerId: string;
  status: DeliveryStatus;
  errorCode?: string;
  errorMessage?: string;
  /** Epoch ms: the provider's timestamp, or the time we parsed it. */
  at: number;
}

/** Everything one webhook delivery carried. */
export interface ParsedWebhook {
  messages: InboundMessage[];
  statuses: StatusUpdate[];
}

/** A webhook request as the route received it, before any parsing. */
export interface WebhookRequest {
  /** The PUBLIC url the carrier posted to (PUBLIC_URL + path + query). */
  url: string;
  headers: Headers;
  /** The exact bytes received; signatures are computed over these. */
  rawBody: Uint8Array;
}

/** A message we want a provider to deliver. */
export interface OutboundMessage {
  /** Our number, E.164 (Twilio WhatsApp senders may keep "whatsapp:"). */
  from: string;
  /** The customer, E.164. */
  to: string;
  body: string;
  mediaUrls: string[];
  /** WhatsApp: the phone_number_id to send from (required there). */
  fromPhoneNumberId?: string;
  /** Where the provider should report delivery (Twilio, Telnyx). */
  statusCallbackUrl?: string;
  /** WhatsApp: react to a message instead of sending text. */
  reaction?: { emoji: string; targetProviderId: string };
}

/** What the provider told us when it accepted a message. */
export interface SendResult {
  providerId: string;
  status: DeliveryStatus;
}

/**
 * A provider call failed. `retryable` tells the outbox whether trying again
 * later can help (5xx, 429, network, timeout) or not (other 4xx).
 */
export class CarrierError extends Error {
  /**
   * @param message human-readable reason (provider's own words when it gave any)
   * @param retryable whether a later retry may succeed
   * @param code the provider's error code, or ours ("timeout", "network", …)
   * @param httpStatus the HTTP status the provider answered with, if any
   */
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = "CarrierError";
  }
}

/** A webhook body that does not have the provider's documented shape. */
export class InvalidPayload extends Error {
  /** @param message what was wrong, safe to show in a 400 answer */
  constructor(message: string) {
    super(message);
    this.name = "InvalidPayload";
  }
}

/** One provider, seen through Bandeja's eyes. */
export interface CarrierAdapter {
  readonly provider: Provider;
  /**
   * Checks the webhook signature; never throws, answers false on garbage.
   * Synchronous where the provider's scheme allows (HMAC).
   */
  verify(req: WebhookRequest, now?: number): boolean | Promise<boolean>;
  /** Parses a (verified) webhook; throws `InvalidPayload` when malformed. */
  parse(req: WebhookRequest): ParsedWebhook;
  /** Hands a message to the provider; throws `CarrierError`. */
  send(msg: OutboundMessage, signal?: AbortSignal): Promise<SendResult>;
  /** Downloads an inbound attachment; throws `CarrierError`. */
  fetchMedia(
    url: string,
    signal?: AbortSignal,
  ): Promise<{ bytes: Uint8Array; contentType: string | null }>;
}
