/**
 * The carrier simulator for bench/campaign.ts, run as a Worker: in
 * production the carrier is another machine, so it must not take turns on
 * the app's thread. It accepts sends, posts signed delivery reports back to
 * the app, and answers how many messages it has accepted (and for how many
 * distinct numbers: a retried send that got through twice shows up there).
 */
import { demoTelnyxKeys } from "../carriers/registry.ts";
import {
  type CarrierSimulator,
  startCarrierSimulator,
} from "../carriers/simulator.ts";
import { TEST_SECRETS } from "../tests/helpers.ts";

type Request =
  | { type: "start"; appBaseUrl: string; statusDelayMs: number }
  | { type: "count" }
  | { type: "close" };

let sim: CarrierSimulator | null = null;

self.onmessage = async (e: MessageEvent<Request>) => {
  const req = e.data;
  if (req.type === "start") {
    sim = await startCarrierSimulator({
      hostname: "127.0.0.1",
      twilio: {
        accountSid: TEST_SECRETS.twilioAccountSid,
        authToken: TEST_SECRETS.twilioAuthToken,
      },
      telnyx: {
        privateKey: (await demoTelnyxKeys()).privateKey,
        apiKey: TEST_SECRETS.telnyxApiKey,
      },
      whatsapp: { appSecret: TEST_SECRETS.whatsappAppSecret },
      appBaseUrl: req.appBaseUrl,
      statusDelayMs: req.statusDelayMs,
    });
    self.postMessage({ type: "ready", url: sim.url });
  } else if (req.type === "count") {
    const sent = sim?.sent ?? [];
    self.postMessage({
      type: "count",
      sent: sent.length,
      distinct: new Set(sent.map((m) => m.to)).size,
    });
  } else {
    await sim?.close();
    self.postMessage({ type: "closed" });
    self.close();
  }
};
