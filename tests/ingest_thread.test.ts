/**
 * Webhooks stored on the writer thread (services/ingest_thread.ts): the
 * same answers and rows as on the main thread, writes of both threads take
 * turns through the process's write lock, and a writer thread that cannot
 * start hands over to the main thread.
 */
import assert from "node:assert/strict";
import { execRaw } from "../db/client.ts";
import { WriteLock, WRITER_SLOT } from "../db/write_lock.ts";
import { WebhookIngest } from "../services/ingest.ts";
import { IngestThread, startIngest } from "../services/ingest_thread.ts";
import { countRows, type TestApp, testApp, testDb } from "./helpers.ts";
import { twilioInbound, twilioRequest } from "./carrier_fixtures.ts";

const OUR_NUMBER = "+15550100001";

Deno.test("the write lock lets one holder in at a time, in the order they asked", async () => {
  const a = new WriteLock();
  const b = new WriteLock(a.buffer);
  const order: string[] = [];
  await a.acquire();
  const waiters = ["first", "second", "third"].map((name, i) =>
    (i % 2 ? a : b).with(async () => {
      order.push(`${name} in`);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`${name} out`);
    })
  );
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(order, [], "nobody gets in while the lock is held");
  a.release();
  await Promise.all(waiters);
  assert.deepEqual(order, [
    "first in",
    "first out",
    "second in",
    "second out",
    "third in",
    "third out",
  ]);
});

/** `p`, or a failure after `ms` (a lock never given is a hang otherwise). */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A thread that takes `lock`, told when it has asked and when it holds it. */
function lockingThread(lock: WriteLock) {
  const worker = new Worker(
    new URL("./fixtures/lock_worker.ts", import.meta.url),
    { type: "module" },
  );
  const asked = Promise.withResolvers<void>();
  const holding = Promise.withResolvers<void>();
  worker.onmessage = (e) => (e.data === "asked" ? asked : holding).resolve();
  worker.postMessage(lock.buffer);
  return { worker, asked: asked.promise, holding: holding.promise };
}

Deno.test("a writer thread that dies holding the write lock, or waiting for it, does not block the main thread", async () => {
  const main = new WriteLock();
  // dies holding it
  const holder = lockingThread(main);
  await holder.holding;
  let got = false;
  const mine = main.acquire().then(() => got = true);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(got, false, "the other thread holds it");
  holder.worker.terminate();
  main.abandon(WRITER_SLOT);
  await within(mine, 2000, "the lock after its holder died");
  // dies waiting for it, while the main thread holds it
  const waiter = lockingThread(main);
  await waiter.asked;
  waiter.worker.terminate();
  main.abandon(WRITER_SLOT);
  main.release();
  // its turn comes and is skipped
  await within(
    main.with(() => Promise.resolve()),
    2000,
    "the lock after a waiter died",
  );
});

Deno.test("a database file gets a writer thread; INGEST_THREAD=0 or :memory: store on the main thread", async () => {
  const db = await testDb();
  try {
    const clock = () => Date.now();
    const none = new Set<never>();
    const thread = startIngest(db, clock, none, "1");
    assert.ok(thread instanceof IngestThread);
    await thread.close();
    assert.ok(startIngest(db, clock, none, "0") instanceof WebhookIngest);
    assert.ok(
      startIngest({ ...db, url: "file::memory:" }, clock, none, "1") instanceof
        WebhookIngest,
    );
  } finally {
    db.close();
  }
});

Deno.test("webhooks stored by the writer thread while the main thread writes too: every one stored once, every event out", async () => {
  const t = await testApp();
  try {
    assert.ok(t.deps.ingest instanceof IngestThread);
    const before = await countRows(t.db, "messages");
    const eventsBefore = await countRows(
      t.db,
      "events",
      "kind = 'message.created'",
    );
    const sids = Array.from({ length: 60 }, (_, i) => `SMthread${i}`);
    const posts = sids.map(async (sid, i) => {
      const res = await t.app.request(
        await twilioRequest(
          t.origin,
          "/webhooks/twilio",
          twilioInbound({
            sid,
            from: `+1555333${String(i % 7).padStart(4, "0")}`,
            to: OUR_NUMBER,
            body: `hello ${i}`,
          }),
        ),
      );
      await res.body?.cancel();
      return res.status;
    });
    // the main thread's own writes, at the same time
    const mainWrites = Array.from(
      { length: 20 },
      (_, i) =>
        t.db.write((tx) =>
          execRaw(
            tx,
            "INSERT INTO contacts (e164, name, created_at) VALUES (?, ?, ?)",
            [`+1555444${String(i).padStart(4, "0")}`, `main ${i}`, Date.now()],
          )
        ),
    );
    // a retry of one already in flight is absorbed
    const retry = (async () => {
      const res = await t.app.request(
        await twilioRequest(
          t.origin,
          "/webhooks/twilio",
          twilioInbound({
            sid: sids[0],
            from: "+15553330000",
            to: OUR_NUMBER,
            body: "hello 0",
          }),
        ),
      );
      await res.body?.cancel();
      return res.status;
    })();
    const statuses = await Promise.all([...posts, retry]);
    await Promise.all(mainWrites);
    assert.deepEqual(new Set(statuses), new Set([200]));
    assert.equal(await countRows(t.db, "messages"), before + sids.length);
    assert.equal(
      await countRows(t.db, "messages", "provider_id LIKE 'SMthread%'"),
      sids.length,
    );
    assert.equal(
      await countRows(t.db, "events", "kind = 'message.created'"),
      eventsBefore + sids.length,
    );
    assert.equal(await countRows(t.db, "contacts", "name LIKE 'main %'"), 20);
    // the main thread's event bus read what the writer thread committed
    for (let i = 0; i < 50 && t.bus.lastId < await maxEventId(t); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(t.bus.lastId, await maxEventId(t));
  } finally {
    await t.close();
  }
});

async function maxEventId(t: TestApp): Promise<number> {
  const rs = await t.db.client.execute("SELECT max(id) AS n FROM events");
  return Number(rs.rows[0].n);
}

Deno.test("a writer thread that cannot open the database: that webhook fails (the carrier retries) and the main thread stores the next ones", async () => {
  const t = await testApp();
  // a path under a regular file cannot be opened by the writer thread
  const file = await Deno.makeTempFile();
  const broken = new IngestThread(
    { ...t.db, url: `file:${file}/sub/x.db` },
    t.clock,
    new Set(),
  );
  const errors: string[] = [];
  const error = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    const params = (sid: string) =>
      twilioInbound({ sid, from: "+15553339999", to: OUR_NUMBER, body: "hi" });
    const parse = (p: Record<string, string>) =>
      t.deps.carriers.twilio.parse({
        url: `${t.origin}/webhooks/twilio`,
        headers: new Headers(),
        rawBody: new TextEncoder().encode(new URLSearchParams(p).toString()),
      });
    await assert.rejects(
      broken.submit(parse(params("SMbroken1"))),
      /webhook writer/,
    );
    assert.equal(
      await countRows(t.db, "messages", "provider_id = 'SMbroken1'"),
      0,
    );
    const result = await broken.submit(parse(params("SMbroken2")));
    assert.equal(result.received.stored, 1);
    assert.equal(
      await countRows(t.db, "messages", "provider_id = 'SMbroken2'"),
      1,
    );
    assert.ok(
      errors.some((l) => l.includes("webhook writer thread failed")),
      errors.join("\n"),
    );
  } finally {
    console.error = error;
    await broken.close();
    await Deno.remove(file);
    await t.close();
  }
});
