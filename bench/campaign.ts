/**
 * A 10,000-recipient campaign (× BENCH_SCALE) on loopback with the
 * per-number rate limit off, against the carrier simulator: the campaign
 * runner turns recipients into messages, the outbox sends them over HTTP,
 * and the simulator's delivery reports come back through the webhooks.
 *
 * Two runs on fresh databases:
 * - end to end: runner, outbox and webhooks all at once, as in production;
 *   messages per second = recipients / time until the carrier accepted all;
 * - the outbox alone: the runner queues everything first with the outbox
 *   stopped, then a fresh outbox sends it all (the figure the outbox is
 *   responsible for), with the runner's own rate beside it.
 * Peak memory is the process's resident set, sampled every 25 ms (the
 * simulator runs in this process too).
 *
 *   deno run -A bench/campaign.ts     (BENCH_SCALE=0.1 for a quick run)
 */
import { addAudience } from "../services/campaign_audience.ts";
import { createCampaign, startCampaign } from "../services/campaigns.ts";
import { OutboxWorker } from "../services/outbox.ts";
import { findUser } from "../services/users.ts";
import { fictionNumbers, testRunner } from "../tests/campaign_fixtures.ts";
import { demoIds, TEST_SECRETS } from "../tests/helpers.ts";
import { type Stack, startStack } from "../tests/stack.ts";
import { type BenchRow, benchRow } from "./bench_row.ts";

const scale = Number(Deno.env.get("BENCH_SCALE") ?? "1");
const RECIPIENTS = Math.max(100, Math.round(10_000 * scale));
const MB = 1024 * 1024;

let peakRss = 0;
function sampleMemory(): () => void {
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  const timer = setInterval(() => {
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
      console.log(
        `  ${((now - t0) / 1000).toFixed(0)} s: ${await progress()} ` +
          `(rss ${(m.rss / MB).toFixed(0)} MB, heap ${
            (m.heapUsed / MB).toFixed(0)
          } MB, external ${(m.external / MB).toFixed(0)} MB)`,
      );
      lastLog = now;
    }
    if (now - t0 > 30 * 60_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A started campaign to RECIPIENTS numbers; returns how long the list took. */
async function campaignOf(stack: Stack) {
  const db = stack.db;
  const ana = (await findUser(db.orm, (await demoIds(db)).users.ana))!;
  const campaign = await createCampaign(db, stack.clock, ana, {
    name: "Benchmark",
    numberId: 1,
  });
  const list = [
    "name,phone",
    ...fictionNumbers(RECIPIENTS).map((n, i) => `Guest ${i},${n}`),
  ].join("\n");
  const t0 = performance.now();
  const report = await addAudience(db, stack.clock, ana, campaign.id, {
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
    startCampaign(db, stack.clock, ana, campaign.id, {
      name: "Benchmark",
      body: "Hi {{contact.first_name}}, our new store opens on Sunday!",
      quietStart: 21 * 60,
      quietEnd: 8 * 60,
      scheduledAt: null,
    });
  return { importMs, count, start };
}

async function endToEnd() {
  const stack = await startStack({ env: { OUTBOX_RATE_PER_SEC: "0" } });
  const runner = testRunner(stack, { pollMs: 50 });
  runner.start();
  try {
    const { importMs, count, start } = await campaignOf(stack);
    console.log(
      `audience: ${RECIPIENTS} rows checked and added in ${
        importMs.toFixed(0)
      } ms`,
    );
    const t0 = performance.now();
    await start();
    await until(
      "the carrier to accept every message",
      () => stack.sim.sent.length >= RECIPIENTS,
      async () =>
        `${await count("1 = 1")} queued, ${stack.sim.sent.length} sent`,
    );
    const sentS = (performance.now() - t0) / 1000;
    await until(
      "every delivery report",
      async () => await count("m.status = 'delivered'") >= RECIPIENTS,
      async () => `${await count("m.status = 'delivered'")} delivered`,
    );
    const deliveredS = (performance.now() - t0) / 1000;
    return { importMs, sentS, deliveredS };
  } finally {
    await runner.stop();
    await stack.stop();
  }
}

async function phases() {
  const stack = await startStack({ env: { OUTBOX_RATE_PER_SEC: "0" } });
  await stack.outbox!.stop();
  const runner = testRunner(stack, { pollMs: 20, maxAhead: RECIPIENTS });
  let outbox: OutboxWorker | null = null;
  try {
    const { count, start } = await campaignOf(stack);
    let t0 = performance.now();
    await start();
    runner.start();
    await until(
      "the runner to queue everyone",
      async () => await count("1 = 1") >= RECIPIENTS,
      async () => `${await count("1 = 1")} queued`,
    );
    const queuedS = (performance.now() - t0) / 1000;
    await runner.stop();
    outbox = new OutboxWorker({
      db: stack.db,
      clock: stack.clock,
      carriers: stack.deps.carriers,
      media: stack.deps.media,
      publicUrl: stack.deps.config.publicUrl,
      mediaUrlSecret: TEST_SECRETS.mediaUrlSecret,
      ratePerSecond: 0,
      pollMs: 50,
    });
    t0 = performance.now();
    outbox.start();
    await until(
      "the outbox to send everything",
      () => stack.sim.sent.length >= RECIPIENTS,
      () => Promise.resolve(`${stack.sim.sent.length} sent`),
    );
    const sentS = (performance.now() - t0) / 1000;
    return { queuedS, sentS };
  } finally {
    await runner.stop();
    await outbox?.stop();
    await stack.stop();
  }
}

export async function run(): Promise<BenchRow[]> {
  const stopSampling = sampleMemory();
  try {
    const e2e = await endToEnd();
    const e2eRate = RECIPIENTS / e2e.sentS;
    console.log(
      `end to end: ${RECIPIENTS} handed to the carrier in ${
        e2e.sentS.toFixed(1)
      } s ` +
        `(${
          e2eRate.toFixed(0)
        } messages/s through the outbox), all delivered ` +
        `in ${e2e.deliveredS.toFixed(1)} s; peak RSS so far ${
          (peakRss / MB).toFixed(0)
        } MB`,
    );
    const alone = await phases();
    const runnerRate = RECIPIENTS / alone.queuedS;
    const outboxRate = RECIPIENTS / alone.sentS;
    console.log(
      `separately: the runner queued ${runnerRate.toFixed(0)} recipients/s; ` +
        `the outbox alone sent ${outboxRate.toFixed(0)} messages/s`,
    );
    console.log(`peak RSS: ${(peakRss / MB).toFixed(0)} MB`);
    return [
      benchRow(
        `campaign: messages/s through the outbox, end to end (${RECIPIENTS} recipients, no rate limit)`,
        e2eRate,
        "msg/s",
      ),
      benchRow(
        `campaign: messages/s through the outbox alone (${RECIPIENTS} queued)`,
        outboxRate,
        "msg/s",
      ),
      benchRow(
        "campaign: recipients/s queued by the runner alone",
        runnerRate,
        "rcpt/s",
      ),
      benchRow(
        `campaign: seconds until all ${RECIPIENTS} delivered, end to end`,
        e2e.deliveredS,
        "s",
      ),
      benchRow("campaign: peak RSS", peakRss / MB, "MB"),
      benchRow(
        `campaign: audience list of ${RECIPIENTS} checked and added`,
        e2e.importMs,
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
