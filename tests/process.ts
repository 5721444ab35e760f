/**
 * Real Bandeja processes (`deno run main.ts`) for the scale-out and crash
 * tests: several instances on one database file, talking to one carrier
 * simulator on loopback.
 */
import { demoTelnyxKeys } from "../carriers/registry.ts";
import {
  type CarrierSimulator,
  startCarrierSimulator,
} from "../carriers/simulator.ts";
import { TEST_SECRETS } from "./helpers.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export interface Instance {
  url: string;
  port: number;
  child: Deno.ChildProcess;
  /** SIGKILL: no shutdown, no flush, like a crash */
  kill(): Promise<void>;
  /** SIGTERM and wait */
  stop(): Promise<void>;
}

/** The environment every instance of one test shares. */
export function sharedEnv(dbPath: string, simUrl: string) {
  return {
    DATABASE_URL: `file:${dbPath}`,
    BANDEJA_DEMO: "1",
    SIMULATOR: "0",
    TWILIO_API_BASE: simUrl,
    TELNYX_API_BASE: simUrl,
    WHATSAPP_API_BASE: simUrl,
    TWILIO_AUTH_TOKEN: TEST_SECRETS.twilioAuthToken,
    TWILIO_ACCOUNT_SID: TEST_SECRETS.twilioAccountSid,
    WHATSAPP_APP_SECRET: TEST_SECRETS.whatsappAppSecret,
    TELNYX_API_KEY: TEST_SECRETS.telnyxApiKey,
    MEDIA_URL_SECRET: TEST_SECRETS.mediaUrlSecret,
    LOG_LEVEL: "error",
  };
}

/** Starts `deno run main.ts` and waits until /healthz answers. */
export async function startInstance(
  env: Record<string, string>,
  port = freePort(),
): Promise<Instance> {
  const url = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", MAIN],
    env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1", PUBLIC_URL: url },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const until = Date.now() + 30_000;
  while (true) {
    try {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > until) {
      child.kill("SIGKILL");
      await child.status;
      throw new Error(`instance on ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    kill: async () => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
    },
    stop: async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
    },
  };
}

/** A simulator that calls back whichever instance `target()` names. */
export async function startSharedSimulator(
  appBaseUrl: string,
): Promise<CarrierSimulator> {
  return await startCarrierSimulator({
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
    appBaseUrl,
    statusDelayMs: 5,
  });
}

/** Logs in over real HTTP; returns the cookie header and CSRF token. */
export async function httpLogin(
  url: string,
  email: string,
): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: url,
    },
    body: new URLSearchParams({ email, password: "demo-password" }),
  });
  await res.body?.cancel();
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join(
    "; ",
  );
  const page = await fetch(`${url}/`, { headers: { cookie } });
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  return { cookie, csrf };
}
