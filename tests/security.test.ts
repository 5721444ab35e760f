/**
 * Security tests (OWASP ASVS level 1, the items that apply to Bandeja).
 *
 * Covered elsewhere, not repeated here:
 * - CSRF on every state-changing route: tests/csrf.test.ts (walks app.routes);
 * - login brute-force limits, session cookie flags, session rotation at
 *   login and logout: tests/auth.test.ts;
 * - signed media URLs that expire or are tampered with:
 *   tests/media.test.ts ("a signed media URL works without a session until
 *   it expires; an expired or tampered one gets 403");
 * - a personal inbox is its owner's alone: tests/personal_numbers.test.ts;
 * - webhook signatures and the survey link's expiry: tests/webhooks.test.ts,
 *   tests/surveys.test.ts.
 *
 * Here: IDOR on every id-taking route, stored XSS through every text a
 * customer or agent writes, secure headers, the session fixation cases
 * auth.test.ts leaves out, and secrets kept out of logs.
 */
import assert from "node:assert/strict";
import {
  Client,
  DEMO_PASSWORD,
  loggedIn,
  TEST_SECRETS,
  type TestApp,
  testApp,
} from "./helpers.ts";
import {
  PDF_MINIMAL,
  q,
  twilioInbound,
  twilioRequest,
  whatsappInbound,
  whatsappRequest,
} from "./carrier_fixtures.ts";
import {
  PNG,
  sendWith,
  tokensIn,
  uploaded,
  uploadTo,
} from "./composer_fixtures.ts";
import { LiveStream } from "./live_stream.ts";
import { eventually, startStack } from "./stack.ts";
import { setLogLevel } from "../services/log.ts";
import { SESSION_COOKIE } from "../routes/auth.tsx";
import { latestEventId } from "../services/events.ts";
import { hashToken } from "../services/auth.ts";

// ---- shared --------------------------------------------------------------

/** A customer's survey link token (the path is /s/<token>). */
const SURVEY_TOKEN = "survey-token-0123456789abcdef";

/** The newest id of `table` matching `where`. */
async function idOf(t: TestApp, table: string, where = "1 = 1") {
  const [row] = await q(
    t,
    `select id from ${table} where ${where} order by id desc limit 1`,
  );
  assert.ok(row, `no row in ${table} where ${where}`);
  return Number(row.id);
}

/**
 * Every row of every table, as text, but for the session's own bookkeeping
 * (a session row may note when it was last used).
 */
async function snapshot(t: TestApp): Promise<Record<string, string>> {
  const tables = (await t.db.client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'",
  )).rows.map((r) => String(r.name));
  const out: Record<string, string> = {};
  for (const table of tables) {
    if (table === "sessions") {
      out[table] = String(
        (await t.db.client.execute("select count(*) as n from sessions"))
          .rows[0].n,
      );
      continue;
    }
    const rows = (await t.db.client.execute(`select * from "${table}"`)).rows;
    out[table] = JSON.stringify(rows.map((r) => Object.values(r)));
  }
  return out;
}

// ---- 1. IDOR -------------------------------------------------------------

/**
 * Routes that take no session: their own token is the key, and the tests
 * named here prove a wrong or expired one is refused.
 */
const IDOR_EXEMPT: Record<string, string> = {
  "POST /webhooks/twilio": "signed by Twilio (tests/webhooks.test.ts)",
  "POST /webhooks/twilio/status": "signed by Twilio (tests/webhooks.test.ts)",
  "POST /webhooks/telnyx": "signed by Telnyx (tests/webhooks.test.ts)",
  "POST /webhooks/whatsapp": "signed by Meta (tests/webhooks.test.ts)",
  "GET /webhooks/whatsapp": "Meta's verify token (tests/webhooks.test.ts)",
  "GET /s/:token": "the survey link's token is the key (surveys.test.ts)",
  "POST /s/:token": "the survey link's token is the key (surveys.test.ts)",
  "GET /media/signed/:id": "HMAC-signed, expiring URL (media.test.ts)",
  "GET /media/signed/:id/:name": "HMAC-signed, expiring URL (media.test.ts)",
  "GET /static/:hash/:name": "public, content-hashed assets",
};

/**
 * The demo and fixture records, as luis (a Support agent, not in Sales and
 * not in maria's chat) sees them: `hidden` he may not see or touch,
 * `visible` he may. A multi-id route is tried with each id hidden in turn.
 */
interface Fixture {
  hidden: string;
  visible: string;
}

/** What each route parameter names, keyed by "segment-before/:param". */
type ParamMap = Record<string, Fixture>;

interface IdorFixtures {
  params: ParamMap;
}

/**
 * Builds the records luis must not reach, through HTTP as maria (Sales
 * manager) and ana (Support agent), as the app itself makes them.
 */
async function idorFixtures(t: TestApp): Promise<IdorFixtures> {
  const maria = await loggedIn(t, "maria");
  const ana = await loggedIn(t, "ana");
  // so the meeting route gets past "not set up" to its access check
  t.deps.config.meetingUrlTemplate = "https://meet.example.test/{room}";
  const ok = async (res: Promise<Response>, what: string) => {
    const r = await res;
    const text = await r.text();
    assert.ok(r.status < 400, `${what}: ${r.status} ${text.slice(0, 300)}`);
  };
  // uploads a file to the newest chat matching `which` and posts it there
  const chatPost = async (
    c: Client,
    which: string,
    file: { name: string; bytes: Uint8Array; thumb?: Uint8Array },
  ) => {
    const chat = await idOf(t, "chats", `id ${which}`);
    const res = await uploadTo(c, `/chats/${chat}/uploads`, file, {
      thumb: file.thumb,
    });
    const [token] = tokensIn(await res.text());
    return c.post(`/chats/${chat}/messages`, { body: "", attachment: token });
  };
  // a Sales tag and canned response; Support ones for the mixed cases
  await ok(maria.post("/inboxes/2/tags", { name: "Sales VIP" }), "Sales tag");
  await ok(maria.post("/inboxes/1/tags", { name: "Support VIP" }), "tag");
  await ok(
    maria.post("/inboxes/2/canned", { key_phrase: "quote", body: "A quote" }),
    "Sales canned response",
  );
  await ok(
    ana.post("/inboxes/1/canned", { key_phrase: "hello", body: "Hello!" }),
    "Support canned response",
  );
  // a file on a Sales message (conversation 5, Sofía, WhatsApp)
  const token = await uploaded(maria, 5, {
    name: "quote.pdf",
    bytes: PDF_MINIMAL,
    type: "application/pdf",
  });
  await ok(sendWith(maria, 5, { body: "Our quote", tokens: [token] }), "file");
  // and one on a Support message (conversation 1, Carmen's SMS)
  const supportToken = await uploaded(ana, 1, {
    name: "label.pdf",
    bytes: PDF_MINIMAL,
    type: "application/pdf",
  });
  await ok(
    sendWith(ana, 1, { body: "Your label", tokens: [supportToken] }),
    "Support file",
  );
  // a chat between maria and ana; a team chat luis is in
  await ok(maria.post("/chats/direct", { user_id: "3" }), "maria's chat");
  await ok(
    ana.post("/chats", { name: "Support team", member: "4" }),
    "luis's chat",
  );
  // a file in each: a PDF in maria's, a photo with its preview in luis's
  await ok(
    chatPost(
      maria,
      "not in (select chat_id from chat_members where user_id = 4)",
      {
        name: "salaries.pdf",
        bytes: PDF_MINIMAL,
      },
    ),
    "a file in maria's chat",
  );
  await ok(
    chatPost(ana, "in (select chat_id from chat_members where user_id = 4)", {
      name: "rota.png",
      bytes: PNG,
      thumb: PNG,
    }),
    "a file in luis's chat",
  );
  // a campaign in Sales (its SMS number approved for it) and in Support
  await q(t, "update phone_numbers set registration = 'approved' where id = 4");
  await ok(maria.post("/campaigns", { name: "Sales", number_id: "4" }), "c");
  const salesCampaign = await idOf(t, "campaigns", "number_id = 4");
  await ok(
    maria.post(`/campaigns/${salesCampaign}/audience`, {
      source: "list",
      text: "+15552000001",
    }),
    "Sales audience",
  );
  await ok(ana.post("/campaigns", { name: "Support", number_id: "1" }), "c");
  const supportCampaign = await idOf(t, "campaigns", "number_id = 1");
  await ok(
    ana.post(`/campaigns/${supportCampaign}/audience`, {
      source: "list",
      text: "+15552000002",
    }),
    "Support audience",
  );
  // a file on each campaign (GET /campaigns/:id/media serves it)
  const menu = { name: "menu.png", bytes: PNG };
  await ok(uploadTo(maria, `/campaigns/${salesCampaign}/media`, menu), "f");
  await ok(uploadTo(ana, `/campaigns/${supportCampaign}/media`, menu), "f");

  const salesAttachment = await idOf(
    t,
    "attachments",
    "message_id in (select id from messages where conversation_id = 5)",
  );
  const supportAttachment = await idOf(
    t,
    "attachments",
    "message_id in (select id from messages where conversation_id = 1)",
  );
  const chatFileOf = (which: string) =>
    idOf(
      t,
      "chat_attachments",
      `chat_message_id in (select id from chat_messages where chat_id ${which})`,
    );
  const mariasChatFile = await chatFileOf(
    "not in (select chat_id from chat_members where user_id = 4)",
  );
  const luissChatFile = await chatFileOf(
    "in (select chat_id from chat_members where user_id = 4)",
  );
  const salesTag = await idOf(t, "tags", "inbox_id = 2");
  const supportTag = await idOf(t, "tags", "inbox_id = 1");
  const salesCanned = await idOf(t, "canned_responses", "inbox_id = 2");
  const supportCanned = await idOf(t, "canned_responses", "inbox_id = 1");
  const mariasChat = await idOf(
    t,
    "chats",
    "id not in (select chat_id from chat_members where user_id = 4)",
  );
  const luissChat = await idOf(
    t,
    "chats",
    "id in (select chat_id from chat_members where user_id = 4)",
  );
  const salesRecipient = await idOf(
    t,
    "campaign_recipients",
    `campaign_id = ${salesCampaign}`,
  );
  const supportRecipient = await idOf(
    t,
    "campaign_recipients",
    `campaign_id = ${supportCampaign}`,
  );
  const s = String;
  const params: ParamMap = {
    // Sales conversation 5 (Sofía); Support conversation 1 (Carmen)
    "conversations/:id": { hidden: "5", visible: "1" },
    // message 8 is Sofía's first, in Sales; message 1 Carmen's
    "messages/:id": { hidden: "8", visible: "1" },
    // contacts are shared by the whole organisation (services/contacts.ts):
    // none is hidden, so the probe is one that does not exist; what luis
    // sees of a Sales-only contact is tested below
    "contacts/:id": { hidden: "999999", visible: "1" },
    "inboxes/:inboxId": { hidden: "2", visible: "1" },
    "queues/:inboxId": { hidden: "2", visible: "1" },
    "notifications/:inboxId": { hidden: "2", visible: "1" },
    "tags/:tagId": { hidden: s(salesTag), visible: s(supportTag) },
    "canned/:id": { hidden: s(salesCanned), visible: s(supportCanned) },
    "canned/:cannedId": { hidden: s(salesCanned), visible: s(supportCanned) },
    "chats/:id": { hidden: s(mariasChat), visible: s(luissChat) },
    // in a chat: maria is not in luis's chat (and ana is in maria's)
    "members/:userId": { hidden: "2", visible: "3" },
    "campaigns/:id": { hidden: s(salesCampaign), visible: s(supportCampaign) },
    "recipients/:recipientId": {
      hidden: s(salesRecipient),
      visible: s(supportRecipient),
    },
    "media/:id": { hidden: s(salesAttachment), visible: s(supportAttachment) },
    // a file in maria's chat with ana; one in the team chat luis is in
    "chat-media/:id": { hidden: s(mariasChatFile), visible: s(luissChatFile) },
    // a number of Sales; numbers are for admins, luis is an agent
    "numbers/:id": { hidden: "3", visible: "1" },
    // history: a Sales conversation and file, seen through Support
    "history/:id": { hidden: "5", visible: "1" },
    "media/:fileId": {
      hidden: s(salesAttachment),
      visible: s(supportAttachment),
    },
    // not ids: the same value either way, the other id decides
    "panel/:tab": { hidden: "details", visible: "details" },
    "pin/:direction{up|down}": { hidden: "up", visible: "up" },
  };
  return { params };
}

/**
 * One form for every POST route: each route reads the fields it knows
 * (zod drops the rest), so each gets a request that would succeed on a
 * resource luis may touch. Ids in it name things luis may see.
 */
const PLAUSIBLE_FORM: Record<string, string> = {
  body: "IDOR probe",
  client_key: "idor-probe-0001",
  name: "IDOR probe",
  e164: "+15551239999",
  email: "probe@example.test",
  company: "",
  notes: "",
  color: "c1",
  tag_id: "1",
  inbox_id: "1",
  assignee: "me",
  contact_id: "1",
  number_id: "1",
  opted_out: "1",
  favourite: "1",
  member: "3",
  user_id: "3",
  emoji: "👍",
  source: "list",
  text: "+15552000003",
  quiet_from: "08:00",
  quiet_until: "21:00",
  active: "0",
  level: "all",
  sound: "1",
  key_phrase: "probe",
  order: "1,2",
  enabled: "1",
  max_open: "5",
  status: "available",
  message: "probe",
  assignment_mode: "1",
  allow_move: "1",
};

/** GET routes whose all-visible request is not a 200 for luis, and why. */
const GET_CONTROL_EXCEPTIONS: Record<string, string> = {
  "/inboxes/1/settings: 403": "inbox settings are for managers",
  "/inboxes/1/history/1: 404": "Support has no history from before it",
  "/inboxes/1/history/1/media/2: 404": "ditto",
  "/media/2/thumb: 404": "a PDF has no thumbnail",
};

/** The route's path with its params set; `hiddenParam` gets the hidden id. */
function concretePath(
  path: string,
  params: ParamMap,
  hiddenParam: string,
): string {
  const segments = path.split("/");
  return segments.map((seg, i) => {
    if (!seg.startsWith(":")) return seg;
    const key = `${segments[i - 1]}/${seg}`;
    const f = params[key];
    return key === hiddenParam ? f.hidden : f.visible;
  }).join("/");
}

/** "segment-before/:param" for each param of a route path. */
function paramKeys(path: string): string[] {
  const segments = path.split("/");
  return segments.flatMap((seg, i) =>
    seg.startsWith(":") ? [`${segments[i - 1]}/${seg}`] : []
  );
}

/** The session routes of the app that take an id in their path. */
function idRoutes(t: TestApp): { method: string; path: string }[] {
  const seen = new Set<string>();
  return t.app.routes
    .filter((r) => !(r.method === "ALL" && r.path.endsWith("*")))
    .filter((r) => r.path.includes(":"))
    .filter((r) => !(`${r.method} ${r.path}` in IDOR_EXEMPT))
    .filter((r) => {
      const k = `${r.method} ${r.path}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .map((r) => ({ method: r.method, path: r.path }));
}

Deno.test("every id-taking route has an IDOR fixture for each of its params, or is exempt with a reason", async () => {
  const t = await testApp();
  try {
    const { params } = await idorFixtures(t);
    const unknown = idRoutes(t).flatMap((r) =>
      paramKeys(r.path).filter((k) => !(k in params)).map((k) =>
        `${r.method} ${r.path} (${k})`
      )
    );
    assert.deepEqual(unknown, [], "params with no fixture: add them");
    const registered = new Set(
      t.app.routes.map((r) => `${r.method} ${r.path}`),
    );
    assert.deepEqual(
      Object.keys(IDOR_EXEMPT).filter((r) => !registered.has(r)),
      [],
      "IDOR_EXEMPT lists routes the app does not have",
    );
    assert.ok(idRoutes(t).length >= 60, "the walk finds the routes");
  } finally {
    await t.close();
  }
});

Deno.test("luis gets 404 or 403 from every id-taking route naming a record of an inbox or chat he is not in, and nothing is written", async () => {
  const t = await testApp();
  try {
    const { params } = await idorFixtures(t);
    const luis = await loggedIn(t, "luis");
    const failures: string[] = [];
    let tried = 0;
    for (const r of idRoutes(t)) {
      const keys = paramKeys(r.path).filter((k) => k in params);
      for (const hidden of keys) {
        if (params[hidden].hidden === params[hidden].visible) continue;
        const url = concretePath(r.path, params, hidden);
        const before = await snapshot(t);
        const res = r.method === "GET"
          ? await luis.request(url, { headers: { "hx-request": "true" } })
          : r.path.endsWith("/uploads") || r.path === "/campaigns/:id/media"
          ? await uploadTo(luis, url, {
            name: "probe.pdf",
            bytes: PDF_MINIMAL,
          })
          : await luis.post(url, PLAUSIBLE_FORM);
        const text = await res.text();
        tried++;
        const label = `${r.method} ${url} [${r.path}, ${hidden} hidden]`;
        if (res.status !== 404 && res.status !== 403) {
          failures.push(`${label}: ${res.status} ${text.slice(0, 120)}`);
        }
        // refused for the record, not by the CSRF check in front of it
        if (/This form expired/.test(text)) failures.push(`${label}: CSRF`);
        const after = await snapshot(t);
        const changed = Object.keys(after).filter((k) =>
          after[k] !== before[k]
        );
        if (changed.length) {
          failures.push(`${label}: wrote to ${changed.join(", ")}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(tried >= 60, `tried ${tried} requests`);

    // the control: the same GETs naming what luis may see are answered, so
    // the refusals above come from the access checks
    const controls: string[] = [];
    for (const r of idRoutes(t).filter((r) => r.method === "GET")) {
      const url = concretePath(r.path, params, "");
      const res = await luis.request(url, {
        headers: { "hx-request": "true" },
      });
      await res.body?.cancel();
      if (res.status !== 200) controls.push(`${url}: ${res.status}`);
    }
    assert.deepEqual(controls, Object.keys(GET_CONTROL_EXCEPTIONS));
  } finally {
    await t.close();
  }
});

Deno.test("ids in a form or a query string are checked like ids in the path: luis cannot reach Sales records through them", async () => {
  const t = await testApp();
  try {
    const { params } = await idorFixtures(t);
    const luis = await loggedIn(t, "luis");
    const salesTag = params["tags/:tagId"].hidden;
    const cases: [string, Record<string, string>][] = [
      // move a Support conversation into Sales
      ["/conversations/1/move", { inbox_id: "2" }],
      // put a Sales tag on a Support conversation
      ["/conversations/1/tags", { tag_id: salesTag }],
      // opt a contact out of a Sales number
      ["/contacts/1/opt-out", { number_id: "3", opted_out: "1" }],
      // a campaign from a Sales number
      ["/campaigns", { name: "Probe", number_id: "4" }],
      // a campaign's audience from a Sales tag
      [
        `/campaigns/${params["campaigns/:id"].visible}/audience`,
        { source: "tag", tag_id: salesTag },
      ],
      // a new conversation from a Sales number to a Sales-only contact
      [
        "/conversations",
        { to: "", contact_id: "4", number_id: "3", body: "Probe" },
      ],
      ["/conversations", {
        to: "+15551230004",
        number_id: "4",
        body: "Probe",
      }],
    ];
    const failures: string[] = [];
    for (const [url, form] of cases) {
      const before = await snapshot(t);
      const res = await luis.post(url, form);
      const text = await res.text();
      // refused outright, or answered with a form error (4xx): never done
      if (res.status < 400 || res.status >= 500) {
        failures.push(`${url} ${JSON.stringify(form)}: ${res.status}`);
      }
      const after = await snapshot(t);
      const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
      if (changed.length) {
        failures.push(
          `${url} ${JSON.stringify(form)}: wrote to ${changed.join(", ")} (${
            text.slice(0, 80)
          })`,
        );
      }
    }
    assert.deepEqual(failures, []);

    // and ids in a query string
    const report = await luis.request("/reports/surveys?inbox=2");
    await report.body?.cancel();
    assert.equal(report.status, 404, "a survey report of Sales");
    const preview = await luis.request(
      `/campaigns/${params["campaigns/:id"].visible}/preview?body=%7Bname%7D` +
        `&preview_recipient=${params["recipients/:recipientId"].hidden}`,
    );
    const html = await preview.text();
    assert.ok(preview.status === 200 || preview.status === 404);
    assert.doesNotMatch(html, /2000001/, "a Sales campaign's recipient");
  } finally {
    await t.close();
  }
});

Deno.test("luis's live stream never carries what happens in Sales", async () => {
  const t = await testApp();
  const streams: LiveStream[] = [];
  try {
    const luis = await loggedIn(t, "luis");
    const maria = await loggedIn(t, "maria");
    const after = await latestEventId(t.db.orm);
    const luisStream = await LiveStream.open(luis, after);
    streams.push(luisStream);
    const mariaStream = await LiveStream.open(maria, after);
    streams.push(mariaStream);
    const res = await t.app.request(
      await whatsappRequest(
        t.origin,
        whatsappInbound({
          from: "+15557770020",
          text: "Quote for 80 desks, Sales only",
          name: "Quiet Buyer",
        }),
      ),
    );
    await res.body?.cancel();
    assert.equal(res.status, 200);
    await accepted(
      maria.post("/conversations/5/messages", {
        body: "Sales reply, Sales only",
        client_key: "sales-only-0001",
      }),
      "maria's reply",
    );
    await mariaStream.expect("80 desks");
    await mariaStream.expect("Sales reply, Sales only");
    // luis's stream had as long as maria's, and then some more
    await luisStream.waitFor(() => false, 300);
    assert.doesNotMatch(luisStream.text, /Sales only|Quiet Buyer|80 desks/);
  } finally {
    for (const s of streams) await s.close();
    await t.close();
  }
});

Deno.test("a contact's page shows luis only the conversations of his own inboxes", async () => {
  const t = await testApp();
  try {
    const luis = await loggedIn(t, "luis");
    // Sofía (contact 4) has written to Sales only
    const res = await luis.request("/contacts/4");
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(html, /Sofía Torres/);
    assert.doesNotMatch(html, /20 chairs/, "a Sales message preview");
    assert.doesNotMatch(html, /href="\/conversations\/5"/);
    assert.doesNotMatch(html, /Sales WhatsApp|\+15550100002/);
  } finally {
    await t.close();
  }
});

// ---- 2. stored XSS -------------------------------------------------------

/** Breaks out of text, of both attribute quotes, and out of a tag. */
const XSS = `<img src=x onerror=alert(1)>"'><script>alert(1)</script>`;
/** The same for fields of at most 40 characters (tag names). */
const XSS_SHORT = `"'><img src=x onerror=alert(1)>`;
const RAW = [/<script>alert/i, /<img src=x onerror/i];
const ESCAPED = /&lt;img src=x onerror=alert\(1\)&gt;/;

/** Asserts a page or stream shows the payload, and only escaped. */
function assertEscaped(html: string, where: string, shows = true) {
  for (const raw of RAW) {
    assert.doesNotMatch(html, raw, `${where} carries ${raw} unescaped`);
  }
  if (shows) assert.match(html, ESCAPED, `${where} shows the payload`);
}

/** A response's text, after checking its status. */
async function page(client: Client, path: string, headers = {}) {
  const res = await client.request(path, { headers });
  const text = await res.text();
  assert.equal(res.status, 200, `${path}: ${text.slice(0, 200)}`);
  return text;
}

/** Asserts a write through the UI went through. */
async function accepted(res: Promise<Response>, what: string) {
  const r = await res;
  const text = await r.text();
  assert.ok(r.status < 400, `${what}: ${r.status} ${text.slice(0, 200)}`);
  return r;
}

Deno.test("text customers and agents write is shown escaped on every page and in the live stream, never as markup", async () => {
  const t = await testApp();
  const streams: LiveStream[] = [];
  try {
    const ana = await loggedIn(t, "ana");
    const maria = await loggedIn(t, "maria");
    const luis = await loggedIn(t, "luis");
    const after = await latestEventId(t.db.orm);
    for (const c of [ana, maria, luis]) {
      streams.push(await LiveStream.open(c, after));
    }
    const [anaStream, mariaStream, luisStream] = streams;
    const hook = async (req: Request) => {
      const res = await t.app.request(req);
      await res.body?.cancel();
      assert.equal(res.status, 200, req.url);
    };

    // the customer side: an SMS body, a WhatsApp profile name and a
    // WhatsApp document's file name
    await hook(
      await twilioRequest(
        t.origin,
        "/webhooks/twilio",
        twilioInbound({ from: "+15557770001", to: "+15550100001", body: XSS }),
      ),
    );
    await hook(
      await whatsappRequest(
        t.origin,
        whatsappInbound({ from: "+15557770002", text: "Hola", name: XSS }),
      ),
    );
    const doc = whatsappInbound({ from: "+15557770002", text: "", name: XSS });
    // deno-lint-ignore no-explicit-any
    const m = (doc as any).entry[0].changes[0].value.messages[0];
    m.type = "document";
    delete m.text;
    m.document = {
      id: "1234567890",
      mime_type: "application/pdf",
      filename: `${XSS}.pdf`,
    };
    await hook(await whatsappRequest(t.origin, doc));
    const smsConv = await idOf(
      t,
      "conversations",
      "contact_id = (select id from contacts where e164 = '+15557770001')",
    );
    const waConv = await idOf(
      t,
      "conversations",
      "contact_id = (select id from contacts where e164 = '+15557770002')",
    );
    const waContact = await idOf(t, "contacts", "e164 = '+15557770002'");
    const smsContact = await idOf(t, "contacts", "e164 = '+15557770001'");

    // the agent side
    await accepted(
      ana.post("/contacts/1", {
        name: XSS,
        e164: "+15551230001",
        email: "",
        company: XSS,
        notes: XSS,
      }),
      "contact edit",
    );
    await accepted(
      ana.post("/conversations/1/tags/new", { name: XSS_SHORT, color: "c1" }),
      "tag",
    );
    await accepted(
      ana.post("/inboxes/1/canned", { key_phrase: "xss", body: XSS }),
      "canned response",
    );
    await accepted(
      ana.post("/conversations/1/messages", {
        body: XSS,
        client_key: "xss-reply-0001",
      }),
      "reply",
    );
    // a file name loses everything up to its last slash (no </script>),
    // and Deno's multipart parser cuts a file name at its first "=" (a
    // runtime quirk): a payload without either
    const token = await uploaded(ana, 1, {
      name: "<script>alert(1).pdf",
      bytes: PDF_MINIMAL,
      type: "application/pdf",
    });
    await accepted(sendWith(ana, 1, { body: "", tokens: [token] }), "file");
    await accepted(ana.post("/chats/direct", { user_id: "4" }), "chat");
    const direct = await idOf(t, "chats", "kind = 'direct'");
    await accepted(
      ana.post(`/chats/${direct}/messages`, {
        body: XSS,
        client_key: "xss-chat-0001",
      }),
      "chat message",
    );
    // the same file name on a chat's file
    const chatFile = await uploadTo(ana, `/chats/${direct}/uploads`, {
      name: "<script>alert(1).pdf",
      bytes: PDF_MINIMAL,
      type: "application/pdf",
    });
    const chatChip = await chatFile.text();
    assert.equal(chatFile.status, 200, chatChip);
    assertEscaped(chatChip, "a chat file's chip", false);
    await accepted(
      ana.post(`/chats/${direct}/messages`, {
        body: "",
        attachment: tokensIn(chatChip)[0],
      }),
      "chat file",
    );
    await accepted(ana.post("/chats", { name: XSS, member: "4" }), "team");
    const team = await idOf(t, "chats", "kind = 'team'");
    await accepted(
      ana.post("/campaigns", { name: XSS, number_id: "1" }),
      "campaign",
    );
    const campaign = await idOf(t, "campaigns");
    await accepted(
      ana.post("/me/status", { status: "available", message: XSS }),
      "status message",
    );

    // every text above is stored as written (the escaping is the views')
    const stored = await q(
      t,
      `select (select count(*) from attachments where filename like ?) as files,
        (select count(*) from chat_attachments where filename like ?)
          as chatFiles,
        (select count(*) from messages where body = ?) as bodies,
        (select count(*) from contacts where name = ?) as names`,
      ["%<script>alert(1)%", "%<script>alert(1)%", XSS, XSS],
    );
    assert.deepEqual(
      { ...stored[0] },
      { files: 2, chatFiles: 1, bodies: 2, names: 2 },
      `the customer's and the agent's payloads are stored: ${
        JSON.stringify(await q(t, "select filename from attachments"))
      }`,
    );

    const pages: [Client, string, boolean?][] = [
      [ana, "/inboxes/1"],
      [ana, `/conversations/${smsConv}`],
      [ana, "/conversations/1"],
      [ana, "/conversations/1?panel=contact"],
      [ana, "/conversations/1?panel=details"],
      [ana, "/conversations/1/panel/contact"],
      [ana, "/conversations/1/panel/details"],
      [ana, "/conversations/1/head"],
      [ana, "/contacts"],
      [ana, "/contacts/1"],
      [ana, `/contacts/${smsContact}`],
      [ana, "/inboxes/1/canned"],
      [ana, "/conversations/1/canned"],
      [ana, "/conversations/1/canned/options"],
      [ana, "/conversations/1/canned/suggest?q=xs"],
      [ana, "/chats"],
      [ana, `/chats/${direct}`],
      [ana, `/chats/${team}`],
      [ana, "/campaigns"],
      [ana, `/campaigns/${campaign}`],
      [ana, "/me"],
      [luis, "/chats"],
      [luis, `/chats/${direct}`],
      [maria, "/inboxes/1/settings"],
      [maria, "/inboxes/2"],
      [maria, `/conversations/${waConv}`],
      [maria, `/contacts/${waContact}`],
      [maria, "/contacts?q=img"],
      [maria, "/conversations/new/contacts?to=img"],
    ];
    for (const [client, path, shows] of pages) {
      assertEscaped(await page(client, path), path, shows);
      assertEscaped(
        await page(client, path, { "hx-request": "true" }),
        `${path} (htmx)`,
        shows,
      );
    }

    // the live stream carried the same texts to the other tabs
    await anaStream.waitFor((s) => ESCAPED.test(s));
    await mariaStream.waitFor((s) => ESCAPED.test(s));
    await luisStream.waitFor((s) => ESCAPED.test(s));
    assertEscaped(anaStream.text, "ana's stream");
    assertEscaped(mariaStream.text, "maria's stream");
    assertEscaped(luisStream.text, "luis's stream");
  } finally {
    for (const s of streams) await s.close();
    await t.close();
  }
});

// ---- 3. secure headers ---------------------------------------------------

/** The CSP's directives, by name. */
function cspOf(res: Response): Map<string, string[]> {
  const csp = res.headers.get("content-security-policy") ?? "";
  return new Map(
    csp.split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0])
      .map(([name, ...values]) => [name.toLowerCase(), values]),
  );
}

/** The headers every answer carries, whatever made it. */
function assertSecureHeaders(res: Response, what: string) {
  const csp = cspOf(res);
  assert.ok(csp.size, `${what}: a Content-Security-Policy`);
  // script-src falls back to default-src (CSP3 §6.1.1)
  const scripts: string[] = csp.get("script-src") ?? csp.get("default-src") ??
    [];
  // only our origin (or nothing): no 'unsafe-inline', 'unsafe-eval', hosts
  assert.ok(scripts.length, `${what}: a script-src or default-src`);
  assert.deepEqual(
    scripts.filter((s) => s !== "'self'" && s !== "'none'"),
    [],
    `${what}: scripts from our origin only`,
  );
  assert.deepEqual(csp.get("frame-ancestors"), ["'none'"], what);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff", what);
  assert.ok(res.headers.get("referrer-policy"), `${what}: a Referrer-Policy`);
  assert.equal(res.headers.get("x-frame-options"), "DENY", what);
}

Deno.test("pages, fragments, assets, files, webhook answers and errors carry a strict CSP, nosniff, a referrer policy and no framing", async () => {
  const t = await testApp();
  try {
    const anon = new Client(t);
    const login = await anon.request("/login");
    const loginHtml = await login.text();
    assertSecureHeaders(login, "the login page");

    const ana = await loggedIn(t, "ana");
    const pageRes = await ana.request("/inboxes/1");
    const html = await pageRes.text();
    assertSecureHeaders(pageRes, "a page");
    // no inline script or handler for a strict CSP to have to allow
    assert.doesNotMatch(html + loginHtml, /<script(?![^>]*\bsrc=)[^>]*>/i);
    assert.doesNotMatch(html + loginHtml, /\son[a-z]+=/i);

    const fragment = await ana.request("/conversations/1/head", {
      headers: { "hx-request": "true" },
    });
    await fragment.body?.cancel();
    assert.equal(fragment.status, 200);
    assertSecureHeaders(fragment, "an htmx fragment");

    const asset = /(?:src|href)="(\/static\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, "the page loads a script from /static/");
    const assetRes = await anon.request(asset);
    await assetRes.body?.cancel();
    assert.equal(assetRes.status, 200);
    assertSecureHeaders(assetRes, "a static asset");

    const token = await uploaded(ana, 1, {
      name: "label.pdf",
      bytes: PDF_MINIMAL,
      type: "application/pdf",
    });
    await accepted(sendWith(ana, 1, { body: "", tokens: [token] }), "file");
    const file = await ana.request(`/media/${await idOf(t, "attachments")}`);
    await file.body?.cancel();
    assert.equal(file.status, 200);
    assertSecureHeaders(file, "a media file");
    // a file is never run as a page of ours
    assert.ok(cspOf(file).has("sandbox"), "a media file is sandboxed");
    assert.match(file.headers.get("content-disposition") ?? "", /attachment/);

    const hook = await t.app.request(
      await twilioRequest(
        t.origin,
        "/webhooks/twilio",
        twilioInbound({ from: "+15557770003", to: "+15550100001", body: "Hi" }),
      ),
    );
    await hook.body?.cancel();
    assert.equal(hook.status, 200);
    assertSecureHeaders(hook, "a webhook answer");

    // a survey link keeps its stricter policy: its token is in the URL
    await q(
      t,
      `insert into surveys (conversation_id, token_hash, created_at,
        expires_at) values (1, ?, ?, ?)`,
      [await hashToken(SURVEY_TOKEN), Date.now(), Date.now() + 3600_000],
    );
    const survey = await anon.request(`/s/${SURVEY_TOKEN}`);
    await survey.body?.cancel();
    assert.equal(survey.status, 200);
    assertSecureHeaders(survey, "a survey page");
    assert.equal(survey.headers.get("referrer-policy"), "no-referrer");

    const missing = await ana.request("/no-such-page");
    await missing.body?.cancel();
    assert.equal(missing.status, 404);
    assertSecureHeaders(missing, "a 404");

    const refused = await ana.request("/conversations/1/close", {
      method: "POST",
      headers: { origin: "https://evil.test" },
    });
    await refused.body?.cancel();
    assert.equal(refused.status, 403);
    assertSecureHeaders(refused, "a CSRF refusal");
  } finally {
    await t.close();
  }
});

Deno.test("the session cookie is HttpOnly and SameSite=Lax, and Secure behind an https PUBLIC_URL", async () => {
  // auth.test.ts proves each flag on the login answer; this checks every
  // cookie the app sets on the way through a session, both ways
  for (const publicUrl of ["http://localhost:8000", "https://bandeja.test"]) {
    const t = await testApp({ env: { PUBLIC_URL: publicUrl } });
    try {
      const c = new Client(t);
      const setCookies: string[] = [];
      const track = async (res: Promise<Response>) => {
        const r = await res;
        await r.body?.cancel();
        setCookies.push(...r.headers.getSetCookie());
      };
      await track(c.request("/login"));
      await track(c.request("/login", {
        method: "POST",
        body: new URLSearchParams({
          email: "ana@demo.test",
          password: DEMO_PASSWORD,
        }),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }));
      await track(c.request("/inboxes/1"));
      const live = setCookies.filter((s) => !/max-age=0/i.test(s));
      assert.ok(
        live.some((s) => s.startsWith(`${SESSION_COOKIE}=`)),
        "login sets the session cookie",
      );
      for (const cookie of live) {
        assert.match(cookie, /;\s*HttpOnly/i, cookie);
        assert.match(cookie, /;\s*SameSite=Lax/i, cookie);
        assert.match(cookie, /;\s*Path=\//i, cookie);
        if (publicUrl.startsWith("https:")) {
          assert.match(cookie, /;\s*Secure/i, cookie);
        } else assert.doesNotMatch(cookie, /;\s*Secure/i, cookie);
      }
    } finally {
      await t.close();
    }
  }
});

// ---- 4. session fixation -------------------------------------------------

// auth.test.ts ("the session id rotates at login…") proves a planted random
// value is never adopted and that logging in again replaces one's own
// session; these are the cases it leaves out.

Deno.test("logging in over another user's planted session replaces it: the victim gets a new session of their own, the planted one dies", async () => {
  const t = await testApp();
  try {
    // the attacker's own valid session, planted in the victim's browser
    const attacker = await loggedIn(t, "luis");
    const planted = attacker.cookies.get(SESSION_COOKIE)!;
    assert.ok(planted);
    const victim = new Client(t);
    victim.cookies.set(SESSION_COOKIE, planted);
    // with a session, a login form needs that session's CSRF token: the
    // victim's browser has it from the pages the planted session shows
    const shown = await victim.request("/inboxes/1");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await shown.text())?.[1];
    assert.equal(csrf, attacker.csrf);
    const res = await victim.request("/login", {
      method: "POST",
      body: new URLSearchParams({
        email: "ana@demo.test",
        password: DEMO_PASSWORD,
        _csrf: csrf!,
      }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    victim.csrf = /name="_csrf" value="([^"]+)"/.exec(
      await (await victim.request("/inboxes/1")).text(),
    )?.[1] ?? "";
    const fresh = victim.cookies.get(SESSION_COOKIE)!;
    assert.ok(fresh && fresh !== planted, "a new session id at login");
    assert.notEqual(victim.csrf, attacker.csrf, "and a new CSRF token");

    // the victim is ana, and what the attacker holds opens nothing
    const me = await victim.request("/me");
    assert.match(await me.text(), /title="ana@demo.test"/);
    const stale = await attacker.request("/inboxes/1");
    await stale.body?.cancel();
    assert.equal(stale.status, 302);
    assert.match(stale.headers.get("location") ?? "", /^\/login/);
    const [{ n }] = await q(
      t,
      "select count(*) as n from sessions where user_id = 4",
    );
    assert.equal(Number(n), 0, "luis's planted session row is gone");
  } finally {
    await t.close();
  }
});

Deno.test("a session id is long and random, stored only as a hash, and a planted value never becomes a session", async () => {
  const t = await testApp();
  try {
    const planted = "planted-0123456789abcdef0123456789abcdef";
    const c = new Client(t);
    c.cookies.set(SESSION_COOKIE, planted);
    const res = await c.login("ana@demo.test");
    assert.equal(res.status, 303);
    const token = c.cookies.get(SESSION_COOKIE)!;
    // at least 128 bits of randomness (ASVS 3.2.2), in any common encoding
    assert.ok(token.length >= 22, `a session id of ${token.length} chars`);
    const other = await loggedIn(t, "ana");
    assert.notEqual(other.cookies.get(SESSION_COOKIE), token);
    const rows = JSON.stringify(await q(t, "select * from sessions"));
    assert.ok(!rows.includes(token), "the session table holds no raw id");
    assert.ok(!rows.includes(planted), "nor the planted value");
    // the planted value opens nothing, before or after
    const probe = new Client(t);
    probe.cookies.set(SESSION_COOKIE, planted);
    const page = await probe.request("/inboxes/1");
    await page.body?.cancel();
    assert.equal(page.status, 302);
  } finally {
    await t.close();
  }
});

// ---- 5. secrets never in logs --------------------------------------------

/** Everything written to the console while `run` runs. */
async function captureConsole(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const saved = { log: console.log, warn: console.warn, error: console.error };
  const keep = (...args: unknown[]) => {
    lines.push(
      args.map((a) =>
        typeof a === "string"
          ? a
          : a instanceof Error
          ? `${a.message}\n${a.stack}`
          : JSON.stringify(a)
      ).join(" "),
    );
  };
  console.log = console.warn = console.error = keep;
  setLogLevel("debug");
  try {
    await run();
  } finally {
    Object.assign(console, saved);
    setLogLevel(
      (Deno.env.get("LOG_LEVEL") as "debug" | "info" | "warn" | "error") ??
        "info",
    );
  }
  return lines.join("\n");
}

Deno.test("passwords, carrier secrets, session ids and CSRF tokens never reach the logs, on success, refusal, send or crash", async () => {
  const stack = await startStack();
  const clients: Client[] = [];
  let session = "";
  try {
    const output = await captureConsole(async () => {
      // a failed and a good login with the demo password
      const wrong = new Client(stack);
      const bad = await wrong.login("ana@demo.test", `${DEMO_PASSWORD}-typo`);
      assert.equal(bad.status, 401);
      const ana = await loggedIn(stack, "ana");
      clients.push(ana);

      // a signed webhook, and ones with a bad signature
      const form = twilioInbound({
        from: "+15557770009",
        to: "+15550100001",
        body: "Hello",
      });
      const good = await stack.app.request(
        await twilioRequest(stack.origin, "/webhooks/twilio", form),
      );
      await good.body?.cancel();
      assert.equal(good.status, 200);
      const forged = await stack.app.request(
        await twilioRequest(stack.origin, "/webhooks/twilio", form, {
          token: "not-the-token",
        }),
      );
      await forged.body?.cancel();
      assert.equal(forged.status, 403);
      const forgedMeta = await stack.app.request(
        await whatsappRequest(
          stack.origin,
          whatsappInbound({ from: "+15557770010", text: "Hi" }),
          { secret: "not-the-secret" },
        ),
      );
      await forgedMeta.body?.cancel();
      assert.ok(forgedMeta.status >= 400 && forgedMeta.status < 500);

      // a reply with a file, through the outbox to the carrier simulator
      const token = await uploaded(ana, 1, {
        name: "label.pdf",
        bytes: PDF_MINIMAL,
        type: "application/pdf",
      });
      await accepted(
        sendWith(ana, 1, { body: "On its way", tokens: [token] }),
        "reply",
      );
      await eventually(
        async () =>
          (await q(
            stack,
            "select status from messages where body = 'On its way' and status in ('sent', 'delivered')",
          )).length > 0,
        5000,
        "the reply to be sent",
      );

      // a customer's survey link: its token is in the path
      await q(
        stack,
        `insert into surveys (conversation_id, token_hash, created_at,
          expires_at) values (1, ?, ?, ?)`,
        [await hashToken(SURVEY_TOKEN), Date.now(), Date.now() + 3600_000],
      );
      const survey = await new Client(stack).request(`/s/${SURVEY_TOKEN}`);
      await survey.body?.cancel();
      assert.equal(survey.status, 200);

      // a crash: a table the canned picker reads is gone
      await q(stack, "alter table canned_responses rename to canned_gone");
      const crash = await ana.request("/conversations/1/canned", {
        headers: { "hx-request": "true", "x-csrf-token": ana.csrf },
      });
      await crash.body?.cancel();
      assert.equal(crash.status, 500);
      await q(stack, "alter table canned_gone rename to canned_responses");
      session = ana.cookies.get(SESSION_COOKIE) ?? "";
      await ana.request("/logout", {
        method: "POST",
        headers: { "x-csrf-token": ana.csrf },
      }).then((r) => r.body?.cancel());
    });
    const ana = clients[0];
    assert.match(output, /unhandled error/, "the crash was logged");
    assert.match(output, /"msg":"request"/, "requests were logged");
    // a signed media URL is a key to the file until it expires
    assert.doesNotMatch(output, /[?&]sig=[\w-]{8}/, "a media URL signature");
    const secrets: Record<string, string> = {
      ...TEST_SECRETS,
      password: DEMO_PASSWORD,
      session,
      csrf: ana.csrf,
      surveyToken: SURVEY_TOKEN,
    };
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(value.length >= 8, `${name} is a real value`);
      assert.ok(!output.includes(value), `${name} appears in the logs`);
    }
  } finally {
    await stack.stop();
  }
});

Deno.test("a survey comment, a campaign's message and a recipient's name are shown escaped", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    await q(
      t,
      `insert into surveys (conversation_id, token_hash, created_at,
        expires_at) values (1, ?, ?, ?)`,
      [await hashToken(SURVEY_TOKEN), Date.now(), Date.now() + 3600_000],
    );
    // the customer answers from their own browser, without a session
    const customer = new Client(t);
    await accepted(
      customer.request(`/s/${SURVEY_TOKEN}`, {
        method: "POST",
        body: new URLSearchParams({ rating: "2", comment: XSS }),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      "survey answer",
    );
    await accepted(
      ana.post("/campaigns", { name: "Spring", number_id: "1" }),
      "campaign",
    );
    const campaign = await idOf(t, "campaigns");
    await accepted(
      ana.post(`/campaigns/${campaign}/audience`, {
        source: "hand",
        number: "+15552000011",
        name: XSS,
      }),
      "recipient",
    );
    await accepted(
      ana.post(`/campaigns/${campaign}`, {
        name: XSS,
        body: `Hi {name}! ${XSS}`,
        quiet_from: "08:00",
        quiet_until: "21:00",
      }),
      "campaign message",
    );
    for (
      const path of [
        "/reports/surveys",
        `/campaigns/${campaign}`,
        `/campaigns/${campaign}/recipients`,
        `/campaigns/${campaign}/preview?body=${encodeURIComponent(XSS)}`,
        "/campaigns",
      ]
    ) {
      assertEscaped(await page(ana, path), path);
    }
  } finally {
    await t.close();
  }
});

Deno.test("what a URL or a search carries is echoed escaped (reflected XSS)", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const x = encodeURIComponent(XSS);
    const short = encodeURIComponent(XSS_SHORT);
    // [who, path, status, whether the page shows what it was given]
    const pages: [Client, string, number, boolean][] = [
      [new Client(t), `/login?next=${x}`, 200, true],
      [ana, `/inboxes/1?q=${x}`, 200, true],
      [ana, `/inboxes/1/list?q=${x}`, 200, false],
      [ana, `/contacts?q=${x}`, 200, true],
      [ana, `/contacts/results?q=${x}`, 200, true],
      [ana, `/conversations/new?to=${x}`, 200, true],
      [ana, `/conversations/new/contacts?to=${x}`, 200, false],
      [ana, `/conversations/1?q=${x}&panel=contact`, 200, true],
      [ana, `/conversations/1/panel/contact/search?q=${x}`, 200, true],
      [ana, `/conversations/1/canned/suggest?q=${short}`, 200, false],
      [ana, `/emoji?q=${short}`, 200, true],
      [ana, `/s/${x}`, 404, false],
    ];
    for (const [client, path, status, echoes] of pages) {
      const variants: Record<string, string>[] = [{}, { "hx-request": "true" }];
      for (const headers of variants) {
        const res = await client.request(path, { headers });
        const html = await res.text();
        assert.equal(res.status, status, `${path}: ${html.slice(0, 200)}`);
        assertEscaped(html, path, echoes);
      }
    }
    // a failed login shows the email it was given
    const res = await new Client(t).request("/login", {
      method: "POST",
      body: new URLSearchParams({ email: XSS, password: "x", next: XSS }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const html = await res.text();
    assert.equal(res.status, 401);
    assertEscaped(html, "the failed login page");
  } finally {
    await t.close();
  }
});
