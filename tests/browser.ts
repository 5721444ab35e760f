/** Headless Debian Chromium through playwright-core, and a real HTTP server. */
import { type Browser, chromium, type Page } from "playwright-core";
import {
  DEMO_PASSWORD,
  type TestApp,
  testApp,
  type TestAppOptions,
} from "./helpers.ts";

export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/** Launches Chromium with the flags this closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

export interface ServedApp extends TestApp {
  url: string;
  stop(): Promise<void>;
}

/** The app on a loopback port; `stop()` after closing the browser. */
export async function serveApp(opts: TestAppOptions = {}): Promise<ServedApp> {
  const ac = new AbortController();
  let port = 0;
  const listening = Promise.withResolvers<void>();
  // PUBLIC_URL must be the real origin for the CSRF origin check
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const url = `http://127.0.0.1:${port}`;
  const t = await testApp({ ...opts, env: { PUBLIC_URL: url, ...opts.env } });
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
    stop: async () => {
      ac.abort();
      await server.finished;
      await t.close();
    },
  };
}

/** Logs a demo user in through the real form and waits for their inbox. */
export async function logIn(page: Page, url: string, email: string) {
  await page.goto(`${url}/login`);
  await page.fill("#email", email);
  await page.fill("#password", DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL(/\/inboxes\/\d+/),
    page.click("button[type=submit]"),
  ]);
}

/**
 * Keeps a screenshot as one of the README's pictures, but only when asked
 * (`UPDATE_SCREENSHOTS=1 deno task test`): a normal test run leaves the
 * checkout as it found it.
 */
export async function keepScreenshot(png: Uint8Array, path: string) {
  if (Deno.env.get("UPDATE_SCREENSHOTS") !== "1") return;
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeFile(path, png);
}
