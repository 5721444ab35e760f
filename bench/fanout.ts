/**
 * SSE fan-out: N agents (default 1,000) stream one inbox; one inbound
 * message at a time; the time until the LAST client has it, p50/p99 over
 * 100 messages, and the server's memory per connection — beside a bare
 * Deno.serve ReadableStream fan-out of the same size measured in the same
 * run on the same machine. Clients run in a separate process.
 */
import { hashToken } from "../services/auth.ts";
import { receiveInbound } from "../services/inbound.ts";
import { testApp } from "../tests/helpers.ts";
import { type BenchRow, benchRow, percentile } from "./bench_row.ts";

const scale = Number(Deno.env.get("BENCH_SCALE") ?? "1");
const CLIENTS = Math.max(20, Math.round(1000 * scale));
const MARKS = Math.max(10, Math.round(100 * Math.min(1, scale * 2)));
const GAP_MS = 40;
const now = () => performance.timeOrigin + performance.now();

function freePort() {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

function rssMb() {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage().rss / 1024 / 1024;
}

interface ClientRun {
  child: Deno.ChildProcess;
  ready: Promise<void>;
  result: Promise<{ last: number[]; seenBy: number[] }>;
}

function startClients(url: string, cookiesFile: string): ClientRun {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./fanout_clients.ts", import.meta.url).pathname,
      url,
      cookiesFile,
      String(MARKS),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const ready = Promise.withResolvers<void>();
  const result = (async () => {
    const decoder = new TextDecoderStream();
    let buf = "";
    for await (const chunk of child.stdout.pipeThrough(decoder)) {
      buf += chunk;
      if (buf.includes("READY\n")) ready.resolve();
    }
    await child.status;
    const line = buf.split("\n").filter((l) => l.startsWith("{")).pop();
    if (!line) throw new Error("clients printed no result");
    return JSON.parse(line);
  })();
  return { child, ready: ready.promise, result };
}

function latencies(sent: number[], r: { last: number[]; seenBy: number[] }) {
  if (r.seenBy.some((n) => n !== CLIENTS)) {
    throw new Error(`not every client got every message: ${r.seenBy}`);
  }
  return sent.map((t, k) => r.last[k] - t);
}

/** The baseline: a bare server writing one pre-encoded frame to N streams. */
async function bare(frameSize: number) {
  const port = freePort();
  const controllers = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const ac = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    signal: ac.signal,
    onListen: () => {},
  }, () => {
    let ctrl!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        ctrl = c;
        controllers.add(c);
      },
      cancel() {
        controllers.delete(ctrl);
      },
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream" },
    });
  });
  const cookiesFile = await Deno.makeTempFile();
  await Deno.writeTextFile(cookiesFile, "x=1\n".repeat(CLIENTS));
  const before = rssMb();
  const clients = startClients(`http://127.0.0.1:${port}/`, cookiesFile);
  await clients.ready;
  while (controllers.size < CLIENTS) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 200));
  const perConn = (rssMb() - before) * 1024 / CLIENTS;
  const sent: number[] = [];
  const enc = new TextEncoder();
  for (let k = 0; k < MARKS; k++) {
    const pad = "x".repeat(Math.max(0, frameSize - 40));
    const frame = enc.encode(`id: ${k}\ndata: ${pad} mark-${k}-end\n\n`);
    sent.push(now());
    for (const c of controllers) c.enqueue(frame);
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  const lat = latencies(sent, await clients.result);
  ac.abort();
  await server.finished;
  await Deno.remove(cookiesFile);
  return { lat, perConnKb: perConn };
}

/** Bandeja: N agents in Support, one inbound message at a time. */
async function bandeja() {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await testApp({ env: { PUBLIC_URL: url } });
  const { client } = t.db;
  const support = Number(
    (await client.execute("SELECT id FROM inboxes WHERE name = 'Support'"))
      .rows[0].id,
  );
  const nowMs = Date.now();
  const tokens: string[] = [];
  const stmts = [];
  for (let i = 0; i < CLIENTS; i++) {
    const token = `bench-token-${i}-${crypto.randomUUID()}`;
    tokens.push(token);
    stmts.push({
      sql:
        "INSERT INTO users (email, name, password_hash, role, created_at) VALUES (?, ?, 'x', 'agent', ?)",
      args: [`agent${i}@bench.test`, `Agent ${i}`, nowMs],
    });
  }
  await client.batch(stmts, "write");
  const ids = (await client.execute(
    "SELECT id, email FROM users WHERE email LIKE '%@bench.test' ORDER BY id",
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
  const ac = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    signal: ac.signal,
    onListen: () => {},
  }, t.app.fetch);
  const cookiesFile = await Deno.makeTempFile();
  await Deno.writeTextFile(
    cookiesFile,
    tokens.map((tk) => `bandeja_session=${tk}`).join("\n") + "\n",
  );
  const before = rssMb();
  const clients = startClients(`${url}/events`, cookiesFile);
  await clients.ready;
  while (t.bus.subscriberCount < CLIENTS) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 300));
  const perConn = (rssMb() - before) * 1024 / CLIENTS;
  const sent: number[] = [];
  for (let k = 0; k < MARKS; k++) {
    sent.push(now());
    await receiveInbound(t.db, t.clock, [{
      provider: "twilio",
      channel: "sms",
      providerId: `SMfan${k}`,
      from: "+15551230001",
      to: "+15550100001",
      body: `Fan-out mark-${k}-end`,
      media: [],
      sentAt: Date.now(),
    }]);
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  const lat = latencies(sent, await clients.result);
  ac.abort();
  await server.finished;
  await t.close();
  await Deno.remove(cookiesFile);
  return { lat, perConnKb: perConn };
}

export async function run(): Promise<BenchRow[]> {
  console.log(`${CLIENTS} clients, ${MARKS} messages`);
  const b = await bare(1500);
  const o = await bandeja();
  const bp50 = percentile(b.lat, 50), bp99 = percentile(b.lat, 99);
  const p50 = percentile(o.lat, 50), p99 = percentile(o.lat, 99);
  console.log(
    `bare: p50 ${bp50.toFixed(1)} ms p99 ${bp99.toFixed(1)} ms, ${
      b.perConnKb.toFixed(1)
    } KB/conn; bandeja: p50 ${p50.toFixed(1)} ms p99 ${p99.toFixed(1)} ms, ${
      o.perConnKb.toFixed(1)
    } KB/conn`,
  );
  return [
    benchRow(`bare fan-out to ${CLIENTS}: last client p50`, bp50, "ms"),
    benchRow(`bare fan-out to ${CLIENTS}: last client p99`, bp99, "ms"),
    benchRow(`SSE fan-out to ${CLIENTS}: last client p50`, p50, "ms"),
    benchRow(
      `SSE fan-out to ${CLIENTS}: last client p99`,
      p99,
      "ms",
      bp99 * 1.2,
    ),
    benchRow("bare memory per connection", b.perConnKb, "KB"),
    benchRow("SSE memory per connection", o.perConnKb, "KB", b.perConnKb * 1.1),
  ];
}

if (import.meta.main) {
  for (const r of await run()) console.log(r);
}
