import assert from "node:assert/strict";
import {
  Client,
  countRows,
  DEMO_PASSWORD,
  loggedIn,
  type TestApp,
  testApp,
} from "./helpers.ts";
import { addAudience } from "../services/campaign_audience.ts";
import {
  createCampaign,
  pauseCampaign,
  startCampaign,
} from "../services/campaigns.ts";
import { findUser } from "../services/users.ts";
import { attachCampaignMedia } from "../services/campaign_media.ts";
import { PNG } from "./composer_fixtures.ts";
import { hashToken } from "../services/auth.ts";

/**
 * Every state-changing route of the app, as Hono registers it. A new non-GET
 * route must be added here (the last test walks `app.routes` and fails
 * otherwise), and so runs through every CSRF refusal below. Routes under
 * /webhooks/ are exempt: carriers sign their requests instead.
 */
interface StateChangingRoute {
  /** "METHOD /path/:param" exactly as in `app.routes` */
  route: string;
  /** a concrete URL; by default the route with every :param set to 1 */
  path?: string;
  /** a form that succeeds; with it the test also proves the write happens */
  form?: Record<string, string>;
  /** false where no session exists yet: only the Origin check applies */
  session?: boolean;
  /** puts the database in the state where `form` succeeds */
  setup?: (t: TestApp) => Promise<void>;
}

/** The message form of a campaign's page. */
const CAMPAIGN_MESSAGE = {
  name: "Forged campaign",
  body: "Forged text",
  quiet_from: "08:00",
  quiet_until: "21:00",
};

const STATE_CHANGING: StateChangingRoute[] = [
  {
    route: "POST /login",
    form: { email: "ana@demo.test", password: DEMO_PASSWORD },
    session: false,
  },
  { route: "POST /logout", form: {} },
  {
    route: "POST /conversations/:id/messages",
    form: { body: "Forged reply", client_key: "csrf-test-0001" },
  },
  { route: "POST /conversations/:id/read", form: {} },
  {
    route: "POST /messages/:id/retry",
    // message 2 is ana's reply to Carmen; only a failed one may be retried
    path: "/messages/2/retry",
    form: {},
    setup: async (t) => {
      await t.db.client.execute(
        "update messages set status = 'failed' where id = 2 and direction = 'out'",
      );
    },
  },
  { route: "POST /conversations" },
  { route: "POST /conversations/:id/pin" },
  { route: "POST /conversations/:id/unpin" },
  {
    route: "POST /conversations/:id/pin/:direction{up|down}",
    path: "/conversations/1/pin/up",
  },
  { route: "POST /inboxes/:inboxId/pins/order" },
  { route: "POST /conversations/:id/unread" },
  { route: "POST /conversations/:id/assign" },
  { route: "POST /conversations/:id/close" },
  { route: "POST /conversations/:id/reopen" },
  { route: "POST /conversations/:id/spam" },
  { route: "POST /conversations/:id/move" },
  { route: "POST /conversations/:id/tags" },
  { route: "POST /conversations/:id/tags/new" },
  { route: "POST /conversations/:id/tags/:tagId/remove" },
  { route: "POST /conversations/:id/contact" },
  { route: "POST /conversations/:id/contact/new" },
  { route: "POST /contacts" },
  { route: "POST /contacts/:id" },
  { route: "POST /contacts/:id/favourite" },
  { route: "POST /contacts/:id/opt-out" },
  { route: "POST /inboxes/:inboxId/settings" },
  { route: "POST /inboxes/:inboxId/members" },
  { route: "POST /inboxes/:inboxId/members/:userId/remove" },
  { route: "POST /inboxes/:inboxId/tags" },
  { route: "POST /inboxes/:inboxId/tags/:tagId/delete" },
  { route: "POST /inboxes/:inboxId/canned" },
  { route: "POST /inboxes/:inboxId/canned/:id" },
  { route: "POST /inboxes/:inboxId/canned/:id/delete" },
  { route: "POST /prefs/tags" },
  // the team side: chats, presence, queues, notifications, numbers
  {
    route: "POST /chats/direct",
    form: { user_id: "4" },
    setup: (t) => expectUser(t, 4, "luis@demo.test"),
  },
  { route: "POST /chats", form: { name: "Night shift", member: "4" } },
  {
    route: "POST /chats/:id/messages",
    form: { body: "Forged chat message", client_key: "csrf-chat-0001" },
    setup: teamChat,
  },
  { route: "POST /chats/:id/read", form: {}, setup: teamChat },
  {
    route: "POST /chats/:id/members",
    form: { member: "2" },
    setup: teamChat,
  },
  {
    route: "POST /chats/:id/members/:userId/remove",
    path: "/chats/1/members/4/remove",
    form: {},
    setup: teamChat,
  },
  { route: "POST /chats/:id/leave", form: {}, setup: teamChat },
  // a file for a chat message (the upload form; ana is in team chat 1)
  { route: "POST /chats/:id/uploads", setup: teamChat },
  {
    route: "POST /me/status",
    form: { status: "available", message: "Back at 3" },
  },
  {
    route: "POST /me/language",
    form: { locale: "es", time_zone: "Europe/Madrid" },
  },
  { route: "POST /me/queues/:inboxId", form: { active: "0" } },
  {
    route: "POST /me/notifications/:inboxId",
    form: { level: "all", sound: "1" },
  },
  // admins and managers only: ana's allowed request is refused after CSRF
  { route: "POST /admin/numbers/:id/personal" },
  { route: "POST /admin/numbers/:id/inbox" },
  { route: "POST /inboxes/:inboxId/auto-assignment" },
  // campaigns: campaign 1 is ana's, on the Support line (number 1)
  { route: "POST /campaigns", form: { name: "Forged", number_id: "1" } },
  {
    route: "POST /campaigns/:id",
    form: CAMPAIGN_MESSAGE,
    setup: (t) => campaign(t, "draft"),
  },
  {
    route: "POST /campaigns/:id/audience",
    form: { source: "list", text: "+15552000001\n+15552000002" },
    setup: (t) => campaign(t, "draft"),
  },
  {
    route: "POST /campaigns/:id/recipients/:recipientId/remove",
    form: {},
    setup: (t) => campaign(t, "draft"),
  },
  {
    route: "POST /campaigns/:id/start",
    form: CAMPAIGN_MESSAGE,
    setup: (t) => campaign(t, "draft"),
  },
  {
    route: "POST /campaigns/:id/pause",
    form: {},
    setup: (t) => campaign(t, "running"),
  },
  {
    route: "POST /campaigns/:id/resume",
    form: {},
    setup: (t) => campaign(t, "paused"),
  },
  {
    route: "POST /campaigns/:id/cancel",
    form: {},
    setup: (t) => campaign(t, "running"),
  },
  // a draft's file: the upload is multipart (no form here), removing it
  // and deleting the draft are plain forms
  { route: "POST /campaigns/:id/media", setup: (t) => campaign(t, "draft") },
  {
    route: "POST /campaigns/:id/media/remove",
    form: {},
    setup: async (t) => {
      await campaign(t, "draft");
      const ana = (await findUser(t.db.orm, 3))!;
      await attachCampaignMedia(
        {
          db: t.db,
          clock: t.clock,
          media: t.deps.media,
          secret: t.deps.mediaUrlSecret,
        },
        ana,
        1,
        { name: "menu.png", bytes: PNG },
      );
    },
  },
  {
    route: "POST /campaigns/:id/delete",
    form: {},
    setup: (t) => campaign(t, "draft"),
  },
  // the rich composer and thread: conversation 1 is Carmen's (SMS), and
  // message 1 her first message
  { route: "POST /conversations/:id/uploads" },
  { route: "POST /conversations/:id/typing", form: {} },
  { route: "POST /messages/:id/reactions", form: { emoji: "👍" } },
  { route: "POST /conversations/:id/call", form: {} },
  {
    route: "POST /conversations/:id/meeting",
    form: {},
    setup: (t) => {
      t.deps.config.meetingUrlTemplate = "https://meet.example.test/{room}";
      return Promise.resolve();
    },
  },
  { route: "POST /conversations/:id/survey", form: {} },
  {
    // the customer's public page: no session, the Origin check alone
    route: "POST /s/:token",
    path: "/s/csrf-survey-token-0001",
    form: { rating: "5" },
    session: false,
    setup: async (t) => {
      const now = Date.now();
      await t.db.client.execute({
        sql: `insert into surveys (conversation_id, token_hash, created_at,
          expires_at) values (1, ?, ?, ?)`,
        args: [await hashToken("csrf-survey-token-0001"), now, now + 3600_000],
      });
    },
  },
];

/** Campaign 1, ana's, to one recipient (id 1), in the given state. */
async function campaign(t: TestApp, state: "draft" | "running" | "paused") {
  await expectUser(t, 3, "ana@demo.test");
  const ana = (await findUser(t.db.orm, 3))!;
  const c = await createCampaign(t.db, t.clock, ana, {
    name: "Campaign",
    numberId: 1,
  });
  assert.equal(c.id, 1);
  await addAudience(t.db, t.clock, ana, c.id, {
    kind: "list",
    text: "+15552000009",
  });
  if (state === "draft") return;
  await startCampaign(t.db, t.clock, ana, c.id, {
    name: "Campaign",
    body: "Hello",
    quietStart: 21 * 60,
    quietEnd: 8 * 60,
    scheduledAt: null,
  });
  if (state === "paused") await pauseCampaign(t.db, t.clock, ana, c.id);
}

/** The demo ids the forms above name (users are seeded in a fixed order). */
async function expectUser(t: TestApp, id: number, email: string) {
  const rs = await t.db.client.execute({
    sql: "select email from users where id = ?",
    args: [id],
  });
  assert.equal(rs.rows[0]?.email, email);
}

/** Team chat 1, started by ana (3) with luis (4), and a message from luis. */
async function teamChat(t: TestApp) {
  await expectUser(t, 3, "ana@demo.test");
  await expectUser(t, 4, "luis@demo.test");
  await t.db.client.batch([
    `insert into chats (id, kind, name, created_by, created_at, last_message_at)
      values (1, 'team', 'Ops', 3, 0, 0)`,
    `insert into chat_members (chat_id, user_id, joined_at)
      values (1, 3, 0), (1, 4, 0)`,
    `insert into chat_messages (id, chat_id, user_id, body, created_at)
      values (1, 1, 4, 'Hi', 0)`,
    "update chats set last_message_id = 1 where id = 1",
  ], "write");
}

const EXEMPT = /^\/webhooks\//;

function methodOf(r: StateChangingRoute): string {
  return r.route.split(" ")[0];
}

function pathOf(r: StateChangingRoute): string {
  return r.path ?? r.route.split(" ")[1].replace(/:\w+(\{[^}]*\})?/g, "1");
}

/**
 * The whole database as text: every row of every table. "Nothing written"
 * then means nothing, in any table, including ones added after this test.
 */
async function snapshot(t: TestApp): Promise<Record<string, string>> {
  const tables = (await t.db.client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'",
  )).rows.map((r) => String(r.name));
  const out: Record<string, string> = {};
  for (const table of tables) {
    const rows = (await t.db.client.execute(`select * from "${table}"`)).rows;
    out[table] = JSON.stringify(rows.map((r) => Object.values(r)));
  }
  return out;
}

/** A request with exactly these headers (plus the client's cookies). */
async function send(
  client: Client,
  r: StateChangingRoute,
  opts: { headers?: Record<string, string>; csrfField?: string },
): Promise<Response> {
  const headers = new Headers({
    "content-type": "application/x-www-form-urlencoded",
    ...opts.headers,
  });
  if (client.cookies.size) {
    headers.set(
      "cookie",
      [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    );
  }
  const form = { ...r.form };
  if (opts.csrfField !== undefined) form._csrf = opts.csrfField;
  return await client.t.app.request(`${client.t.origin}${pathOf(r)}`, {
    method: methodOf(r),
    headers,
    body: new URLSearchParams(form),
  });
}

interface Refusal {
  name: string;
  headers: (origin: string, token: string) => Record<string, string>;
  csrfField?: (token: string) => string;
  /** a token case: applies only to routes used with a session */
  needsSession?: boolean;
}

const OTHER_SESSION = "<luis's token>";

const REFUSALS: Refusal[] = [
  {
    name: "no Origin and no Sec-Fetch-Site",
    headers: (_o, token) => ({ "x-csrf-token": token }),
  },
  {
    name: "a foreign Origin",
    headers: (_o, token) => ({
      origin: "https://evil.test",
      "sec-fetch-site": "cross-site",
      "x-csrf-token": token,
    }),
  },
  {
    name: "a foreign Origin claiming same-origin fetch metadata",
    headers: (_o, token) => ({
      origin: "http://localhost:8001",
      "sec-fetch-site": "same-origin",
      "x-csrf-token": token,
    }),
  },
  {
    name: "no Origin and Sec-Fetch-Site cross-site",
    headers: (_o, token) => ({
      "sec-fetch-site": "cross-site",
      "x-csrf-token": token,
    }),
  },
  {
    name: "the null Origin of a sandboxed page",
    headers: (_o, token) => ({ origin: "null", "x-csrf-token": token }),
  },
  {
    name: "the right Origin and no token",
    headers: (origin) => ({ origin }),
    needsSession: true,
  },
  {
    name: "the right Origin and a wrong token header",
    headers: (origin, token) => ({
      origin,
      "x-csrf-token": token.slice(1) + "x",
    }),
    needsSession: true,
  },
  {
    name: "the right Origin and a wrong form token",
    headers: (origin) => ({ origin }),
    csrfField: (token) => token.toUpperCase() + "x",
    needsSession: true,
  },
  {
    name: "the right Origin and another session's token",
    headers: (origin) => ({ origin, "x-csrf-token": OTHER_SESSION }),
    needsSession: true,
  },
];

for (const r of STATE_CHANGING) {
  Deno.test(`${r.route} refuses cross-site and tokenless requests and writes nothing`, async () => {
    const t = await testApp();
    try {
      const withSession = r.session ?? true;
      const ana = withSession ? await loggedIn(t, "ana") : new Client(t);
      const luis = await loggedIn(t, "luis");
      await r.setup?.(t);
      for (const refusal of REFUSALS) {
        if (refusal.needsSession && !withSession) continue;
        const before = await snapshot(t);
        const headers = refusal.headers(t.origin, ana.csrf);
        if (headers["x-csrf-token"] === OTHER_SESSION) {
          headers["x-csrf-token"] = luis.csrf;
        }
        const res = await send(ana, r, {
          headers,
          csrfField: refusal.csrfField?.(ana.csrf),
        });
        assert.equal(res.status, 403, refusal.name);
        assert.match(await res.text(), /This form expired/, refusal.name);
        assert.deepEqual(await snapshot(t), before, refusal.name);
      }

      // the same request from our own page gets past the check, so the
      // refusals above are the CSRF check and nothing else
      const before = await snapshot(t);
      const ok = await send(ana, r, {
        headers: { origin: t.origin, "x-csrf-token": ana.csrf },
      });
      const text = await ok.text();
      assert.ok(ok.status < 500, `allowed request got ${ok.status}`);
      assert.doesNotMatch(text, /This form expired/);
      if (r.form) {
        assert.ok(ok.status < 400, `allowed request got ${ok.status}`);
        assert.notDeepEqual(await snapshot(t), before, "it wrote");
      }
    } finally {
      await t.close();
    }
  });
}

Deno.test("a plain form from our own page passes with its _csrf field and Sec-Fetch-Site", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const before = await countRows(t.db, "messages");
    const res = await send(ana, STATE_CHANGING[2], {
      headers: { "sec-fetch-site": "same-origin" },
      csrfField: ana.csrf,
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(await countRows(t.db, "messages"), before + 1);
  } finally {
    await t.close();
  }
});

Deno.test("the CSRF list covers every state-changing route of the app", async () => {
  const t = await testApp();
  try {
    const registered = new Set(
      t.app.routes
        // app.use() middleware registers as ALL on a wildcard path
        .filter((r) => !(r.method === "ALL" && r.path.endsWith("*")))
        .filter((r) => !["GET", "HEAD", "OPTIONS"].includes(r.method))
        .filter((r) => !EXEMPT.test(r.path))
        .map((r) => `${r.method} ${r.path}`),
    );
    const listed = new Set(STATE_CHANGING.map((r) => r.route));
    assert.equal(listed.size, STATE_CHANGING.length, "no route listed twice");
    assert.deepEqual(
      [...registered].filter((r) => !listed.has(r)),
      [],
      "routes missing from STATE_CHANGING",
    );
    assert.deepEqual(
      [...listed].filter((r) => !registered.has(r)),
      [],
      "STATE_CHANGING lists routes the app does not have",
    );
    // the webhooks are there, and exempt on purpose
    assert.ok(t.app.routes.some((r) => EXEMPT.test(r.path)));
  } finally {
    await t.close();
  }
});
