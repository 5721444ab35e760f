/**
 * One server of bench/fanout.ts, alone in its process so its memory and CPU
 * are its own: "bare" (a plain Deno.serve fan-out of pre-encoded bytes) or
 * "bandeja" (the app, N agents of one inbox). It prints JSON lines on
 * stdout (after "FANOUT "; the app may log lines of its own), step by step:
 *
 *   {"url", "cookies"}          listening; one session cookie a line in the file
 *   {"before": Memory}          after a GC, no stream open
 *   {"with": Memory}            after a GC, every stream open
 *   {"sent": K, "at": epoch ms} for each line "send K" on stdin: when mark K
 *                               was handed to the server
 *
 * and exits when stdin closes.
 *
 *   deno run -A --v8-flags=--expose-gc bench/fanout_server.ts \
 *     bare|bandeja <clients> [frame-bytes]
 */

/** Memory of this process, in bytes, after a full GC. */
export interface Memory {
  rss: number;
  /** V8 heap in use */
  heap: number;
  /** V8 heap reserved (what of the RSS the heap holds) */
  heapTotal: number;
  /** memory outside the heap that JS objects hold (buffers) */
  external: number;
}

const [kind, clientsText, frameText] = Deno.args;
const CLIENTS = Number(clientsText);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (o: unknown) => console.log(`FANOUT ${JSON.stringify(o)}`);

/** How long an idle server is left before its memory is read. */
const SETTLE_MS = Number(Deno.env.get("FANOUT_SETTLE_MS") ?? 15_000);

/**
 * The server's memory at rest. A burst of connections makes V8 grow its
 * young generation (tens of MB, empty after a GC) and keep it until its
 * memory reducer runs on an idle heap, some seconds later: read at once,
 * that growth would count as memory per connection. So: a full GC, an idle
 * wait, another GC.
 */
async function memory(): Promise<Memory> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await sleep(SETTLE_MS);
  gc?.();
  const m = Deno.memoryUsage();
  return {
    rss: m.rss,
    heap: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
  };
}

function listen(fetch: (req: Request) => Response | Promise<Response>) {
  const ac = new AbortController();
  const ready = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: ac.signal,
    onListen: (addr) => ready.resolve(addr.port),
  }, fetch);
  return { ac, server, port: ready.promise };
}

interface Target {
  url: string;
  cookies: string[];
  connections(): number;
  /** hands mark `k` to the server (returns once it is handed over) */
  send(k: number): Promise<void>;
  close(): Promise<void>;
}

/** The baseline: every stream gets the same pre-encoded bytes, at once. */
async function bare(frameBytes: number): Promise<Target> {
  const controllers = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();
  const hello = encoder.encode("retry: 2000\n: connected\n\n");
  const { ac, server, port } = listen(() => {
    let ctrl!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        ctrl = c;
        controllers.add(c);
        c.enqueue(hello);
      },
      cancel() {
        controllers.delete(ctrl);
      },
    });
    // no-transform, as the app's stream: else Deno.serve gzips the
    // stream and its compressor holds frames back until its buffer fills
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-cache, no-transform",
      },
    });
  });
  return {
    url: `http://127.0.0.1:${await port}/`,
    cookies: Array.from({ length: CLIENTS }, (_, i) => `c=${i}`),
    connections: () => controllers.size,
    send(k) {
      const head = `id: ${k}\ndata: `;
      const tail = ` mark-${k}-end\n\n`;
      const pad = "x".repeat(
        Math.max(0, frameBytes - head.length - tail.length),
      );
      const frame = encoder.encode(head + pad + tail);
      for (const c of controllers) c.enqueue(frame);
      return Promise.resolve();
    },
    async close() {
      ac.abort();
      await server.finished;
    },
  };
}

/** Bandeja: N agents in Support; a mark is one inbound customer message. */
async function bandeja(): Promise<Target> {
  // imported here: the bare server's process loads none of the app
  const { hashToken } = await import("../services/auth.ts");
  const { latestEventId } = await import("../services/events.ts");
  const { testApp } = await import("../tests/helpers.ts");
  const t = await testApp();
  const { ac, server, port } = listen(t.app.fetch);
  const { client } = t.db;
  const support = Number(
    (await client.execute("SELECT id FROM inboxes WHERE name = 'Support'"))
      .rows[0].id,
  );
  const nowMs = Date.now();
  const tokens = Array.from(
    { length: CLIENTS },
    (_, i) => `bench-token-${i}-${crypto.randomUUID()}`,
  );
  await client.batch(
    tokens.map((_, i) => ({
      sql:
        "INSERT INTO users (email, name, password_hash, role, created_at) VALUES (?, ?, 'x', 'agent', ?)",
      args: [`agent${i}@bench.test`, `Agent ${i}`, nowMs],
    })),
    "write",
  );
  const ids = (await client.execute(
    "SELECT id FROM users WHERE email LIKE '%@bench.test' ORDER BY id",
  )).rows.map((r) => Number(r.id));
  await client.batch(
    ids.map((id) => ({
      sql: "INSERT INTO inbox_members (inbox_id, user_id) VALUES (?, ?)",
      args: [support, id],
    })),
    "write",
  );
  await client.batch(
    await Promise.all(ids.map(async (id, i) => ({
      sql:
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, 'x', ?, ?)",
      args: [await hashToken(tokens[i]), id, nowMs, nowMs + 3600_000],
    }))),
    "write",
  );
  return {
    // after the newest event: the streams replay nothing
    url: `http://127.0.0.1:${await port}/events?after=${await latestEventId(
      t.db.orm,
    )}`,
    cookies: tokens.map((tk) => `bandeja_session=${tk}`),
    connections: () => t.bus.subscriberCount,
    // the way a webhook's content is stored (by the writer thread)
    async send(k) {
      await t.deps.ingest.submit({
        messages: [{
          provider: "twilio",
          channel: "sms",
          providerId: `SMfan${k}`,
          from: "+15551230001",
          to: "+15550100001",
          body: `Fan-out mark-${k}-end`,
          media: [],
          sentAt: Date.now(),
        }],
        statuses: [],
      });
    },
    async close() {
      ac.abort();
      await server.finished;
      await t.close();
    },
  };
}

const target = kind === "bare"
  ? await bare(Number(frameText ?? 1000))
  : await bandeja();
const cookiesFile = await Deno.makeTempFile();
await Deno.writeTextFile(cookiesFile, target.cookies.join("\n") + "\n");
say({ url: target.url, cookies: cookiesFile });
say({ before: await memory() });
while (target.connections() < CLIENTS) await sleep(10);
await sleep(300);
say({ with: await memory() });
// one mark at a time, when the orchestrator asks ("send K"), so a mark
// never queues behind the one before; EOF ends the run
let buf = "";
for await (
  const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())
) {
  buf += chunk;
  let nl;
  while ((nl = buf.indexOf("\n")) >= 0) {
    const k = Number(/^send (\d+)$/.exec(buf.slice(0, nl))?.[1]);
    buf = buf.slice(nl + 1);
    const at = now();
    await target.send(k);
    say({ sent: k, at });
  }
}
await target.close();
await Deno.remove(cookiesFile);
