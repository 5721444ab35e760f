/**
 * Auto-assignment: round-robin over the members who are available and in
 * the inbox's queue, under a per-agent cap, inside the transaction that
 * creates the conversation — so racing webhooks, even through two app
 * instances on one database, never hand a conversation out twice.
 */
import assert from "node:assert/strict";
import { openDb } from "../db/client.ts";
import { computeTwilioSignature } from "../carriers/twilio.ts";
import { q, twilioInbound } from "./carrier_fixtures.ts";
import {
  type Client,
  demoIds,
  loggedIn,
  TEST_SECRETS,
  type TestApp,
  testApp,
} from "./helpers.ts";
import { httpLogin, sharedEnv, startInstance } from "./process.ts";
import { conversationsOf, inboundSms } from "./team_fixtures.ts";

const SUPPORT_LINE = "+15550100001";

async function turnOn(maria: Client, inboxId: number, cap: number) {
  const res = await maria.post(`/inboxes/${inboxId}/auto-assignment`, {
    enabled: "1",
    max_open: String(cap),
  });
  await res.body?.cancel();
  assert.equal(res.status, 204);
}

async function setStatus(c: Client, status: string) {
  const res = await c.post("/me/status", { status, message: "" });
  await res.body?.cancel();
  assert.equal(res.status, 200);
}

/** Closes the demo's open conversations, so only a test's own ones wait. */
async function closeDemoConversations(t: TestApp, c: Client) {
  const { conversations } = await demoIds(t.db);
  for (const conv of conversations.filter((x) => x.status === "open")) {
    const res = await c.post(`/conversations/${conv.id}/close`, {});
    await res.body?.cancel();
    assert.ok(res.status < 400, `close ${conv.id}: ${res.status}`);
  }
}

/** Contact number i of a race. */
const racer = (i: number) => `+1555900${String(i).padStart(4, "0")}`;

/** Every conversation of the race's contacts with its assignee. */
async function raced(t: TestApp, n: number) {
  const rows = await q(
    t,
    `select c.id, c.assignee_id from conversations c
      join contacts k on k.id = c.contact_id
      where k.e164 like '+1555900%' order by c.id`,
  );
  assert.equal(rows.length, n, "one conversation per contact");
  return rows.map((r) => ({
    id: Number(r.id),
    assigneeId: r.assignee_id === null ? null : Number(r.assignee_id),
  }));
}

/** How many auto-assignment lines and events each conversation got. */
async function assignmentsOf(t: TestApp, ids: number[]) {
  const list = ids.join(",");
  const lines = await q(
    t,
    `select conversation_id, count(*) as n from activities
      where kind = 'assigned' and actor_id is null
        and conversation_id in (${list}) group by conversation_id`,
  );
  const events = await q(
    t,
    `select conversation_id, count(*) as n from events
      where kind = 'conversation.updated'
        and json_extract(payload, '$.auto') = 1
        and conversation_id in (${list}) group by conversation_id`,
  );
  return {
    lines: new Map(lines.map((r) => [Number(r.conversation_id), Number(r.n)])),
    events: new Map(
      events.map((r) => [Number(r.conversation_id), Number(r.n)]),
    ),
  };
}

function countBy<T>(xs: T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

Deno.test("100 inbound messages raced through the webhook get one assignee each, round-robin", async () => {
  const t = await testApp();
  try {
    const { users, inboxes } = await demoIds(t.db);
    const agents = ["ana", "luis", "maria"];
    const clients = await Promise.all(agents.map((a) => loggedIn(t, a)));
    for (const c of clients) await setStatus(c, "available");
    await turnOn(clients[2], inboxes.Support, 40);

    await Promise.all(
      Array.from(
        { length: 100 },
        (_, i) => inboundSms(t, racer(i), SUPPORT_LINE, `Help #${i}`),
      ),
    );

    const convs = await raced(t, 100);
    const eligible = new Set(agents.map((a) => users[a]));
    for (const c of convs) {
      assert.ok(
        c.assigneeId !== null && eligible.has(c.assigneeId),
        `conversation ${c.id} went to an available agent in the queue`,
      );
    }
    // round-robin: nobody gets more than one more than anyone else
    const load = [...countBy(convs.map((c) => c.assigneeId)).values()].sort();
    assert.deepEqual(load, [33, 33, 34]);
    // each conversation was handed out exactly once: one audit line, one event
    const { lines, events } = await assignmentsOf(t, convs.map((c) => c.id));
    for (const c of convs) {
      assert.equal(lines.get(c.id), 1, `one assignment line for ${c.id}`);
      assert.equal(events.get(c.id), 1, `one assignment event for ${c.id}`);
    }
    // the thread shows who got it, by Bandeja itself
    const page = await (await clients[0].request(
      `/conversations/${convs[0].id}`,
    )).text();
    assert.match(
      page,
      /Bandeja assigned this to (Ana López|Luis Pérez|María García)/,
    );
  } finally {
    await t.close();
  }
});

Deno.test("two Bandeja processes racing on one database never hand a conversation out twice", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bandeja-assign-" });
  // no carrier is called: only webhooks come in
  const env = sharedEnv(`${dir}/shared.db`, "http://127.0.0.1:9");
  const a = await startInstance(env);
  const b = await startInstance(env);
  try {
    for (const name of ["ana", "luis", "maria"]) {
      const s = await httpLogin(a.url, `${name}@demo.test`);
      await httpPost(a.url, s, "/me/status", { status: "available" });
    }
    const maria = await httpLogin(b.url, "maria@demo.test");
    // Support is the demo's first inbox
    await httpPost(b.url, maria, "/inboxes/1/auto-assignment", {
      enabled: "1",
      max_open: "20",
    });

    // 50 contacts each write twice at the same moment, once to each
    // process: two writers race for every new conversation
    const sent = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) =>
          [a, b].map((inst) =>
            signedTwilio(
              inst.url,
              twilioInbound({
                from: racer(i),
                to: SUPPORT_LINE,
                body: `to ${inst.port} ${i}`,
              }),
            )
          ),
      ).flat(),
    );
    assert.deepEqual([...new Set(sent)], [200]);
  } finally {
    await a.stop();
    await b.stop();
  }
  const db = await openDb({ url: `file:${dir}/shared.db` });
  const t = { db } as TestApp;
  try {
    const { users } = await demoIds(db);
    const convs = await raced(t, 50);
    const messages = await q(
      t,
      `select count(*) as n from messages m join conversations c
        on c.id = m.conversation_id join contacts k on k.id = c.contact_id
        where k.e164 like '+1555900%'`,
    );
    assert.equal(Number(messages[0].n), 100, "nothing lost");
    const eligible = new Set([users.ana, users.luis, users.maria]);
    assert.ok(convs.every((c) => c.assigneeId && eligible.has(c.assigneeId)));
    const load = [...countBy(convs.map((c) => c.assigneeId)).values()];
    assert.ok(Math.max(...load) <= 20, "the cap holds");
    assert.ok(Math.max(...load) - Math.min(...load) <= 1, "in turn");
    const { lines, events } = await assignmentsOf(t, convs.map((c) => c.id));
    for (const c of convs) {
      assert.equal(lines.get(c.id), 1);
      assert.equal(events.get(c.id), 1);
    }
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** A form POSTed over real HTTP with a session, as htmx would. */
async function httpPost(
  url: string,
  s: { cookie: string; csrf: string },
  path: string,
  form: Record<string, string>,
) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: {
      cookie: s.cookie,
      origin: url,
      "x-csrf-token": s.csrf,
      "hx-request": "true",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(form),
  });
  await res.body?.cancel();
  assert.ok(res.status < 300, `${path}: ${res.status}`);
}

/** A signed Twilio inbound webhook to a real instance; its status. */
async function signedTwilio(url: string, params: Record<string, string>) {
  const res = await fetch(`${url}/webhooks/twilio`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": await computeTwilioSignature(
        TEST_SECRETS.twilioAuthToken,
        `${url}/webhooks/twilio`,
        params,
      ),
    },
    body: new URLSearchParams(params),
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("with nobody available a conversation waits unassigned and is picked up when someone is", async () => {
  const t = await testApp();
  try {
    const { users, inboxes } = await demoIds(t.db);
    const ana = await loggedIn(t, "ana");
    const luis = await loggedIn(t, "luis");
    const maria = await loggedIn(t, "maria");
    await closeDemoConversations(t, maria);
    await turnOn(maria, inboxes.Support, 2);

    // everyone is offline (the demo's default): it waits
    await inboundSms(t, racer(1), SUPPORT_LINE, "Anyone there?");
    assert.equal((await conversationsOf(t, racer(1)))[0].assigneeId, null);

    // ana becomes available: she picks it up at once
    await setStatus(ana, "available");
    assert.equal((await conversationsOf(t, racer(1)))[0].assigneeId, users.ana);

    // the cap: ana holds at most 2; the third waits
    await inboundSms(t, racer(2), SUPPORT_LINE, "Two");
    await inboundSms(t, racer(3), SUPPORT_LINE, "Three");
    assert.equal((await conversationsOf(t, racer(2)))[0].assigneeId, users.ana);
    assert.equal((await conversationsOf(t, racer(3)))[0].assigneeId, null);

    // maria is available but logged out of the Support queue: nothing for her
    const out = await maria.post(`/me/queues/${inboxes.Support}`, {
      active: "0",
    });
    await out.body?.cancel();
    await setStatus(maria, "available");
    assert.equal((await conversationsOf(t, racer(3)))[0].assigneeId, null);

    // luis is available but out of the queue; logging in picks it up
    const luisOut = await luis.post(`/me/queues/${inboxes.Support}`, {
      active: "0",
    });
    await luisOut.body?.cancel();
    await setStatus(luis, "available");
    assert.equal((await conversationsOf(t, racer(3)))[0].assigneeId, null);
    const luisIn = await luis.post(`/me/queues/${inboxes.Support}`, {
      active: "1",
    });
    assert.equal(luisIn.status, 200);
    assert.match(await luisIn.text(), /In queue/);
    assert.equal(
      (await conversationsOf(t, racer(3)))[0].assigneeId,
      users.luis,
    );

    // away and busy agents get nothing new
    await setStatus(ana, "busy");
    await setStatus(luis, "away");
    await inboundSms(t, racer(4), SUPPORT_LINE, "Four");
    assert.equal((await conversationsOf(t, racer(4)))[0].assigneeId, null);
  } finally {
    await t.close();
  }
});

Deno.test("turning auto-assignment on hands out the waiting conversations; only managers may", async () => {
  const t = await testApp();
  try {
    const { users, inboxes } = await demoIds(t.db);
    const ana = await loggedIn(t, "ana");
    const maria = await loggedIn(t, "maria");
    await setStatus(ana, "available");
    await inboundSms(t, racer(7), SUPPORT_LINE, "Waiting");
    assert.equal((await conversationsOf(t, racer(7)))[0].assigneeId, null);

    const byAgent = await ana.post(
      `/inboxes/${inboxes.Support}/auto-assignment`,
      { enabled: "1", max_open: "5" },
    );
    await byAgent.body?.cancel();
    assert.equal(byAgent.status, 403);
    const badCap = await maria.post(
      `/inboxes/${inboxes.Support}/auto-assignment`,
      { enabled: "1", max_open: "0" },
    );
    assert.equal(badCap.status, 422);
    assert.match(await badCap.text(), /from 1 to 500/);

    const waiting = await q(
      t,
      `select id from conversations where inbox_id = ? and status = 'open'
        and assignee_id is null order by last_message_at, id`,
      [inboxes.Support],
    );
    assert.ok(waiting.length > 2, "more are waiting than the cap");
    await turnOn(maria, inboxes.Support, 2);
    // every waiting one was a candidate: ana got the 2 oldest, up to her cap
    const mine = await q(
      t,
      `select id from conversations where assignee_id = ? and status = 'open'
        order by last_message_at, id`,
      [users.ana],
    );
    assert.deepEqual(
      mine.map((r) => Number(r.id)),
      waiting.slice(0, 2).map((r) => Number(r.id)),
    );
    const settings = await (await maria.request(
      `/inboxes/${inboxes.Support}/settings`,
    )).text();
    assert.match(settings, /name="enabled" value="1" checked/);
    assert.match(settings, /name="max_open"[^>]*value="2"/);
  } finally {
    await t.close();
  }
});

Deno.test("closing, closing as spam, reassigning or moving a conversation hands a waiting one to the agent who dropped under the cap", async () => {
  const t = await testApp();
  try {
    const { users, inboxes } = await demoIds(t.db);
    const ana = await loggedIn(t, "ana");
    const maria = await loggedIn(t, "maria");
    await closeDemoConversations(t, maria);
    await turnOn(maria, inboxes.Support, 1);
    const settings = await maria.post(`/inboxes/${inboxes.Support}/settings`, {
      assignment_mode: "1",
      allow_move: "1",
    });
    await settings.body?.cancel();
    assert.ok(settings.status < 400, `settings: ${settings.status}`);
    await setStatus(ana, "available");
    const convOf = async (i: number) => (await conversationsOf(t, racer(i)))[0];
    const act = async (path: string, form: Record<string, string> = {}) => {
      const res = await maria.post(path, form);
      await res.body?.cancel();
      assert.ok(res.status < 400, `${path}: ${res.status}`);
    };

    // ana holds her one; the next waits
    await inboundSms(t, racer(11), SUPPORT_LINE, "First");
    await inboundSms(t, racer(12), SUPPORT_LINE, "Second");
    assert.equal((await convOf(11)).assigneeId, users.ana);
    assert.equal((await convOf(12)).assigneeId, null);

    // closed: the waiting one is hers at once
    const close = await ana.post(
      `/conversations/${(await convOf(11)).id}/close`,
      {},
    );
    await close.body?.cancel();
    assert.equal(close.status, 200);
    assert.equal((await convOf(12)).assigneeId, users.ana);
    const picked = await assignmentsOf(t, [(await convOf(12)).id]);
    assert.equal(picked.lines.get((await convOf(12)).id), 1, "an audit line");
    assert.equal(picked.events.get((await convOf(12)).id), 1, "a live event");

    // closed as spam
    await inboundSms(t, racer(13), SUPPORT_LINE, "Third");
    assert.equal((await convOf(13)).assigneeId, null);
    await act(`/conversations/${(await convOf(12)).id}/spam`);
    assert.equal((await convOf(13)).assigneeId, users.ana);

    // given to a teammate (luis is not available, but a manager may)
    await inboundSms(t, racer(14), SUPPORT_LINE, "Fourth");
    assert.equal((await convOf(14)).assigneeId, null);
    await act(`/conversations/${(await convOf(13)).id}/assign`, {
      assignee: String(users.luis),
    });
    assert.equal((await convOf(13)).assigneeId, users.luis);
    assert.equal((await convOf(14)).assigneeId, users.ana);

    // moved to Sales (ana is not in it: it arrives there unassigned)
    await inboundSms(t, racer(15), SUPPORT_LINE, "Fifth");
    assert.equal((await convOf(15)).assigneeId, null);
    await act(`/conversations/${(await convOf(14)).id}/move`, {
      inbox_id: String(inboxes.Sales),
    });
    assert.deepEqual(
      { ...(await convOf(14)) },
      {
        id: (await convOf(14)).id,
        inboxId: inboxes.Sales,
        assigneeId: null,
        status: "open",
      },
    );
    assert.equal((await convOf(15)).assigneeId, users.ana);
  } finally {
    await t.close();
  }
});
