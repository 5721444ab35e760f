/**
 * The conversation list (F11, F12), read state (F17) and new conversations
 * (F1): each filter and sort, search, pins, keyset pages, reset, "mark
 * unread" for one user only, the switcher's counts, and the live events.
 */
import assert from "node:assert/strict";
import { updateInboxSettings } from "../services/inbox_settings.ts";
import {
  assignConversation,
  markSpam,
} from "../services/conversation_actions.ts";
import {
  DEFAULT_FILTERS,
  listConversations,
  type ListCursor,
  type ListFilters,
} from "../services/conversation_list.ts";
import { markRead } from "../services/conversations.ts";
import { receiveInbound } from "../services/inbound.ts";
import { sendReply } from "../services/messages.ts";
import { startConversation } from "../services/new_conversation.ts";
import { normalizeNumber } from "../services/new_conversation.ts";
import { bodyMatchQuery, contactSearch } from "../services/search.ts";
import { addTag, createTag } from "../services/tags.ts";
import { findUser, type User } from "../services/users.ts";
import { latestEventId } from "../services/events.ts";
import {
  type Client,
  countRows,
  demoIds,
  loggedIn,
  type TestApp,
  testApp,
  testClock,
} from "./helpers.ts";

interface World {
  t: TestApp;
  ids: Awaited<ReturnType<typeof demoIds>>;
  user: (name: string) => Promise<User>;
  /** Support's conversations: Carmen, John, the unknown number (open), John (closed) */
  carmen: number;
  john: number;
  unknown: number;
  johnClosed: number;
  sofia: number;
  numbers: Record<string, number>;
}

async function world(clock = testClock()): Promise<World> {
  const t = await testApp({ clock });
  const ids = await demoIds(t.db);
  const rows = (await t.db.client.execute(
    `select c.id, k.e164 as contact, c.status from conversations c
     join contacts k on k.id = c.contact_id order by c.id`,
  )).rows;
  const conv = (e164: string, status = "open") =>
    Number(rows.find((r) => r.contact === e164 && r.status === status)!.id);
  const numbers = Object.fromEntries(
    (await t.db.client.execute("select id, e164 from phone_numbers")).rows.map(
      (r) => [String(r.e164), Number(r.id)],
    ),
  );
  return {
    t,
    ids,
    user: async (name) => (await findUser(t.db.orm, ids.users[name]))!,
    carmen: conv("+15551230001"),
    john: conv("+15551230002"),
    unknown: conv("+15551230003"),
    johnClosed: conv("+15551230002", "closed"),
    sofia: conv("+15551230004"),
    numbers,
  };
}

/** The list body as htmx asks for it; pinned and other row ids in order. */
async function listVia(c: Client, inboxId: number, query = "") {
  const res = await c.request(`/inboxes/${inboxId}${query}`, {
    headers: { "hx-request": "true", "hx-target": "div#list-body" },
  });
  const html = await res.text();
  const ids = (part: string) =>
    [...part.matchAll(/<li id="conv-(\d+)"/g)].map((m) => Number(m[1]));
  const pinsAt = html.indexOf('class="conv-list pins"');
  const mainAt = html.indexOf('aria-label="Conversations"', pinsAt + 1);
  return {
    status: res.status,
    html,
    pinned: pinsAt >= 0 ? ids(html.slice(pinsAt, mainAt)) : [],
    rows: ids(pinsAt >= 0 ? html.slice(mainAt) : html),
  };
}

/** Every row of a list, page by page through the keyset cursor. */
async function allPages(
  t: TestApp,
  user: User,
  inboxId: number,
  f: ListFilters,
  limit: number,
) {
  const seen: number[] = [];
  let cursor: ListCursor | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await listConversations(t.db.orm, user, inboxId, f, {
      cursor,
      limit,
    });
    assert.ok(page.rows.length <= limit);
    if (cursor) {
      assert.deepEqual(page.pinned, [], "pins on the first page only");
    }
    seen.push(...page.pinned.map((r) => r.id), ...page.rows.map((r) => r.id));
    if (!page.next) return seen;
    cursor = page.next;
  }
  throw new Error("paging did not end");
}

/** An inbound SMS to a Support number, as its carrier would deliver it. */
async function inbound(
  w: World,
  from: string,
  body: string,
  to = "+15550100001",
) {
  await receiveInbound(w.t.db, w.t.clock, [{
    provider: to === "+15550100004" ? "telnyx" : "twilio",
    channel: "sms",
    providerId: `SM${crypto.randomUUID().replaceAll("-", "")}`,
    from,
    to,
    body,
    media: [],
    sentAt: w.t.clock(),
  }]);
}

/** A live stream, read until a needle arrives or time runs out. */
class Stream {
  text = "";
  #reader: ReadableStreamDefaultReader<string>;
  #pending: Promise<ReadableStreamReadResult<string>> | null = null;
  constructor(res: Response) {
    assert.equal(res.status, 200);
    this.#reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  }
  static async open(c: Client, after: number) {
    return new Stream(await c.request(`/events?after=${after}`));
  }
  /** True once `needle` arrived within `ms`. */
  async sees(needle: string | RegExp, ms = 1500): Promise<boolean> {
    const has = () =>
      typeof needle === "string"
        ? this.text.includes(needle)
        : needle.test(this.text);
    const deadline = Date.now() + ms;
    while (!has()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      this.#pending ??= this.#reader.read();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const result = await Promise.race([
        this.#pending,
        new Promise<"timeout">((r) =>
          timer = setTimeout(() => r("timeout"), left)
        ),
      ]);
      clearTimeout(timer);
      if (result === "timeout") return has();
      this.#pending = null;
      if (result.done) return has();
      this.text += result.value;
    }
    return true;
  }
  async close() {
    await this.#reader.cancel();
    await this.#pending?.catch(() => {});
  }
}

Deno.test("each filter narrows the list and lives in the URL", async () => {
  const w = await world();
  try {
    const ana = await loggedIn(w.t, "ana");
    const maria = await w.user("maria");
    const anaUser = await w.user("ana");
    const support = w.ids.inboxes.Support;
    await updateInboxSettings(w.t.db, maria, support, {
      assignmentMode: true,
      allowMove: false,
    });
    await assignConversation(w.t.db, w.t.clock, anaUser, {
      conversationId: w.carmen,
      assigneeId: anaUser.id,
    });
    const vip = await createTag(w.t.db, w.t.clock, anaUser, {
      inboxId: support,
      name: "vip",
      color: "c1",
    });
    await addTag(w.t.db, w.t.clock, anaUser, {
      conversationId: w.john,
      tagId: vip.id,
    });

    const all = await listVia(ana, support);
    assert.equal(all.status, 200);
    assert.deepEqual(new Set(all.rows), new Set([w.carmen, w.john, w.unknown]));

    assert.deepEqual((await listVia(ana, support, "?assignee=me")).rows, [
      w.carmen,
    ]);
    assert.deepEqual(
      new Set((await listVia(ana, support, "?assignee=unassigned")).rows),
      new Set([w.john, w.unknown]),
    );
    assert.deepEqual(
      (await listVia(ana, support, `?assignee=${w.ids.users.luis}`)).rows,
      [],
    );
    assert.deepEqual((await listVia(ana, support, `?tag=${vip.id}`)).rows, [
      w.john,
    ]);
    assert.deepEqual(
      (await listVia(ana, support, `?number=${w.numbers["+15550100004"]}`))
        .rows,
      [w.unknown],
    );
    // unread and mine: walked from my assignments, each tested for unread
    assert.deepEqual(
      (await listVia(ana, support, "?unread=1&assignee=me")).rows,
      [w.carmen],
    );
    // reading Carmen's conversation takes it out of "unread only"
    await markRead(w.t.db, w.t.clock, anaUser, w.carmen);
    assert.deepEqual(
      new Set((await listVia(ana, support, "?unread=1")).rows),
      new Set([w.john, w.unknown]),
    );
    assert.deepEqual(
      (await listVia(ana, support, "?unread=1&assignee=me")).rows,
      [],
    );
    assert.deepEqual(
      (await listVia(ana, support, "?sort=unread&assignee=me")).rows,
      [w.carmen],
    );
    assert.deepEqual(
      (await listVia(ana, support, "?status=closed")).rows,
      [w.johnClosed],
    );
    // closed as spam: out of the open and closed lists, into the spam view
    await markSpam(w.t.db, w.t.clock, anaUser, w.unknown);
    assert.deepEqual((await listVia(ana, support, "?status=spam")).rows, [
      w.unknown,
    ]);
    assert.ok(!(await listVia(ana, support)).rows.includes(w.unknown));
    assert.deepEqual(
      (await listVia(ana, support, "?status=closed")).rows,
      [w.johnClosed],
    );
    // combined, and the list says it is filtered, with the way back
    const combined = await listVia(
      ana,
      support,
      `?unread=1&tag=${vip.id}&assignee=unassigned`,
    );
    assert.deepEqual(combined.rows, [w.john]);
    assert.deepEqual(
      (await listVia(
        ana,
        support,
        `?status=spam&unread=1&number=${w.numbers["+15550100004"]}`,
      )).rows,
      [w.unknown],
    );
    assert.match(combined.html, /class="reset" href="\/inboxes\/\d+"/);
    // a whole page works without JavaScript, with the filter form filled in
    const page = await ana.request(`/inboxes/${support}?q=carmen&sort=oldest`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /name="q" value="carmen"/);
    assert.match(html, /<option value="oldest" selected>/);
    // nonsense in the query string is refused, not guessed at
    const bad = await ana.request(`/inboxes/${support}?assignee=everyone`);
    await bad.body?.cancel();
    assert.equal(bad.status, 400);
    const badCursor = await ana.request(`/inboxes/${support}?after=zzz`);
    await badCursor.body?.cancel();
    assert.equal(badCursor.status, 400);
    // another inbox's list is not there for luis
    const luis = await loggedIn(w.t, "luis");
    const sales = await listVia(luis, w.ids.inboxes.Sales);
    assert.equal(sales.status, 404);
  } finally {
    await w.t.close();
  }
});

Deno.test("the three sorts order by activity, and unread first puts mine on top", async () => {
  const clock = testClock();
  const w = await world(clock);
  try {
    const ana = await w.user("ana");
    const support = w.ids.inboxes.Support;
    // activity: John newest, then Carmen, then the unknown number
    clock.advance(60_000);
    await sendReply(w.t.db, clock, ana, {
      conversationId: w.unknown,
      body: "1",
    });
    clock.advance(60_000);
    await sendReply(w.t.db, clock, ana, {
      conversationId: w.carmen,
      body: "2",
    });
    clock.advance(60_000);
    await sendReply(w.t.db, clock, ana, { conversationId: w.john, body: "3" });
    const list = async (f: Partial<ListFilters>) =>
      (await listConversations(w.t.db.orm, ana, support, {
        ...DEFAULT_FILTERS,
        ...f,
      })).rows.map((r) => r.id);
    assert.deepEqual(await list({}), [w.john, w.carmen, w.unknown]);
    assert.deepEqual(await list({ sort: "oldest" }), [
      w.unknown,
      w.carmen,
      w.john,
    ]);
    // a customer writes in the oldest one: unread for ana, so it goes first
    // under "unread first" (ana sent the others, so she has read them)
    clock.advance(1000);
    await inbound(w, "+15551230003", "any news?", "+15550100004");
    assert.deepEqual(await list({ sort: "unread" }), [
      w.unknown,
      w.john,
      w.carmen,
    ]);
    // luis has read none of them: newest first within his unread run
    const luis = await w.user("luis");
    assert.deepEqual(
      (await listConversations(w.t.db.orm, luis, support, {
        ...DEFAULT_FILTERS,
        sort: "unread",
      })).rows.map((r) => r.id),
      [w.unknown, w.john, w.carmen],
    );
  } finally {
    await w.t.close();
  }
});

Deno.test("search finds names, numbers and message bodies, accents or not", async () => {
  const w = await world();
  try {
    const ana = await loggedIn(w.t, "ana");
    const anaUser = await w.user("ana");
    const support = w.ids.inboxes.Support;
    await sendReply(w.t.db, w.t.clock, anaUser, {
      conversationId: w.unknown,
      body: "Envío confirmado: el café llega el lunes",
    });
    const q = async (text: string) =>
      (await listVia(ana, support, `?q=${encodeURIComponent(text)}`)).rows;
    assert.deepEqual(await q("carmen"), [w.carmen]);
    assert.deepEqual(await q("CARM"), [w.carmen]);
    assert.deepEqual(await q("ruiz carmen"), [w.carmen]);
    // numbers, typed any way
    assert.deepEqual(await q("1230002"), [w.john]);
    assert.deepEqual(await q("(555) 123-0002"), [w.john]);
    assert.deepEqual(await q("+15551230003"), [w.unknown]);
    // bodies, with and without accents, and word prefixes
    assert.deepEqual(await q("envio"), [w.unknown]);
    assert.deepEqual(await q("envío"), [w.unknown]);
    assert.deepEqual(await q("CAFE"), [w.unknown]);
    assert.deepEqual(await q("confirm"), [w.unknown]);
    assert.deepEqual(await q("puerto rico"), [w.unknown]);
    assert.deepEqual(await q("order #1042"), [w.carmen]);
    // names with accents: "sofia" finds Sofía (in Sales, so as maria)
    const maria = await loggedIn(w.t, "maria");
    const sales = await listVia(maria, w.ids.inboxes.Sales, "?q=sofia");
    assert.deepEqual(sales.rows, [w.sofia]);
    // a search never leaks another inbox's conversations
    assert.deepEqual(await q("sofia"), []);
    // short searches fall back to LIKE on contacts
    assert.deepEqual(await q("jo"), [w.john]);
    // FTS5 syntax in user input is text, not syntax
    for (
      const odd of ['"', 'carmen" OR "', "NEAR(a b)", "*", "^x", "a:b", "-"]
    ) {
      const r = await listVia(ana, support, `?q=${encodeURIComponent(odd)}`);
      assert.equal(r.status, 200, odd);
    }
    assert.deepEqual(await q("nothing-like-this-anywhere"), []);
    // the closed list is searched too
    assert.deepEqual(
      (await listVia(ana, support, "?status=closed&q=welcome")).rows,
      [w.johnClosed],
    );
  } finally {
    await w.t.close();
  }
});

Deno.test("search terms are quoted for FTS5 and short ones become LIKE patterns", () => {
  assert.equal(
    bodyMatchQuery('say "hi" now'),
    '"say"* AND """hi"""* AND "now"*',
  );
  assert.equal(bodyMatchQuery("#"), null);
  assert.deepEqual(contactSearch("carm"), { kind: "match", query: '"carm"' });
  assert.deepEqual(contactSearch("(555) 123"), {
    kind: "match",
    query: '"555123"',
  });
  assert.deepEqual(contactSearch("jo 50%"), {
    kind: "like",
    patterns: ["%jo%", "%50\\%%"],
  });
});

Deno.test("pins come first in my order, are mine alone, and reorder", async () => {
  const w = await world();
  try {
    const ana = await loggedIn(w.t, "ana");
    const luis = await loggedIn(w.t, "luis");
    const support = w.ids.inboxes.Support;
    const pin = (c: Client, id: number, path = "pin") =>
      c.post(`/conversations/${id}/${path}`, { status: "open" });
    for (const id of [w.john, w.unknown]) {
      const res = await pin(ana, id);
      assert.equal(res.status, 200);
      // the answer is the list body, pins on top
      assert.match(await res.text(), /class="conv-list pins"/);
    }
    let mine = await listVia(ana, support);
    assert.deepEqual(mine.pinned, [w.john, w.unknown]);
    assert.deepEqual(mine.rows, [w.carmen]);
    // luis sees no pins, and every conversation in the plain list
    const his = await listVia(luis, support);
    assert.deepEqual(his.pinned, []);
    assert.deepEqual(new Set(his.rows), new Set([w.carmen, w.john, w.unknown]));
    // move up / move down (the phone's way)
    (await pin(ana, w.unknown, "pin/up")).body?.cancel();
    assert.deepEqual((await listVia(ana, support)).pinned, [w.unknown, w.john]);
    (await pin(ana, w.unknown, "pin/down")).body?.cancel();
    assert.deepEqual((await listVia(ana, support)).pinned, [w.john, w.unknown]);
    // the whole order at once (the desktop's drag and drop)
    const order = await ana.post(`/inboxes/${support}/pins/order`, {
      order: `${w.unknown},${w.john}`,
    });
    await order.body?.cancel();
    assert.equal(order.status, 200);
    assert.deepEqual((await listVia(ana, support)).pinned, [w.unknown, w.john]);
    // filters apply to pins too
    mine = await listVia(ana, support, "?q=carmen");
    assert.deepEqual(mine.pinned, []);
    assert.deepEqual(mine.rows, [w.carmen]);
    // refused: ordering pins that are not mine, pinning outside my inboxes
    const notMine = await luis.post(`/inboxes/${support}/pins/order`, {
      order: `${w.unknown},${w.john}`,
    });
    await notMine.body?.cancel();
    assert.equal(notMine.status, 422);
    const outside = await pin(luis, w.sofia);
    await outside.body?.cancel();
    assert.equal(outside.status, 404);
    const badOrder = await ana.post(`/inboxes/${support}/pins/order`, {
      order: "1,x",
    });
    await badOrder.body?.cancel();
    assert.equal(badOrder.status, 400);
    // unpin; a closed conversation is not in the pinned list
    (await pin(ana, w.john, "unpin")).body?.cancel();
    mine = await listVia(ana, support);
    assert.deepEqual(mine.pinned, [w.unknown]);
    assert.ok(mine.rows.includes(w.john));
    assert.equal(
      await countRows(w.t.db, "pins", `user_id = ${w.ids.users.luis}`),
      0,
    );
  } finally {
    await w.t.close();
  }
});

Deno.test("keyset pages list every conversation once, for every sort", async () => {
  const clock = testClock();
  const w = await world(clock);
  try {
    const ana = await w.user("ana");
    const luis = await w.user("luis");
    const support = w.ids.inboxes.Support;
    // 14 more open conversations, some at the same millisecond (ties)
    for (let i = 0; i < 14; i++) {
      if (i % 3 === 0) clock.advance(1000);
      await startConversation(w.t.db, clock, ana, {
        numberId: w.numbers["+15550100001"],
        to: `+3461234${String(i).padStart(4, "0")}`,
        body: `hello ${i}`,
      });
    }
    // luis reads a few, and marks one he read unread again
    const open =
      (await listConversations(w.t.db.orm, luis, support, DEFAULT_FILTERS, {
        limit: 100,
      })).rows;
    assert.equal(open.length, 17);
    for (const r of open.slice(3, 9)) await markRead(w.t.db, clock, luis, r.id);
    const everyone = new Set(open.map((r) => r.id));
    for (const sort of ["newest", "oldest", "unread"] as const) {
      for (const limit of [1, 4, 6, 11]) {
        const f = { ...DEFAULT_FILTERS, sort };
        const seen = await allPages(w.t, luis, support, f, limit);
        assert.equal(seen.length, everyone.size, `${sort} by ${limit}`);
        assert.deepEqual(new Set(seen), everyone, `${sort} by ${limit}`);
        // the pages together are the one-page order
        const one = await allPages(w.t, luis, support, f, 100);
        assert.deepEqual(seen, one, `${sort} by ${limit}`);
      }
    }
    // unread first: luis's 11 unread, then the 6 he read
    const byUnread = await allPages(w.t, luis, support, {
      ...DEFAULT_FILTERS,
      sort: "unread",
    }, 5);
    const readIds = new Set(open.slice(3, 9).map((r) => r.id));
    assert.ok(byUnread.slice(0, 11).every((id) => !readIds.has(id)));
    assert.ok(byUnread.slice(11).every((id) => readIds.has(id)));
    // filtered runs page too: unread only, oldest first
    const unreadOnly = await allPages(w.t, luis, support, {
      ...DEFAULT_FILTERS,
      unread: true,
      sort: "oldest",
    }, 3);
    assert.equal(unreadOnly.length, 11);
    // with pins: on the first page only, never again below
    const anaPinned = open[10].id;
    const anaClient = await loggedIn(w.t, "ana");
    (await anaClient.post(`/conversations/${anaPinned}/pin`, {})).body
      ?.cancel();
    const anaSeen = await allPages(w.t, ana, support, DEFAULT_FILTERS, 4);
    assert.equal(anaSeen[0], anaPinned);
    assert.equal(anaSeen.length, 17);
    assert.equal(new Set(anaSeen).size, 17);
    // the "load more" link carries the cursor and the filters
    const first = await listVia(anaClient, support, "?sort=oldest");
    assert.doesNotMatch(first.html, /Load more/);
    const res = await anaClient.request(
      `/inboxes/${support}/list?sort=oldest&after=a${clock()}_1`,
      { headers: { "hx-request": "true" } },
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    await w.t.close();
  }
});

Deno.test("reset filters brings back the default list and an empty form", async () => {
  const w = await world();
  try {
    const ana = await loggedIn(w.t, "ana");
    const support = w.ids.inboxes.Support;
    const filtered = await listVia(
      ana,
      support,
      "?q=carmen&sort=oldest&unread=1",
    );
    const reset = /class="reset" href="([^"]+)"/.exec(filtered.html)?.[1];
    assert.equal(reset, `/inboxes/${support}`);
    // the reset link swaps the whole pane so the form empties too
    const res = await ana.request(reset!, {
      headers: { "hx-request": "true", "hx-target": "nav#conv-list" },
    });
    const pane = await res.text();
    assert.match(pane, /<nav class="list-pane" id="conv-list"/);
    assert.match(pane, /name="q" value=""/);
    assert.match(pane, /<option value="newest" selected>/);
    assert.doesNotMatch(pane, /name="unread" value="1" checked/);
    assert.doesNotMatch(pane, /class="reset"/);
    assert.match(pane, new RegExp(`id="conv-list-${support}-open"`));
    // a filtered view is not the live-sorted list
    assert.match(filtered.html, new RegExp(`id="conv-view-${support}-open"`));
  } finally {
    await w.t.close();
  }
});

Deno.test("mark unread is mine alone; the switcher counts follow; internal actions do not unread", async () => {
  const w = await world();
  try {
    const ana = await loggedIn(w.t, "ana");
    const luis = await loggedIn(w.t, "luis");
    const anaUser = await w.user("ana");
    const support = w.ids.inboxes.Support;
    const count = async (c: Client) => {
      const html = await (await c.request(`/inboxes/${support}`)).text();
      const label = new RegExp(`id="inbox-opt-${support}"[^>]*>([^<]*)<`)
        .exec(html)?.[1] ?? "";
      return Number(/\((\d+)\)/.exec(label)?.[1] ?? 0);
    };
    assert.equal(await count(ana), 3);
    await markRead(w.t.db, w.t.clock, anaUser, w.carmen);
    assert.equal(await count(ana), 2);
    const luisBefore = await listVia(luis, support);

    // from the list row: the answer is the row, now unread
    const res = await ana.post(`/conversations/${w.carmen}/unread`, {}, {
      "hx-target": `li#conv-${w.carmen}`,
    });
    const row = await res.text();
    assert.equal(res.status, 200);
    assert.match(row, new RegExp(`<li id="conv-${w.carmen}" class="unread"`));
    assert.equal(await count(ana), 3);
    assert.deepEqual(
      (await listVia(ana, support, "?unread=1")).rows.includes(w.carmen),
      true,
    );
    // luis's view did not change
    const asOf = (html: string) => html.replace(/data-as-of="\d+"/, "");
    assert.equal(
      asOf((await listVia(luis, support)).html),
      asOf(luisBefore.html),
    );
    // opening it reads it again
    (await ana.request(`/conversations/${w.carmen}`)).body?.cancel();
    assert.equal(await count(ana), 2);

    // from the thread: the thread closes, the list shows the row unread
    const fromThread = await ana.post(`/conversations/${w.carmen}/unread`, {}, {
      "hx-target": "div#thread-pane",
    });
    assert.equal(fromThread.headers.get("hx-push-url"), `/inboxes/${support}`);
    assert.match(
      await fromThread.text(),
      /hx-target="#conv-\d+" hx-swap="outerHTML"/,
    );
    // and without JavaScript it redirects to the list
    const plain = await ana.request(`/conversations/${w.john}/unread`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: ana.csrf }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await plain.body?.cancel();
    assert.equal(plain.status, 303);

    // internal actions never make a conversation unread
    (await ana.request(`/conversations/${w.carmen}`)).body?.cancel();
    const maria = await w.user("maria");
    await updateInboxSettings(w.t.db, maria, support, {
      assignmentMode: true,
      allowMove: false,
    });
    await assignConversation(w.t.db, w.t.clock, maria, {
      conversationId: w.carmen,
      assigneeId: w.ids.users.luis,
    });
    assert.ok(
      !(await listVia(ana, support, "?unread=1")).rows.includes(w.carmen),
    );

    // refused: someone else's inbox
    const outside = await luis.post(`/conversations/${w.sofia}/unread`, {});
    await outside.body?.cancel();
    assert.equal(outside.status, 404);
  } finally {
    await w.t.close();
  }
});

Deno.test("mark unread and pins reach only my own streams; counts update live", async () => {
  const w = await world();
  const streams: Stream[] = [];
  try {
    const ana = await loggedIn(w.t, "ana");
    const luis = await loggedIn(w.t, "luis");
    const anaUser = await w.user("ana");
    await markRead(w.t.db, w.t.clock, anaUser, w.carmen);
    const after = await latestEventId(w.t.db.orm);
    const anaTab = await Stream.open(ana, after);
    const luisTab = await Stream.open(luis, after);
    streams.push(anaTab, luisTab);
    (await ana.post(`/conversations/${w.carmen}/unread`, {})).body?.cancel();
    assert.ok(
      await anaTab.sees(new RegExp(`<li id="conv-${w.carmen}" class="unread"`)),
      "ana's other tab shows it unread",
    );
    assert.ok(
      await anaTab.sees(
        new RegExp(`"inboxes":\\{[^}]*"${w.ids.inboxes.Support}":3[,}]`),
      ),
      "ana's switcher count",
    );
    (await ana.post(`/conversations/${w.john}/pin`, {})).body?.cancel();
    assert.ok(
      await anaTab.sees('hx-target="#list-signal"'),
      "ana's list reloads",
    );
    // luis hears nothing of either
    assert.ok(!(await luisTab.sees(`conv-${w.carmen}`, 300)));
    assert.ok(!luisTab.text.includes("list-signal"));
    // a new inbound message: unread for both, each with their own count
    await inbound(w, "+15551230001", "hello again");
    assert.ok(
      await luisTab.sees(
        new RegExp(`<li id="conv-${w.carmen}" class="unread"`),
      ),
    );
    assert.ok(await luisTab.sees("event: counts"));
  } finally {
    for (const s of streams) await s.close();
    await w.t.close();
  }
});

Deno.test("a national number is normalised and an unknown one becomes a nameless contact", async () => {
  assert.equal(normalizeNumber("(555) 777-1234"), "+15557771234");
  assert.equal(normalizeNumber("1 555 777 1234"), "+15557771234");
  assert.equal(normalizeNumber("+34 612 34 56 78"), "+34612345678");
  assert.equal(normalizeNumber("612345678"), null);
  assert.equal(normalizeNumber("+0123456789"), null);
  assert.equal(normalizeNumber("carmen"), null);
  const w = await world();
  try {
    const ana = await loggedIn(w.t, "ana");
    const res = await ana.post("/conversations", {
      to: "(555) 777-1234",
      number_id: String(w.numbers["+15550100001"]),
      body: "Hi! Your order is ready.",
      client_key: crypto.randomUUID(),
    });
    assert.equal(res.status, 204);
    const location = JSON.parse(res.headers.get("hx-location") ?? "{}");
    assert.equal(location.target, "#thread-pane");
    const id = Number(/^\/conversations\/(\d+)$/.exec(location.path)?.[1]);
    const [row] = (await w.t.db.client.execute({
      sql: `select k.e164, k.name, c.inbox_id, c.status, m.status as msg, m.body
        from conversations c join contacts k on k.id = c.contact_id
        join messages m on m.conversation_id = c.id where c.id = ?`,
      args: [id],
    })).rows;
    assert.equal(row.e164, "+15557771234");
    assert.equal(row.name, "");
    assert.equal(row.inbox_id, w.ids.inboxes.Support);
    assert.equal(row.status, "open");
    assert.equal(row.msg, "queued");
    assert.equal(row.body, "Hi! Your order is ready.");
    assert.equal(await countRows(w.t.db, "jobs", `kind = 'send'`), 1);
    // the thread opens with "unknown number" (HX-Location's request)
    const thread = await ana.request(location.path, {
      headers: { "hx-request": "true", "hx-target": "div#thread-pane" },
    });
    assert.match(await thread.text(), /unknown number/);
    // without JavaScript: a redirect to the thread
    const plain = await ana.request("/conversations", {
      method: "POST",
      body: new URLSearchParams({
        _csrf: ana.csrf,
        to: "+34612345678",
        number_id: String(w.numbers["+15550100001"]),
        body: "Hola",
      }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await plain.body?.cancel();
    assert.equal(plain.status, 303);
    assert.match(plain.headers.get("location") ?? "", /^\/conversations\/\d+$/);
  } finally {
    await w.t.close();
  }
});

Deno.test("a new conversation with a bad number is a 422 that writes nothing", async () => {
  const w = await world();
  try {
    const ana = await loggedIn(w.t, "ana");
    const tables = ["conversations", "contacts", "messages", "jobs", "events"];
    const before = await Promise.all(tables.map((x) => countRows(w.t.db, x)));
    for (const to of ["612345678", "+0123", "carmen", ""]) {
      const res = await ana.post("/conversations", {
        to,
        number_id: String(w.numbers["+15550100001"]),
        body: "Hello",
      });
      assert.equal(res.status, 422, to);
      const html = await res.text();
      assert.match(html, /That is not a number we can text/);
      // the form comes back as it was
      assert.match(html, /class="new-conv-form"/);
    }
    const empty = await ana.post("/conversations", {
      to: "+34612345678",
      number_id: String(w.numbers["+15550100001"]),
      body: "   ",
    });
    assert.equal(empty.status, 422);
    assert.match(await empty.text(), /Write something before sending/);
    // a number whose 10DLC registration is pending cannot start one either
    const maria = await loggedIn(w.t, "maria");
    const pending = await maria.post("/conversations", {
      to: "+34612345678",
      number_id: String(w.numbers["+15550100003"]),
      body: "Hello",
    });
    assert.equal(pending.status, 422);
    await pending.body?.cancel();
    const after = await Promise.all(tables.map((x) => countRows(w.t.db, x)));
    assert.deepEqual(after, before);
  } finally {
    await w.t.close();
  }
});

Deno.test("starting a conversation with someone who has an open one reuses it", async () => {
  const w = await world();
  try {
    const ana = await loggedIn(w.t, "ana");
    const before = await countRows(w.t.db, "conversations");
    // Carmen, typed as a national number, on the number her conversation uses
    const typed = await ana.post("/conversations", {
      to: "555-123-0001",
      number_id: String(w.numbers["+15550100001"]),
      body: "Following up on #1042",
    });
    assert.equal(typed.status, 204);
    assert.equal(
      JSON.parse(typed.headers.get("hx-location")!).path,
      `/conversations/${w.carmen}`,
    );
    // picked from the contact search
    const carmenId = Number(
      (await w.t.db.client.execute(
        "select id from contacts where e164 = '+15551230001'",
      )).rows[0].id,
    );
    const picked = await ana.post("/conversations", {
      to: "carm",
      contact_id: String(carmenId),
      number_id: String(w.numbers["+15550100001"]),
      body: "And one more thing",
    });
    assert.equal(picked.status, 204);
    assert.equal(await countRows(w.t.db, "conversations"), before);
    assert.equal(
      await countRows(
        w.t.db,
        "messages",
        `conversation_id = ${w.carmen} and body in ('Following up on #1042', 'And one more thing')`,
      ),
      2,
    );
    // the same contact on another number is another conversation
    const other = await ana.post("/conversations", {
      to: "+15551230001",
      number_id: String(w.numbers["+15550100004"]),
      body: "From our other line",
    });
    assert.equal(other.status, 204);
    assert.equal(await countRows(w.t.db, "conversations"), before + 1);
    // the picker finds contacts by name and number
    const found = await ana.request("/conversations/new/contacts?to=carm", {
      headers: { "hx-request": "true" },
    });
    assert.match(await found.text(), /value="\d+"[^>]*>Carmen Ruiz/);
    const form = await ana.request(
      `/conversations/new?inbox=${w.ids.inboxes.Support}`,
      {
        headers: { "hx-request": "true", "hx-target": "div#thread-pane" },
      },
    );
    const html = await form.text();
    // only numbers of inboxes ana belongs to
    assert.match(html, /\+15550100001/);
    assert.doesNotMatch(html, /\+15550100002/);
  } finally {
    await w.t.close();
  }
});

Deno.test("a number of an inbox I am not in is refused with 404, writing nothing", async () => {
  const w = await world();
  try {
    const luis = await loggedIn(w.t, "luis");
    const before = await countRows(w.t.db, "contacts");
    const res = await luis.post("/conversations", {
      to: "+34612345678",
      number_id: String(w.numbers["+15550100002"]),
      body: "Hello",
    });
    await res.body?.cancel();
    assert.equal(res.status, 404);
    assert.equal(await countRows(w.t.db, "contacts"), before);
    const none = await luis.post("/conversations", {
      to: "+34612345678",
      number_id: "999999",
      body: "Hello",
    });
    await none.body?.cancel();
    assert.equal(none.status, 404);
  } finally {
    await w.t.close();
  }
});

Deno.test("a new conversation reaches another member's stream as a new row", async () => {
  const w = await world();
  let luisTab: Stream | null = null;
  try {
    const ana = await loggedIn(w.t, "ana");
    const luis = await loggedIn(w.t, "luis");
    const maria = await loggedIn(w.t, "maria");
    luisTab = await Stream.open(luis, await latestEventId(w.t.db.orm));
    const res = await ana.post("/conversations", {
      to: "+34699000111",
      number_id: String(w.numbers["+15550100001"]),
      body: "Welcome to Bandeja Demo!",
    });
    assert.equal(res.status, 204);
    const id = JSON.parse(res.headers.get("hx-location")!).path.split("/")
      .pop();
    assert.ok(
      await luisTab.sees(
        new RegExp(
          `hx-swap="row"><li id="conv-${id}" class="unread" data-list="${w.ids.inboxes.Support}-open"`,
        ),
      ),
      "the row is upserted into luis's list, unread for him",
    );
    assert.ok(luisTab.text.includes("Welcome to Bandeja Demo!"));
    // and it shows in a fresh list for maria, first
    assert.equal(
      (await listVia(maria, w.ids.inboxes.Support)).rows[0],
      Number(id),
    );
  } finally {
    await luisTab?.close();
    await w.t.close();
  }
});

Deno.test("the unread table agrees with read state through replies, reads, moves and membership", async () => {
  const w = await world();
  try {
    const db = w.t.db;
    const computed = `select m.user_id, c.id from conversations c
      join inbox_members m on m.inbox_id = c.inbox_id
      left join conversation_reads r on r.user_id = m.user_id and r.conversation_id = c.id
      where coalesce(r.marked_unread, 0) = 1
        or coalesce(c.last_message_id, 0) > coalesce(r.last_read_message_id, 0)
      order by 1, 2`;
    const stored =
      "select user_id, conversation_id from conversation_unread order by 1, 2";
    const agree = async (step: string) => {
      const a = (await db.client.execute(computed)).rows.map((r) =>
        `${r[0]}:${r[1]}`
      );
      const b = (await db.client.execute(stored)).rows.map((r) =>
        `${r[0]}:${r[1]}`
      );
      assert.deepEqual(b, a, step);
    };
    await agree("seeded");
    const ana = await w.user("ana");
    const maria = await w.user("maria");
    await sendReply(db, w.t.clock, ana, {
      conversationId: w.carmen,
      body: "x",
    });
    await agree("reply");
    await inbound(w, "+15551230009", "a new customer");
    await agree("inbound");
    await markRead(db, w.t.clock, ana, w.john);
    await agree("read");
    const anaClient = await loggedIn(w.t, "ana");
    (await anaClient.post(`/conversations/${w.john}/unread`, {})).body
      ?.cancel();
    await agree("marked unread");
    await updateInboxSettings(db, maria, w.ids.inboxes.Support, {
      assignmentMode: false,
      allowMove: true,
    });
    const { moveConversation } = await import(
      "../services/conversation_actions.ts"
    );
    await moveConversation(db, w.t.clock, maria, {
      conversationId: w.john,
      targetInboxId: w.ids.inboxes.Sales,
    });
    await agree("moved");
    const { addInboxMember, removeInboxMember } = await import(
      "../services/inbox_settings.ts"
    );
    const admin = await w.user("admin");
    await addInboxMember(db, w.t.clock, admin, w.ids.inboxes.Sales, ana.id);
    await agree("member added");
    await removeInboxMember(db, w.t.clock, admin, w.ids.inboxes.Sales, ana.id);
    await agree("member removed");
  } finally {
    await w.t.close();
  }
});

Deno.test("the large seed loads (at a small scale) and its list pages cleanly", async () => {
  const { seedLarge } = await import("../db/seed_large.ts");
  const w = await world();
  try {
    const r = await seedLarge(w.t.db, { scale: 0.002, now: Date.now() });
    assert.equal(r.conversations, 200);
    assert.equal(r.messages, 2000);
    assert.equal(
      await countRows(w.t.db, "messages_fts", "messages_fts match 'chair'") >
        0,
      true,
    );
    const ana = await w.user("ana");
    const support = w.ids.inboxes.Support;
    const open = await countRows(
      w.t.db,
      "conversations",
      `inbox_id = ${support} and status = 'open'`,
    );
    const seen = await allPages(w.t, ana, support, DEFAULT_FILTERS, 25);
    assert.equal(seen.length, open);
    assert.equal(new Set(seen).size, open);
    const unread = await allPages(w.t, ana, support, {
      ...DEFAULT_FILTERS,
      unread: true,
    }, 25);
    assert.equal(
      unread.length,
      await countRows(
        w.t.db,
        "conversation_unread",
        `user_id = ${ana.id} and inbox_id = ${support} and status = 'open'`,
      ),
    );
  } finally {
    await w.t.close();
  }
});
