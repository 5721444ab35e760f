/**
 * Conversation actions over HTTP (F15, F16, F18, F19, F20, F28): each one
 * allowed, refused (wrong role, inbox setting off, user outside the inbox),
 * recorded in the audit trail, and carried to a second user's live stream.
 */
import assert from "node:assert/strict";
import { latestEventId } from "../services/events.ts";
import {
  type Client,
  countRows,
  demoIds,
  loggedIn,
  type TestApp,
  testApp,
} from "./helpers.ts";
import { LiveStream } from "./live_stream.ts";

interface World {
  t: TestApp;
  ids: Awaited<ReturnType<typeof demoIds>>;
  ana: Client;
  luis: Client;
  maria: Client;
  /** Carmen's open conversation in Support */
  carmen: number;
  /** John's open conversation in Support */
  john: number;
  /** Sofía's open conversation in Sales (luis and ana are not members) */
  sofia: number;
}

async function world(): Promise<World> {
  const t = await testApp();
  const ids = await demoIds(t.db);
  const [ana, luis, maria] = await Promise.all([
    loggedIn(t, "ana"),
    loggedIn(t, "luis"),
    loggedIn(t, "maria"),
  ]);
  const open = ids.conversations.filter((c) => c.status === "open");
  return {
    t,
    ids,
    ana,
    luis,
    maria,
    carmen: open[0].id,
    john: open[1].id,
    sofia: open.find((c) => c.inbox === "Sales")!.id,
  };
}

async function text(res: Response) {
  return { status: res.status, body: await res.text() };
}

async function row(t: TestApp, sql: string) {
  return (await t.db.client.execute(sql)).rows[0];
}

/** The manager turns the inbox's settings on (or off). */
async function configure(
  w: World,
  inbox: "Support" | "Sales",
  settings: { assignment?: boolean; move?: boolean },
) {
  const form: Record<string, string> = {};
  if (settings.assignment) form.assignment_mode = "1";
  if (settings.move) form.allow_move = "1";
  const res = await w.maria.post(
    `/inboxes/${w.ids.inboxes[inbox]}/settings`,
    form,
  );
  assert.equal(res.status, 204);
  assert.equal(
    res.headers.get("hx-redirect"),
    `/inboxes/${w.ids.inboxes[inbox]}/settings?saved=1`,
  );
}

Deno.test("assignment is refused, with a clear message, while the inbox's assignment mode is off", async () => {
  const w = await world();
  try {
    const before = await countRows(w.t.db, "events");
    const res = await text(
      await w.ana.post(`/conversations/${w.carmen}/assign`, { assignee: "me" }),
    );
    assert.equal(res.status, 403);
    assert.match(res.body, /Assignment is off in this inbox/);
    assert.equal(await countRows(w.t.db, "activities"), 0);
    assert.equal(await countRows(w.t.db, "events"), before);
    const conv = await row(
      w.t,
      `select assignee_id from conversations where id = ${w.carmen}`,
    );
    assert.equal(conv.assignee_id, null);
  } finally {
    await w.t.close();
  }
});

Deno.test("an agent assigns to herself, reassigns to a teammate and unassigns, and luis sees each live", async () => {
  const w = await world();
  const stream = await LiveStream.open(w.luis, await latestEventId(w.t.db.orm));
  try {
    await configure(w, "Support", { assignment: true });
    const me = await text(
      await w.ana.post(`/conversations/${w.carmen}/assign`, { assignee: "me" }),
    );
    assert.equal(me.status, 200);
    assert.match(me.body, /Ana López assigned this to Ana López/);
    assert.match(me.body, new RegExp(`id="thread-head-${w.carmen}"`));
    let conv = await row(
      w.t,
      `select assignee_id from conversations where id = ${w.carmen}`,
    );
    assert.equal(conv.assignee_id, w.ids.users.ana);
    const first = await row(w.t, "select id from activities order by id");
    await stream.expect(`id="act-${first.id}"`);
    await stream.expect(`hx-swap="row"><li id="conv-${w.carmen}"`);
    // the open thread refetches its head (per user) rather than guessing it
    await stream.expect(`/conversations/${w.carmen}/head`);

    const re = await w.ana.post(`/conversations/${w.carmen}/assign`, {
      assignee: String(w.ids.users.luis),
    });
    assert.equal(re.status, 200);
    await re.body?.cancel();
    conv = await row(
      w.t,
      `select assignee_id from conversations where id = ${w.carmen}`,
    );
    assert.equal(conv.assignee_id, w.ids.users.luis);
    await stream.expect("Ana López assigned this to Luis Pérez");

    const un = await w.ana.post(`/conversations/${w.carmen}/assign`, {
      assignee: "none",
    });
    assert.equal(un.status, 200);
    await un.body?.cancel();
    conv = await row(
      w.t,
      `select assignee_id from conversations where id = ${w.carmen}`,
    );
    assert.equal(conv.assignee_id, null);
    await stream.expect("Ana López unassigned this");

    // the audit trail is in the thread, in order
    const page = await text(await w.luis.request(`/conversations/${w.carmen}`));
    const lines = [...page.body.matchAll(/class="activity [a-z_]+"/g)].map((
      m,
    ) => m[0]);
    assert.deepEqual(lines, [
      'class="activity assigned"',
      'class="activity assigned"',
      'class="activity unassigned"',
    ]);
  } finally {
    await stream.close();
    await w.t.close();
  }
});

Deno.test("reassigning to someone who is not a member of the inbox is refused and writes nothing", async () => {
  const w = await world();
  try {
    await configure(w, "Sales", { assignment: true });
    const res = await text(
      await w.maria.post(`/conversations/${w.sofia}/assign`, {
        assignee: String(w.ids.users.luis),
      }),
    );
    assert.equal(res.status, 422);
    assert.match(res.body, /Only a member of this inbox can be assigned/);
    assert.equal(await countRows(w.t.db, "activities"), 0);
  } finally {
    await w.t.close();
  }
});

Deno.test("an agent can neither see nor change an inbox's settings; a manager can", async () => {
  const w = await world();
  try {
    const support = w.ids.inboxes.Support;
    const page = await text(
      await w.ana.request(`/inboxes/${support}/settings`),
    );
    assert.equal(page.status, 403);
    const post = await text(
      await w.ana.post(`/inboxes/${support}/settings`, {
        assignment_mode: "1",
      }),
    );
    assert.equal(post.status, 403);
    assert.match(post.body, /Only a manager of this inbox/);
    const inbox = await row(
      w.t,
      `select assignment_mode from inboxes where id = ${support}`,
    );
    assert.equal(inbox.assignment_mode, 0);
    // an inbox luis is not in does not exist for him
    const sales = await w.luis.request(
      `/inboxes/${w.ids.inboxes.Sales}/settings`,
    );
    assert.equal(sales.status, 404);
    await sales.body?.cancel();

    const ok = await text(
      await w.maria.request(`/inboxes/${support}/settings`),
    );
    assert.equal(ok.status, 200);
    assert.match(ok.body, /Assignment mode/);
    assert.match(ok.body, /Luis Pérez/);
  } finally {
    await w.t.close();
  }
});

Deno.test("a manager adds and removes inbox members; the removed member loses access at once", async () => {
  const w = await world();
  try {
    const sales = w.ids.inboxes.Sales;
    const add = await w.maria.post(`/inboxes/${sales}/members`, {
      user_id: String(w.ids.users.luis),
    });
    assert.equal(add.status, 204);
    const seen = await w.luis.request(`/conversations/${w.sofia}`);
    assert.equal(seen.status, 200);
    await seen.body?.cancel();
    assert.equal(
      await countRows(
        w.t.db,
        "events",
        `kind = 'access.changed' and user_id = ${w.ids.users.luis}`,
      ),
      1,
    );
    const remove = await w.maria.post(
      `/inboxes/${sales}/members/${w.ids.users.luis}/remove`,
      {},
    );
    assert.equal(remove.status, 204);
    const gone = await w.luis.request(`/conversations/${w.sofia}`);
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
  } finally {
    await w.t.close();
  }
});

Deno.test("moving is refused while the source inbox does not allow it", async () => {
  const w = await world();
  try {
    const res = await text(
      await w.maria.post(`/conversations/${w.carmen}/move`, {
        inbox_id: String(w.ids.inboxes.Sales),
      }),
    );
    assert.equal(res.status, 403);
    assert.match(res.body, /may not be moved out of this inbox/);
    const conv = await row(
      w.t,
      `select inbox_id from conversations where id = ${w.carmen}`,
    );
    assert.equal(conv.inbox_id, w.ids.inboxes.Support);
    assert.equal(await countRows(w.t.db, "activities"), 0);
  } finally {
    await w.t.close();
  }
});

Deno.test("moving to an inbox the user does not belong to is refused and writes nothing", async () => {
  const w = await world();
  try {
    await configure(w, "Support", { move: true });
    const before = await countRows(w.t.db, "events");
    const res = await w.ana.post(`/conversations/${w.carmen}/move`, {
      inbox_id: String(w.ids.inboxes.Sales),
    });
    assert.equal(res.status, 404);
    await res.body?.cancel();
    const conv = await row(
      w.t,
      `select inbox_id from conversations where id = ${w.carmen}`,
    );
    assert.equal(conv.inbox_id, w.ids.inboxes.Support);
    assert.equal(await countRows(w.t.db, "activities"), 0);
    assert.equal(await countRows(w.t.db, "events"), before);
  } finally {
    await w.t.close();
  }
});

Deno.test("a moved conversation leaves the old inbox's lists live, its members get 404, and the new inbox sees it live", async () => {
  const w = await world();
  const admin = await loggedIn(w.t, "admin");
  const after = await latestEventId(w.t.db.orm);
  const anaStream = await LiveStream.open(w.ana, after);
  const adminStream = await LiveStream.open(admin, after);
  try {
    await configure(w, "Support", { move: true });
    // a Support tag stays behind: tags belong to their inbox
    const tagged = await w.maria.post(`/conversations/${w.carmen}/tags/new`, {
      name: "Urgent",
      color: "c6",
    });
    assert.equal(tagged.status, 200);
    await tagged.body?.cancel();

    const res = await text(
      await w.maria.post(`/conversations/${w.carmen}/move`, {
        inbox_id: String(w.ids.inboxes.Sales),
      }),
    );
    assert.equal(res.status, 200);
    assert.match(res.body, /María García moved this from Support to Sales/);
    const conv = await row(
      w.t,
      `select inbox_id from conversations where id = ${w.carmen}`,
    );
    assert.equal(conv.inbox_id, w.ids.inboxes.Sales);
    assert.equal(await countRows(w.t.db, "conversation_tags"), 0);

    // ana's lists drop the row and her open thread learns it is gone
    await anaStream.expect(
      new RegExp(`hx-target="#conv-${w.carmen}" hx-swap="delete"`),
    );
    const thread = await w.ana.request(`/conversations/${w.carmen}`);
    assert.equal(thread.status, 404);
    await thread.body?.cancel();
    const head = await text(
      await w.ana.request(`/conversations/${w.carmen}/head`, {
        headers: { "hx-request": "true" },
      }),
    );
    assert.equal(head.status, 404);
    assert.match(head.body, /no longer in your inboxes/);
    const reply = await w.ana.post(`/conversations/${w.carmen}/messages`, {
      body: "still here?",
    });
    assert.equal(reply.status, 404);
    await reply.body?.cancel();

    // the admin (in Sales) sees it arrive, with the activity line
    await adminStream.expect("moved this from Support to Sales");
    await adminStream.expect(`conv-${w.carmen}`);
  } finally {
    await anaStream.close();
    await adminStream.close();
    await w.t.close();
  }
});

Deno.test("a member creates a tag with a colour, adds and removes it, and luis sees the chip live", async () => {
  const w = await world();
  const stream = await LiveStream.open(w.luis, await latestEventId(w.t.db.orm));
  try {
    const created = await text(
      await w.ana.post(`/conversations/${w.carmen}/tags/new`, {
        name: "VIP",
        color: "c3",
      }),
    );
    assert.equal(created.status, 200);
    assert.match(created.body, /Ana López added the tag VIP/);
    const tag = await row(w.t, "select id, inbox_id, color from tags");
    assert.equal(tag.inbox_id, w.ids.inboxes.Support);
    assert.equal(tag.color, "c3");
    assert.equal(await countRows(w.t.db, "conversation_tags"), 1);
    await stream.expect('class="tag tag-c3">VIP<');
    await stream.expect("Ana López added the tag VIP");

    const dup = await text(
      await w.ana.post(`/conversations/${w.john}/tags/new`, {
        name: "VIP",
        color: "c1",
      }),
    );
    assert.equal(dup.status, 422);
    assert.match(dup.body, /already has a tag with that name/);

    // the same tag on a second conversation, from the picker
    const added = await w.luis.post(`/conversations/${w.john}/tags`, {
      tag_id: String(tag.id),
    });
    assert.equal(added.status, 200);
    await added.body?.cancel();
    assert.equal(await countRows(w.t.db, "conversation_tags"), 2);

    const removed = await text(
      await w.ana.post(`/conversations/${w.carmen}/tags/${tag.id}/remove`, {}),
    );
    assert.equal(removed.status, 200);
    assert.match(removed.body, /Ana López removed the tag VIP/);
    assert.equal(
      await countRows(
        w.t.db,
        "conversation_tags",
        `conversation_id = ${w.carmen}`,
      ),
      0,
    );
    await stream.expect("Ana López removed the tag VIP");
    assert.equal(
      await countRows(w.t.db, "activities", "kind in ('tagged', 'untagged')"),
      3,
    );
  } finally {
    await stream.close();
    await w.t.close();
  }
});

Deno.test("a tag of another inbox cannot be put on a conversation", async () => {
  const w = await world();
  try {
    const made = await w.maria.post(`/conversations/${w.sofia}/tags/new`, {
      name: "Lead",
      color: "c2",
    });
    assert.equal(made.status, 200);
    await made.body?.cancel();
    const tag = await row(w.t, "select id from tags");
    const res = await w.maria.post(`/conversations/${w.carmen}/tags`, {
      tag_id: String(tag.id),
    });
    assert.equal(res.status, 404);
    await res.body?.cancel();
    assert.equal(await countRows(w.t.db, "conversation_tags"), 1);
  } finally {
    await w.t.close();
  }
});

Deno.test("only a manager deletes a tag, and it comes off every conversation", async () => {
  const w = await world();
  try {
    const made = await w.ana.post(`/conversations/${w.carmen}/tags/new`, {
      name: "Later",
      color: "c4",
    });
    await made.body?.cancel();
    const tag = await row(w.t, "select id from tags");
    const support = w.ids.inboxes.Support;
    const refused = await w.ana.post(
      `/inboxes/${support}/tags/${tag.id}/delete`,
      {},
    );
    assert.equal(refused.status, 403);
    await refused.body?.cancel();
    assert.equal(await countRows(w.t.db, "tags"), 1);
    const ok = await w.maria.post(
      `/inboxes/${support}/tags/${tag.id}/delete`,
      {},
    );
    assert.equal(ok.status, 204);
    assert.equal(await countRows(w.t.db, "tags"), 0);
    assert.equal(await countRows(w.t.db, "conversation_tags"), 0);
  } finally {
    await w.t.close();
  }
});

Deno.test("each user shows or hides tags in their own list, as a saved preference", async () => {
  const w = await world();
  try {
    const support = w.ids.inboxes.Support;
    const made = await w.ana.post(`/conversations/${w.carmen}/tags/new`, {
      name: "VIP",
      color: "c2",
    });
    await made.body?.cancel();
    const checkbox = (html: string) =>
      /<input[^>]*id="show-tags"[^>]*>/.exec(html)?.[0] ?? "";

    let page = await text(await w.ana.request(`/inboxes/${support}`));
    assert.match(checkbox(page.body), /checked/);
    assert.match(page.body, /class="tag tag-c2">VIP</);

    const hide = await w.ana.post("/prefs/tags", {});
    assert.equal(hide.status, 204);
    const pref = await row(
      w.t,
      `select show_tags from user_prefs where user_id = ${w.ids.users.ana}`,
    );
    assert.equal(pref.show_tags, 0);
    page = await text(await w.ana.request(`/inboxes/${support}`));
    assert.doesNotMatch(checkbox(page.body), /checked/);
    // luis's preference is his own
    const luisPage = await text(await w.luis.request(`/inboxes/${support}`));
    assert.match(checkbox(luisPage.body), /checked/);

    const show = await w.ana.post("/prefs/tags", { show_tags: "1" });
    assert.equal(show.status, 204);
    page = await text(await w.ana.request(`/inboxes/${support}`));
    assert.match(checkbox(page.body), /checked/);
  } finally {
    await w.t.close();
  }
});

Deno.test("closing records who and when, reopening opens it again, and luis sees both in the thread live", async () => {
  const w = await world();
  const stream = await LiveStream.open(w.luis, await latestEventId(w.t.db.orm));
  try {
    const before = Date.now();
    const closed = await w.ana.post(`/conversations/${w.carmen}/close`, {});
    assert.equal(closed.status, 200);
    await closed.body?.cancel();
    let conv = await row(
      w.t,
      `select status, closed_at from conversations where id = ${w.carmen}`,
    );
    assert.equal(conv.status, "closed");
    assert.ok(Number(conv.closed_at) >= before);
    await stream.expect("Ana López closed this");

    // closing twice changes nothing
    const again = await w.ana.post(`/conversations/${w.carmen}/close`, {});
    await again.body?.cancel();
    assert.equal(await countRows(w.t.db, "activities"), 1);

    const reopened = await w.luis.post(`/conversations/${w.carmen}/reopen`, {});
    assert.equal(reopened.status, 200);
    await reopened.body?.cancel();
    conv = await row(
      w.t,
      `select status, closed_at from conversations where id = ${w.carmen}`,
    );
    assert.equal(conv.status, "open");
    assert.equal(conv.closed_at, null);
    await stream.expect("Luis Pérez reopened this");

    const page = await text(await w.ana.request(`/conversations/${w.carmen}`));
    assert.match(page.body, /Ana López closed this/);
    assert.match(page.body, /Luis Pérez reopened this/);
  } finally {
    await stream.close();
    await w.t.close();
  }
});

Deno.test("a plain form (no JavaScript) closes and comes back to the thread", async () => {
  const w = await world();
  try {
    const res = await w.ana.request(`/conversations/${w.carmen}/close`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: w.ana.csrf }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `/conversations/${w.carmen}`);
    const conv = await row(
      w.t,
      `select status from conversations where id = ${w.carmen}`,
    );
    assert.equal(conv.status, "closed");
  } finally {
    await w.t.close();
  }
});

Deno.test("closing as spam takes it out of the open and closed lists into the spam list and marks the contact", async () => {
  const w = await world();
  const stream = await LiveStream.open(w.luis, await latestEventId(w.t.db.orm));
  try {
    const support = w.ids.inboxes.Support;
    const res = await text(
      await w.ana.post(`/conversations/${w.john}/spam`, {}),
    );
    assert.equal(res.status, 200);
    assert.match(res.body, /Ana López closed this as spam/);
    const conv = await row(
      w.t,
      `select c.status, c.spam, c.closed_at, k.spam as contact_spam
       from conversations c join contacts k on k.id = c.contact_id
       where c.id = ${w.john}`,
    );
    assert.equal(conv.status, "closed");
    assert.equal(conv.spam, 1);
    assert.ok(conv.closed_at);
    assert.equal(conv.contact_spam, 1);
    // the row moves to the spam list (static/app.js places it by data-list)
    await stream.expect(
      new RegExp(`<li id="conv-${w.john}"[^>]* data-list="${support}-spam"`),
    );
    await stream.expect("closed this as spam");

    const inList = async (status: string) =>
      (await text(await w.luis.request(`/inboxes/${support}?status=${status}`)))
        .body.includes(`id="conv-${w.john}"`);
    assert.equal(await inList("open"), false);
    assert.equal(await inList("closed"), false);
    assert.equal(await inList("spam"), true);

    // "not spam": reopened, and the contact is no longer treated as spam
    const back = await w.ana.post(`/conversations/${w.john}/reopen`, {});
    await back.body?.cancel();
    const after = await row(
      w.t,
      `select c.status, c.spam, k.spam as contact_spam
       from conversations c join contacts k on k.id = c.contact_id
       where c.id = ${w.john}`,
    );
    assert.deepEqual(
      [after.status, after.spam, after.contact_spam],
      ["open", 0, 0],
    );
    assert.equal(await inList("open"), true);
  } finally {
    await stream.close();
    await w.t.close();
  }
});

Deno.test("a user outside the inbox gets 404 for every action and nothing is written", async () => {
  const w = await world();
  try {
    await configure(w, "Sales", { assignment: true, move: true });
    const made = await w.maria.post(`/conversations/${w.sofia}/tags/new`, {
      name: "Lead",
      color: "c2",
    });
    await made.body?.cancel();
    const tag = await row(w.t, "select id from tags");
    const before = {
      events: await countRows(w.t.db, "events"),
      activities: await countRows(w.t.db, "activities"),
      conv: JSON.stringify(
        await row(w.t, `select * from conversations where id = ${w.sofia}`),
      ),
    };
    const base = `/conversations/${w.sofia}`;
    const attempts: [string, Record<string, string>][] = [
      [`${base}/assign`, { assignee: "me" }],
      [`${base}/close`, {}],
      [`${base}/reopen`, {}],
      [`${base}/spam`, {}],
      [`${base}/move`, { inbox_id: String(w.ids.inboxes.Support) }],
      [`${base}/tags`, { tag_id: String(tag.id) }],
      [`${base}/tags/new`, { name: "Mine", color: "c1" }],
      [`${base}/tags/${tag.id}/remove`, {}],
      [`${base}/contact`, { contact_id: "1" }],
    ];
    for (const [path, form] of attempts) {
      const res = await w.luis.post(path, form);
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
    for (const path of [`${base}/head`, `${base}/panel/details`]) {
      const res = await w.luis.request(path);
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
    assert.equal(await countRows(w.t.db, "events"), before.events);
    assert.equal(await countRows(w.t.db, "activities"), before.activities);
    assert.equal(await countRows(w.t.db, "tags"), 1);
    assert.equal(
      JSON.stringify(
        await row(w.t, `select * from conversations where id = ${w.sofia}`),
      ),
      before.conv,
    );
  } finally {
    await w.t.close();
  }
});

Deno.test("internal actions never make a conversation unread for anyone", async () => {
  const w = await world();
  try {
    await configure(w, "Support", { assignment: true });
    const read = await w.luis.request(`/conversations/${w.carmen}`);
    await read.body?.cancel();
    for (
      const [path, form] of [
        [`/conversations/${w.carmen}/assign`, { assignee: "me" }],
        [`/conversations/${w.carmen}/tags/new`, { name: "VIP", color: "c2" }],
      ] as const
    ) {
      const res = await w.ana.post(path, form);
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    const list = await text(
      await w.luis.request(`/inboxes/${w.ids.inboxes.Support}`),
    );
    const li = new RegExp(`<li[^>]*id="conv-${w.carmen}"[^>]*>`).exec(
      list.body,
    )?.[0];
    assert.ok(li, "the row is in luis's list");
    assert.doesNotMatch(li, /unread/);
  } finally {
    await w.t.close();
  }
});

Deno.test("the details panel shows contact, channel and number, assignee, opened time, duration and message counts", async () => {
  const w = await world();
  try {
    const res = await text(
      await w.ana.request(`/conversations/${w.carmen}/panel/details`, {
        headers: { "hx-request": "true" },
      }),
    );
    assert.equal(res.status, 200);
    assert.match(res.body, /Carmen Ruiz · \+15551230001/);
    assert.match(res.body, /SMS · \+15550100001/);
    assert.match(res.body, /Unassigned/);
    assert.match(res.body, /Opened/);
    assert.match(res.body, /so far/);
    assert.match(res.body, /2 received · 1 sent/);
    // without JavaScript the same panel comes with the page
    const page = await text(
      await w.ana.request(`/conversations/${w.carmen}?panel=details`),
    );
    assert.match(page.body, /2 received · 1 sent/);
  } finally {
    await w.t.close();
  }
});
