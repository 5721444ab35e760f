/**
 * The whole loop on loopback: the app on a real port with its outbox, and
 * the carrier simulator it sends to and that calls its webhooks back.
 */
import { demoTelnyxKeys } from "../carriers/registry.ts";
import {
  type CarrierSimulator,
  startCarrierSimulator,
} from "../carriers/simulator.ts";
import {
  TEST_SECRETS,
  type TestApp,
  testApp,
  type TestAppOptions,
} from "./helpers.ts";

export interface Stack extends TestApp {
  url: string;
  sim: CarrierSimulator;
  stop(): Promise<void>;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Starts simulator + app + outbox; `stop()` closes all of it. */
export async function startStack(
  opts: TestAppOptions & { statusDelayMs?: number } = {},
): Promise<Stack> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const sim = await startCarrierSimulator({
    hostname: "127.0.0.1",
    twilio: {
      accountSid: TEST_SECRETS.twilioAccountSid,
      authToken: TEST_SECRETS.twilioAuthToken,
    },
    telnyx: {
      privateKey: (await demoTelnyxKeys()).privateKey,
      apiKey: TEST_SECRETS.telnyxApiKey,
    },
    whatsapp: {
      appSecret: TEST_SECRETS.whatsappAppSecret,
      phoneNumberIds: { "+15550100002": "100002" },
    },
    appBaseUrl: url,
    publicUrl: url,
    statusDelayMs: opts.statusDelayMs ?? 10,
  });
  const t = await testApp({
    outbox: true,
    ...opts,
    carrierBase: sim.url,
    env: { PUBLIC_URL: url, OUTBOX_RATE_PER_SEC: "1000", ...opts.env },
  });
  const ac = new AbortController();
  const listening = Promise.withResolvers<void>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    signal: ac.signal,
    onListen: () => listening.resolve(),
  }, t.app.fetch);
  await listening.promise;
  return {
    ...t,
    url,
    sim,
    stop: async () => {
      await t.outbox?.stop();
      await sim.pendingCallbacks();
      await sim.close();
      ac.abort();
      await server.finished;
      await t.close();
    },
  };
}

/** Polls `check` until it returns a truthy value or `ms` pass. */
export async function eventually<T>(
  check: () =>
    | Promise<T | undefined | null | false>
    | T
    | undefined
    | null
    | false,
  ms = 5000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + ms;
  while (true) {
    const v = await check();
    if (v) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
