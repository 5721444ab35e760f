/**
 * Presence and queues (F26): a status and message, live for teammates;
 * logging in and out of an inbox's queue, live for that inbox's members
 * only; logging out of the app sets offline.
 */
import assert from "node:assert/strict";
import { latestEventId } from "../services/events.ts";
import { demoIds, loggedIn, testApp } from "./helpers.ts";
import { LiveStream } from "./live_stream.ts";
import { expectNothing } from "./team_fixtures.ts";
import { q } from "./carrier_fixtures.ts";

Deno.test("a status change reaches a teammate's open stream, and every copy of the badge", async () => {
  const t = await testApp();
  const { users } = await demoIds(t.db);
  const ana = await loggedIn(t, "ana");
  const luis = await loggedIn(t, "luis");
  const stream = await LiveStream.open(luis, await latestEventId(t.db.orm));
  try {
    const res = await ana.post("/me/status", {
      status: "busy",
      message: "On a call until 3",
    });
    assert.equal(res.status, 200);
    // the answer updates ana's own badges at once, full and compact
    const own = await res.text();
    assert.match(
      own,
      new RegExp(`hx-target="\\.presence-u${users.ana}:not\\(\\.compact\\)"`),
    );
    assert.match(
      own,
      new RegExp(`hx-target="\\.presence-u${users.ana}\\.compact"`),
    );
    // luis's page hears of it
    await stream.expect(
      new RegExp(
        `<span class="presence presence-u${users.ana} busy"\\s+title="On a call until 3"`,
      ),
    );
    await stream.expect("On a call until 3</span>");
    const [row] = await q(
      t,
      "select status, status_message from users where id = ?",
      [users.ana],
    );
    assert.deepEqual([row.status, row.status_message], [
      "busy",
      "On a call until 3",
    ]);

    // luis's inbox page shows ana's presence in the Support team list
    const page = await (await luis.request("/inboxes/1")).text();
    assert.match(page, /Team in Support/);
    assert.match(page, new RegExp(`presence-u${users.ana} busy`));

    const long = await ana.post("/me/status", {
      status: "away",
      message: "x".repeat(81),
    });
    assert.equal(long.status, 422);
    assert.match(await long.text(), /too long/);
    const bad = await ana.post("/me/status", { status: "asleep" });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  } finally {
    await stream.close();
    await t.close();
  }
});

Deno.test("a queue change reaches the inbox's members and nobody outside it", async () => {
  const t = await testApp();
  const { users, inboxes } = await demoIds(t.db);
  const maria = await loggedIn(t, "maria");
  const admin = await loggedIn(t, "admin");
  const luis = await loggedIn(t, "luis");
  const after = await latestEventId(t.db.orm);
  const adminStream = await LiveStream.open(admin, after);
  const luisStream = await LiveStream.open(luis, after);
  try {
    // Sales: maria and admin; luis is not in it
    const out = await maria.post(`/me/queues/${inboxes.Sales}`, {
      active: "0",
    });
    assert.equal(out.status, 200);
    assert.match(await out.text(), /Log into queue/);
    const badge = `queue queue-${inboxes.Sales}-u${users.maria} out`;
    await adminStream.expect(badge);
    await expectNothing(luisStream, `queue-${inboxes.Sales}-`);
    const [row] = await q(
      t,
      "select queue_active from inbox_members where inbox_id = ? and user_id = ?",
      [inboxes.Sales, users.maria],
    );
    assert.equal(Number(row.queue_active), 0);

    // the settings page lists her queues with the way back in
    const page = await (await maria.request("/me")).text();
    assert.match(page, /Queues/);
    assert.match(page, new RegExp(`action="/me/queues/${inboxes.Sales}"`));
    // a queue of an inbox she is not in does not exist for luis
    const foreign = await luis.post(`/me/queues/${inboxes.Sales}`, {
      active: "1",
    });
    assert.equal(foreign.status, 404);
    await foreign.body?.cancel();
  } finally {
    await adminStream.close();
    await luisStream.close();
    await t.close();
  }
});

Deno.test("logging out of the app sets the user offline for their teammates", async () => {
  const t = await testApp();
  const { users } = await demoIds(t.db);
  const ana = await loggedIn(t, "ana");
  const luis = await loggedIn(t, "luis");
  await (await ana.post("/me/status", { status: "available" })).body?.cancel();
  const stream = await LiveStream.open(luis, await latestEventId(t.db.orm));
  try {
    const out = await ana.post("/logout", {});
    assert.equal(out.status, 204);
    await stream.expect(`presence presence-u${users.ana} offline`);
    const [row] = await q(t, "select status from users where id = ?", [
      users.ana,
    ]);
    assert.equal(row.status, "offline");
  } finally {
    await stream.close();
    await t.close();
  }
});
