/**
 * A 10,000-recipient campaign (× BENCH_SCALE) on loopback with the
 * per-number rate limit off, against the carrier simulator: the campaign
 * runner turns recipients into messages, the outbox sends them over HTTP,
 * and the simulator's delivery reports come back through the webhooks.
 *
 * Messages per second = recipients / time until the outbox has handed
 * every message to the carrier (its send job done); the runner's own pace
 * (recipients queued per second) is printed beside it. The two run
 * together, as in production.
 *
 * The simulator runs in a Worker (bench/campaign_carrier.ts): a real
 * carrier does not take turns on the app's thread. Peak memory is the
 * process's resident set, sampled every 25 ms (the Worker's included).
 *
 *   deno run -A bench/campaign.ts     (BENCH_SCALE=0.1 for a quick run)
 */
import { addAudience } from "../services/campaign_audience.ts";
import { createCampaign, startCampaign } from "../services/campaigns.ts";
import { findUser } from "../services/users.ts";
import { fictionNumbers, testRunner } from "../tests/campaign_fixtures.ts";
import { demoIds, type TestApp, testApp } from "../tests/helpers.ts";
import { type BenchRow, benchRow } from "./bench_row.ts";

const scale = Number(Deno.env.get("BENCH_SCALE") ?? "1");
const RECIPIENTS = Math.max(100, Math.round(10_000 * scale));
const MB = 1024 * 1024;

let peakRss = 0;
/** the longest the event loop was late for a 25 ms timer, since last read */
let maxLagMs = 0;
function sampleMemory(): () => void {
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - last - 25);
    last = now;
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  }, 25);
  return () => clearInterval(timer);
}

async function until(
  what: string,
  done: () => boolean | Promise<boolean>,
  progress: () => Promise<string>,
): Promise<void> {
  const t0 = performance.now();
  let lastLog = t0;
  while (!(await done())) {
    const now = performance.now();
    if (now - lastLog > 10_000) {
      const m = Deno.memoryUsage();
      const lag = maxLagMs;
      maxLagMs = 0;
      console.log(
        `  ${((now - t0) / 1000).toFixed(0)} s: ${await progress()} ` +
          `(rss ${(m.rss / MB).toFixed(0)} MB, heap ${
            (m.heapUsed / MB).toFixed(0)
          } MB, event loop late by up to ${lag.toFixed(0)} ms)`,
      );
      lastLog = now;
    }
    if (now - t0 > 30 * 60_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The simulator in its Worker, asked one thing at a time. */
class CarrierWorker {
  #worker = new Worker(new URL("./campaign_carrier.ts", import.meta.url), {
    type: "module",
  });
  url = "";

  #ask<T>(msg: unknown): Promise<T> {
    return new Promise((resolve) => {
      this.#worker.onmessage = (e) => resolve(e.data as T);
      this.#worker.postMessage(msg);
    });
  }

  async start(appBaseUrl: string) {
    const { url } = await this.#ask<{ url: string }>({
      type: "start",
      appBaseUrl,
      statusDelayMs: 10,
    });
    this.url = url;
  }

  count() {
    return this.#ask<{ sent: number; distinct: number }>({ type: "count" });
  }

  async close() {
    await this.#ask({ type: "close" });
    this.#worker.terminate();
  }
}

interface BenchApp {
  t: TestApp;
  carrier: CarrierWorker;
  stop(): Promise<void>;
}

/** The app on a loopback port, its carriers pointed at the Worker. */
async function benchApp(): Promise<BenchApp> {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const url = `http://127.0.0.1:${port}`;
  const carrier = new CarrierWorker();
  await carrier.start(url);
  const t = await testApp({
    outbox: true,
    carrierBase: carrier.url,
    env: { PUBLIC_URL: url, OUTBOX_RATE_PER_SEC: "0" },
  });
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, signal: ac.signal, onListen: () => {} },
    t.app.fetch,
  );
  return {
    t,
    carrier,
    stop: async () => {
      await t.outbox?.stop();
      await carrier.close();
      ac.abort();
      await server.finished;
      await t.close();
    },
  };
}

/** A started campaign to RECIPIENTS numbers; returns how long the list took. */
async function campaignOf(t: TestApp) {
  const db = t.db;
  const ana = (await findUser(db.orm, (await demoIds(db)).users.ana))!;
  const campaign = await createCampaign(db, t.clock, ana, {
    name: "Benchmark",
    numberId: 1,
  });
  const list = [
    "name,phone",
    ...fictionNumbers(RECIPIENTS).map((n, i) => `Guest ${i},${n}`),
  ].join("\n");
  const t0 = performance.now();
  const report = await addAudience(db, t.clock, ana, campaign.id, {
    kind: "list",
    text: list,
  });
  const importMs = performance.now() - t0;
  if (report.added !== RECIPIENTS) {
    throw new Error(`added ${report.added} of ${RECIPIENTS}`);
  }
  const count = async (where: string) =>
    Number(
      (await db.client.execute({
        sql: `select count(*) as n from campaign_recipients r
          join messages m on m.id = r.message_id
          where r.campaign_id = ? and ${where}`,
        args: [campaign.id],
      })).rows[0].n,
    );
  const start = () =>
    startCampaign(db, t.clock, ana, campaign.id, {
      name: "Benchmark",
      body: "Hi {{contact.first_name}}, our new store opens on Sunday!",
      quietStart: 21 * 60,
      quietEnd: 8 * 60,
      scheduledAt: null,
    });
  return { importMs, count, start };
}

async function endToEnd() {
  const app = await benchApp();
  const runner = testRunner(app.t, { pollMs: 50 });
  runner.start();
  try {
    const { importMs, count, start } = await campaignOf(app.t);
    console.log(
      `audience: ${RECIPIENTS} rows checked and added in ${
        importMs.toFixed(0)
      } ms`,
    );
    // a send job ends done (the carrier took it) or dead (it gave up)
    const jobsOver = async (state = "state in ('done', 'dead')") =>
      Number(
        (await app.t.db.client.execute(
          `select count(*) as n from jobs where kind = 'send' and ${state}`,
        )).rows[0].n,
      );
    const t0 = performance.now();
    await start();
    let queuedS = 0;
    await until(
      "the outbox to hand every message to the carrier",
      async () => {
        if (!queuedS && await count("1 = 1") >= RECIPIENTS) {
          queuedS = (performance.now() - t0) / 1000;
        }
        return await jobsOver() >= RECIPIENTS;
      },
      async () => `${await count("1 = 1")} queued, ${await jobsOver()} sent`,
    );
    const sentS = (performance.now() - t0) / 1000;
    const failed = await jobsOver("state = 'dead'");
    await until(
      "every delivery report",
      async () => await count("m.status = 'delivered'") >= RECIPIENTS - failed,
      async () => `${await count("m.status = 'delivered'")} delivered`,
    );
    const deliveredS = (performance.now() - t0) / 1000;
    const carrier = await app.carrier.count();
    return {
      importMs,
      queuedS: queuedS || sentS,
      sentS,
      deliveredS,
      twice: carrier.sent - carrier.distinct,
      failed,
    };
  } finally {
    await runner.stop();
    await app.stop();
  }
}

export async function run(): Promise<BenchRow[]> {
  const stopSampling = sampleMemory();
  try {
    const r = await endToEnd();
    const rate = RECIPIENTS / r.sentS;
    const runnerRate = RECIPIENTS / r.queuedS;
    console.log(
      `${RECIPIENTS} recipients: all handed to the carrier in ${
        r.sentS.toFixed(1)
      } s = ${rate.toFixed(0)} messages/s through the outbox ` +
        `(the runner queued ${runnerRate.toFixed(0)} recipients/s); all ` +
        `delivered in ${r.deliveredS.toFixed(1)} s; given up after ` +
        `retries: ${r.failed}; sent twice after a timed-out carrier call: ` +
        `${r.twice}; peak RSS ${(peakRss / MB).toFixed(0)} MB`,
    );
    return [
      benchRow(
        `campaign: messages/s through the outbox (${RECIPIENTS} recipients, no rate limit)`,
        rate,
        "msg/s",
      ),
      benchRow("campaign: peak RSS", peakRss / MB, "MB"),
      benchRow(
        "campaign: recipients/s queued by the runner",
        runnerRate,
        "rcpt/s",
      ),
      benchRow(
        `campaign: seconds until all ${RECIPIENTS} delivered`,
        r.deliveredS,
        "s",
      ),
      benchRow("campaign: messages the carrier got twice", r.twice, "msg"),
      benchRow("campaign: messages given up after retries", r.failed, "msg"),
      benchRow(
        `campaign: audience list of ${RECIPIENTS} checked and added`,
        r.importMs,
        "ms",
      ),
    ];
  } finally {
    stopSampling();
  }
}

if (import.meta.main) {
  for (const row of await run()) console.log(row);
}
