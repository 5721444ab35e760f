import assert from "node:assert/strict";
import type { Db } from "../db/client.ts";
import { addAudience } from "../services/campaign_audience.ts";
import {
  campaignCounts,
  listRecipients,
} from "../services/campaign_progress.ts";
import {
  type CampaignMessageInput,
  cancelCampaign,
  createCampaign,
  HELD_RUN_AT,
  pauseCampaign,
  requireCampaign,
  resumeCampaign,
  startCampaign,
} from "../services/campaigns.ts";
import { setOptOut } from "../services/contacts.ts";
import { markSpam } from "../services/conversation_actions.ts";
import { receiveInbound } from "../services/inbound.ts";
import { latestEventId } from "../services/events.ts";
import { findUser, type User } from "../services/users.ts";
import { LiveStream } from "./live_stream.ts";
import { fictionNumbers, testRunner } from "./campaign_fixtures.ts";
import {
  countRows,
  demoIds,
  loggedIn,
  type TestApp,
  testApp,
  testClock,
} from "./helpers.ts";

async function numberId(db: Db, e164: string): Promise<number> {
  const rs = await db.client.execute({
    sql: "select id from phone_numbers where e164 = ?",
    args: [e164],
  });
  return Number(rs.rows[0].id);
}

async function userNamed(t: TestApp, name: string): Promise<User> {
  const ids = await demoIds(t.db);
  return (await findUser(t.db.orm, ids.users[name]))!;
}

const message = (
  body: string,
  more: Partial<CampaignMessageInput> = {},
): CampaignMessageInput => ({
  name: "Sunday opening",
  body,
  quietStart: 21 * 60,
  quietEnd: 8 * 60,
  scheduledAt: null,
  ...more,
});

/** A draft on the Support line with these numbers (a pasted list). */
async function draftWith(t: TestApp, user: User, list: string) {
  const campaign = await createCampaign(t.db, t.clock, user, {
    name: "Sunday opening",
    numberId: await numberId(t.db, "+15550100001"),
  });
  const report = await addAudience(t.db, t.clock, user, campaign.id, {
    kind: "list",
    text: list,
  });
  return { campaign, report };
}

/** A campaign on the Support line to these numbers, started with `body`. */
async function startedWith(t: TestApp, user: User, list: string, body: string) {
  const { campaign } = await draftWith(t, user, list);
  await startCampaign(t.db, t.clock, user, campaign.id, message(body));
  return campaign;
}

async function sentBodies(db: Db, campaignId: number) {
  const rs = await db.client.execute({
    sql: `select r.e164, m.body, m.status from campaign_recipients r
      join messages m on m.id = r.message_id where r.campaign_id = ?
      order by r.id`,
    args: [campaignId],
  });
  return rs.rows.map((r) => ({
    e164: String(r.e164),
    body: String(r.body),
    status: String(r.status),
  }));
}

Deno.test("a pasted list adds its good rows and reports invalid, repeated, opted-out and spam ones", async () => {
  const t = await testApp();
  try {
    const ana = await userNamed(t, "ana");
    const line = await numberId(t.db, "+15550100001");
    // Carmen opted out of the Support line; John was marked spam
    await setOptOut(t.db, t.clock, ana, {
      contactId: 1,
      numberId: line,
      optedOut: true,
    });
    const [john] = (await t.db.client.execute(
      `select c.id from conversations c join contacts k on k.id = c.contact_id
        where k.e164 = '+15551230002' and c.number_id = ${line}`,
    )).rows;
    await markSpam(t.db, t.clock, ana, Number(john.id));
    const client = await loggedIn(t, "ana");
    const created = await client.post("/campaigns", {
      name: "Spring sale",
      number_id: String(line),
    });
    assert.equal(created.status, 204);
    const url = created.headers.get("hx-redirect")!;
    assert.match(url, /^\/campaigns\/\d+$/);

    const res = await client.post(`${url}/audience`, {
      source: "list",
      text: [
        "name,phone",
        '"Ruiz, Carmen",+1 555 123 0001',
        "John Smith,555-123-0002",
        "Nadia,(555) 200-0001",
        "Nadia again,5552000001",
        "Typo,555-20",
        "Omar,+1 555 200 0002",
      ].join("\n"),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("hx-trigger"), "audiencechanged");
    const html = await res.text();
    assert.match(html, /6 read, 2 added\./);
    const problems = [...html.matchAll(/data-problem="(\w+)"/g)].map((m) =>
      m[1]
    );
    assert.deepEqual(problems.sort(), [
      "duplicate",
      "invalid",
      "opted_out",
      "spam",
    ]);
    assert.match(html, /Line<\/th>/);
    assert.match(html, /555-20/);

    const campaignId = Number(url.split("/").pop());
    const counts = await campaignCounts(t.db.orm, campaignId, t.clock());
    assert.equal(counts.total, 4);
    assert.equal(counts.pending, 2);
    assert.equal(counts.skipped, 2);
    // the list named a new contact: it is one now, with that name
    const nadia = await t.db.client.execute(
      "select name from contacts where e164 = '+15552000001'",
    );
    assert.equal(nadia.rows[0].name, "Nadia");

    // adding the same list again adds nobody twice
    const again = await client.post(`${url}/audience`, {
      source: "hand",
      number: "(555) 200-0002",
    });
    assert.match(await again.text(), /data-problem="already"/);
    assert.equal(
      await countRows(
        t.db,
        "campaign_recipients",
        `campaign_id = ${campaignId}`,
      ),
      4,
    );
  } finally {
    await t.close();
  }
});

Deno.test("opted-out and spam contacts are skipped, counted and listed, and never sent to", async () => {
  const t = await testApp();
  const runner = testRunner(t);
  try {
    const ana = await userNamed(t, "ana");
    const { campaign } = await draftWith(
      t,
      ana,
      fictionNumbers(4).join("\n"),
    );
    const line = await numberId(t.db, "+15550100001");
    const contact = async (e164: string) =>
      Number(
        (await t.db.client.execute({
          sql: "select id from contacts where e164 = ?",
          args: [e164],
        })).rows[0].id,
      );
    const [a, b, c] = fictionNumbers(3);
    // after the list was added: one opts out, one is spam (both before
    // the start), one opts out after the start, before the runner gets there
    await setOptOut(t.db, t.clock, ana, {
      contactId: await contact(a),
      numberId: line,
      optedOut: true,
    });
    await t.db.client.execute({
      sql: "update contacts set spam = 1 where e164 = ?",
      args: [b],
    });
    await startCampaign(t.db, t.clock, ana, campaign.id, message("Hello!"));
    await setOptOut(t.db, t.clock, ana, {
      contactId: await contact(c),
      numberId: line,
      optedOut: true,
    });
    await runner.runOnce();
    await runner.runOnce();

    const sent = await sentBodies(t.db, campaign.id);
    assert.deepEqual(sent.map((s) => s.e164), [fictionNumbers(4)[3]]);
    const counts = await campaignCounts(t.db.orm, campaign.id, t.clock());
    assert.equal(counts.skipped, 3);
    assert.equal(counts.queued, 1);
    const { rows } = await listRecipients(t.db.orm, campaign.id, {
      status: "skipped",
    });
    assert.deepEqual(
      rows.map((r) => [r.e164, r.skipReason]),
      [[a, "opted_out"], [b, "spam"], [c, "opted_out"]],
    );
    // and the last one is done: the runner closes the campaign once its
    // one message leaves the outbox
    await t.db.client.execute(
      "update messages set status = 'delivered' where id = (select max(id) from messages)",
    );
    await runner.runOnce();
    assert.equal(
      (await requireCampaign(t.db.orm, ana, campaign.id)).status,
      "done",
    );
  } finally {
    await runner.stop();
    await t.close();
  }
});

Deno.test("a contact's first message from the number says how to opt out; later ones and texts that say it already do not", async () => {
  const t = await testApp();
  const runner = testRunner(t);
  try {
    const ana = await userNamed(t, "ana");
    // Carmen has had a reply from the Support line; John only wrote to it
    const campaign = await startedWith(
      t,
      ana,
      "+15551230001\n+15551230002",
      "Hi {{contact.first_name}}, we open on Sunday! — {{agent.name}}",
    );
    await runner.runOnce();
    assert.deepEqual((await sentBodies(t.db, campaign.id)).map((s) => s.body), [
      "Hi Carmen, we open on Sunday! — Ana López",
      "Hi John, we open on Sunday! — Ana López\nReply STOP to opt out",
    ]);

    const second = await startedWith(
      t,
      ana,
      "+15552000009",
      "Sale today. Text END to unsubscribe.",
    );
    await runner.runOnce();
    assert.deepEqual(
      (await sentBodies(t.db, second.id)).map((s) => s.body),
      ["Sale today. Text END to unsubscribe."],
    );
  } finally {
    await runner.stop();
    await t.close();
  }
});

Deno.test("quiet hours hold each recipient until 08:00 in their own time zone", async () => {
  // 02:00 UTC on a January night: 21:00 in New York, 18:00 in Los Angeles
  const clock = testClock(Date.UTC(2026, 0, 15, 2, 0));
  const t = await testApp({ clock });
  const runner = testRunner(t, { defaultTimeZone: "America/Chicago" });
  try {
    const ana = await userNamed(t, "ana");
    const ny = "+12125550147";
    const la = "+14155550147";
    const unknown = "+15552000001"; // no zone: the default, 20:00 in Chicago
    const { campaign } = await draftWith(t, ana, [ny, la, unknown].join("\n"));
    await startCampaign(t.db, t.clock, ana, campaign.id, message("Hello"));
    await runner.runOnce();
    assert.deepEqual(
      (await sentBodies(t.db, campaign.id)).map((s) => s.e164),
      [la, unknown],
    );
    const [held] = (await listRecipients(t.db.orm, campaign.id, {
      status: "pending",
    })).rows;
    assert.equal(held.e164, ny);
    // 08:00 EST is 13:00 UTC
    assert.equal(held.notBefore, Date.UTC(2026, 0, 15, 13, 0));
    const counts = await campaignCounts(t.db.orm, campaign.id, t.clock());
    assert.equal(counts.waiting, 1);

    clock.advance(11 * 3600_000 - 60_000); // 12:59 UTC: still 07:59 there
    await runner.runOnce();
    assert.equal((await sentBodies(t.db, campaign.id)).length, 2);
    clock.advance(60_000);
    await runner.runOnce();
    assert.deepEqual(
      (await sentBodies(t.db, campaign.id)).map((s) => s.e164),
      [ny, la, unknown],
    );
  } finally {
    await runner.stop();
    await t.close();
  }
});

Deno.test("a campaign's narrower window holds sends too, and a wider one is refused", async () => {
  // 15:30 UTC: 10:30 in New York
  const clock = testClock(Date.UTC(2026, 0, 15, 15, 30));
  const t = await testApp({ clock });
  const runner = testRunner(t);
  try {
    const ana = await userNamed(t, "ana");
    const { campaign } = await draftWith(t, ana, "+12125550147");
    await assert.rejects(
      startCampaign(
        t.db,
        t.clock,
        ana,
        campaign.id,
        message("Hi", { quietEnd: 7 * 60 }),
      ),
      { key: "campaign.bad_quiet_hours" },
    );
    await startCampaign(
      t.db,
      t.clock,
      ana,
      campaign.id,
      message("Hi", { quietEnd: 11 * 60, quietStart: 17 * 60 }),
    );
    await runner.runOnce();
    assert.equal((await sentBodies(t.db, campaign.id)).length, 0);
    clock.advance(30 * 60_000);
    await runner.runOnce();
    assert.equal((await sentBodies(t.db, campaign.id)).length, 1);
  } finally {
    await runner.stop();
    await t.close();
  }
});

Deno.test("a scheduled campaign waits for its start time", async () => {
  const clock = testClock();
  const t = await testApp({ clock });
  const runner = testRunner(t);
  try {
    const ana = await userNamed(t, "ana");
    const { campaign } = await draftWith(t, ana, fictionNumbers(3).join(","));
    const at = clock() + 3600_000;
    const started = await startCampaign(
      t.db,
      t.clock,
      ana,
      campaign.id,
      message("Tomorrow!", { scheduledAt: at }),
    );
    assert.equal(started.status, "scheduled");
    await runner.runOnce();
    assert.equal((await sentBodies(t.db, campaign.id)).length, 0);
    clock.advance(3600_000);
    await runner.runOnce();
    assert.equal(
      (await requireCampaign(t.db.orm, ana, campaign.id)).status,
      "running",
    );
    assert.equal((await sentBodies(t.db, campaign.id)).length, 3);
  } finally {
    await runner.stop();
    await t.close();
  }
});

Deno.test("pausing holds the outbox jobs not sent yet, resuming releases them, cancelling drops them", async () => {
  const t = await testApp();
  const runner = testRunner(t, { batchSize: 3 });
  try {
    const ana = await userNamed(t, "ana");
    const { campaign } = await draftWith(t, ana, fictionNumbers(5).join("\n"));
    await startCampaign(t.db, t.clock, ana, campaign.id, message("Hi"));
    await runner.runOnce();
    const jobsOf = async () =>
      (await t.db.client.execute({
        sql: `select j.run_at, j.state from jobs j join campaign_recipients r
          on r.message_id = j.ref_id where j.kind = 'send' and r.campaign_id = ?`,
        args: [campaign.id],
      })).rows.map((r) => ({
        runAt: Number(r.run_at),
        state: String(r.state),
      }));
    assert.equal((await jobsOf()).length, 3);

    await pauseCampaign(t.db, t.clock, ana, campaign.id);
    assert.ok((await jobsOf()).every((j) => j.runAt === HELD_RUN_AT));
    await runner.runOnce();
    assert.equal(
      (await jobsOf()).length,
      3,
      "a paused campaign queues nothing",
    );

    await resumeCampaign(t.db, t.clock, ana, campaign.id);
    assert.ok((await jobsOf()).every((j) => j.runAt <= t.clock()));
    await runner.runOnce();
    assert.equal((await jobsOf()).length, 5);

    // one was sent meanwhile; cancelling drops the other four
    await t.db.client.execute(
      `update jobs set state = 'done' where id = (select min(id) from jobs where kind = 'send' and state = 'pending' and ref_id in (select message_id from campaign_recipients where campaign_id = ${campaign.id}))`,
    );
    await t.db.client.execute(
      `update messages set status = 'sent' where id = (select min(message_id) from campaign_recipients where campaign_id = ${campaign.id})`,
    );
    await cancelCampaign(t.db, t.clock, ana, campaign.id);
    const states = (await jobsOf()).map((j) => j.state).sort();
    assert.deepEqual(states, ["dead", "dead", "dead", "dead", "done"]);
    const counts = await campaignCounts(t.db.orm, campaign.id, t.clock());
    assert.equal(counts.sent, 1);
    assert.equal(counts.skipped, 4);
    const failed = await countRows(
      t.db,
      "messages",
      "status = 'failed' and error = 'Campaign cancelled'",
    );
    assert.equal(failed, 4);
    await assert.rejects(
      resumeCampaign(t.db, t.clock, ana, campaign.id),
      { key: "campaign.wrong_status" },
    );
  } finally {
    await runner.stop();
    await t.close();
  }
});

Deno.test("a reply from a recipient opens a conversation linked to the campaign", async () => {
  const t = await testApp();
  const runner = testRunner(t);
  try {
    const ana = await userNamed(t, "ana");
    const [who] = fictionNumbers(1);
    const { campaign } = await draftWith(t, ana, who);
    await startCampaign(t.db, t.clock, ana, campaign.id, message("Hi"));
    await runner.runOnce();
    const conv = async () =>
      (await t.db.client.execute({
        sql: `select c.status, c.campaign_id from conversations c
          join contacts k on k.id = c.contact_id where k.e164 = ?`,
        args: [who],
      })).rows;
    // the campaign's message waits in a closed conversation…
    assert.deepEqual((await conv()).map((r) => [r.status, r.campaign_id]), [
      ["closed", null],
    ]);
    await receiveInbound(t.db, t.clock, [{
      provider: "twilio",
      providerId: "SMreply0000000000000000000000001",
      channel: "sms",
      from: who,
      to: "+15550100001",
      body: "Is it open at 10?",
      media: [],
      sentAt: t.clock(),
    }]);
    // …which the answer opens, linked to the campaign
    assert.deepEqual((await conv()).map((r) => [r.status, r.campaign_id]), [
      ["open", campaign.id],
    ]);
    const counts = await campaignCounts(t.db.orm, campaign.id, t.clock());
    assert.equal(counts.replied, 1);
  } finally {
    await runner.stop();
    await t.close();
  }
});

Deno.test("people outside a campaign's inbox get 404 for it, on every route", async () => {
  const t = await testApp();
  try {
    const maria = await userNamed(t, "maria");
    // the Sales SMS number's registration comes through
    await t.db.client.execute(
      "update phone_numbers set registration = 'approved' where e164 = '+15550100003'",
    );
    const campaign = await createCampaign(t.db, t.clock, maria, {
      name: "Sales only",
      numberId: await numberId(t.db, "+15550100003"),
    });
    await addAudience(t.db, t.clock, maria, campaign.id, {
      kind: "list",
      text: fictionNumbers(2).join("\n"),
    });
    const luis = await loggedIn(t, "luis");
    const base = `/campaigns/${campaign.id}`;
    for (const path of ["", "/preview?body=x", "/progress", "/recipients"]) {
      const res = await luis.request(base + path);
      await res.body?.cancel();
      assert.equal(res.status, 404, path);
    }
    const form = {
      name: "x",
      body: "x",
      quiet_from: "08:00",
      quiet_until: "21:00",
    };
    for (
      const [path, body] of [
        ["", form],
        ["/start", form],
        ["/audience", { source: "favourites" }],
        ["/recipients/1/remove", {}],
        ["/pause", {}],
        ["/resume", {}],
        ["/cancel", {}],
      ] as const
    ) {
      const res = await luis.post(base + path, body);
      await res.body?.cancel();
      assert.equal(res.status, 404, path);
    }
    // nor does it show in their list, nor its number in their form
    const list = await (await luis.request("/campaigns")).text();
    assert.doesNotMatch(list, /Sales only/);
    assert.doesNotMatch(list, /15550100003/);
    assert.equal(
      await countRows(
        t.db,
        "campaign_recipients",
        `campaign_id = ${campaign.id}`,
      ),
      2,
    );
  } finally {
    await t.close();
  }
});

Deno.test("a campaign needs a registered SMS number, a message and someone to send to", async () => {
  const t = await testApp();
  try {
    const maria = await userNamed(t, "maria");
    // pending 10DLC registration, and a WhatsApp number: neither will do
    for (const e164 of ["+15550100003", "+15550100002"]) {
      await assert.rejects(
        createCampaign(t.db, t.clock, maria, {
          name: "x",
          numberId: await numberId(t.db, e164),
        }),
        { key: "campaign.bad_number" },
      );
    }
    const client = await loggedIn(t, "maria");
    const page = await (await client.request("/campaigns")).text();
    assert.doesNotMatch(page, /15550100003/);
    assert.match(page, /15550100001/);

    const campaign = await createCampaign(t.db, t.clock, maria, {
      name: "Nobody yet",
      numberId: await numberId(t.db, "+15550100001"),
    });
    const start = (body: Record<string, string>) =>
      client.post(`/campaigns/${campaign.id}/start`, {
        name: "x",
        body: "Hello",
        quiet_from: "08:00",
        quiet_until: "21:00",
        ...body,
      });
    const empty = await start({ body: "  " });
    assert.equal(empty.status, 422);
    assert.match(await empty.text(), /Write something/);
    const nobody = await start({});
    assert.equal(nobody.status, 422);
    assert.match(await nobody.text(), /Nobody is left/);
    const late = await start({ quiet_until: "22:00" });
    assert.equal(late.status, 422);
    assert.match(await late.text(), /08:00 and 21:00/);
  } finally {
    await t.close();
  }
});

Deno.test("the draft page previews the message for one recipient with its segments and cost", async () => {
  const t = await testApp({ env: { CAMPAIGN_COST_PER_SEGMENT: "0.01" } });
  try {
    const ana = await userNamed(t, "ana");
    const { campaign } = await draftWith(
      t,
      ana,
      "name,phone\nZoë,+15552000001\nYann,+15552000002\n",
    );
    const client = await loggedIn(t, "ana");
    const page = await client.request(`/campaigns/${campaign.id}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /id="audience"/);
    assert.match(html, /id="campaign-preview"/);
    assert.match(html, /Zoë \(\+15552000001\)/);

    const body = encodeURIComponent("Hola {{contact.first_name}} 😀");
    const res = await client.request(
      `/campaigns/${campaign.id}/preview?body=${body}`,
      { headers: { "hx-request": "true" } },
    );
    const preview = await res.text();
    assert.match(preview, /Hola Zoë 😀\nReply STOP to opt out/);
    assert.match(preview, /UCS-2/);
    // one UCS-2 segment × 2 recipients × $0.01
    assert.match(
      preview,
      /1 segments × 2 recipients = 2 segments, about \$0\.02/,
    );

    // saving and sending from the page
    const saved = await client.post(`/campaigns/${campaign.id}`, {
      name: "Bonjour",
      body: "Hola {{contact.first_name}}",
      quiet_from: "09:00",
      quiet_until: "20:00",
    });
    assert.equal(saved.status, 200);
    assert.match(await saved.text(), /Draft saved/);
    const stored = await requireCampaign(t.db.orm, ana, campaign.id);
    assert.deepEqual(
      [stored.name, stored.quietEnd, stored.quietStart],
      ["Bonjour", 9 * 60, 20 * 60],
    );
    const sent = await client.post(`/campaigns/${campaign.id}/start`, {
      name: "Bonjour",
      body: "Hola {{contact.first_name}}",
      quiet_from: "09:00",
      quiet_until: "20:00",
    });
    assert.equal(sent.status, 204);
    assert.equal(sent.headers.get("hx-redirect"), `/campaigns/${campaign.id}`);
    const run = await (await client.request(`/campaigns/${campaign.id}`))
      .text();
    assert.match(run, /<progress id="campaign-bar" value="0" max="2"/);
    assert.match(run, /hx-sse:connect="\/events\?after=\d+"/);
    assert.match(run, /id="campaign-signal-\d+"/);
  } finally {
    await t.close();
  }
});

Deno.test("the events stream tells an open campaign page when its progress moves, and only its inbox's members", async () => {
  const t = await testApp();
  const runner = testRunner(t);
  const streams: LiveStream[] = [];
  const open = async (name: string) => {
    const stream = await LiveStream.open(
      await loggedIn(t, name),
      await latestEventId(t.db.orm),
    );
    streams.push(stream);
    return stream;
  };
  try {
    const ana = await userNamed(t, "ana");
    const { campaign } = await draftWith(t, ana, fictionNumbers(2).join("\n"));
    const anaStream = await open("ana");
    const signal = `hx-target="#campaign-signal-${campaign.id}"`;
    const count = (text: string) => text.split(signal).length - 1;
    await startCampaign(t.db, t.clock, ana, campaign.id, message("Hi"));
    await anaStream.expect(signal);
    // its messages being queued (and later moved by delivery reports)
    const before = count(anaStream.text);
    await runner.runOnce();
    assert.ok(
      await anaStream.waitFor((text) => count(text) > before),
      "no signal for the campaign's messages",
    );
    // one signal per frame, however many of its events the frame holds
    const frames = anaStream.text.split("\n\n").filter((f) => count(f) > 0);
    assert.ok(frames.every((f) => count(f) === 1));

    // a Sales campaign: Maria hears of it, Luis (Support only) does not
    await t.db.client.execute(
      "update phone_numbers set registration = 'approved' where e164 = '+15550100003'",
    );
    const maria = await userNamed(t, "maria");
    const sales = await createCampaign(t.db, t.clock, maria, {
      name: "Sales",
      numberId: await numberId(t.db, "+15550100003"),
    });
    const mariaStream = await open("maria");
    const luisStream = await open("luis");
    await addAudience(t.db, t.clock, maria, sales.id, {
      kind: "list",
      text: fictionNumbers(1, 50)[0],
    });
    await mariaStream.expect(`#campaign-signal-${sales.id}`);
    assert.equal(
      await luisStream.waitFor(
        (text) => text.includes(`campaign-signal-${sales.id}`),
        300,
      ),
      false,
    );
  } finally {
    for (const s of streams) await s.close();
    await runner.stop();
    await t.close();
  }
});

Deno.test("without JavaScript the forms still work: an uploaded CSV shows its report on the page, actions redirect back", async () => {
  const t = await testApp();
  try {
    const ana = await userNamed(t, "ana");
    const campaign = await createCampaign(t.db, t.clock, ana, {
      name: "Plain",
      numberId: await numberId(t.db, "+15550100001"),
    });
    const client = await loggedIn(t, "ana");
    const form = new FormData();
    form.set("_csrf", client.csrf);
    form.set("source", "list");
    form.set("text", "");
    form.set(
      "file",
      new File(["phone;name\n5552000001;Uma\nnope;Bad\n"], "list.csv", {
        type: "text/csv",
      }),
    );
    const res = await client.request(`/campaigns/${campaign.id}/audience`, {
      method: "POST",
      body: form,
    });
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.match(page, /<!DOCTYPE html>/);
    assert.match(page, /2 read, 1 added\./);
    assert.match(page, /data-problem="invalid"/);

    const start = await client.request(`/campaigns/${campaign.id}/start`, {
      method: "POST",
      body: new URLSearchParams({
        _csrf: client.csrf,
        name: "Plain",
        body: "Hi {{contact.first_name}}",
        quiet_from: "08:00",
        quiet_until: "21:00",
      }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await start.body?.cancel();
    assert.equal(start.status, 303);
    assert.equal(start.headers.get("location"), `/campaigns/${campaign.id}`);
    const pause = await client.request(`/campaigns/${campaign.id}/pause`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: client.csrf }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await pause.body?.cancel();
    assert.equal(pause.status, 303);
    const run = await (await client.request(`/campaigns/${campaign.id}`))
      .text();
    assert.match(run, /data-status="paused"/);
    // cancelling asks first, in HTML: a disclosure with its own button
    assert.match(run, /<details class="confirm"><summary>Cancel campaign…/);
    assert.match(run, /Yes, cancel the campaign/);
  } finally {
    await t.close();
  }
});

Deno.test("a batch queues each recipient's message in their own conversation with its job and event, read by its author", async () => {
  const t = await testApp();
  const runner = testRunner(t);
  try {
    const ana = await userNamed(t, "ana");
    // Carmen and John have conversations with the Support line; the third
    // number is new
    const campaign = await startedWith(
      t,
      ana,
      "+15551230001\n+15551230002\n+15552000009",
      "Hi {{contact.first_name}}, we open on Sunday!",
    );
    await runner.runOnce();
    const rs = await t.db.client.execute({
      sql: `select r.e164, m.id, m.body, c.last_message_id, c.preview,
          c.number_id,
          (select count(*) from jobs j where j.kind = 'send'
            and j.ref_id = m.id and j.number_id = c.number_id) as jobs,
          (select count(*) from events e where e.kind = 'message.created'
            and e.message_id = m.id and e.conversation_id = c.id) as events,
          (select last_read_message_id from conversation_reads cr
            where cr.conversation_id = c.id and cr.user_id = ?) as read_up_to,
          (select count(*) from conversation_unread u
            where u.conversation_id = c.id and u.user_id = ?) as unread
        from campaign_recipients r
        join messages m on m.id = r.message_id
        join conversations c on c.id = m.conversation_id
        where r.campaign_id = ? order by r.id`,
      args: [ana.id, ana.id, campaign.id],
    });
    assert.equal(rs.rows.length, 3);
    const support = await numberId(t.db, "+15550100001");
    for (const r of rs.rows) {
      assert.equal(r.last_message_id, r.id, `${r.e164} moved to the top`);
      assert.equal(r.preview, String(r.body).replace(/\s+/g, " "));
      assert.equal(r.number_id, support);
      assert.equal(r.jobs, 1);
      assert.equal(r.events, 1);
      assert.equal(r.read_up_to, r.id, "the author has read their message");
      assert.equal(r.unread, 0);
    }
    assert.equal(
      new Set(rs.rows.map((r) => r.last_message_id)).size,
      3,
      "three conversations",
    );
  } finally {
    await runner.stop();
    await t.close();
  }
});
