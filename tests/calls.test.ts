/**
 * Call or meeting (F27): "Call" opens the dialer (tel:) or a softphone from
 * CALL_URL_TEMPLATE; "Meeting" sends the customer a link from
 * MEETING_URL_TEMPLATE; both leave an activity line in the thread.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { q } from "./carrier_fixtures.ts";
import { loggedIn, testApp } from "./helpers.ts";

const CARMEN = 1; // +15551230001

Deno.test("a call opens the dialer and leaves an activity line", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const res = await ana.post(`/conversations/${CARMEN}/call`, {});
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.headers.get("hx-trigger")!), {
      "bandeja:open": { url: "tel:+15551230001" },
    });
    assert.match(await res.text(), /Call started\./);
    const [a] = await q(
      t,
      "select kind, detail from activities order by id desc limit 1",
    );
    assert.equal(a.kind, "call");
    const thread = await (await ana.request(`/conversations/${CARMEN}`)).text();
    assert.match(thread, /Ana López called \+15551230001/);
    // without the script: straight to the dialer
    const plain = await ana.request(`/conversations/${CARMEN}/call`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: ana.csrf }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(plain.status, 303);
    assert.equal(plain.headers.get("location"), "tel:+15551230001");
  } finally {
    await t.close();
  }
});

Deno.test("a click-to-call template sends the agent to the softphone", async () => {
  const t = await testApp({
    env: { CALL_URL_TEMPLATE: "https://phone.example.test/dial?to={number}" },
  });
  try {
    const ana = await loggedIn(t, "ana");
    const res = await ana.post(`/conversations/${CARMEN}/call`, {});
    assert.deepEqual(JSON.parse(res.headers.get("hx-trigger")!), {
      "bandeja:open": {
        url: "https://phone.example.test/dial?to=%2B15551230001",
      },
    });
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("the click-to-call template must be a URL with {number}", () => {
  assert.throws(
    () => loadConfig({ CALL_URL_TEMPLATE: "https://phone.example.test/dial" }),
    /CALL_URL_TEMPLATE/,
  );
  assert.throws(
    () => loadConfig({ CALL_URL_TEMPLATE: "javascript:alert({number})" }),
    /CALL_URL_TEMPLATE/,
  );
  assert.equal(
    loadConfig({ CALL_URL_TEMPLATE: "sip:{number}@pbx.example.test" })
      .callUrlTemplate,
    "sip:{number}@pbx.example.test",
  );
});

Deno.test("a meeting sends the customer a link and leaves an activity line with it", async () => {
  const t = await testApp({
    env: { MEETING_URL_TEMPLATE: "https://meet.example.test/{room}" },
  });
  try {
    const ana = await loggedIn(t, "ana");
    const page = await (await ana.request(`/conversations/${CARMEN}`)).text();
    assert.match(page, /action="\/conversations\/1\/meeting"/);
    const res = await ana.post(`/conversations/${CARMEN}/meeting`, {});
    assert.equal(res.status, 200);
    const url = JSON.parse(res.headers.get("hx-trigger")!)["bandeja:open"].url;
    assert.match(url, /^https:\/\/meet\.example\.test\/bandeja-1-[0-9a-f]{8}$/);
    assert.match(await res.text(), /Meeting link sent\./);
    const [msg] = await q(
      t,
      "select body, status from messages where direction = 'out' order by id desc limit 1",
    );
    assert.deepEqual([msg.body, msg.status], [
      `Join me in a video meeting: ${url}`,
      "queued",
    ]);
    const thread = await (await ana.request(`/conversations/${CARMEN}`)).text();
    assert.match(
      thread,
      new RegExp(
        `Ana López sent a meeting link · <a href="${url}" target="_blank" rel="noopener noreferrer">Join</a>`,
      ),
    );
  } finally {
    await t.close();
  }
});

Deno.test("without a meeting template there is no meeting button and no meeting", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const page = await (await ana.request(`/conversations/${CARMEN}`)).text();
    assert.doesNotMatch(page, /\/conversations\/1\/meeting/);
    assert.match(page, /action="\/conversations\/1\/call"/);
    assert.match(page, /action="\/conversations\/1\/survey"/);
    const res = await ana.post(`/conversations/${CARMEN}/meeting`, {});
    assert.equal(res.status, 422);
    assert.match(await res.text(), /No meeting link is set up/);
  } finally {
    await t.close();
  }
});
