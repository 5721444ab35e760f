import assert from "node:assert/strict";
import { latestEventId } from "../services/events.ts";
import {
  type Client,
  demoIds,
  loggedIn,
  type TestApp,
  testApp,
} from "./helpers.ts";

/** One parsed SSE message: its id (if any) and its data lines joined. */
interface SseMessage {
  id: number | null;
  data: string;
}

/**
 * Reads an SSE response. One read is kept pending across calls, so a timed
 * out wait loses no bytes; `close()` cancels the stream (ending the server's
 * side) and must be called by every test.
 */
class SseReader {
  readonly messages: SseMessage[] = [];
  /** every byte received, comments and all */
  raw = "";
  done = false;
  #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";
  #pending: Promise<ReadableStreamReadResult<string>> | null = null;

  constructor(res: Response) {
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    this.#reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** All data received so far. */
  get text(): string {
    return this.messages.map((m) => m.data).join("\n");
  }

  /** Reads until `ready()` holds or the stream ends; fails after `ms`. */
  async until(
    ready: () => boolean,
    ms = 1000,
    what = "the stream",
  ): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      if (this.done) throw new Error(`${what}: stream ended first`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: nothing within ${ms} ms`);
      this.#pending ??= this.#reader.read();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), left);
      });
      const result = await Promise.race([this.#pending, timeout]);
      clearTimeout(timer);
      if (result === "timeout") continue;
      this.#pending = null;
      if (result.done) {
        this.done = true;
        continue;
      }
      this.#push(result.value);
    }
  }

  /** Reads for `ms` and returns what arrived (for "nothing arrives" checks). */
  async idle(ms: number): Promise<void> {
    try {
      await this.until(() => false, ms);
    } catch (err) {
      if (!String(err).includes("nothing within")) throw err;
    }
  }

  #push(chunk: string) {
    this.raw += chunk;
    this.#buffer += chunk;
    let end;
    while ((end = this.#buffer.indexOf("\n\n")) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let id: number | null = null;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("id: ")) id = Number(line.slice(4));
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (id !== null || data.length) {
        this.messages.push({ id, data: data.join("\n") });
      }
    }
  }

  async close(): Promise<void> {
    await this.#reader.cancel();
    await this.#pending?.catch(() => {});
  }
}

async function openStream(
  c: Client,
  opts: { after?: number; lastEventId?: number } = {},
): Promise<SseReader> {
  const headers: Record<string, string> = {};
  if (opts.lastEventId !== undefined) {
    headers["last-event-id"] = String(opts.lastEventId);
  }
  const query = opts.after !== undefined ? `?after=${opts.after}` : "";
  return new SseReader(await c.request(`/events${query}`, { headers }));
}

/** Sends a reply over HTTP as the composer does; returns the message id. */
async function reply(
  t: TestApp,
  c: Client,
  conversationId: number,
  body: string,
): Promise<number> {
  const res = await c.post(`/conversations/${conversationId}/messages`, {
    body,
  });
  await res.body?.cancel();
  assert.equal(res.status, 200);
  const rs = await t.db.client.execute({
    sql: "select max(id) as id from messages where body = ?",
    args: [body],
  });
  return Number(rs.rows[0].id);
}

/** How often message `id` was delivered as a thread update. */
function deliveries(r: SseReader, id: number): number {
  return r.text.split(`id="msg-${id}"`).length - 1;
}

Deno.test("a reply reaches another member's open stream within a second", async () => {
  const t = await testApp();
  const ana = await loggedIn(t, "ana");
  const luis = await loggedIn(t, "luis");
  const stream = await openStream(luis, {
    after: await latestEventId(t.db.orm),
  });
  try {
    const started = Date.now();
    const id = await reply(t, ana, 1, "On its way 🚚");
    await stream.until(() => deliveries(stream, id) > 0, 1000, "the reply");
    assert.ok(Date.now() - started < 1000);
    const frame = stream.messages.find((m) => m.data.includes(`msg-${id}`))!;
    assert.ok(frame.id !== null && frame.id > 0, "the frame has an id");
    assert.match(frame.data, /On its way 🚚/);
    // the thread update and the list row (moved to the top, unread for luis)
    assert.match(frame.data, /<hx-upsert hx-target="#messages-1"/);
    assert.match(frame.data, /<li id="conv-1" class="unread"/);
    assert.equal(deliveries(stream, id), 1);
  } finally {
    await stream.close();
    await t.close();
  }
});

Deno.test("the stream opens with a retry hint and the sender's own copy is not unread", async () => {
  const t = await testApp();
  const ana = await loggedIn(t, "ana");
  const res = await ana.request(
    `/events?after=${await latestEventId(t.db.orm)}`,
  );
  assert.equal(res.headers.get("cache-control"), "no-cache, no-transform");
  assert.equal(res.headers.get("content-encoding"), null);
  const stream = new SseReader(res);
  try {
    const id = await reply(t, ana, 2, "Mine");
    await stream.until(() => deliveries(stream, id) > 0);
    assert.match(stream.raw, /^retry: \d+\n/);
    assert.match(stream.text, /<li id="conv-2"[\s>]/);
    assert.doesNotMatch(stream.text, /<li id="conv-2" class="unread"/);
  } finally {
    await stream.close();
    await t.close();
  }
});

Deno.test("Last-Event-ID replays exactly the missed events, once, in order", async () => {
  const t = await testApp();
  const ana = await loggedIn(t, "ana");
  const luis = await loggedIn(t, "luis");
  const before = await latestEventId(t.db.orm);
  const missed = [
    await reply(t, ana, 1, "missed one"),
    await reply(t, ana, 2, "missed two"),
    await reply(t, ana, 1, "missed three"),
  ];
  const stream = await openStream(luis, { lastEventId: before });
  try {
    await stream.until(
      () => missed.every((id) => deliveries(stream, id) > 0),
      1000,
      "the replay",
    );
    const order = missed.map((id) => stream.text.indexOf(`id="msg-${id}"`));
    assert.deepEqual([...order].sort((a, b) => a - b), order, "in order");
    // nothing older than Last-Event-ID came back
    assert.doesNotMatch(stream.text, /Hola, my order|Thanks 🙏/);

    // live events after the replay do not repeat it
    const live = await reply(t, ana, 2, "after the replay");
    await stream.until(() => deliveries(stream, live) > 0, 1000, "live");
    await stream.idle(200);
    for (const id of [...missed, live]) {
      assert.equal(deliveries(stream, id), 1, `message ${id} once`);
    }
    const ids = stream.messages.map((m) => m.id).filter((x) => x !== null);
    assert.deepEqual([...ids].sort((a, b) => a! - b!), ids, "ids increase");
    assert.equal(new Set(ids).size, ids.length, "no id twice");
    assert.ok(ids[0]! > before);
    // a reconnect from the last id seen gets nothing again
    const again = await openStream(luis, { lastEventId: ids.at(-1)! });
    try {
      await again.idle(300);
      assert.equal(again.text, "");
    } finally {
      await again.close();
    }
  } finally {
    await stream.close();
    await t.close();
  }
});

Deno.test("Last-Event-ID wins over ?after= and a malformed one replays from the start", async () => {
  const t = await testApp();
  const ana = await loggedIn(t, "ana");
  const before = await latestEventId(t.db.orm);
  const id = await reply(t, ana, 1, "replay me");
  const res = await ana.request(`/events?after=${before + 100}`, {
    headers: { "last-event-id": String(before) },
  });
  const stream = new SseReader(res);
  try {
    await stream.until(() => deliveries(stream, id) === 1);
  } finally {
    await stream.close();
  }
  const bad = new SseReader(
    await ana.request("/events", { headers: { "last-event-id": "x'; --" } }),
  );
  try {
    await bad.until(() => deliveries(bad, id) === 1);
  } finally {
    await bad.close();
    await t.close();
  }
});

Deno.test("a user outside an inbox receives none of its events, live or replayed", async () => {
  const t = await testApp();
  const { conversations } = await demoIds(t.db);
  const salesConv = conversations.find((c) => c.inbox === "Sales")!.id;
  const ana = await loggedIn(t, "ana");
  const luis = await loggedIn(t, "luis");
  const maria = await loggedIn(t, "maria");
  const before = await latestEventId(t.db.orm);
  const stream = await openStream(luis, { after: before });
  try {
    const secret = await reply(t, maria, salesConv, "Sales secret: 20% off");
    const salesEvent = await latestEventId(t.db.orm);
    // maria opening the Sales conversation is her own business too
    const open = await maria.request(`/conversations/${salesConv}`);
    await open.body?.cancel();
    const visible = await reply(t, ana, 1, "Support news");
    await stream.until(() => deliveries(stream, visible) > 0, 1000, "support");
    await stream.idle(150);
    assert.equal(deliveries(stream, secret), 0);
    assert.doesNotMatch(stream.text, /Sales secret/);
    assert.ok(!stream.text.includes(`id="conv-${salesConv}"`));
    assert.ok(!stream.messages.some((m) => m.id === salesEvent));

    const replay = await openStream(luis, { lastEventId: before });
    try {
      await replay.until(() => deliveries(replay, visible) > 0, 1000, "replay");
      assert.equal(deliveries(replay, secret), 0);
      assert.doesNotMatch(replay.text, /Sales secret/);
    } finally {
      await replay.close();
    }
  } finally {
    await stream.close();
    await t.close();
  }
});

Deno.test("logging out ends the session's open stream", async () => {
  const t = await testApp();
  const luis = await loggedIn(t, "luis");
  const stream = await openStream(luis, {
    after: await latestEventId(t.db.orm),
  });
  try {
    const subscribers = t.bus.subscriberCount;
    assert.ok(subscribers >= 1);
    const res = await luis.post("/logout", {});
    assert.equal(res.status, 204);
    await stream.until(() => stream.done, 1000, "the end of the stream");
    assert.equal(stream.done, true);
    assert.equal(t.bus.subscriberCount, subscribers - 1);
  } finally {
    await stream.close();
    await t.close();
  }
});

Deno.test("logging out in one browser leaves the same user's other session streaming", async () => {
  const t = await testApp();
  const phone = await loggedIn(t, "luis");
  const laptop = await loggedIn(t, "luis");
  const ana = await loggedIn(t, "ana");
  const stream = await openStream(laptop, {
    after: await latestEventId(t.db.orm),
  });
  try {
    const res = await phone.post("/logout", {});
    assert.equal(res.status, 204);
    const id = await reply(t, ana, 1, "still here?");
    await stream.until(() => deliveries(stream, id) > 0, 1000, "after logout");
    assert.equal(stream.done, false);
  } finally {
    await stream.close();
    await t.close();
  }
});

Deno.test("a closed stream unsubscribes from the event bus", async () => {
  const t = await testApp();
  const luis = await loggedIn(t, "luis");
  const base = t.bus.subscriberCount;
  const stream = await openStream(luis);
  try {
    assert.equal(t.bus.subscriberCount, base + 1);
  } finally {
    await stream.close();
  }
  try {
    assert.equal(t.bus.subscriberCount, base);
  } finally {
    await t.close();
  }
});
