/**
 * Collision detection: "Ana is replying…" reaches the others viewing the
 * conversation; a reply sent after a teammate answered asks first (409)
 * and keeps what was written.
 */
import assert from "node:assert/strict";
import { latestEventId } from "../services/events.ts";
import { q } from "./carrier_fixtures.ts";
import {
  lastSeenIn,
  PNG,
  sendWith,
  tokensIn,
  uploaded,
} from "./composer_fixtures.ts";
import { loggedIn, testApp } from "./helpers.ts";
import { LiveStream } from "./live_stream.ts";

const CARMEN = 1;

Deno.test("a reply after a teammate's asks first, keeping the text and the files", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const luis = await loggedIn(t, "luis");
    const seen = lastSeenIn(
      await (await ana.request(`/conversations/${CARMEN}`)).text(),
    );
    // luis answers while ana writes
    const mine = await luis.post(`/conversations/${CARMEN}/messages`, {
      body: "On it!",
    });
    assert.equal(mine.status, 200);
    await mine.body?.cancel();
    const token = await uploaded(ana, CARMEN, {
      name: "label.png",
      bytes: PNG,
    });
    const before = Number(
      (await q(t, "select count(*) as n from messages"))[0].n,
    );
    const res = await sendWith(ana, CARMEN, {
      body: "Your parcel ships today",
      tokens: [token],
      lastSeen: seen,
    });
    const html = await res.text();
    assert.equal(res.status, 409);
    assert.match(html, /Luis Pérez replied since you opened this conversation/);
    assert.match(html, />Send anyway<\/button>/);
    assert.match(html, />Your parcel ships today<\/textarea>/);
    assert.deepEqual(tokensIn(html), [token]);
    assert.equal(
      Number((await q(t, "select count(*) as n from messages"))[0].n),
      before,
    );
    // "Send anyway" posts the newer last_seen it was given
    const again = await sendWith(ana, CARMEN, {
      body: "Your parcel ships today",
      tokens: [token],
      lastSeen: lastSeenIn(html),
    });
    assert.equal(again.status, 200, await again.text());
    assert.equal(
      Number((await q(t, "select count(*) as n from messages"))[0].n),
      before + 1,
    );
  } finally {
    await t.close();
  }
});

Deno.test("one's own replies and the customer's messages do not count as a collision", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const seen = lastSeenIn(
      await (await ana.request(`/conversations/${CARMEN}`)).text(),
    );
    let res = await sendWith(ana, CARMEN, { body: "First", lastSeen: seen });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    res = await sendWith(ana, CARMEN, { body: "Second", lastSeen: seen });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("“Ana is replying…” reaches the others viewing the conversation, not Ana", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const luis = await loggedIn(t, "luis");
    const maria = await loggedIn(t, "maria");
    const after = await latestEventId(t.db.orm);
    const streams = await Promise.all(
      [ana, luis, maria].map((c) => LiveStream.open(c, after)),
    );
    try {
      const res = await ana.post(`/conversations/${CARMEN}/typing`, {});
      assert.equal(res.status, 204);
      const [anaStream, luisStream, mariaStream] = streams;
      await luisStream.expect(
        /<hx-partial hx-target="#typing-1" hx-swap="innerHTML"><span data-user="\d+" data-ttl="\d+">Ana López is replying…<\/span>/,
      );
      await mariaStream.expect("Ana López is replying…");
      // ana's own stream moved past the event without the notice
      await anaStream.expect(/id: \d+\n/);
      assert.doesNotMatch(anaStream.text, /is replying/);
      // and nothing else was re-rendered for a ping (no counts, no rows)
      assert.doesNotMatch(luisStream.text, /event: counts/);
    } finally {
      await Promise.all(streams.map((s) => s.close()));
    }
    // a conversation the user cannot see is refused
    const other = await ana.post("/conversations/5/typing", {});
    assert.equal(other.status, 404);
    await other.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("the thread holds the typing notice and the composer carries what its user saw", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const html = await (await ana.request(`/conversations/${CARMEN}`)).text();
    assert.match(
      html,
      /<p id="typing-1" class="typing" role="status" aria-live="polite"><\/p>/,
    );
    const [conv] = await q(
      t,
      "select last_message_id from conversations where id = 1",
    );
    assert.equal(lastSeenIn(html), Number(conv.last_message_id));
    assert.match(html, /data-typing="\/conversations\/1\/typing"/);
  } finally {
    await t.close();
  }
});
