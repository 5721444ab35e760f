/**
 * Notification preferences (per user, per inbox: all / assigned to me /
 * mentions / none, and a sound) decide who gets a browser notification
 * for a live event; a replay never notifies.
 */
import assert from "node:assert/strict";
import { latestEventId } from "../services/events.ts";
import { q } from "./carrier_fixtures.ts";
import { type Client, demoIds, loggedIn, testApp } from "./helpers.ts";
import { LiveStream } from "./live_stream.ts";
import { expectNothing, inboundSms } from "./team_fixtures.ts";

const SUPPORT_LINE = "+15550100001";

async function prefer(
  c: Client,
  inboxId: number,
  level: string,
  sound = false,
) {
  const res = await c.post(`/me/notifications/${inboxId}`, {
    level,
    ...(sound ? { sound: "1" } : {}),
  });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "Saved.");
}

Deno.test("each member's preference decides whether a new customer message notifies them", async () => {
  const t = await testApp();
  const { users, inboxes } = await demoIds(t.db);
  const ana = await loggedIn(t, "ana");
  const luis = await loggedIn(t, "luis");
  const maria = await loggedIn(t, "maria");
  await prefer(ana, inboxes.Support, "all", true);
  await prefer(luis, inboxes.Support, "none");
  await prefer(maria, inboxes.Support, "mentions");
  const after = await latestEventId(t.db.orm);
  const streams = await Promise.all(
    [ana, luis, maria].map((c) => LiveStream.open(c, after)),
  );
  const [anaS, luisS, mariaS] = streams;
  try {
    await inboundSms(t, "+15557030001", SUPPORT_LINE, "Is anyone there?");
    await anaS.expect(
      /event: notify\ndata: \{"title":"New message from \+15557030001","body":"Is anyone there\?","url":"\/conversations\/\d+","tag":"conv-\d+","sound":true\}/,
    );
    await expectNothing(luisS, "event: notify");
    await expectNothing(mariaS, "event: notify");

    // a message naming maria reaches her ("mentions")
    await inboundSms(
      t,
      "+15557030001",
      SUPPORT_LINE,
      "María, can you call me?",
    );
    await mariaS.expect(/"body":"María, can you call me\?"/);
    await expectNothing(luisS, "event: notify");

    // the default for a shared inbox: conversations assigned to me
    const rows = await q(
      t,
      "select level from notification_prefs where user_id = ?",
      [users.admin],
    );
    assert.equal(rows.length, 0, "the admin never chose");
    const page = await (await (await loggedIn(t, "admin")).request("/me"))
      .text();
    assert.match(
      page,
      /<option value="assigned" selected>Only conversations assigned to me<\/option>/,
    );
    // nothing for an inbox one is not in
    const foreign = await luis.post(`/me/notifications/${inboxes.Sales}`, {
      level: "all",
    });
    assert.equal(foreign.status, 404);
    await foreign.body?.cancel();
  } finally {
    for (const s of streams) await s.close();
    await t.close();
  }
});

Deno.test("a conversation given to someone notifies them under 'assigned to me', and a replay notifies nobody", async () => {
  const t = await testApp();
  const { inboxes } = await demoIds(t.db);
  const ana = await loggedIn(t, "ana");
  const maria = await loggedIn(t, "maria");
  await (await ana.post("/me/status", { status: "available" })).body?.cancel();
  const turnOn = await maria.post(
    `/inboxes/${inboxes.Support}/auto-assignment`,
    {
      enabled: "1",
      max_open: "50",
    },
  );
  await turnOn.body?.cancel();
  const before = await latestEventId(t.db.orm);
  const stream = await LiveStream.open(ana, before);
  try {
    await inboundSms(t, "+15557030002", SUPPORT_LINE, "Need help");
    // the default level ("assigned"): the message and the assignment both
    // concern ana; one notification tag, so the browser shows one
    await stream.expect(/"title":"A conversation was assigned to you"/);
    await stream.expect(/"title":"New message from \+15557030002"/);
  } finally {
    await stream.close();
  }
  const replay = await LiveStream.open(ana, before);
  try {
    await replay.expect("Need help");
    await expectNothing(replay, "event: notify");
  } finally {
    await replay.close();
    await t.close();
  }
});

Deno.test("a teammate assigning a conversation notifies the assignee, not the one who assigned it", async () => {
  const t = await testApp();
  const { users, inboxes } = await demoIds(t.db);
  const maria = await loggedIn(t, "maria");
  const luis = await loggedIn(t, "luis");
  const mode = await maria.post(`/inboxes/${inboxes.Support}/settings`, {
    assignment_mode: "1",
  });
  await mode.body?.cancel();
  const after = await latestEventId(t.db.orm);
  const luisS = await LiveStream.open(luis, after);
  const mariaS = await LiveStream.open(maria, after);
  try {
    const res = await maria.post("/conversations/1/assign", {
      assignee: String(users.luis),
    });
    await res.body?.cancel();
    assert.ok(res.status < 400, `assign: ${res.status}`);
    await luisS.expect(
      /"title":"A conversation was assigned to you","body":"Carmen Ruiz","url":"\/conversations\/1"/,
    );
    await expectNothing(mariaS, "event: notify");
  } finally {
    await luisS.close();
    await mariaS.close();
    await t.close();
  }
});
