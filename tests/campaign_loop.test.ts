/**
 * Campaigns end to end on loopback: the runner hands recipients to the
 * outbox, the outbox sends to the carrier simulator, the simulator's
 * delivery reports come back through the webhooks.
 */
import assert from "node:assert/strict";
import type { Db } from "../db/client.ts";
import { addAudience } from "../services/campaign_audience.ts";
import {
  campaignCounts,
  listRecipients,
} from "../services/campaign_progress.ts";
import {
  createCampaign,
  pauseCampaign,
  requireCampaign,
  resumeCampaign,
  startCampaign,
} from "../services/campaigns.ts";
import { OutboxWorker } from "../services/outbox.ts";
import { findUser, type User } from "../services/users.ts";
import { fictionNumbers, testRunner } from "./campaign_fixtures.ts";
import { demoIds, TEST_SECRETS } from "./helpers.ts";
import { eventually, type Stack, startStack } from "./stack.ts";

async function ana(s: Stack): Promise<User> {
  return (await findUser(s.db.orm, (await demoIds(s.db)).users.ana))!;
}

/** A started campaign from the Support line (Twilio) to `numbers`. */
async function startedCampaign(s: Stack, user: User, numbers: string[]) {
  const [line] = (await s.db.client.execute(
    "select id from phone_numbers where e164 = '+15550100001'",
  )).rows;
  const campaign = await createCampaign(s.db, s.clock, user, {
    name: "Loop",
    numberId: Number(line.id),
  });
  await addAudience(s.db, s.clock, user, campaign.id, {
    kind: "list",
    text: numbers.join("\n"),
  });
  await startCampaign(s.db, s.clock, user, campaign.id, {
    name: "Loop",
    body: "Hello {{contact.first_name}}, Reply STOP to opt out",
    quietStart: 21 * 60,
    quietEnd: 8 * 60,
    scheduledAt: null,
  });
  return campaign;
}

/** How many messages the simulator accepted for each number. */
function sentTo(s: Stack, numbers: string[]): Map<string, number> {
  const counts = new Map(numbers.map((n) => [n, 0]));
  for (const m of s.sim.sent) {
    if (counts.has(m.to)) counts.set(m.to, counts.get(m.to)! + 1);
  }
  return counts;
}

async function messagesOfCampaign(db: Db, id: number): Promise<number> {
  const rs = await db.client.execute({
    sql: `select count(*) as n from messages where client_key like ?`,
    args: [`campaign:${id}:%`],
  });
  return Number(rs.rows[0].n);
}

Deno.test("a campaign runs to the end through the outbox and the simulator; recipients follow delivery reports, errors included", async () => {
  const s = await startStack();
  const runner = testRunner(s);
  runner.start();
  try {
    const user = await ana(s);
    const numbers = fictionNumbers(12);
    s.sim.markFailing(numbers[4]);
    const campaign = await startedCampaign(s, user, numbers);
    const counts = await eventually(
      async () => {
        const c = await campaignCounts(s.db.orm, campaign.id, s.clock());
        return c.delivered + c.failed === 12 ? c : null;
      },
      10_000,
      "every delivery report",
    );
    assert.equal(counts.delivered, 11);
    assert.equal(counts.failed, 1);
    const [failed] = (await listRecipients(s.db.orm, campaign.id, {
      status: "failed",
    })).rows;
    assert.equal(failed.e164, numbers[4]);
    assert.equal(failed.errorCode, "30003");
    assert.ok(failed.error);
    assert.ok([...sentTo(s, numbers).values()].every((n) => n === 1));
    await eventually(
      async () =>
        (await requireCampaign(s.db.orm, user, campaign.id)).status === "done",
      5000,
      "the campaign to finish",
    );
  } finally {
    await runner.stop();
    await s.stop();
  }
});

Deno.test("pausing stops the sending, and resuming finishes it without sending anyone twice", async () => {
  // 20 messages a second on the number: slow enough to pause halfway
  const s = await startStack({ env: { OUTBOX_RATE_PER_SEC: "20" } });
  const runner = testRunner(s, { ratePerSecond: 20, aheadSeconds: 0.25 });
  runner.start();
  try {
    const user = await ana(s);
    const numbers = fictionNumbers(30);
    const campaign = await startedCampaign(s, user, numbers);
    await eventually(() => s.sim.sent.length >= 5, 5000, "the first sends");
    await pauseCampaign(s.db, s.clock, user, campaign.id);
    // what the outbox held in hand when we paused still goes; then nothing
    await new Promise((r) => setTimeout(r, 600));
    const atPause = s.sim.sent.length;
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(s.sim.sent.length, atPause, "nothing is sent while paused");
    assert.ok(atPause < 30, `paused after ${atPause} sends`);
    const paused = await campaignCounts(s.db.orm, campaign.id, s.clock());
    assert.ok(paused.pending + paused.queued > 0);

    await resumeCampaign(s.db, s.clock, user, campaign.id);
    await eventually(
      async () =>
        (await campaignCounts(s.db.orm, campaign.id, s.clock())).delivered ===
          30,
      10_000,
      "every delivery after resuming",
    );
    assert.ok([...sentTo(s, numbers).values()].every((n) => n === 1));
    assert.equal(await messagesOfCampaign(s.db, campaign.id), 30);
  } finally {
    await runner.stop();
    await s.stop();
  }
});

Deno.test("a runner and an outbox that die mid-campaign are replaced without sending anyone twice", async () => {
  const s = await startStack();
  // the stack's own outbox stops: this test brings its own, twice
  await s.outbox!.stop();
  const outbox = () =>
    new OutboxWorker({
      db: s.db,
      clock: s.clock,
      carriers: s.deps.carriers,
      media: s.deps.media,
      publicUrl: s.deps.config.publicUrl,
      mediaUrlSecret: TEST_SECRETS.mediaUrlSecret,
      ratePerSecond: 0,
      pollMs: 20,
    });
  const first = outbox();
  first.start();
  // a runner that "crashes": it is driven by hand, never stopped, so its
  // lease on the campaign is left behind to run out
  const crashed = testRunner(s, { leaseMs: 300, batchSize: 10 });
  const heirs = [
    testRunner(s, { leaseMs: 300, batchSize: 10 }),
    testRunner(s, { leaseMs: 300, batchSize: 10 }),
  ];
  let second: OutboxWorker | null = null;
  try {
    const user = await ana(s);
    const numbers = fictionNumbers(60);
    const campaign = await startedCampaign(s, user, numbers);
    assert.equal(await crashed.runOnce(), 10);
    // the process goes down once those ten are out (an outbox killed in
    // the middle of a carrier call may send that one again when it comes
    // back: at-least-once is the outbox's contract, see tests/crash.test.ts)
    await eventually(() => s.sim.sent.length >= 10, 5000, "the first sends");
    await first.stop();
    assert.equal(s.sim.sent.length, 10);

    // two app instances take over: the lease lets one work at a time
    for (const r of heirs) r.start();
    second = outbox();
    second.start();
    await eventually(
      async () =>
        (await campaignCounts(s.db.orm, campaign.id, s.clock())).delivered ===
          60,
      15_000,
      "every delivery",
    );
    const perNumber = sentTo(s, numbers);
    assert.deepEqual(
      [...perNumber].filter(([, n]) => n !== 1),
      [],
      "each recipient got exactly one message",
    );
    assert.equal(await messagesOfCampaign(s.db, campaign.id), 60);
  } finally {
    for (const r of heirs) await r.stop();
    await second?.stop();
    await s.stop();
  }
});
