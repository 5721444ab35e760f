/**
 * Surveys (F25): a short link to a tiny public page — no login, no script —
 * answered once before it expires; a bare digit texted right after the
 * survey counts too; results per conversation and per agent on a report
 * page with a server-drawn chart.
 */
import assert from "node:assert/strict";
import { receiveInbound } from "../services/inbound.ts";
import { q } from "./carrier_fixtures.ts";
import { Client, loggedIn, testApp, testClock } from "./helpers.ts";

const CARMEN = 1;

async function sendSurvey(client: Client, conversationId = CARMEN) {
  const res = await client.post(`/conversations/${conversationId}/survey`, {});
  assert.equal(res.status, 200, await res.text());
  const [msg] = await q(
    client.t,
    "select body from messages where direction = 'out' order by id desc limit 1",
  );
  const token = /\/s\/([\w-]+)/.exec(String(msg.body))![1];
  return { token, body: String(msg.body) };
}

function answer(client: Client, token: string, form: Record<string, string>) {
  // the customer's phone: a plain form from our own page, no session
  return client.request(`/s/${token}`, {
    method: "POST",
    body: new URLSearchParams(form),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}

function digit(body: string) {
  return {
    provider: "twilio" as const,
    channel: "sms" as const,
    providerId: `SM${crypto.randomUUID().replaceAll("-", "")}`,
    from: "+15551230001",
    to: "+15550100001",
    body,
    media: [],
    sentAt: Date.now(),
  };
}

Deno.test("a survey goes out as a short link to a tiny page that needs no login or script", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const { token, body } = await sendSurvey(ana);
    assert.match(
      body,
      new RegExp(
        `^How did we do\\? Rate us from 1 to 5 here: ${t.origin}/s/[\\w-]{22} `,
      ),
    );
    const customer = new Client(t);
    const res = await customer.request(`/s/${token}`);
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.doesNotMatch(html, /<script/);
    assert.match(html, /How would you rate your conversation with Support\?/);
    for (const n of [1, 2, 3, 4, 5]) {
      assert.match(
        html,
        new RegExp(
          `<input type="radio" name="rating" id="r${n}" value="${n}" required>`,
        ),
      );
    }
    assert.match(html, /<textarea id="comment" name="comment"/);
    assert.ok(html.length < 4000, `the page is ${html.length} bytes`);
    assert.match(
      res.headers.get("content-security-policy") ?? "",
      /script-src 'self'/,
    );
    // the link's token is stored hashed only
    assert.equal(
      (await q(t, "select count(*) as n from surveys where token_hash = ?", [
        token,
      ]))[0].n,
      0,
    );
  } finally {
    await t.close();
  }
});

Deno.test("a survey link answers once, and the answer shows in the thread", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const { token } = await sendSurvey(ana);
    const customer = new Client(t);
    let res = await answer(customer, token, {
      rating: "4",
      comment: "Quick <b>and</b> kind",
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Thank you! Support got your answer\./);
    res = await answer(customer, token, {
      rating: "1",
      comment: "changed my mind",
    });
    assert.equal(res.status, 409);
    assert.match(await res.text(), /This survey was answered already/);
    const [s] = await q(t, "select rating, comment from surveys");
    assert.deepEqual([s.rating, s.comment], [4, "Quick <b>and</b> kind"]);
    res = await customer.request(`/s/${token}`);
    assert.doesNotMatch(await res.text(), /<form/);
    const thread = await (await ana.request(`/conversations/${CARMEN}`)).text();
    assert.match(
      thread,
      /The customer rated 4\/5 “Quick &lt;b&gt;and&lt;\/b&gt; kind”/,
    );
  } finally {
    await t.close();
  }
});

Deno.test("a survey link without a rating asks for one and stays open", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const { token } = await sendSurvey(ana);
    const res = await answer(new Client(t), token, { comment: "no stars" });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Pick a rating from 1 to 5\./);
    assert.equal(
      (await q(t, "select answered_at from surveys"))[0].answered_at,
      null,
    );
  } finally {
    await t.close();
  }
});

Deno.test("an expired survey link cannot be answered", async () => {
  const clock = testClock();
  const t = await testApp({ clock });
  try {
    const ana = await loggedIn(t, "ana");
    const { token } = await sendSurvey(ana);
    clock.advance(7 * 24 * 3600_000 + 1);
    const customer = new Client(t);
    assert.match(
      await (await customer.request(`/s/${token}`)).text(),
      /This survey link has expired\./,
    );
    const res = await answer(customer, token, { rating: "5" });
    assert.equal(res.status, 410);
    await res.body?.cancel();
    assert.equal(
      (await q(t, "select answered_at from surveys"))[0].answered_at,
      null,
    );
    // and a link that never existed
    const none = await customer.request("/s/AAAAAAAAAAAAAAAAAAAAAA");
    assert.equal(none.status, 404);
    assert.match(await none.text(), /not valid/);
  } finally {
    await t.close();
  }
});

Deno.test("a bare digit texted right after the survey answers it", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    await sendSurvey(ana);
    await receiveInbound(t.db, t.clock, [digit(" 5 ")]);
    const [s] = await q(t, "select rating, answered_at from surveys");
    assert.equal(s.rating, 5);
    const [a] = await q(
      t,
      "select kind, detail from activities order by id desc limit 1",
    );
    assert.equal(a.kind, "survey_answered");
    assert.deepEqual(JSON.parse(String(a.detail)), { rating: 5, via: "sms" });
    // the message itself is kept, like anything a customer sends
    assert.equal(
      (await q(t, "select count(*) as n from messages where body = ' 5 '"))[0]
        .n,
      1,
    );
  } finally {
    await t.close();
  }
});

Deno.test("a digit after another reply, or a sentence, does not answer the survey", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    await sendSurvey(ana);
    await receiveInbound(t.db, t.clock, [digit("5 stars!")]);
    await ana.post(`/conversations/${CARMEN}/messages`, {
      body: "Anything else?",
    });
    await receiveInbound(t.db, t.clock, [digit("3")]);
    assert.equal(
      (await q(t, "select answered_at from surveys"))[0].answered_at,
      null,
    );
  } finally {
    await t.close();
  }
});

Deno.test("the report shows results per agent and per conversation with an SVG chart", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const maria = await loggedIn(t, "maria");
    const customer = new Client(t);
    await answer(customer, (await sendSurvey(ana)).token, {
      rating: "5",
      comment: "Great",
    });
    await answer(customer, (await sendSurvey(ana, 2)).token, { rating: "3" });
    await answer(customer, (await sendSurvey(maria, 5)).token, { rating: "4" });
    const res = await ana.request("/reports/surveys");
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(
      html,
      /<svg class="chart"[^>]*role="img" aria-label="Answers per rating"/,
    );
    assert.match(
      html,
      /<svg class="chart"[^>]*aria-label="Average rating per agent"/,
    );
    assert.match(html, /2 surveys sent, 2 answered, average 4\.0 \/ 5/);
    assert.match(
      html,
      /<td>Ana López<\/td><td>2<\/td><td>2<\/td><td>4\.0<\/td>/,
    );
    assert.match(html, /<a href="\/conversations\/1">Carmen Ruiz<\/a>/);
    assert.match(html, /<td>Great<\/td>/);
    // Sales is not ana's: maria's survey there is not in her report
    assert.doesNotMatch(html, /María García/);
    const all = await (await maria.request("/reports/surveys")).text();
    assert.match(all, /3 surveys sent, 3 answered, average 4\.0 \/ 5/);
    const sales = await (await maria.request("/reports/surveys?inbox=2"))
      .text();
    assert.match(sales, /1 surveys sent, 1 answered, average 4\.0 \/ 5/);
    const refused = await ana.request("/reports/surveys?inbox=2");
    assert.equal(refused.status, 404);
    await refused.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("a survey is not sent where replies are blocked", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    await t.db.client.execute(
      "insert into opt_outs (contact_id, number_id, source, at) select contact_id, number_id, 'manual', 0 from conversations where id = 1",
    );
    const res = await ana.post(`/conversations/${CARMEN}/survey`, {});
    assert.equal(res.status, 422);
    assert.match(await res.text(), /opted out/);
    assert.equal((await q(t, "select count(*) as n from surveys"))[0].n, 0);
  } finally {
    await t.close();
  }
});
