/**
 * Direct and team chats (F7, F8): one direct chat per pair, members only
 * (everyone else gets 404, admins included), team members managed by the
 * creator or an admin member, leaving, and live delivery to members only.
 */
import assert from "node:assert/strict";
import { latestEventId } from "../services/events.ts";
import {
  type Client,
  countRows,
  demoIds,
  loggedIn,
  testApp,
} from "./helpers.ts";
import { LiveStream } from "./live_stream.ts";
import { chatIdOf, expectNothing, startDirect } from "./team_fixtures.ts";

async function post(c: Client, chatId: number, body: string) {
  const res = await c.post(`/chats/${chatId}/messages`, { body });
  const html = await res.text();
  return { status: res.status, html };
}

Deno.test("a direct chat is one per pair and only its two members may read or post", async () => {
  const t = await testApp();
  try {
    const { users } = await demoIds(t.db);
    const ana = await loggedIn(t, "ana");
    const luis = await loggedIn(t, "luis");
    const maria = await loggedIn(t, "maria");
    const admin = await loggedIn(t, "admin");

    const id = await startDirect(ana, users.luis);
    assert.equal(await startDirect(ana, users.luis), id, "the same chat again");
    assert.equal(await startDirect(luis, users.ana), id, "from either side");
    assert.equal(await countRows(t.db, "chats"), 1);

    const sent = await post(ana, id, "Can you cover the 3 pm shift?");
    assert.equal(sent.status, 200);
    assert.match(sent.html, /Can you cover the 3 pm shift\?/);
    const page = await (await luis.request(`/chats/${id}`)).text();
    assert.match(page, /Can you cover the 3 pm shift\?/);
    assert.match(page, /<h2 id="chat-title-\d+">Ana López<\/h2>/);

    // outsiders, an admin included, cannot tell it exists
    for (const outsider of [maria, admin]) {
      for (const path of [`/chats/${id}`, `/chats/${id}/head`]) {
        const res = await outsider.request(path);
        await res.body?.cancel();
        assert.equal(res.status, 404, path);
      }
      assert.equal((await post(outsider, id, "Let me in")).status, 404);
      for (const action of ["read", "leave", "members"]) {
        const res = await outsider.post(`/chats/${id}/${action}`, {
          member: String(users.maria),
        });
        await res.body?.cancel();
        assert.equal(res.status, 404, action);
      }
      const list = await (await outsider.request("/chats")).text();
      assert.doesNotMatch(list, /3 pm shift/);
    }
    assert.equal(
      await countRows(t.db, "chat_messages", "body = 'Let me in'"),
      0,
    );

    // a direct chat has no members to manage, and nobody leaves it
    const leave = await ana.post(`/chats/${id}/leave`, {});
    assert.equal(leave.status, 422);
    await leave.body?.cancel();
    const self = await ana.post("/chats/direct", {
      user_id: String(users.ana),
    });
    assert.equal(self.status, 422);
    await self.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("a team chat's members are managed by its creator or an admin member, and anyone may leave", async () => {
  const t = await testApp();
  try {
    const { users } = await demoIds(t.db);
    const ana = await loggedIn(t, "ana");
    const luis = await loggedIn(t, "luis");
    const maria = await loggedIn(t, "maria");
    const admin = await loggedIn(t, "admin");

    const created = await ana.post("/chats", {
      name: "  Weekend   rota ",
      member: String(users.luis),
    });
    assert.equal(created.status, 200);
    const html = await created.text();
    assert.match(html, /#<\/span>Weekend rota/);
    // the "new team chat" form closes, empty, for the next one
    assert.match(
      html,
      /<hx-partial hx-target="#new-team" hx-swap="outerHTML">/,
    );
    const id = chatIdOf(created);

    const empty = await ana.post("/chats", { name: "   " });
    assert.equal(empty.status, 422);
    assert.match(await empty.text(), /A team chat needs a name/);

    // luis is a member but did not start it: he may not change members
    const byLuis = await luis.post(`/chats/${id}/members`, {
      member: String(users.maria),
    });
    assert.equal(byLuis.status, 403);
    await byLuis.body?.cancel();
    // maria is no member: the chat does not exist for her
    assert.equal((await maria.request(`/chats/${id}`)).status, 404);

    const add = await ana.post(`/chats/${id}/members`, {
      member: String(users.maria),
    });
    assert.equal(add.status, 200);
    assert.match(await add.text(), /María García/);
    assert.equal((await post(maria, id, "Count me in")).status, 200);

    // an admin who is not a member cannot manage it either
    const outsider = await admin.post(`/chats/${id}/members`, {
      member: String(users.admin),
    });
    assert.equal(outsider.status, 404);
    await outsider.body?.cancel();
    // once added, an admin manages it like its creator
    await (await ana.post(`/chats/${id}/members`, {
      member: String(users.admin),
    })).body?.cancel();
    const removed = await admin.post(
      `/chats/${id}/members/${users.luis}/remove`,
      {},
    );
    assert.equal(removed.status, 200);
    await removed.body?.cancel();
    assert.equal((await luis.request(`/chats/${id}`)).status, 404);
    assert.equal((await post(luis, id, "Still here?")).status, 404);

    // maria leaves: she is out, the others stay
    const left = await maria.post(`/chats/${id}/leave`, {});
    assert.equal(left.status, 200);
    assert.match(await left.text(), /You are no longer a member of this chat/);
    assert.equal((await maria.request(`/chats/${id}`)).status, 404);
    const members = await t.db.client.execute({
      sql:
        "select user_id from chat_members where chat_id = ? order by user_id",
      args: [id],
    });
    assert.deepEqual(
      members.rows.map((r) => Number(r.user_id)),
      [users.admin, users.ana].sort((a, b) => a - b),
    );
    // her earlier message is still in the chat for the others
    assert.match(
      await (await ana.request(`/chats/${id}`)).text(),
      /Count me in/,
    );
  } finally {
    await t.close();
  }
});

Deno.test("a chat message reaches its members' streams, with a notice, and never an outsider's", async () => {
  const t = await testApp();
  const { users } = await demoIds(t.db);
  const ana = await loggedIn(t, "ana");
  const luis = await loggedIn(t, "luis");
  const maria = await loggedIn(t, "maria");
  const id = await startDirect(ana, users.luis);
  const after = await latestEventId(t.db.orm);
  const luisStream = await LiveStream.open(luis, after);
  const mariaStream = await LiveStream.open(maria, after);
  const anaStream = await LiveStream.open(ana, after);
  try {
    const sent = await post(ana, id, "Lunch at 1?");
    assert.equal(sent.status, 200);
    await luisStream.expect(`<hx-upsert hx-target="#chat-messages-${id}"`);
    await luisStream.expect("Lunch at 1?");
    // his chat row, unread, and his counts (the tab title's total, the badge)
    await luisStream.expect(
      new RegExp(`<li id="chat-row-${id}" class="unread"`),
    );
    await luisStream.expect(/event: counts\ndata: \{"inboxes":.*"chats":1\}/);
    await luisStream.expect(
      /event: notify\ndata: \{"title":"Ana López sent you a message","body":"Lunch at 1\?","url":"\/chats\/\d+"/,
    );
    // the sender sees it as hers and is not notified of her own message
    await anaStream.expect(/<li id="chat-msg-\d+" class="msg out"/);
    await expectNothing(anaStream, "event: notify");
    await expectNothing(mariaStream, "Lunch at 1?");

    // a new member of a team chat follows it from then on
    const team = await ana.post("/chats", { name: "Floor" });
    const teamId = chatIdOf(team);
    await team.body?.cancel();
    await (await ana.post(`/chats/${teamId}/members`, {
      member: String(users.maria),
    })).body?.cancel();
    assert.equal((await post(ana, teamId, "Welcome, María")).status, 200);
    await mariaStream.expect("Welcome, María");
    await mariaStream.expect(/"title":"Ana López in Floor"/);

    // read on luis's side: his other tabs' row loses its unread mark
    const read = await luis.post(`/chats/${id}/read`, {});
    assert.equal(read.status, 204);
    await luisStream.expect(new RegExp(`<li id="chat-row-${id}"\\s+data-key=`));
  } finally {
    await luisStream.close();
    await mariaStream.close();
    await anaStream.close();
    await t.close();
  }
});

Deno.test("a reconnecting stream replays the chat messages it missed", async () => {
  const t = await testApp();
  const { users } = await demoIds(t.db);
  const ana = await loggedIn(t, "ana");
  const luis = await loggedIn(t, "luis");
  const id = await startDirect(ana, users.luis);
  const before = await latestEventId(t.db.orm);
  assert.equal((await post(ana, id, "While you were away")).status, 200);
  const stream = await LiveStream.open(luis, before);
  try {
    await stream.expect("While you were away");
    // a replay shows what was missed but does not notify about it again
    await expectNothing(stream, "event: notify");
  } finally {
    await stream.close();
    await t.close();
  }
});

Deno.test("the chats page works without JavaScript: plain forms redirect", async () => {
  const t = await testApp();
  try {
    const { users } = await demoIds(t.db);
    const ana = await loggedIn(t, "ana");
    const plain = { "hx-request": "false" };
    const start = await ana.post("/chats/direct", {
      user_id: String(users.maria),
      _csrf: ana.csrf,
    }, plain);
    assert.equal(start.status, 303);
    const url = start.headers.get("location")!;
    assert.match(url, /^\/chats\/\d+$/);
    const sent = await ana.post(
      `${url}/messages`,
      { body: "Plain hello" },
      plain,
    );
    assert.equal(sent.status, 303);
    const page = await (await ana.request(url)).text();
    assert.match(page, /Plain hello/);
    assert.match(
      page,
      /<form id="chat-composer-\d+" class="composer chat-composer" method="post"/,
    );
    assert.match(page, /María García/);
    // the empty state of someone with no chats says what to do
    const luis = await loggedIn(t, "luis");
    const none = await (await luis.request("/chats")).text();
    assert.match(none, /No chats yet\. Pick a person below/);
  } finally {
    await t.close();
  }
});
