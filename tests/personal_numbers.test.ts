/**
 * Personal numbers (F5): an admin gives a user a number; its conversations
 * live in that user's personal inbox, which nobody else can see — admins
 * included — unless the owner adds them. The channel selector shows one
 * entry per personal number, each showing only its conversations.
 */
import assert from "node:assert/strict";
import {
  type Client,
  demoIds,
  loggedIn,
  type TestApp,
  testApp,
} from "./helpers.ts";
import { conversationsOf, inboundSms, newNumber } from "./team_fixtures.ts";

const ANA_LINE = "+15550109001";
const ANA_SECOND = "+15550109002";

/** The admin gives `userId` the number; returns their personal inbox id. */
async function give(
  t: TestApp,
  admin: Client,
  numberId: number,
  userId: number,
) {
  const res = await admin.post(`/admin/numbers/${numberId}/personal`, {
    user_id: String(userId),
  });
  await res.body?.cancel();
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("hx-redirect"), "/admin/numbers?saved=1");
  const rs = await t.db.client.execute({
    sql: "select inbox_id from phone_numbers where id = ?",
    args: [numberId],
  });
  return Number(rs.rows[0].inbox_id);
}

async function status(c: Client, path: string): Promise<number> {
  const res = await c.request(path);
  await res.body?.cancel();
  return res.status;
}

Deno.test("a personal number's conversations are its owner's alone: 404 for everyone else, admins included", async () => {
  const t = await testApp();
  try {
    const { users } = await demoIds(t.db);
    const admin = await loggedIn(t, "admin");
    const ana = await loggedIn(t, "ana");
    const luis = await loggedIn(t, "luis");
    const maria = await loggedIn(t, "maria");

    const line = await newNumber(t, ANA_LINE);
    const inbox = await give(t, admin, line, users.ana);
    const [row] = (await t.db.client.execute({
      sql: "select kind, owner_user_id, name from inboxes where id = ?",
      args: [inbox],
    })).rows;
    assert.deepEqual([row.kind, Number(row.owner_user_id)], [
      "personal",
      users.ana,
    ]);

    await inboundSms(t, "+15557010001", ANA_LINE, "Hi Ana, it's your dentist");
    const [conv] = await conversationsOf(t, "+15557010001");
    assert.equal(conv.inboxId, inbox);

    const page = await (await ana.request(`/inboxes/${inbox}`)).text();
    assert.match(page, /it&#39;s your dentist|it's your dentist/);
    // the channel selector: her personal number as an entry of its own
    assert.match(
      page,
      new RegExp(
        `<option value="${inbox}\\.${line}"[^>]*>\\+15550109001</option>`,
      ),
    );

    for (const outsider of [admin, luis, maria]) {
      assert.equal(await status(outsider, `/inboxes/${inbox}`), 404);
      assert.equal(await status(outsider, `/conversations/${conv.id}`), 404);
      assert.equal(await status(outsider, `/inboxes/${inbox}/settings`), 404);
      assert.equal(await status(outsider, `/inboxes/${inbox}/history`), 404);
      const reply = await outsider.post(`/conversations/${conv.id}/messages`, {
        body: "Peeking",
      });
      assert.equal(reply.status, 404);
      await reply.body?.cancel();
      const addSelf = await outsider.post(`/inboxes/${inbox}/members`, {
        user_id: String(users.admin),
      });
      assert.equal(addSelf.status, 404);
      await addSelf.body?.cancel();
      const list = await (await outsider.request("/inboxes/1")).text();
      assert.doesNotMatch(list, /dentist/);
      assert.doesNotMatch(list, new RegExp(`id="inbox-opt-${inbox}"`));
      assert.doesNotMatch(list, new RegExp(`value="${inbox}\\.`));
    }

    // the owner shares it with luis: now he sees it, but does not manage it
    const share = await ana.post(`/inboxes/${inbox}/members`, {
      user_id: String(users.luis),
    });
    assert.equal(share.status, 204);
    await share.body?.cancel();
    assert.equal(await status(luis, `/conversations/${conv.id}`), 200);
    const byLuis = await luis.post(`/inboxes/${inbox}/members`, {
      user_id: String(users.maria),
    });
    assert.equal(byLuis.status, 403);
    await byLuis.body?.cancel();
    // admins stay out unless the owner adds them
    assert.equal(await status(admin, `/conversations/${conv.id}`), 404);
    // the owner keeps her own inbox
    const leave = await ana.post(
      `/inboxes/${inbox}/members/${users.ana}/remove`,
      {},
    );
    assert.equal(leave.status, 422);
    assert.match(await leave.text(), /always keeps it/);
    // her settings page lists it and who else sees it
    const me = await (await ana.request("/me")).text();
    assert.match(me, /Your personal numbers/);
    assert.match(me, /Also seen by Luis Pérez/);
  } finally {
    await t.close();
  }
});

Deno.test("picking one personal number shows only that number's conversations", async () => {
  const t = await testApp();
  try {
    const { users } = await demoIds(t.db);
    const admin = await loggedIn(t, "admin");
    const ana = await loggedIn(t, "ana");
    const first = await newNumber(t, ANA_LINE);
    const second = await newNumber(t, ANA_SECOND);
    const inbox = await give(t, admin, first, users.ana);
    assert.equal(await give(t, admin, second, users.ana), inbox, "one inbox");
    await inboundSms(t, "+15557010011", ANA_LINE, "On the first line");
    await inboundSms(t, "+15557010012", ANA_SECOND, "On the second line");

    // the selector's entry for a number leads to the list filtered to it
    const pick = await ana.request(`/inboxes?inbox=${inbox}.${second}`);
    assert.equal(pick.status, 303);
    assert.equal(
      pick.headers.get("location"),
      `/inboxes/${inbox}?number=${second}`,
    );
    const only = await (await ana.request(pick.headers.get("location")!))
      .text();
    assert.match(only, /On the second line/);
    assert.doesNotMatch(only, /On the first line/);
    assert.match(
      only,
      new RegExp(`<option value="${inbox}\\.${second}" selected>`),
    );
    // the whole inbox shows both
    const all = await (await ana.request(`/inboxes/${inbox}`)).text();
    assert.match(all, /On the first line/);
    assert.match(all, /On the second line/);
  } finally {
    await t.close();
  }
});

Deno.test("only an admin places numbers", async () => {
  const t = await testApp();
  try {
    const { users } = await demoIds(t.db);
    const maria = await loggedIn(t, "maria");
    const line = await newNumber(t, ANA_LINE);
    assert.equal(await status(maria, "/admin/numbers"), 403);
    const res = await maria.post(`/admin/numbers/${line}/personal`, {
      user_id: String(users.maria),
    });
    assert.equal(res.status, 403);
    await res.body?.cancel();
    const admin = await loggedIn(t, "admin");
    const page = await (await admin.request("/admin/numbers")).text();
    assert.match(page, /\+15550109001/);
    assert.match(page, /Not in any inbox/);
    // a number goes to a shared inbox only through "add to shared inbox"
    const personalTarget = await admin.post(`/admin/numbers/${line}/inbox`, {
      inbox_id: String(await give(t, admin, line, users.luis)),
    });
    assert.equal(personalTarget.status, 422);
    assert.match(await personalTarget.text(), /Pick a shared inbox/);
  } finally {
    await t.close();
  }
});
