import assert from "node:assert/strict";
import { translator } from "../i18n/translate.ts";
import { loggedIn, testApp } from "./helpers.ts";

/** A plain (non-htmx) form post, as a browser without JavaScript sends it. */
function plainPost(
  client: Awaited<ReturnType<typeof loggedIn>>,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return client.request(path, {
    method: "POST",
    body: new URLSearchParams({ ...form, _csrf: client.csrf }),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...headers,
    },
  });
}

/** The first list row's time: its ISO instant and the text shown. */
function firstRowTime(html: string): { ms: number; shown: string } {
  const m = /<time[^>]*datetime="([^"]+)"[^>]*>([^<]+)<\/time>/.exec(
    html.slice(html.indexOf('class="conv-list')),
  );
  assert.ok(m, "a time in the conversation list");
  return { ms: Date.parse(m[1]), shown: m[2].trim() };
}

Deno.test("the language and time zone set on /me win over Accept-Language", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const english = { "accept-language": "en-US,en;q=0.9" };

    // the settings page offers both, with the browser's choice by default
    const me = await (await ana.request("/me", { headers: english })).text();
    assert.match(me, /<select id="me-locale" name="locale">/);
    assert.match(me, /<option value="" selected>As my browser asks/);
    assert.match(me, /<option value="es" lang="es" >Español<\/option>/);

    // a time zone Intl does not know is refused, and nothing changes
    const bad = await plainPost(ana, "/me/language", {
      locale: "es",
      time_zone: "Mars/Olympus_Mons",
    }, english);
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /not a time zone we know/);
    const before = await (await ana.request("/inboxes/1", { headers: english }))
      .text();
    assert.match(before, /<html lang="en">/);

    const saved = await plainPost(ana, "/me/language", {
      locale: "es",
      time_zone: "America/Mexico_City",
    }, english);
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get("location"), "/me?saved=1");

    // the browser still asks for English; the page is Spanish, in her zone
    const inbox = await (await ana.request("/inboxes/1", { headers: english }))
      .text();
    assert.match(inbox, /<html lang="es">/);
    assert.match(inbox, />Cerrar sesión</);
    const row = firstRowTime(inbox);
    assert.equal(
      row.shown,
      translator("es", "America/Mexico_City").time(row.ms),
    );
    const page = await (await ana.request("/me", { headers: english })).text();
    assert.match(page, /<option value="es" lang="es" selected>/);
    assert.match(page, /value="America\/Mexico_City"/);

    // others keep their own language
    const luis = await loggedIn(t, "luis");
    const his = await (await luis.request("/inboxes/1", { headers: english }))
      .text();
    assert.match(his, /<html lang="en">/);

    // back to "as my browser asks" and UTC
    const cleared = await plainPost(ana, "/me/language", {
      locale: "",
      time_zone: "",
    });
    assert.equal(cleared.status, 303);
    const after = await (await ana.request("/inboxes/1", { headers: english }))
      .text();
    assert.match(after, /<html lang="en">/);
    const utc = firstRowTime(after);
    assert.equal(utc.shown, translator("en", "UTC").time(utc.ms));
  } finally {
    await t.close();
  }
});

Deno.test("an unknown language code is refused as a bad request", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const res = await plainPost(ana, "/me/language", {
      locale: "pt",
      time_zone: "",
    });
    assert.equal(res.status, 400);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});
