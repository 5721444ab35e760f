/**
 * The emoji picker (F21): a built-in set, searchable by name in English or
 * Spanish, fetched only when the picker opens and small on the wire.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { EMOJI_GROUPS, searchEmoji } from "../services/emoji_catalog.ts";
import { isEmoji } from "../services/reactions.ts";
import { loggedIn, testApp } from "./helpers.ts";

Deno.test("every entry of the set is one emoji with an English and a Spanish name", () => {
  const all = EMOJI_GROUPS.flatMap((g) => g.emoji);
  assert.ok(all.length > 300, `${all.length} emoji`);
  for (const e of all) {
    assert.ok(isEmoji(e.char), e.char);
    assert.ok(e.en && e.es, e.char);
  }
  assert.equal(
    new Set(all.map((e) => e.char)).size,
    all.length,
    "no duplicates",
  );
});

Deno.test("emoji are found by name in either language, accents or not", () => {
  const chars = (q: string) =>
    searchEmoji(q).flatMap((g) => g.emoji.map((e) => e.char));
  assert.ok(chars("heart").includes("❤️"));
  assert.ok(chars("corazon").includes("❤️"));
  assert.ok(chars("corazón rojo").includes("❤️"));
  assert.deepEqual(chars("pizza"), ["🍕"]);
  assert.ok(chars("thumbs up").includes("👍"));
  assert.deepEqual(chars("zzzz-nothing"), []);
});

Deno.test("the picker is not in the page; it is a small fragment fetched on opening", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const page = await (await ana.request("/conversations/1")).text();
    assert.match(
      page,
      /<div class="emoji-panel" hx-get="\/emoji" hx-trigger="intersect once"/,
    );
    assert.doesNotMatch(page, /data-emoji/);
    const res = await ana.request("/emoji");
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(html, /<input type="search" class="emoji-search"/);
    assert.match(
      html,
      /<button type="button" data-emoji[^>]*title="red heart love">❤️<\/button>/,
    );
    const gzip = gzipSync(new TextEncoder().encode(html)).length;
    assert.ok(gzip < 30 * 1024, `${gzip} bytes gzip`);
    const found = await (await ana.request("/emoji?q=pizza")).text();
    assert.match(found, />🍕</);
    assert.doesNotMatch(found, />❤️</);
    const none = await (await ana.request("/emoji?q=zzzz")).text();
    assert.match(none, /<p class="emoji-none" ?>No emoji by that name\.<\/p>/);
  } finally {
    await t.close();
  }
});

Deno.test("the picker speaks the user's language", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    await t.db.client.execute(
      "update users set locale = 'es' where email = 'ana@demo.test'",
    );
    const html = await (await ana.request("/emoji")).text();
    assert.match(html, /placeholder="Buscar emoji por nombre"/);
    assert.match(html, /title="corazón rojo amor">❤️/);
  } finally {
    await t.close();
  }
});
