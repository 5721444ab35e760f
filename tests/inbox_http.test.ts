import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import {
  Client,
  countRows,
  demoIds,
  loggedIn,
  type TestApp,
  testApp,
} from "./helpers.ts";

const HX = { "hx-request": "true" };

/** The conversation ids of the rows in a list, in page order. */
function rowIds(html: string): number[] {
  return [...html.matchAll(/<li id="conv-(\d+)"/g)].map((m) => Number(m[1]));
}

/** The HTML of one row. */
function rowHtml(html: string, id: number): string {
  const m = new RegExp(`<li id="conv-${id}"[^>]*>.*?</li>`, "s").exec(html);
  assert.ok(m, `row conv-${id} is on the page`);
  return m[0];
}

/** What a sighted user reads: the markup without visually hidden text. */
function visibleText(html: string): string {
  return html.replace(/<span class="visually-hidden">[^<]*<\/span>/g, "")
    .replace(/<[^>]+>/g, " ");
}

async function textOf(c: Client, path: string, headers = {}) {
  const res = await c.request(path, { headers });
  return { status: res.status, html: await res.text(), res };
}

async function writes(t: TestApp) {
  return {
    messages: await countRows(t.db, "messages"),
    events: await countRows(t.db, "events"),
  };
}

Deno.test("GET / redirects to the user's first inbox", async () => {
  const t = await testApp();
  try {
    const { inboxes } = await demoIds(t.db);
    const ana = await loggedIn(t, "ana");
    const res = await ana.request("/");
    await res.body?.cancel();
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), `/inboxes/${inboxes.Support}`);
    // maria belongs to both; inboxes are listed by name
    const maria = await loggedIn(t, "maria");
    const m = await maria.request("/");
    await m.body?.cancel();
    assert.equal(m.headers.get("location"), `/inboxes/${inboxes.Sales}`);
  } finally {
    await t.close();
  }
});

Deno.test("the inbox page lists open conversations newest first with preview and contact", async () => {
  const t = await testApp();
  try {
    const { inboxes, conversations } = await demoIds(t.db);
    const ana = await loggedIn(t, "ana");
    const { status, html } = await textOf(ana, `/inboxes/${inboxes.Support}`);
    assert.equal(status, 200);
    const open = conversations.filter((c) =>
      c.inbox === "Support" && c.status === "open"
    ).map((c) => c.id);
    // the seed gives later conversations later activity
    assert.deepEqual(rowIds(html), [...open].reverse());
    const [carmen, john, unnamed] = open;
    assert.match(rowHtml(html, carmen), /Carmen Ruiz/);
    assert.match(rowHtml(html, carmen), /class="preview">Thanks 🙏</);
    assert.match(rowHtml(html, john), /John Smith/);
    assert.match(
      rowHtml(html, john),
      /class="preview">Is the store open on Sunday\?</,
    );
    // a contact without a name shows its number and, visibly, "unknown number"
    const row = visibleText(rowHtml(html, unnamed));
    assert.match(row, /\+15551230003/);
    assert.match(row, /unknown number/);
    assert.match(rowHtml(html, unnamed), /class="chan sms"/);
    // the switcher offers ana's one inbox only; Sales is not mentioned
    assert.match(html, /<option[^>]* value="1"[^>]* selected[^>]*>Support/);
    assert.doesNotMatch(html, /Sales/);
    assert.doesNotMatch(html, /Sofía Torres/);
  } finally {
    await t.close();
  }
});

Deno.test("?status=closed shows the closed conversations only", async () => {
  const t = await testApp();
  try {
    const { inboxes, conversations } = await demoIds(t.db);
    const closed = conversations.filter((c) =>
      c.inbox === "Support" && c.status === "closed"
    ).map((c) => c.id);
    assert.equal(closed.length, 1);
    const ana = await loggedIn(t, "ana");
    const { html } = await textOf(
      ana,
      `/inboxes/${inboxes.Support}?status=closed`,
    );
    assert.deepEqual(rowIds(html), closed);
    assert.match(
      html,
      /<a href="\/inboxes\/1\?status=closed"[^>]* aria-current="page"/,
    );
  } finally {
    await t.close();
  }
});

Deno.test("unread is per user: ana opening a conversation leaves it unread for luis", async () => {
  const t = await testApp();
  try {
    const { inboxes } = await demoIds(t.db);
    const ana = await loggedIn(t, "ana");
    const luis = await loggedIn(t, "luis");
    const page = `/inboxes/${inboxes.Support}`;
    let html = (await textOf(ana, page)).html;
    assert.match(rowHtml(html, 1), /class="unread"/);
    assert.match(rowHtml(html, 2), /class="unread"/);

    const opened = await ana.request("/conversations/1");
    await opened.body?.cancel();
    assert.equal(opened.status, 200);

    html = (await textOf(ana, page)).html;
    assert.doesNotMatch(rowHtml(html, 1), /class="unread"/);
    assert.match(rowHtml(html, 2), /class="unread"/);
    html = (await textOf(luis, page)).html;
    assert.match(rowHtml(html, 1), /class="unread"/);
    assert.equal(
      await countRows(
        t.db,
        "conversation_reads",
        "conversation_id = 1 and user_id = (select id from users where email = 'luis@demo.test')",
      ),
      0,
    );
  } finally {
    await t.close();
  }
});

Deno.test("POST /conversations/:id/read marks it read for that user", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const res = await ana.post("/conversations/2/read", {});
    assert.equal(res.status, 204);
    const html = (await textOf(ana, "/inboxes/1")).html;
    assert.doesNotMatch(rowHtml(html, 2), /class="unread"/);
  } finally {
    await t.close();
  }
});

Deno.test("a user outside an inbox gets 404 for its pages and cannot reply in it", async () => {
  const t = await testApp();
  try {
    const { inboxes, conversations } = await demoIds(t.db);
    const sales = inboxes.Sales;
    const salesConv = conversations.find((c) => c.inbox === "Sales")!.id;
    const luis = await loggedIn(t, "luis");
    for (
      const [path, headers] of [
        [`/inboxes/${sales}`, {}],
        [`/inboxes/${sales}?status=closed`, {}],
        [`/inboxes/${sales}/list`, HX],
        [`/inboxes/${sales}/list`, {}],
        [`/conversations/${salesConv}`, {}],
        [`/conversations/${salesConv}`, {
          ...HX,
          "hx-target": "div#thread-pane",
        }],
      ] as const
    ) {
      const { status, html } = await textOf(luis, path, headers);
      assert.equal(status, 404, path);
      assert.match(html, /Not found, or not yours to see\./);
      assert.doesNotMatch(html, /Sofía|Peter|quote|Sales/, path);
    }
    const before = await writes(t);
    const reply = await luis.post(`/conversations/${salesConv}/messages`, {
      body: "Let me in",
    });
    assert.equal(reply.status, 404);
    await reply.body?.cancel();
    const read = await luis.post(`/conversations/${salesConv}/read`, {});
    assert.equal(read.status, 404);
    await read.body?.cancel();
    assert.deepEqual(await writes(t), before);
    assert.equal(await countRows(t.db, "conversation_reads"), 1);
    // maria, who belongs to Sales, sees it
    const maria = await loggedIn(t, "maria");
    assert.equal((await textOf(maria, `/inboxes/${sales}`)).status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("malformed ids are 404 and a bogus status is 400", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    for (
      const path of [
        "/conversations/abc",
        "/conversations/0",
        "/conversations/-1",
        "/conversations/1.5",
        "/conversations/99999",
        "/conversations/99999999999999999999",
        "/inboxes/abc",
        "/inboxes/0",
        "/inboxes/99",
      ]
    ) {
      const res = await ana.request(path);
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
    const before = await writes(t);
    const post = await ana.post("/conversations/abc/messages", { body: "x" });
    assert.equal(post.status, 404);
    await post.body?.cancel();
    assert.deepEqual(await writes(t), before);

    for (
      const path of [
        "/inboxes/1?status=bogus",
        "/inboxes/1/list?status=bogus",
        "/inboxes/1/list?after=yesterday",
        "/inboxes/1?sort=sideways",
      ]
    ) {
      const { status, html } = await textOf(ana, path, HX);
      assert.equal(status, 400, path);
      assert.match(html, /The request was not valid\./, path);
    }
  } finally {
    await t.close();
  }
});

Deno.test("keyset paging walks every conversation of a long list exactly once, in order", async () => {
  const t = await testApp();
  try {
    const { inboxes } = await demoIds(t.db);
    const support = inboxes.Support;
    // bulk fixture: 120 more open conversations, in threes with the same
    // last activity so the id tie-break is exercised on page boundaries
    const base = Date.now() - 2 * 3600_000;
    const values = Array.from(
      { length: 120 },
      (_, i) =>
        `(${support}, 1, 1, 'open', ${base}, ${
          base + Math.floor(i / 3) * 60_000
        }, 'bulk ${i}')`,
    ).join(", ");
    await t.db.client.execute(
      `insert into conversations (inbox_id, contact_id, number_id, status, opened_at, last_message_at, preview) values ${values}`,
    );
    const expected = (await t.db.client.execute(
      `select id from conversations where inbox_id = ${support} and status = 'open' order by last_message_at desc, id desc`,
    )).rows.map((r) => Number(r.id));
    assert.equal(expected.length, 123);

    const ana = await loggedIn(t, "ana");
    const seen: number[] = [];
    let url: string | null = `/inboxes/${support}/list?status=open`;
    let pages = 0;
    while (url) {
      const { status, html } = await textOf(ana, url, HX);
      assert.equal(status, 200);
      assert.doesNotMatch(html, /<html/);
      seen.push(...rowIds(html));
      const more = /hx-get="([^"]+)"[^>]*>Load more/.exec(html)?.[1];
      url = more ? more.replaceAll("&amp;", "&") : null;
      pages++;
      assert.ok(pages < 10, "paging terminates");
    }
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, seen.length, "no conversation twice");
    assert.deepEqual(seen, expected);

    // the full page shows the first page and the same "load more" link
    const { html } = await textOf(ana, `/inboxes/${support}`);
    assert.deepEqual(rowIds(html), expected.slice(0, 50));
    assert.match(html, /class="more"/);
  } finally {
    await t.close();
  }
});

Deno.test("an htmx request for a conversation gets the thread fragment; a plain GET gets the whole page", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const frag = await textOf(ana, "/conversations/1", {
      ...HX,
      "hx-target": "div#thread-pane",
    });
    assert.equal(frag.status, 200);
    assert.doesNotMatch(frag.html, /<html|<!DOCTYPE/i);
    assert.match(frag.html, /^<section class="thread" data-conversation="1"/);
    assert.match(frag.html, /Hola, my order #1042/);
    assert.match(frag.html, /id="composer-1"/);

    const page = await textOf(ana, "/conversations/1");
    assert.equal(page.status, 200);
    assert.match(page.html, /^<!DOCTYPE html><html lang="en">/);
    assert.match(page.html, /id="conv-list-1-open"/);
    assert.match(page.html, /<section class="thread" data-conversation="1"/);

    // htmx restoring history needs the whole page too
    const restore = await textOf(ana, "/conversations/1", {
      ...HX,
      "hx-target": "div#thread-pane",
      "hx-history-restore-request": "true",
    });
    assert.match(restore.html, /^<!DOCTYPE html>/);

    // the list fragment, requested by htmx, is rows only
    const list = await textOf(ana, "/inboxes/1/list", HX);
    assert.match(list.html, /^<li id="conv-3"/);
    assert.doesNotMatch(list.html, /<html/);
  } finally {
    await t.close();
  }
});

Deno.test("an empty or too long reply is refused with 422 and a message, and nothing is written", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const before = await writes(t);
    for (const body of ["", "   \n\t  "]) {
      const res = await ana.post("/conversations/1/messages", { body });
      assert.equal(res.status, 422);
      const html = await res.text();
      assert.match(html, /Write something before sending\./);
      assert.match(html, /<form id="composer-1"/);
    }
    const long = "x".repeat(1601);
    const res = await ana.post("/conversations/1/messages", { body: long });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /longer than 1,600 characters/);
    // the agent's text is kept so it can be shortened
    assert.ok(html.includes(long));
    // without htmx the message is the whole answer
    const plain = await ana.post("/conversations/1/messages", { body: "" }, {
      "hx-request": "",
    });
    assert.equal(plain.status, 422);
    assert.equal(await plain.text(), "Write something before sending.");
    // a malformed idempotency key is a bad request
    const bad = await ana.post("/conversations/1/messages", {
      body: "ok",
      client_key: "no spaces allowed",
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /The request was not valid\./);
    assert.deepEqual(await writes(t), before);

    const max = await ana.post("/conversations/1/messages", {
      body: "y".repeat(1600),
    });
    await max.body?.cancel();
    assert.equal(max.status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("a reply is stored queued with an event and shown at once", async () => {
  const t = await testApp();
  try {
    const { users } = await demoIds(t.db);
    const ana = await loggedIn(t, "ana");
    const res = await ana.post("/conversations/1/messages", {
      body: "  We shipped it <today>  ",
      client_key: "reply-key-0001",
    });
    assert.equal(res.status, 200);
    const html = await res.text();
    const [msg] = (await t.db.client.execute(
      "select * from messages where client_key = 'reply-key-0001'",
    )).rows;
    assert.equal(msg.body, "We shipped it <today>");
    assert.equal(msg.status, "queued");
    assert.equal(msg.direction, "out");
    assert.equal(msg.sent_by, users.ana);
    assert.equal(msg.conversation_id, 1);
    const events = (await t.db.client.execute(
      `select kind, inbox_id from events where message_id = ${msg.id}`,
    )).rows;
    assert.deepEqual(events.map((e) => [e.kind, e.inbox_id]), [[
      "message.created",
      1,
    ]]);
    // a fresh composer, and the message in the thread, escaped
    assert.match(html, /<form id="composer-1"/);
    assert.match(html, new RegExp(`<li id="msg-${msg.id}"`));
    assert.match(html, /We shipped it &lt;today&gt;/);
    // the conversation moved up with the new preview
    const list = (await textOf(ana, "/inboxes/1")).html;
    assert.equal(rowIds(list)[0], 1);
    assert.match(rowHtml(list, 1), /We shipped it &lt;today&gt;/);
  } finally {
    await t.close();
  }
});

Deno.test("the same client_key twice stores one message", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const before = await writes(t);
    for (let i = 0; i < 2; i++) {
      const res = await ana.post("/conversations/1/messages", {
        body: "Sent twice by a flaky network",
        client_key: "same-key-00001",
      });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Sent twice by a flaky network/);
    }
    assert.deepEqual(await writes(t), {
      messages: before.messages + 1,
      events: before.events + 1,
    });
  } finally {
    await t.close();
  }
});

Deno.test("without htmx a reply redirects 303 back to the conversation", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const res = await ana.request("/conversations/2/messages", {
      method: "POST",
      body: new URLSearchParams({ body: "No JS here", _csrf: ana.csrf }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/conversations/2");
    const page = (await textOf(ana, "/conversations/2")).html;
    assert.match(page, /No JS here/);
  } finally {
    await t.close();
  }
});

Deno.test("pages are compressed with brotli or gzip as the browser asks", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const plain = await textOf(ana, "/inboxes/1");
    for (
      const [encoding, decode] of [
        ["br", brotliDecompressSync],
        ["gzip", gunzipSync],
      ] as const
    ) {
      const res = await ana.request("/inboxes/1", {
        headers: { "accept-encoding": `${encoding}, deflate` },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-encoding"), encoding);
      assert.match(res.headers.get("vary") ?? "", /accept-encoding/i);
      const bytes = new Uint8Array(await res.arrayBuffer());
      assert.ok(bytes.length < plain.html.length / 2, `${encoding} is smaller`);
      const html = new TextDecoder().decode(decode(bytes));
      assert.match(html, /^<!DOCTYPE html>/);
      assert.match(html, /Carmen Ruiz/);
    }
    // both offered: brotli wins
    const both = await ana.request("/inboxes/1", {
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    await both.body?.cancel();
    assert.equal(both.headers.get("content-encoding"), "br");
    // nothing offered: identity
    assert.equal(plain.res.headers.get("content-encoding"), null);
  } finally {
    await t.close();
  }
});

Deno.test("static assets are cached for a year, revalidate with 304 and come compressed", async () => {
  const t = await testApp();
  try {
    const c = new Client(t);
    const login = (await textOf(c, "/login")).html;
    const urls = [...login.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map(
      (m) => m[1],
    );
    assert.ok(urls.some((u) => u.endsWith(".css")));
    assert.ok(urls.some((u) => /htmx-[\d.]+\.min\.js$/.test(u)));
    for (const url of urls) {
      assert.match(url, /^\/static\/[0-9a-f]{12}\//, "a content hash");
      const res = await c.request(url);
      await res.body?.cancel();
      assert.equal(res.status, 200, url);
      assert.equal(
        res.headers.get("cache-control"),
        "public, max-age=31536000, immutable",
      );
      const etag = res.headers.get("etag");
      assert.ok(etag);
      const again = await c.request(url, {
        headers: { "if-none-match": etag },
      });
      assert.equal(again.status, 304, url);
      assert.equal(await again.text(), "");
    }
    const css = urls.find((u) => u.endsWith(".css"))!;
    const br = await c.request(css, { headers: { "accept-encoding": "br" } });
    await br.body?.cancel();
    assert.equal(br.headers.get("content-encoding"), "br");
    const missing = await c.request("/static/000000000000/app.css");
    await missing.body?.cancel();
    assert.equal(missing.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("responses carry the security headers", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    for (const path of ["/login", "/inboxes/1"]) {
      const c = path === "/login" ? new Client(t) : ana;
      const res = await c.request(path);
      await res.body?.cancel();
      const csp = res.headers.get("content-security-policy") ?? "";
      const directives = new Map(
        csp.split(";").map((d) => d.trim().split(/\s+/)).map((
          [k, ...v],
        ) => [k, v]),
      );
      assert.deepEqual(directives.get("script-src"), ["'self'"], path);
      assert.ok(!csp.includes("unsafe-inline"), path);
      assert.ok(!csp.includes("unsafe-eval"), path);
      assert.deepEqual(directives.get("frame-ancestors"), ["'none'"], path);
      assert.deepEqual(directives.get("object-src"), ["'none'"], path);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("referrer-policy"), "same-origin");
      assert.equal(res.headers.get("x-frame-options"), "DENY");
    }
  } finally {
    await t.close();
  }
});

Deno.test("/healthz answers 200 without a session", async () => {
  const t = await testApp();
  try {
    const { status, html } = await textOf(new Client(t), "/healthz");
    assert.equal(status, 200);
    assert.equal(html, "ok");
  } finally {
    await t.close();
  }
});

Deno.test("a row's menu loads on first open for a member; a malformed or unknown id is 404", async () => {
  const t = await testApp();
  try {
    const { conversations } = await demoIds(t.db);
    const conv = conversations.find((c) =>
      c.inbox === "Support" && c.status === "open"
    )!;
    const ana = await loggedIn(t, "ana");
    const res = await ana.request(`/conversations/${conv.id}/menu`, {
      headers: { "hx-request": "true" },
    });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, new RegExp(`hx-post="/conversations/${conv.id}/pin"`));
    assert.match(
      html,
      new RegExp(`hx-post="/conversations/${conv.id}/(read|unread)"`),
    );
    for (const id of ["abc", "0", "999999", "1e3"]) {
      const bad = await ana.request(`/conversations/${id}/menu`, {
        headers: { "hx-request": "true" },
      });
      await bad.body?.cancel();
      assert.equal(bad.status, 404, `/conversations/${id}/menu`);
    }
  } finally {
    await t.close();
  }
});
