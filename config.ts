/**
 * Environment → typed configuration. Fails fast with a message naming the
 * variable that is wrong.
 */
import { z } from "zod";

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOSTNAME: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().min(1).default("file:data/bandeja.db"),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  // webhooks stored on a writer thread of their own (database files only)
  INGEST_THREAD: z.enum(["0", "1"]).default("1"),
  BANDEJA_DEMO: z.enum(["0", "1"]).default("1"),
  MEDIA_DIR: z.string().default("data/media"),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(24 * 14),
  TWILIO_ACCOUNT_SID: z.string().default("ACdemo00000000000000000000000000"),
  TWILIO_AUTH_TOKEN: z.string().default("demo-twilio-token"),
  TWILIO_API_BASE: z.url().optional(),
  TELNYX_API_KEY: z.string().default("demo-telnyx-key"),
  TELNYX_PUBLIC_KEY: z.string().optional(),
  TELNYX_API_BASE: z.url().optional(),
  WHATSAPP_ACCESS_TOKEN: z.string().default("demo-whatsapp-token"),
  WHATSAPP_APP_SECRET: z.string().default("demo-whatsapp-secret"),
  WHATSAPP_VERIFY_TOKEN: z.string().default("demo-verify-token"),
  WHATSAPP_API_BASE: z.url().optional(),
  SIMULATOR: z.enum(["auto", "0", "1"]).default("auto"),
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8026),
  /** messages per second per number; 0 turns the limit off */
  OUTBOX_RATE_PER_SEC: z.coerce.number().min(0).default(1),
  /** how long a claimed job is reserved before another worker may retry it */
  OUTBOX_LEASE_MS: z.coerce.number().int().min(100).default(30_000),
  MEDIA_URL_SECRET: z.string().min(16).optional(),
  /** providers configured to answer STOP/START/HELP themselves */
  CARRIER_KEYWORD_REPLIES: z.string().regex(
    /^((twilio|telnyx|whatsapp)(,(twilio|telnyx|whatsapp))*)?$/,
    "a comma-separated list of twilio, telnyx, whatsapp",
  ).default(""),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** a campaign's cost estimate: USD per SMS segment */
  CAMPAIGN_COST_PER_SEGMENT: z.coerce.number().min(0).default(0.0079),
  /** …and per MMS (one message whatever its length): Twilio's US price */
  CAMPAIGN_COST_PER_MMS: z.coerce.number().min(0).default(0.02),
  /**
   * Quiet hours for a recipient whose area code we cannot place (toll-free,
   * outside the US and Canada): this IANA time zone.
   */
  CAMPAIGN_DEFAULT_TIME_ZONE: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "an IANA time zone, e.g. America/New_York").default("America/New_York"),
  /** Bearer token for GET /metrics; unset disables the endpoint */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * The contact panel's "start a meeting" link (F27); `{room}` becomes a
   * name for the conversation or contact. No link when unset.
   */
  MEETING_URL_TEMPLATE: z.string().regex(
    /^https?:\/\/[^\s]+$/,
    "an http(s) URL, e.g. https://meet.jit.si/acme-{room}",
  ).optional(),
  /**
   * Click-to-call (F27): where "Call" sends the agent, `{number}` becoming
   * the contact's E.164 number — a softphone's URL, `sip:` or `tel:`.
   * Unset: a plain `tel:` link (the phone or the OS dialer).
   */
  CALL_URL_TEMPLATE: z.string().regex(
    /^(https?:\/\/|sip:|tel:|callto:)\S*\{number\}\S*$/,
    "an http(s), sip:, tel: or callto: URL with {number}, e.g. https://phone.example/dial?to={number}",
  ).optional(),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  port: number;
  hostname: string;
  /** what carriers see; signatures are computed over it */
  publicUrl: string;
  secureCookies: boolean;
  databaseUrl: string;
  databaseAuthToken?: string;
  demo: boolean;
  mediaDir: string;
  sessionTtlMs: number;
  /** see MEETING_URL_TEMPLATE */
  meetingUrlTemplate?: string;
  /** see CALL_URL_TEMPLATE */
  callUrlTemplate?: string;
  env: Env;
}

/** Reads the configuration; throws one readable error listing every problem. */
export function loadConfig(
  vars: Record<string, string | undefined> = Deno.env.toObject(),
): Config {
  const parsed = schema.safeParse(vars);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) =>
      `  ${i.path.join(".")}: ${i.message}`
    );
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`)
    .replace(/\/$/, "");
  return {
    port: env.PORT,
    hostname: env.HOSTNAME,
    publicUrl,
    secureCookies: publicUrl.startsWith("https:"),
    databaseUrl: env.DATABASE_URL,
    databaseAuthToken: env.DATABASE_AUTH_TOKEN,
    demo: env.BANDEJA_DEMO === "1",
    mediaDir: env.MEDIA_DIR,
    sessionTtlMs: env.SESSION_TTL_HOURS * 3600_000,
    meetingUrlTemplate: env.MEETING_URL_TEMPLATE,
    callUrlTemplate: env.CALL_URL_TEMPLATE,
    env,
  };
}
