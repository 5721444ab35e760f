/**
 * Legacy history (F6): a personal number added to a shared inbox leaves its
 * earlier conversations where they were; the shared inbox's members read
 * them, read-only, as "history before this inbox"; new messages start in
 * the shared inbox. Nothing is copied or lost.
 */
import assert from "node:assert/strict";
import { q } from "./carrier_fixtures.ts";
import { type Client, demoIds, loggedIn, testApp } from "./helpers.ts";
import { conversationsOf, inboundSms, newNumber } from "./team_fixtures.ts";

const LINE = "+15550109101";
const CUSTOMER = "+15557020001";

async function ok(res: Response, status = 204) {
  await res.body?.cancel();
  assert.equal(res.status, status);
}

async function status(c: Client, path: string): Promise<number> {
  const res = await c.request(path);
  await res.body?.cancel();
  return res.status;
}

Deno.test("a personal number added to a shared inbox keeps its history there, read-only, for that inbox's members only", async () => {
  const t = await testApp();
  try {
    const { users, inboxes } = await demoIds(t.db);
    const admin = await loggedIn(t, "admin");
    const ana = await loggedIn(t, "ana");
    const maria = await loggedIn(t, "maria");
    const luis = await loggedIn(t, "luis");

    // ana's personal number, with a conversation on it
    const line = await newNumber(t, LINE);
    await ok(
      await admin.post(`/admin/numbers/${line}/personal`, {
        user_id: String(users.ana),
      }),
    );
    await inboundSms(t, CUSTOMER, LINE, "Before: is my order ready?");
    const [before] = await conversationsOf(t, CUSTOMER);
    await ok(
      await ana.post(`/conversations/${before.id}/messages`, {
        body: "Before: yes, come by",
      }),
      200,
    );
    const countBefore = await q(
      t,
      "select count(*) as n from messages where conversation_id = ?",
      [before.id],
    );

    // later, the admin adds the number to Sales (maria and admin, not luis)
    await new Promise((r) => setTimeout(r, 5));
    await ok(
      await admin.post(`/admin/numbers/${line}/inbox`, {
        inbox_id: String(inboxes.Sales),
      }),
    );
    await inboundSms(t, CUSTOMER, LINE, "After: thanks!");

    // new messages start a conversation in Sales; the old one stays put
    const convs = await conversationsOf(t, CUSTOMER);
    assert.equal(convs.length, 2);
    assert.equal(convs[0].id, before.id);
    assert.equal(convs[0].inboxId, before.inboxId, "the history did not move");
    assert.equal(convs[1].inboxId, inboxes.Sales);
    const countAfter = await q(
      t,
      "select count(*) as n from messages where conversation_id = ?",
      [before.id],
    );
    assert.deepEqual(countAfter, countBefore, "nothing copied, nothing lost");

    // maria, a member of Sales, reads the history, read-only
    const list =
      await (await maria.request(`/inboxes/${inboxes.Sales}/history`))
        .text();
    assert.match(
      list,
      new RegExp(`href="/inboxes/${inboxes.Sales}/history/${before.id}"`),
    );
    assert.match(list, /\+15550109101 · 2 messages/);
    const thread = await (await maria.request(
      `/inboxes/${inboxes.Sales}/history/${before.id}`,
    )).text();
    assert.match(thread, /Before: is my order ready\?/);
    assert.match(thread, /Before: yes, come by/);
    assert.doesNotMatch(thread, /After: thanks!/);
    assert.match(thread, /Read-only history/);
    assert.doesNotMatch(thread, /<textarea/);
    assert.doesNotMatch(thread, new RegExp(`/conversations/${before.id}/`));
    // ...but it is still not hers to work on
    assert.equal(await status(maria, `/conversations/${before.id}`), 404);
    const reply = await maria.post(`/conversations/${before.id}/messages`, {
      body: "From Sales",
    });
    await ok(reply, 404);

    // luis is not in Sales: no history for him, nor for the admin in Support
    assert.equal(await status(luis, `/inboxes/${inboxes.Sales}/history`), 404);
    assert.equal(
      await status(luis, `/inboxes/${inboxes.Sales}/history/${before.id}`),
      404,
    );
    assert.equal(
      await status(admin, `/inboxes/${inboxes.Support}/history/${before.id}`),
      404,
    );
    const support = await (await luis.request(
      `/inboxes/${inboxes.Support}/history`,
    )).text();
    assert.match(support, /No earlier history/);

    // ana still has her conversation, whole, in her personal inbox
    const own = await (await ana.request(`/conversations/${before.id}`)).text();
    assert.match(own, /Before: is my order ready\?/);
    assert.doesNotMatch(own, /After: thanks!/);
    assert.equal(await status(ana, `/inboxes/${inboxes.Sales}/history`), 404);
  } finally {
    await t.close();
  }
});

Deno.test("a conversation moved between shared inboxes is not history: inbound still continues it", async () => {
  const t = await testApp();
  try {
    const { inboxes } = await demoIds(t.db);
    await inboundSms(t, CUSTOMER, "+15550100001", "First");
    const [conv] = await conversationsOf(t, CUSTOMER);
    assert.equal(conv.inboxId, inboxes.Support);
    // maria lets Support's conversations move, and moves it to Sales (F15)
    const maria = await loggedIn(t, "maria");
    await ok(
      await maria.post(`/inboxes/${inboxes.Support}/settings`, {
        allow_move: "1",
      }),
    );
    const moved = await maria.post(`/conversations/${conv.id}/move`, {
      inbox_id: String(inboxes.Sales),
    });
    await moved.body?.cancel();
    assert.ok(moved.status < 400, `move: ${moved.status}`);
    await inboundSms(t, CUSTOMER, "+15550100001", "Second");
    const convs = await conversationsOf(t, CUSTOMER);
    assert.equal(convs.length, 1);
    assert.equal(convs[0].inboxId, inboxes.Sales);
  } finally {
    await t.close();
  }
});
