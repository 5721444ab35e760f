import assert from "node:assert/strict";
import { LOGIN_LIMIT } from "../services/auth.ts";
import { hashPassword, verifyPassword } from "../services/passwords.ts";
import {
  Client,
  countRows,
  DEMO_PASSWORD,
  demoIds,
  loggedIn,
  type TestApp,
  testApp,
  testClock,
} from "./helpers.ts";

const SESSION = "bandeja_session";

/** POSTs the login form as a browser on our own page would. */
function postLogin(c: Client, form: Record<string, string>) {
  return c.request("/login", {
    method: "POST",
    body: new URLSearchParams(form),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}

async function sessionsOf(t: TestApp, name: string): Promise<number> {
  const { users } = await demoIds(t.db);
  return await countRows(t.db, "sessions", `user_id = ${users[name]}`);
}

/** GET `path` and say where it went: a page (200) or a redirect target. */
async function landing(c: Client, path: string) {
  const res = await c.request(path);
  await res.body?.cancel();
  return { status: res.status, location: res.headers.get("location") };
}

Deno.test("logging in answers 303 with an HttpOnly SameSite=Lax session cookie", async () => {
  const t = await testApp();
  try {
    const c = new Client(t);
    const res = await postLogin(c, {
      email: "ana@demo.test",
      password: DEMO_PASSWORD,
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/");
    const [cookie] = res.headers.getSetCookie();
    assert.match(cookie, new RegExp(`^${SESSION}=[\\w-]{40,};`));
    assert.match(cookie, /; HttpOnly/i);
    assert.match(cookie, /; SameSite=Lax/i);
    assert.match(cookie, /; Path=\//i);
    // plain http (localhost) cannot carry a Secure cookie
    assert.doesNotMatch(cookie, /; Secure/i);
    assert.equal(await sessionsOf(t, "ana"), 1);
    assert.equal((await landing(c, "/")).status, 302);
    assert.equal((await landing(c, "/inboxes/1")).status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("behind an https PUBLIC_URL the session cookie is Secure", async () => {
  const t = await testApp({ env: { PUBLIC_URL: "https://bandeja.example" } });
  try {
    const res = await postLogin(new Client(t), {
      email: "ana@demo.test",
      password: DEMO_PASSWORD,
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    const [cookie] = res.headers.getSetCookie();
    assert.match(cookie, /; Secure/i);
    assert.match(cookie, /; HttpOnly/i);
  } finally {
    await t.close();
  }
});

Deno.test("a wrong password gets 401 and writes no session", async () => {
  const t = await testApp();
  try {
    const before = await countRows(t.db, "sessions");
    const c = new Client(t);
    const res = await postLogin(c, {
      email: "ana@demo.test",
      password: "not-the-password",
    });
    assert.equal(res.status, 401);
    const html = await res.text();
    assert.match(html, /Wrong email or password\./);
    // the email is kept so the agent only retypes the password
    assert.match(html, /value="ana@demo.test"/);
    assert.deepEqual(res.headers.getSetCookie(), []);
    assert.equal(await countRows(t.db, "sessions"), before);
    assert.equal((await landing(c, "/inboxes/1")).status, 302);
  } finally {
    await t.close();
  }
});

Deno.test("an unknown email gets the same 401 as a wrong password", async () => {
  const t = await testApp();
  try {
    const res = await postLogin(new Client(t), {
      email: "nobody@demo.test",
      password: DEMO_PASSWORD,
    });
    assert.equal(res.status, 401);
    assert.match(await res.text(), /Wrong email or password\./);
    assert.deepEqual(res.headers.getSetCookie(), []);
    assert.equal(await countRows(t.db, "sessions"), 0);
  } finally {
    await t.close();
  }
});

Deno.test("an email differing only in case and spaces logs in", async () => {
  const t = await testApp();
  try {
    const res = await postLogin(new Client(t), {
      email: "  Ana@Demo.TEST ",
      password: DEMO_PASSWORD,
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
  } finally {
    await t.close();
  }
});

Deno.test("the session id rotates at login: a cookie set before login no longer works after", async () => {
  const t = await testApp();
  try {
    // a token planted before login (session fixation) is never adopted
    const c = new Client(t);
    c.cookies.set(SESSION, "planted-by-someone-else-0123456789");
    const first = await postLogin(c, {
      email: "ana@demo.test",
      password: DEMO_PASSWORD,
    });
    await first.body?.cancel();
    assert.equal(first.status, 303);
    const oldToken = c.cookies.get(SESSION)!;
    assert.notEqual(oldToken, "planted-by-someone-else-0123456789");

    // logging in again over a live session replaces it
    const page = await c.request("/inboxes/1");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    assert.ok(csrf);
    const again = await c.request("/login", {
      method: "POST",
      body: new URLSearchParams({
        email: "ana@demo.test",
        password: DEMO_PASSWORD,
        _csrf: csrf,
      }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await again.body?.cancel();
    assert.equal(again.status, 303);
    const newToken = c.cookies.get(SESSION)!;
    assert.ok(newToken);
    assert.notEqual(newToken, oldToken);
    assert.equal(await sessionsOf(t, "ana"), 1);

    const stale = new Client(t);
    stale.cookies.set(SESSION, oldToken);
    assert.deepEqual(await landing(stale, "/inboxes/1"), {
      status: 302,
      location: "/login?next=%2Finboxes%2F1",
    });
    assert.equal((await landing(c, "/inboxes/1")).status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("logout deletes the session row and the cookie, then redirects to /login", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const token = ana.cookies.get(SESSION)!;
    assert.equal(await sessionsOf(t, "ana"), 1);
    const res = await ana.request("/logout", {
      method: "POST",
      body: new URLSearchParams({ _csrf: ana.csrf }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/login");
    const [cookie] = res.headers.getSetCookie();
    assert.match(cookie, new RegExp(`^${SESSION}=;`));
    assert.match(cookie, /Max-Age=0/i);
    assert.equal(await sessionsOf(t, "ana"), 0);
    assert.equal(ana.cookies.has(SESSION), false);

    // the old cookie, replayed by anyone, opens nothing
    const replay = new Client(t);
    replay.cookies.set(SESSION, token);
    assert.equal((await landing(replay, "/inboxes/1")).status, 302);
  } finally {
    await t.close();
  }
});

Deno.test("logout from htmx answers 204 with HX-Redirect to /login", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const res = await ana.post("/logout", {});
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("hx-redirect"), "/login");
    assert.equal(await sessionsOf(t, "ana"), 0);
  } finally {
    await t.close();
  }
});

Deno.test("an expired session redirects to /login", async () => {
  const clock = testClock();
  const t = await testApp({ clock, env: { SESSION_TTL_HOURS: "1" } });
  try {
    const ana = await loggedIn(t, "ana");
    assert.equal((await landing(ana, "/inboxes/1")).status, 200);
    clock.advance(59 * 60_000);
    assert.equal((await landing(ana, "/inboxes/1")).status, 200);
    clock.advance(60_000);
    assert.deepEqual(await landing(ana, "/inboxes/1"), {
      status: 302,
      location: "/login?next=%2Finboxes%2F1",
    });
    // htmx requests cannot follow a redirect into a fragment: 401 + HX-Redirect
    const res = await ana.request("/inboxes/1/list", {
      headers: { "hx-request": "true" },
    });
    await res.body?.cancel();
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("hx-redirect"), "/login");
  } finally {
    await t.close();
  }
});

Deno.test("pages need a session; login, health and static assets do not", async () => {
  const t = await testApp();
  try {
    const c = new Client(t);
    assert.deepEqual(await landing(c, "/"), {
      status: 302,
      location: "/login",
    });
    assert.equal(
      (await landing(c, "/conversations/1")).location,
      "/login?next=%2Fconversations%2F1",
    );
    const login = await c.request("/login");
    assert.equal(login.status, 200);
    const css = /href="(\/static\/[^"]+\.css)"/.exec(await login.text())?.[1];
    assert.ok(css);
    assert.equal((await landing(c, css)).status, 200);
    assert.equal((await landing(c, "/healthz")).status, 200);
    const res = await c.request("/conversations/1/messages", {
      method: "POST",
      body: new URLSearchParams({ body: "hi" }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await res.body?.cancel();
    assert.equal(res.status, 401);
    assert.equal(await countRows(t.db, "messages", "direction = 'out'"), 3);
  } finally {
    await t.close();
  }
});

Deno.test("the 6th failed login for one account gets 429, even with the right password", async () => {
  const clock = testClock();
  const t = await testApp({ clock });
  try {
    assert.equal(LOGIN_LIMIT.perAccount, 5);
    const c = new Client(t, "198.51.100.7");
    for (let i = 0; i < LOGIN_LIMIT.perAccount; i++) {
      const res = await postLogin(c, {
        email: "ana@demo.test",
        password: `guess-${i}`,
      });
      await res.body?.cancel();
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    const locked = await postLogin(c, {
      email: "ana@demo.test",
      password: DEMO_PASSWORD,
    });
    assert.equal(locked.status, 429);
    assert.match(await locked.text(), /Too many failed attempts/);
    assert.equal(await sessionsOf(t, "ana"), 0);

    // the limit is per account: from another address ana is still locked,
    // while luis from the same address is not
    const elsewhere = await postLogin(new Client(t, "192.0.2.44"), {
      email: "ana@demo.test",
      password: DEMO_PASSWORD,
    });
    await elsewhere.body?.cancel();
    assert.equal(elsewhere.status, 429);
    const luis = await postLogin(new Client(t, "198.51.100.7"), {
      email: "luis@demo.test",
      password: DEMO_PASSWORD,
    });
    await luis.body?.cancel();
    assert.equal(luis.status, 303);

    // the window passes and ana may log in again
    clock.advance(LOGIN_LIMIT.windowMs + 1);
    const later = await postLogin(c, {
      email: "ana@demo.test",
      password: DEMO_PASSWORD,
    });
    await later.body?.cancel();
    assert.equal(later.status, 303);
  } finally {
    await t.close();
  }
});

Deno.test("failed logins from one address are limited across accounts", async () => {
  const t = await testApp();
  try {
    assert.equal(LOGIN_LIMIT.perAddress, 20);
    // a fifth account keeps every account under its own limit of 5
    await t.db.client.execute({
      sql:
        "insert into users (email, name, password_hash, role, created_at) values (?, ?, ?, 'agent', ?)",
      args: [
        "eve@demo.test",
        "Eve",
        await hashPassword(DEMO_PASSWORD, 2 ** 10),
        Date.now(),
      ],
    });
    const attacker = new Client(t, "203.0.113.9");
    for (const name of ["ana", "luis", "maria", "admin"]) {
      for (let i = 0; i < LOGIN_LIMIT.perAddress / 4; i++) {
        const res = await postLogin(attacker, {
          email: `${name}@demo.test`,
          password: `guess-${i}`,
        });
        await res.body?.cancel();
        assert.equal(res.status, 401);
      }
    }
    assert.equal(
      await countRows(t.db, "login_attempts", "key = 'ip:203.0.113.9'"),
      20,
    );
    const blocked = await postLogin(attacker, {
      email: "eve@demo.test",
      password: DEMO_PASSWORD,
    });
    await blocked.body?.cancel();
    assert.equal(blocked.status, 429);
    const other = await postLogin(new Client(t, "192.0.2.10"), {
      email: "eve@demo.test",
      password: DEMO_PASSWORD,
    });
    await other.body?.cancel();
    assert.equal(other.status, 303);
  } finally {
    await t.close();
  }
});

Deno.test("passwords are stored as salted scrypt hashes", async () => {
  const t = await testApp();
  try {
    const rows = (await t.db.client.execute(
      "select email, password_hash from users",
    )).rows;
    assert.equal(rows.length, 4);
    for (const r of rows) {
      const hash = String(r.password_hash);
      assert.match(
        hash,
        /^scrypt\$\d+\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/,
        String(r.email),
      );
      assert.ok(!hash.includes(DEMO_PASSWORD));
      assert.equal(await verifyPassword(DEMO_PASSWORD, hash), true);
      assert.equal(await verifyPassword("demo-passwordX", hash), false);
    }
    // the production cost is OWASP's floor, N = 2^17; each hash has its own salt
    const a = await hashPassword("same password");
    const b = await hashPassword("same password");
    assert.equal(a.split("$")[1], String(2 ** 17));
    assert.notEqual(a.split("$")[2], b.split("$")[2]);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword("same password", b), true);
    assert.equal(await verifyPassword("x", "plain-text-password"), false);
  } finally {
    await t.close();
  }
});

Deno.test("the login next parameter goes to local paths only", async () => {
  const t = await testApp();
  try {
    const cases: [string, string][] = [
      ["/inboxes/2?status=closed", "/inboxes/2?status=closed"],
      ["//evil.test", "/"],
      ["//evil.test/inboxes", "/"],
      ["https://evil.test", "/"],
      ["/\\evil.test", "/"],
      ["javascript:alert(1)", "/"],
      ["", "/"],
    ];
    for (const [next, expected] of cases) {
      const res = await postLogin(new Client(t), {
        email: "maria@demo.test",
        password: DEMO_PASSWORD,
        next,
      });
      await res.body?.cancel();
      assert.equal(res.status, 303, next);
      assert.equal(res.headers.get("location"), expected, next);
    }
    // the login page carries next through its form, escaped
    const page = await new Client(t).request(
      `/login?next=${encodeURIComponent('/x"><b>hi</b>')}`,
    );
    const html = await page.text();
    assert.match(html, /name="next" value="\/x&quot;&gt;&lt;b&gt;hi/);
    assert.ok(!html.includes("<b>hi</b>"));
  } finally {
    await t.close();
  }
});
