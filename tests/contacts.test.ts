/**
 * Contacts (F9, F13, F14, F29): list and search, add and edit, favourites
 * per user, the panel beside a thread with history limited to the user's
 * inboxes, manual opt-out per number, linking a conversation to another
 * contact, and the call and meeting links.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { normalizePhone } from "../services/contacts.ts";
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

async function text(res: Response) {
  return { status: res.status, body: await res.text() };
}

async function one(t: TestApp, sql: string) {
  return (await t.db.client.execute(sql)).rows[0];
}

async function contactId(t: TestApp, name: string): Promise<number> {
  return Number(
    (await one(t, `select id from contacts where name = '${name}'`)).id,
  );
}

async function numberId(t: TestApp, e164: string): Promise<number> {
  return Number(
    (await one(t, `select id from phone_numbers where e164 = '${e164}'`)).id,
  );
}

/** Posts a plain HTML form, the way a browser without JavaScript does. */
function plainPost(client: Client, path: string, form: Record<string, string>) {
  return client.request(path, {
    method: "POST",
    body: new URLSearchParams({ _csrf: client.csrf, ...form }),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}

Deno.test("a 10-digit national number becomes +1 E.164 and anything else must already be E.164", () => {
  assert.equal(normalizePhone("(555) 123-0099"), "+15551230099");
  assert.equal(normalizePhone("1 555 123 0099"), "+15551230099");
  assert.equal(normalizePhone("+34 612 34 56 78"), "+34612345678");
  assert.equal(normalizePhone("612345678"), null);
  assert.equal(normalizePhone("call me"), null);
});

Deno.test("the meeting link template must be an http(s) URL", () => {
  assert.throws(
    () => loadConfig({ MEETING_URL_TEMPLATE: "ftp://meet/{room}" }),
    /MEETING_URL_TEMPLATE/,
  );
  assert.equal(
    loadConfig({ MEETING_URL_TEMPLATE: "https://meet.example.test/{room}" })
      .meetingUrlTemplate,
    "https://meet.example.test/{room}",
  );
});

Deno.test("the contact list searches by name and by number, in full pages and as live results", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const byName = await text(await ana.request("/contacts?q=carm"));
    assert.equal(byName.status, 200);
    assert.match(byName.body, /Carmen Ruiz/);
    assert.doesNotMatch(byName.body, /John Smith/);
    const byNumber = await text(
      await ana.request(
        "/contacts/results?q=" + encodeURIComponent("(555) 123-0002"),
      ),
    );
    assert.match(byNumber.body, /John Smith/);
    assert.doesNotMatch(byNumber.body, /Carmen/);
    const none = await text(await ana.request("/contacts/results?q=zzzz"));
    assert.match(none.body, /No contact matches “zzzz”/);
    const all = await text(await ana.request("/contacts"));
    for (const name of ["Carmen Ruiz", "John Smith", "Sofía Torres"]) {
      assert.match(all.body, new RegExp(name));
    }
  } finally {
    await t.close();
  }
});

Deno.test("a contact is added with a normalised number, and a taken or bad number is refused on the form", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const res = await plainPost(ana, "/contacts", {
      name: "Nora Vidal",
      e164: "555 123 0099",
      email: "nora@example.test",
      company: "Vidal SL",
      notes: "Prefers WhatsApp",
    });
    assert.equal(res.status, 303);
    const row = await one(
      t,
      "select * from contacts where name = 'Nora Vidal'",
    );
    assert.equal(row.e164, "+15551230099");
    assert.equal(res.headers.get("location"), `/contacts/${row.id}`);
    const page = await text(await ana.request(`/contacts/${row.id}`));
    assert.match(page.body, /nora@example.test/);
    assert.match(page.body, /href="tel:\+15551230099"/);

    const taken = await text(
      await plainPost(ana, "/contacts", { name: "Copy", e164: "+15551230099" }),
    );
    assert.equal(taken.status, 422);
    assert.match(taken.body, /Another contact already has that number/);
    assert.match(taken.body, /value="Copy"/);
    const bad = await text(
      await plainPost(ana, "/contacts", { name: "Bad", e164: "12345" }),
    );
    assert.equal(bad.status, 422);
    assert.match(bad.body, /10-digit/);
  } finally {
    await t.close();
  }
});

Deno.test("editing a contact's name shows in luis's list live; the number of a contact with conversations is fixed", async () => {
  const t = await testApp();
  try {
    const [ana, luis] = await Promise.all([
      loggedIn(t, "ana"),
      loggedIn(t, "luis"),
    ]);
    const carmen = await contactId(t, "Carmen Ruiz");
    const stream = await LiveStream.open(luis, await latestEventId(t.db.orm));
    try {
      const res = await text(
        await ana.post(`/contacts/${carmen}`, {
          name: "Carmen Ruiz Soto",
          e164: "+15551230001",
          email: "carmen@example.test",
          company: "",
          notes: "",
        }),
      );
      assert.equal(res.status, 200);
      assert.match(res.body, new RegExp(`hx-target="#contact-card-${carmen}"`));
      assert.match(res.body, /carmen@example.test/);
      await stream.expect("Carmen Ruiz Soto");
    } finally {
      await stream.close();
    }
    const locked = await text(
      await ana.post(`/contacts/${carmen}`, {
        name: "Carmen",
        e164: "+15551239999",
      }),
    );
    assert.equal(locked.status, 422);
    assert.match(locked.body, /cannot change/);
    const row = await one(t, `select e164 from contacts where id = ${carmen}`);
    assert.equal(row.e164, "+15551230001");
  } finally {
    await t.close();
  }
});

Deno.test("favourites are per user and have their own list", async () => {
  const t = await testApp();
  try {
    const [ana, luis] = await Promise.all([
      loggedIn(t, "ana"),
      loggedIn(t, "luis"),
    ]);
    const john = await contactId(t, "John Smith");
    const res = await ana.post(`/contacts/${john}/favourite`, {
      favourite: "1",
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const anaFavs = await text(await ana.request("/contacts?fav=1"));
    assert.match(anaFavs.body, /John Smith/);
    assert.doesNotMatch(anaFavs.body, /Carmen Ruiz/);
    const luisFavs = await text(await luis.request("/contacts?fav=1"));
    assert.match(luisFavs.body, /No favourites yet/);

    const off = await ana.post(`/contacts/${john}/favourite`, {
      favourite: "0",
    });
    await off.body?.cancel();
    assert.equal(await countRows(t.db, "contact_favourites"), 0);
  } finally {
    await t.close();
  }
});

Deno.test("a manual opt-out per number is recorded, shows in the thread and luis's stream, and can be undone", async () => {
  const t = await testApp();
  try {
    const [ana, luis] = await Promise.all([
      loggedIn(t, "ana"),
      loggedIn(t, "luis"),
    ]);
    const ids = await demoIds(t.db);
    const carmenConv = ids.conversations[0].id;
    const carmen = await contactId(t, "Carmen Ruiz");
    const support = await numberId(t, "+15550100001");
    const stream = await LiveStream.open(luis, await latestEventId(t.db.orm));
    try {
      const res = await text(
        await ana.post(`/contacts/${carmen}/opt-out`, {
          number_id: String(support),
          opted_out: "1",
          conversation_id: String(carmenConv),
        }),
      );
      assert.equal(res.status, 200);
      assert.match(res.body, /Opted out by hand/);
      const row = await one(
        t,
        `select source from opt_outs where contact_id = ${carmen} and number_id = ${support}`,
      );
      assert.equal(row.source, "manual");
      await stream.expect(
        "Ana López opted Carmen Ruiz out of messages from +15550100001",
      );
    } finally {
      await stream.close();
    }
    const thread = await text(
      await luis.request(`/conversations/${carmenConv}`),
    );
    assert.match(thread.body, /opted Carmen Ruiz out of messages/);
    assert.match(thread.body, /class="badge opted-out"/);

    const back = await ana.post(`/contacts/${carmen}/opt-out`, {
      number_id: String(support),
      opted_out: "0",
    });
    await back.body?.cancel();
    assert.equal(await countRows(t.db, "opt_outs"), 0);
    assert.equal(await countRows(t.db, "activities", "kind = 'opted_in'"), 1);

    // a number of an inbox ana is not in is not hers to manage
    const sales = await numberId(t, "+15550100002");
    const refused = await ana.post(`/contacts/${carmen}/opt-out`, {
      number_id: String(sales),
      opted_out: "1",
    });
    assert.equal(refused.status, 404);
    await refused.body?.cancel();
    assert.equal(await countRows(t.db, "opt_outs"), 0);
  } finally {
    await t.close();
  }
});

Deno.test("the contact panel shows details, a call link, a meeting link and only the history the user can see", async () => {
  const t = await testApp({
    env: { MEETING_URL_TEMPLATE: "https://meet.example.test/acme-{room}" },
  });
  try {
    const [ana, maria] = await Promise.all([
      loggedIn(t, "ana"),
      loggedIn(t, "maria"),
    ]);
    const ids = await demoIds(t.db);
    const johnConvs = ids.conversations.filter((_, i) => i === 1 || i === 3);
    const panel = await text(
      await ana.request(`/conversations/${johnConvs[0].id}/panel/contact`, {
        headers: { "hx-request": "true" },
      }),
    );
    assert.equal(panel.status, 200);
    assert.match(panel.body, /John Smith/);
    assert.match(panel.body, /href="tel:\+15551230002"/);
    assert.match(
      panel.body,
      new RegExp(
        `https://meet.example.test/acme-conversation-${johnConvs[0].id}-`,
      ),
    );
    for (const c of johnConvs) {
      assert.match(panel.body, new RegExp(`href="/conversations/${c.id}"`));
    }

    // Sofía only writes to Sales: ana (not in Sales) sees no history
    const sofia = await contactId(t, "Sofía Torres");
    const anaView = await text(await ana.request(`/contacts/${sofia}`));
    assert.match(anaView.body, /No conversations in your inboxes yet/);
    const mariaView = await text(await maria.request(`/contacts/${sofia}`));
    const sales = ids.conversations.find((c) => c.inbox === "Sales")!;
    assert.match(
      mariaView.body,
      new RegExp(`href="/conversations/${sales.id}"`),
    );
  } finally {
    await t.close();
  }
});

Deno.test("without a meeting template the panel offers no meeting link", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const ids = await demoIds(t.db);
    const panel = await text(
      await ana.request(
        `/conversations/${ids.conversations[0].id}?panel=contact`,
      ),
    );
    assert.match(panel.body, /href="tel:\+15551230001"/);
    assert.doesNotMatch(panel.body, /Start a meeting/);
  } finally {
    await t.close();
  }
});

Deno.test("a conversation is linked to a different contact, or to a new one, with an activity line", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const ids = await demoIds(t.db);
    const unknown = ids.conversations[2].id; // the unknown number's
    const peter = await contactId(t, "Peter Brown");

    const search = await text(
      await ana.request(
        `/conversations/${unknown}/panel/contact/search?q=pete`,
      ),
    );
    assert.match(search.body, /Peter Brown/);

    const linked = await text(
      await ana.post(`/conversations/${unknown}/contact`, {
        contact_id: String(peter),
      }),
    );
    assert.equal(linked.status, 200);
    assert.match(linked.body, /linked this conversation to Peter Brown/);
    let row = await one(
      t,
      `select contact_id from conversations where id = ${unknown}`,
    );
    assert.equal(row.contact_id, peter);

    const fresh = await text(
      await ana.post(`/conversations/${unknown}/contact/new`, {
        name: "Rosa Díaz",
        e164: "+15551230077",
        email: "",
        company: "",
        notes: "",
      }),
    );
    assert.equal(fresh.status, 200);
    const rosa = await contactId(t, "Rosa Díaz");
    row = await one(
      t,
      `select contact_id from conversations where id = ${unknown}`,
    );
    assert.equal(row.contact_id, rosa);
    assert.equal(
      await countRows(t.db, "activities", "kind = 'contact_linked'"),
      2,
    );

    const taken = await ana.post(`/conversations/${unknown}/contact/new`, {
      name: "Dup",
      e164: "+15551230077",
    });
    assert.equal(taken.status, 422);
    await taken.body?.cancel();
  } finally {
    await t.close();
  }
});
