/**
 * A campaign's file (F4 with F22): uploaded to the draft with the
 * composer's checks (type from the bytes, the number's MMS limits, 413 for
 * too large), stored once, shown in the preview with an MMS estimate, and
 * sent to every recipient as MMS through signed links; and deleting a
 * draft, which only a draft of one's own inbox allows.
 */
import assert from "node:assert/strict";
import type { Db } from "../db/client.ts";
import { addAudience } from "../services/campaign_audience.ts";
import { campaignCounts } from "../services/campaign_progress.ts";
import { createCampaign, startCampaign } from "../services/campaigns.ts";
import { findUser, type User } from "../services/users.ts";
import { q } from "./carrier_fixtures.ts";
import { fictionNumbers, testRunner } from "./campaign_fixtures.ts";
import { jpegOfSize, PNG, uploadTo } from "./composer_fixtures.ts";
import {
  type Client,
  countRows,
  demoIds,
  loggedIn,
  type TestApp,
  testApp,
} from "./helpers.ts";
import { eventually, startStack } from "./stack.ts";

async function userNamed(t: TestApp, name: string): Promise<User> {
  return (await findUser(t.db.orm, (await demoIds(t.db)).users[name]))!;
}

async function numberId(db: Db, e164: string): Promise<number> {
  const rs = await db.client.execute({
    sql: "select id from phone_numbers where e164 = ?",
    args: [e164],
  });
  return Number(rs.rows[0].id);
}

/** A draft on a Support line to these numbers. */
async function draft(
  t: TestApp,
  user: User,
  numbers: string[],
  line = "+15550100001",
) {
  const campaign = await createCampaign(t.db, t.clock, user, {
    name: "Menu",
    numberId: await numberId(t.db, line),
  });
  await addAudience(t.db, t.clock, user, campaign.id, {
    kind: "list",
    text: numbers.join("\n"),
  });
  return campaign;
}

const MESSAGE = {
  name: "Menu",
  body: "Our new menu, Reply STOP to opt out",
  quietStart: 21 * 60,
  quietEnd: 8 * 60,
  scheduledAt: null,
};

/** Attaches a file to a draft as the page's form does without JavaScript. */
function attach(
  client: Client,
  campaignId: number,
  file: { name: string; bytes: Uint8Array; type?: string },
): Promise<Response> {
  return uploadTo(client, `/campaigns/${campaignId}/media`, file);
}

async function mediaFiles(dir: string): Promise<number> {
  let n = 0;
  for await (const _ of Deno.readDir(dir)) n++;
  return n;
}

async function mediaColumns(t: TestApp, id: number) {
  const [row] = await q(
    t,
    `select media_storage_key, media_content_type, media_filename, media_size
      from campaigns where id = ${id}`,
  );
  return row;
}

Deno.test("a campaign's picture reaches every recipient as MMS, each with a signed link the carrier can fetch, from one stored file", async () => {
  const s = await startStack();
  const runner = testRunner(s);
  runner.start();
  try {
    const ana = await userNamed(s, "ana");
    const client = await loggedIn(s, "ana");
    const numbers = fictionNumbers(3);
    const campaign = await draft(s, ana, numbers);
    const res = await attach(client, campaign.id, {
      name: "menu.png",
      bytes: PNG,
      type: "image/png",
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `/campaigns/${campaign.id}`);
    const page = await (await client.request(`/campaigns/${campaign.id}`))
      .text();
    assert.match(
      page,
      /<img class="campaign-media-img" src="\/campaigns\/\d+\/media\?v=/,
    );

    await startCampaign(s.db, s.clock, ana, campaign.id, MESSAGE);
    const sent = await eventually(
      () => {
        const list = s.sim.sent.filter((m) => numbers.includes(m.to));
        return list.length === 3 ? list : null;
      },
      10_000,
      "three MMS",
    );
    const links = new Set<string>();
    for (const m of sent) {
      assert.equal(m.provider, "twilio");
      assert.match(m.body, /^Our new menu/);
      assert.equal(m.mediaUrls.length, 1, m.to);
      assert.match(
        m.mediaUrls[0],
        /\/media\/signed\/\d+\/menu\.png\?exp=\d+&sig=[0-9a-f]+$/,
      );
      links.add(m.mediaUrls[0]);
      // the carrier fetches it without a session
      const file = await fetch(m.mediaUrls[0]);
      assert.equal(file.status, 200);
      assert.equal(file.headers.get("content-type"), "image/png");
      assert.deepEqual(new Uint8Array(await file.arrayBuffer()), PNG);
    }
    assert.equal(links.size, 3, "each message has its own attachment");
    // one attachment row per message, all naming the one stored file
    const rows = await q(
      s,
      `select a.storage_key, a.state, a.content_type, count(*) as n
        from attachments a join campaign_recipients r
          on r.message_id = a.message_id
        where r.campaign_id = ${campaign.id}
        group by a.storage_key, a.state, a.content_type`,
    );
    assert.deepEqual(
      rows.map((r) => [r.state, r.content_type, Number(r.n)]),
      [["stored", "image/png", 3]],
    );
    assert.equal(
      rows[0].storage_key,
      (await mediaColumns(s, campaign.id)).media_storage_key,
    );
    assert.equal(await mediaFiles(s.deps.config.mediaDir), 1);
    // one message's attachment gone: the others still have the file
    const [first, second] = [...links].map((l) =>
      /\/media\/signed\/(\d+)\//.exec(l)![1]
    );
    await q(s, `delete from attachments where id = ${first}`);
    const still = await fetch(
      [...links].find((l) => l.includes(`/${second}/`))!,
    );
    assert.equal(still.status, 200);
    assert.deepEqual(new Uint8Array(await still.arrayBuffer()), PNG);
    assert.equal(await mediaFiles(s.deps.config.mediaDir), 1);
    await eventually(
      async () =>
        (await campaignCounts(s.db.orm, campaign.id, s.clock())).delivered ===
          3,
      10_000,
      "three deliveries",
    );
  } finally {
    await runner.stop();
    await s.stop();
  }
});

Deno.test("a file too large for MMS, or for a number that may not send, is refused and nothing is written", async () => {
  const t = await testApp();
  try {
    const ana = await userNamed(t, "ana");
    const client = await loggedIn(t, "ana");
    const twilio = await draft(t, ana, fictionNumbers(1));
    const telnyx = await draft(t, ana, fictionNumbers(1), "+15550100004");
    const cases: [number, number, RegExp][] = [
      // over Twilio's 5 MB: the number's limit, named
      [twilio.id, 5_000_001, /larger than this channel allows \(5 MB\)/],
      // over the route's own limit: refused before the body is read
      [twilio.id, 7_000_000, /too large/],
      // Telnyx takes 1 MB
      [telnyx.id, 1_000_001, /larger than this channel allows \(1 MB\)/],
    ];
    for (const [id, size, message] of cases) {
      const res = await attach(client, id, {
        name: "big.jpg",
        bytes: jpegOfSize(size),
        type: "image/jpeg",
      });
      assert.equal(res.status, 413, `${size}`);
      assert.match(await res.text(), message);
      assert.equal((await mediaColumns(t, id)).media_storage_key, null);
    }
    assert.equal(await mediaFiles(t.deps.config.mediaDir), 0);
    // a number whose registration lapsed sends no MMS either (C5)
    await q(
      t,
      "update phone_numbers set registration = 'pending' where id = 1",
    );
    const lapsed = await attach(client, twilio.id, {
      name: "small.jpg",
      bytes: jpegOfSize(1000),
    });
    assert.equal(lapsed.status, 422);
    assert.match(await lapsed.text(), /registration is not approved/);
    assert.equal((await mediaColumns(t, twilio.id)).media_storage_key, null);
    // within the limit it is taken
    const ok = await attach(client, telnyx.id, {
      name: "small.jpg",
      bytes: jpegOfSize(999_999),
    });
    await ok.body?.cancel();
    assert.equal(ok.status, 303);
  } finally {
    await t.close();
  }
});

Deno.test("a campaign's file is typed by its bytes, not its name or the browser's word", async () => {
  const t = await testApp();
  try {
    const ana = await userNamed(t, "ana");
    const client = await loggedIn(t, "ana");
    const campaign = await draft(t, ana, fictionNumbers(1));
    // a page posing as a picture: its bytes say text, which MMS cannot send
    const forged = await attach(client, campaign.id, {
      name: "photo.jpg",
      bytes: new TextEncoder().encode("<html><script>alert(1)</script>"),
      type: "image/jpeg",
    });
    assert.equal(forged.status, 422);
    assert.match(await forged.text(), /cannot send text\/plain files/);
    assert.equal((await mediaColumns(t, campaign.id)).media_storage_key, null);
    assert.equal(await mediaFiles(t.deps.config.mediaDir), 0);

    // a PNG called a PDF is stored and served as the PNG it is
    const png = await attach(client, campaign.id, {
      name: "<img src onerror>.pdf",
      bytes: PNG,
      type: "application/pdf",
    });
    await png.body?.cancel();
    assert.equal(png.status, 303);
    const field = await (await client.request(`/campaigns/${campaign.id}`))
      .text();
    assert.doesNotMatch(field, /<img src onerror/);
    assert.match(field, /&lt;img src onerror&gt;\.pdf/);
    const row = await mediaColumns(t, campaign.id);
    assert.equal(row.media_content_type, "image/png");
    assert.equal(row.media_size, PNG.length);
    const file = await client.request(`/campaigns/${campaign.id}/media`);
    assert.equal(file.headers.get("content-type"), "image/png");
    assert.equal(file.headers.get("x-content-type-options"), "nosniff");
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), PNG);
  } finally {
    await t.close();
  }
});

Deno.test("with a file the preview counts one MMS per recipient, and the file can be removed while the campaign is a draft", async () => {
  const t = await testApp({
    env: { CAMPAIGN_COST_PER_SEGMENT: "0.01", CAMPAIGN_COST_PER_MMS: "0.02" },
  });
  try {
    const ana = await userNamed(t, "ana");
    const client = await loggedIn(t, "ana");
    const campaign = await draft(t, ana, fictionNumbers(2));
    const preview = async () =>
      await (await client.request(
        `/campaigns/${campaign.id}/preview?body=${
          encodeURIComponent("x".repeat(200))
        }`,
        { headers: { "hx-request": "true" } },
      )).text();
    // 200 characters and the footer: two SMS segments each
    assert.match(
      await preview(),
      /2 segments × 2 recipients = 4 segments, about \$0\.04/,
    );
    const up = await attach(client, campaign.id, {
      name: "menu.gif",
      bytes: new TextEncoder().encode("GIF89a......"),
    });
    await up.body?.cancel();
    assert.equal(up.status, 303);
    const mms = await preview();
    assert.match(mms, /sent as one MMS with menu\.gif/);
    assert.match(mms, /Estimate: 2 MMS, one message each, about \$0\.04/);
    assert.match(
      mms,
      /<img class="campaign-media-img" src="\/campaigns\/\d+\/media\?v=[^"]+" alt="menu\.gif"/,
    );
    const page = await (await client.request(`/campaigns/${campaign.id}`))
      .text();
    assert.match(page, /form="campaign-media-remove"/);
    assert.match(
      page,
      /<form id="campaign-media-upload"[^>]*enctype="multipart\/form-data"/,
    );

    const removed = await client.post(
      `/campaigns/${campaign.id}/media/remove`,
      {},
    );
    const field = await removed.text();
    assert.equal(removed.status, 200);
    // htmx: the field again, and the preview told to ask again
    assert.equal(removed.headers.get("hx-trigger"), "mediachanged");
    assert.match(field, /^<fieldset id="campaign-media"/);
    assert.match(field, /type="file"/);
    assert.match(await preview(), /4 segments, about \$0\.04/);
    assert.equal((await mediaColumns(t, campaign.id)).media_storage_key, null);

    // once started, the file is fixed
    await attach(client, campaign.id, {
      name: "menu.png",
      bytes: PNG,
    }).then((r) => r.body?.cancel());
    await startCampaign(t.db, t.clock, ana, campaign.id, MESSAGE);
    const fixed = await client.post(
      `/campaigns/${campaign.id}/media/remove`,
      {},
    );
    assert.equal(fixed.status, 422);
    assert.match(await fixed.text(), /started already/);
    // without JavaScript: back to the campaign's page, the file unchanged
    const other = await attach(client, campaign.id, {
      name: "other.png",
      bytes: PNG,
    });
    await other.body?.cancel();
    assert.equal(other.status, 303);
    assert.equal(
      (await mediaColumns(t, campaign.id)).media_filename,
      "menu.png",
    );
    // the started campaign's page shows what every recipient gets
    const started = await (await client.request(`/campaigns/${campaign.id}`))
      .text();
    assert.match(started, /<details class="campaign-sent">/);
    assert.match(
      started,
      new RegExp(
        `<img class="campaign-media-img" src="/campaigns/${campaign.id}/media\\?v=[^"]*" alt="menu.png"`,
      ),
    );
  } finally {
    await t.close();
  }
});

Deno.test("a draft can be deleted by its inbox's members; a started campaign and other inboxes' drafts cannot", async () => {
  const t = await testApp();
  try {
    const ana = await userNamed(t, "ana");
    const client = await loggedIn(t, "ana");
    const page = await draft(t, ana, fictionNumbers(2));
    const html = await (await client.request(`/campaigns/${page.id}`)).text();
    // the page asks first: the button is inside a closed disclosure
    assert.match(
      html,
      /<details class="confirm campaign-delete"><summary>Delete draft…<\/summary>[\s\S]*?action="\/campaigns\/\d+\/delete"/,
    );
    const res = await client.post(`/campaigns/${page.id}/delete`, {});
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("hx-redirect"), "/campaigns");
    assert.equal(await countRows(t.db, "campaigns", `id = ${page.id}`), 0);
    assert.equal(
      await countRows(t.db, "campaign_recipients", `campaign_id = ${page.id}`),
      0,
    );
    const gone = await client.request(`/campaigns/${page.id}`);
    await gone.body?.cancel();
    assert.equal(gone.status, 404);

    // started: refused, and it stays
    const running = await draft(t, ana, fictionNumbers(2, 10));
    await startCampaign(t.db, t.clock, ana, running.id, MESSAGE);
    const refused = await client.post(`/campaigns/${running.id}/delete`, {});
    assert.equal(refused.status, 422);
    assert.match(await refused.text(), /started already/);
    assert.equal(await countRows(t.db, "campaigns", `id = ${running.id}`), 1);

    // a Sales draft: luis is not in Sales, so for him it does not exist
    await t.db.client.execute(
      "update phone_numbers set registration = 'approved' where e164 = '+15550100003'",
    );
    const maria = await userNamed(t, "maria");
    const sales = await draft(t, maria, fictionNumbers(1, 20), "+15550100003");
    const luis = await loggedIn(t, "luis");
    const outsider = await luis.post(`/campaigns/${sales.id}/delete`, {});
    await outsider.body?.cancel();
    assert.equal(outsider.status, 404);
    assert.equal(await countRows(t.db, "campaigns", `id = ${sales.id}`), 1);
    // nor can he put a file on it, nor take it off, nor see it
    for (
      const r of [
        await attach(luis, sales.id, { name: "a.png", bytes: PNG }),
        await luis.post(`/campaigns/${sales.id}/media/remove`, {}),
        await luis.request(`/campaigns/${sales.id}/media`),
      ]
    ) {
      await r.body?.cancel();
      assert.equal(r.status, 404);
    }
    assert.equal(await mediaFiles(t.deps.config.mediaDir), 0);
  } finally {
    await t.close();
  }
});
