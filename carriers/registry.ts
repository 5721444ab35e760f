/**
 * Builds the three adapters from configuration, and — for the demo and for
 * development — the loopback simulator they talk to instead of the internet.
 */
import type { Config } from "../config.ts";
import {
  type CarrierSimulator,
  startCarrierSimulator,
  telnyxKeyPairFromSeed,
} from "./simulator.ts";
import { createTelnyxAdapter } from "./telnyx.ts";
import { createTwilioAdapter } from "./twilio.ts";
import type { CarrierAdapter, Provider } from "./types.ts";
import { createWhatsAppAdapter } from "./whatsapp.ts";

export type Carriers = Record<Provider, CarrierAdapter>;

const REAL_BASES = {
  twilio: "https://api.twilio.com",
  telnyx: "https://api.telnyx.com",
  whatsapp: "https://graph.facebook.com/v21.0",
};

/** A fixed demo key pair: the simulator signs, the app verifies. */
export function demoTelnyxKeys() {
  return telnyxKeyPairFromSeed(new Uint8Array(32).fill(7));
}

export interface CarrierSetup {
  carriers: Carriers;
  simulator: CarrierSimulator | null;
}

/** True when no provider is configured for real: the demo then simulates. */
export function wantsSimulator(config: Config): boolean {
  const e = config.env;
  if (e.SIMULATOR !== "auto") return e.SIMULATOR === "1";
  return !e.TWILIO_API_BASE && !e.TELNYX_API_BASE && !e.WHATSAPP_API_BASE &&
    e.TWILIO_AUTH_TOKEN === "demo-twilio-token";
}

/** Builds the adapters, pointed at `bases` (defaults: the real APIs). */
export async function createCarriers(
  config: Config,
  bases: Partial<Record<Provider, string>> = {},
): Promise<Carriers> {
  const e = config.env;
  const telnyxPublicKey = e.TELNYX_PUBLIC_KEY ??
    (await demoTelnyxKeys()).publicKey;
  return {
    twilio: createTwilioAdapter({
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      apiBase: bases.twilio ?? e.TWILIO_API_BASE ?? REAL_BASES.twilio,
    }),
    telnyx: createTelnyxAdapter({
      apiKey: e.TELNYX_API_KEY,
      publicKey: telnyxPublicKey,
      apiBase: bases.telnyx ?? e.TELNYX_API_BASE ?? REAL_BASES.telnyx,
    }),
    whatsapp: createWhatsAppAdapter({
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      appSecret: e.WHATSAPP_APP_SECRET,
      verifyToken: e.WHATSAPP_VERIFY_TOKEN,
      apiBase: bases.whatsapp ?? e.WHATSAPP_API_BASE ?? REAL_BASES.whatsapp,
    }),
  };
}

/**
 * The adapters for this configuration; with the simulator, it is started on
 * SIMULATOR_PORT and every adapter points at it.
 */
export async function setUpCarriers(
  config: Config,
  appBaseUrl: string,
): Promise<CarrierSetup> {
  if (!wantsSimulator(config)) {
    return { carriers: await createCarriers(config), simulator: null };
  }
  const e = config.env;
  const simulator = await startCarrierSimulator({
    port: e.SIMULATOR_PORT,
    hostname: "127.0.0.1",
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
    },
    telnyx: {
      privateKey: (await demoTelnyxKeys()).privateKey,
      apiKey: e.TELNYX_API_KEY,
    },
    whatsapp: {
      appSecret: e.WHATSAPP_APP_SECRET,
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      phoneNumberIds: { "+15550100002": "100002" },
    },
    appBaseUrl,
    publicUrl: config.publicUrl,
    statusDelayMs: 400,
  });
  const url = simulator.url;
  return {
    carriers: await createCarriers(config, {
      twilio: url,
      telnyx: url,
      whatsapp: url,
    }),
    simulator,
  };
}
