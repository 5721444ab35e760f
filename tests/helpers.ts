/**
 * Test fixtures: a real libSQL file per test (copied from a migrated and
 * seeded template), the app built around it, and logged-in clients.
 */
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { type Db, openDb } from "../db/client.ts";
import { DEMO_PASSWORD, seedDemo } from "../db/seed.ts";
import type { Clock } from "../services/clock.ts";
import { EventBus } from "../services/event_bus.ts";
import { createCarriers } from "../carriers/registry.ts";
import type { Provider } from "../carriers/types.ts";
import { localMediaStore } from "../services/media_store.ts";
import { OutboxWorker } from "../services/outbox.ts";
import { startIngest } from "../services/ingest_thread.ts";
import type { AppDeps } from "../routes/context.ts";
import type { Hono } from "hono";
import type { AppEnv } from "../routes/context.ts";

export { DEMO_PASSWORD };

let template: Promise<string> | null = null;

async function makeTemplate(): Promise<string> {
  const path = await Deno.makeTempFile({
    prefix: "bandeja-template-",
    suffix: ".db",
  });
  const db = await openDb({ url: `file:${path}` });
  // a low scrypt cost keeps set-up fast; production uses the default
  await seedDemo(db, { now: Date.now(), passwordCost: 2 ** 10 });
  await db.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  globalThis.addEventListener("unload", () => removeDbFiles(path));
  return path;
}

/** Deletes a database file and its WAL companions; gone already is fine. */
function removeDbFiles(path: string) {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      Deno.removeSync(f);
    } catch {
      // not there (never created, or removed already)
    }
  }
}

/** A fresh database file with the demo organisation in it. */
export async function testDb(): Promise<Db> {
  template ??= makeTemplate();
  const src = await template;
  const path = await Deno.makeTempFile({
    prefix: "bandeja-test-",
    suffix: ".db",
  });
  await Deno.copyFile(src, path);
  const db = await openDb({ url: `file:${path}` });
  // closing a test's database also deletes its files
  return {
    ...db,
    close() {
      db.close();
      removeDbFiles(path);
    },
  };
}

/** A clock tests can move. */
export function testClock(
  start = Date.now(),
): Clock & { advance(ms: number): void } {
  let now = start;
  const clock = (() => now) as Clock & { advance(ms: number): void };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export interface TestApp {
  app: Hono<AppEnv>;
  db: Db;
  bus: EventBus;
  clock: Clock;
  origin: string;
  deps: AppDeps;
  outbox: OutboxWorker | null;
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: Clock;
  env?: Record<string, string>;
  db?: Db;
  /** where the adapters send (the simulator's url); default: nowhere */
  carrierBase?: string;
  /** run an outbox worker (against carrierBase) */
  outbox?: boolean;
}

/** Test secrets the carrier signatures are computed with. */
export const TEST_SECRETS = {
  twilioAuthToken: "test-twilio-token",
  twilioAccountSid: "ACtest0000000000000000000000000000",
  whatsappAppSecret: "test-whatsapp-secret",
  whatsappVerifyToken: "test-verify-token",
  telnyxApiKey: "test-telnyx-key",
  mediaUrlSecret: "test-media-url-secret-0123456789",
};

/** The app around a fresh database, with its event bus running. */
export async function testApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const db = opts.db ?? await testDb();
  const clock = opts.clock ?? (() => Date.now());
  const config = loadConfig({
    PUBLIC_URL: "http://localhost:8000",
    MEDIA_DIR: await Deno.makeTempDir({ prefix: "bandeja-media-" }),
    TWILIO_AUTH_TOKEN: TEST_SECRETS.twilioAuthToken,
    TWILIO_ACCOUNT_SID: TEST_SECRETS.twilioAccountSid,
    WHATSAPP_APP_SECRET: TEST_SECRETS.whatsappAppSecret,
    WHATSAPP_VERIFY_TOKEN: TEST_SECRETS.whatsappVerifyToken,
    TELNYX_API_KEY: TEST_SECRETS.telnyxApiKey,
    MEDIA_URL_SECRET: TEST_SECRETS.mediaUrlSecret,
    ...opts.env,
  });
  const bus = new EventBus(db, 50);
  await bus.start();
  // port 9 (discard) on loopback: a send without a simulator fails fast
  const base = opts.carrierBase ?? "http://127.0.0.1:9";
  const carriers = await createCarriers(config, {
    twilio: base,
    telnyx: base,
    whatsapp: base,
  });
  const media = localMediaStore(config.mediaDir);
  const keywordReplies = new Set(
    config.env.CARRIER_KEYWORD_REPLIES.split(",").filter(Boolean) as Provider[],
  );
  const deps = {
    db,
    clock,
    config,
    bus,
    carriers,
    media,
    mediaUrlSecret: TEST_SECRETS.mediaUrlSecret,
    carrierRepliesToKeywords: keywordReplies,
    ingest: startIngest(
      db,
      clock,
      keywordReplies,
      config.env.INGEST_THREAD,
    ),
  };
  const outbox = opts.outbox
    ? new OutboxWorker({
      db,
      clock,
      carriers,
      media,
      publicUrl: config.publicUrl,
      mediaUrlSecret: TEST_SECRETS.mediaUrlSecret,
      ratePerSecond: config.env.OUTBOX_RATE_PER_SEC,
      pollMs: 50,
      backoffBaseMs: 20,
    })
    : null;
  outbox?.start();
  const { app } = await createApp(deps);
  return {
    app,
    db,
    bus,
    clock,
    deps,
    outbox,
    origin: config.publicUrl,
    close: async () => {
      await outbox?.stop();
      await deps.ingest.close();
      await bus.stop();
      db.close();
      await Deno.remove(config.mediaDir, { recursive: true }).catch(() => {});
    },
  };
}

/** A cookie-carrying client for `app.request()`, like one browser. */
export class Client {
  cookies = new Map<string, string>();
  csrf = "";
  /** `remoteAddress` is the client's IP as Deno.serve would report it */
  constructor(readonly t: TestApp, readonly remoteAddress?: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set(
        "cookie",
        [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      );
    }
    if (init.method && init.method !== "GET" && !headers.has("origin")) {
      headers.set("origin", this.t.origin);
    }
    const res = await this.t.app.request(
      `${this.t.origin}${path}`,
      { ...init, headers },
      this.remoteAddress
        ? {
          remoteAddr: {
            hostname: this.remoteAddress,
            port: 40000,
            transport: "tcp",
          },
        }
        : undefined,
    );
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, v] = pair.split("=");
      if (/max-age=0/i.test(c) || v === "") this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    return res;
  }

  /** POSTs a form with this session's CSRF token (as htmx would). */
  post(
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ) {
    return this.request(path, {
      method: "POST",
      body: new URLSearchParams(form),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-csrf-token": this.csrf,
        "hx-request": "true",
        ...headers,
      },
    });
  }

  async login(email: string, password = DEMO_PASSWORD): Promise<Response> {
    const res = await this.request("/login", {
      method: "POST",
      body: new URLSearchParams({ email, password }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    if (res.status === 303) {
      const page = await this.request("/");
      await page.body?.cancel();
      const inbox = await this.request(page.headers.get("location") ?? "/");
      const html = await inbox.text();
      this.csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    } else {
      await res.body?.cancel();
    }
    return res;
  }
}

/** A client logged in as the demo user `name` (ana, luis, maria, admin). */
export async function loggedIn(t: TestApp, name: string): Promise<Client> {
  const c = new Client(t);
  const res = await c.login(`${name}@demo.test`);
  if (res.status !== 303) {
    throw new Error(`login as ${name} failed: ${res.status}`);
  }
  return c;
}

/** Number of rows in `table` (optionally filtered by a SQL condition). */
export async function countRows(
  db: Db,
  table: string,
  where = "1 = 1",
): Promise<number> {
  const rs = await db.client.execute(
    `select count(*) as n from ${table} where ${where}`,
  );
  return Number(rs.rows[0].n);
}

/** Ids of demo records by name, looked up in the test database. */
export async function demoIds(db: Db) {
  const q = async (sql: string) => (await db.client.execute(sql)).rows;
  const users = Object.fromEntries(
    (await q("select id, email from users")).map((
      r,
    ) => [String(r.email).split("@")[0], Number(r.id)]),
  );
  const inboxes = Object.fromEntries(
    (await q("select id, name from inboxes")).map((
      r,
    ) => [String(r.name), Number(r.id)]),
  );
  const conversations = (await q(
    "select c.id, i.name as inbox, c.status from conversations c join inboxes i on i.id = c.inbox_id order by c.id",
  )).map((r) => ({
    id: Number(r.id),
    inbox: String(r.inbox),
    status: String(r.status),
  }));
  return { users, inboxes, conversations };
}
