/**
 * Canned responses (F10, F24): managed per inbox and shared by its members,
 * found by key phrase, and filled in on the server for the conversation and
 * the agent who inserts them.
 */
import assert from "node:assert/strict";
import { fillPlaceholders } from "../services/canned_responses.ts";
import {
  countRows,
  demoIds,
  loggedIn,
  type TestApp,
  testApp,
} from "./helpers.ts";

async function text(res: Response) {
  return { status: res.status, body: await res.text() };
}

async function one(t: TestApp, sql: string) {
  return (await t.db.client.execute(sql)).rows[0];
}

const THANKS =
  "Hi {{contact.first_name}}, thanks for waiting! — {{agent.name}}";

Deno.test("placeholders fill with the contact's first name and the agent's name", () => {
  const v = { contactName: "Carmen Ruiz", agentName: "Ana López" };
  assert.equal(
    fillPlaceholders(THANKS, v),
    "Hi Carmen, thanks for waiting! — Ana López",
  );
  assert.equal(
    fillPlaceholders("{{agent.first_name}} for {{contact.name}}", v),
    "Ana for Carmen Ruiz",
  );
  // an unnamed contact fills as nothing, and its space goes with it
  assert.equal(
    fillPlaceholders(THANKS, { contactName: "", agentName: "Ana López" }),
    "Hi, thanks for waiting! — Ana López",
  );
  assert.equal(
    fillPlaceholders("Keep {{unknown.thing}}", v),
    "Keep {{unknown.thing}}",
  );
});

Deno.test("members add, edit and delete an inbox's canned responses, shared with the inbox", async () => {
  const t = await testApp();
  try {
    const [ana, luis] = await Promise.all([
      loggedIn(t, "ana"),
      loggedIn(t, "luis"),
    ]);
    const { inboxes } = await demoIds(t.db);
    const base = `/inboxes/${inboxes.Support}/canned`;
    const add = await ana.post(base, { key_phrase: "/Thanks", body: THANKS });
    assert.equal(add.status, 204);
    assert.equal(add.headers.get("hx-redirect"), base);
    const row = await one(
      t,
      "select id, key_phrase, inbox_id from canned_responses",
    );
    assert.equal(row.key_phrase, "thanks");
    assert.equal(row.inbox_id, inboxes.Support);

    // luis, in the same inbox, sees and can edit it
    const page = await text(await luis.request(base));
    assert.match(page.body, /\/thanks/);
    const edit = await luis.post(`${base}/${row.id}`, {
      key_phrase: "thanks",
      body: "Thank you, {{contact.first_name}}!",
    });
    assert.equal(edit.status, 204);
    const edited = await one(
      t,
      `select body from canned_responses where id = ${row.id}`,
    );
    assert.equal(edited.body, "Thank you, {{contact.first_name}}!");

    const dup = await text(
      await luis.post(base, { key_phrase: "THANKS", body: "x" }),
    );
    assert.equal(dup.status, 422);
    assert.match(dup.body, /already has that key phrase|has that key phrase/);
    const bad = await text(
      await luis.post(base, { key_phrase: "two words", body: "x" }),
    );
    assert.equal(bad.status, 422);
    assert.match(bad.body, /one word/);

    const del = await ana.post(`${base}/${row.id}/delete`, {});
    assert.equal(del.status, 204);
    assert.equal(await countRows(t.db, "canned_responses"), 0);
  } finally {
    await t.close();
  }
});

Deno.test("the delete button asks first", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const { inboxes } = await demoIds(t.db);
    const base = `/inboxes/${inboxes.Support}/canned`;
    const add = await ana.post(base, { key_phrase: "bye", body: "Bye!" });
    await add.body?.cancel();
    const page = await text(await ana.request(base));
    assert.match(page.body, /hx-confirm="Delete the canned response \/bye\?"/);
  } finally {
    await t.close();
  }
});

Deno.test("a user outside the inbox can neither see nor use nor change its canned responses", async () => {
  const t = await testApp();
  try {
    const [maria, luis] = await Promise.all([
      loggedIn(t, "maria"),
      loggedIn(t, "luis"),
    ]);
    const { inboxes, conversations } = await demoIds(t.db);
    const base = `/inboxes/${inboxes.Sales}/canned`;
    const add = await maria.post(base, {
      key_phrase: "quote",
      body: "Our quote",
    });
    assert.equal(add.status, 204);
    const row = await one(t, "select id from canned_responses");
    const sales = conversations.find((c) => c.inbox === "Sales")!.id;
    for (
      const path of [
        base,
        `/conversations/${sales}/canned/suggest?q=q`,
        `/conversations/${sales}/canned/options`,
        `/conversations/${sales}/canned/${row.id}/fill`,
      ]
    ) {
      const res = await luis.request(path, {
        headers: { "hx-request": "true" },
      });
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
    for (
      const [path, form] of [
        [base, { key_phrase: "mine", body: "x" }],
        [`${base}/${row.id}`, { key_phrase: "quote", body: "changed" }],
        [`${base}/${row.id}/delete`, {}],
      ] as const
    ) {
      const res = await luis.post(path, form);
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
    const still = await one(t, "select body from canned_responses");
    assert.equal(still.body, "Our quote");
    assert.equal(await countRows(t.db, "canned_responses"), 1);
  } finally {
    await t.close();
  }
});

Deno.test("typing /phrase suggests matching canned responses, and picking one returns its text filled in", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const { inboxes, conversations } = await demoIds(t.db);
    for (
      const [key, body] of [["thanks", THANKS], ["hours", "We open 9–5."], [
        "thx",
        "Thx!",
      ]]
    ) {
      const res = await ana.post(`/inboxes/${inboxes.Support}/canned`, {
        key_phrase: key,
        body,
      });
      await res.body?.cancel();
    }
    const carmen = conversations[0].id;
    const unknown = conversations[2].id;
    const hx = { headers: { "hx-request": "true" } };
    const th = await text(
      await ana.request(`/conversations/${carmen}/canned/suggest?q=th`, hx),
    );
    assert.match(th.body, /\/thanks/);
    assert.match(th.body, /\/thx/);
    assert.doesNotMatch(th.body, /\/hours/);
    const none = await text(
      await ana.request(`/conversations/${carmen}/canned/suggest?q=zz`, hx),
    );
    assert.equal(none.body.trim(), "");

    const id = (await one(
      t,
      "select id from canned_responses where key_phrase = 'thanks'",
    )).id;
    const fill = await text(
      await ana.request(`/conversations/${carmen}/canned/${id}/fill`, hx),
    );
    assert.equal(fill.status, 200);
    assert.equal(fill.body, "Hi Carmen, thanks for waiting! — Ana López");
    const nameless = await text(
      await ana.request(`/conversations/${unknown}/canned/${id}/fill`, hx),
    );
    assert.equal(nameless.body, "Hi, thanks for waiting! — Ana López");

    // the picker lists them all
    const options = await text(
      await ana.request(`/conversations/${carmen}/canned/options`, hx),
    );
    assert.equal(
      [...options.body.matchAll(/class="canned-option"/g)].length,
      3,
    );
  } finally {
    await t.close();
  }
});

Deno.test("without JavaScript a canned response opens the thread with the composer holding its text", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const { inboxes, conversations } = await demoIds(t.db);
    const add = await ana.post(`/inboxes/${inboxes.Support}/canned`, {
      key_phrase: "thanks",
      body: THANKS,
    });
    await add.body?.cancel();
    const id = (await one(t, "select id from canned_responses")).id;
    const carmen = conversations[0].id;
    const list = await text(
      await ana.request(`/conversations/${carmen}/canned`),
    );
    assert.match(
      list.body,
      new RegExp(`href="/conversations/${carmen}\\?canned=${id}"`),
    );
    const go = await ana.request(`/conversations/${carmen}/canned/${id}/fill`);
    assert.equal(go.status, 303);
    assert.equal(
      go.headers.get("location"),
      `/conversations/${carmen}?canned=${id}`,
    );
    const page = await text(
      await ana.request(`/conversations/${carmen}?canned=${id}`),
    );
    assert.match(
      page.body,
      /<textarea[^>]*name="body"[^>]*>Hi Carmen, thanks for waiting! — Ana López<\/textarea>/,
    );
  } finally {
    await t.close();
  }
});
