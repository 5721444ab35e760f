/**
 * SSE fan-out: N agents (default 1,000) stream one inbox; one inbound
 * message at a time; the time until the LAST client has it, p50/p99 over
 * 100 messages, and the server's memory per connection — beside a bare
 * Deno.serve ReadableStream fan-out of the same frame size, measured in
 * the same run. Each server runs alone in its own process
 * (bench/fanout_server.ts) and the clients in another
 * (bench/fanout_clients.ts), so no server's memory or CPU is counted for
 * the other; memory per connection is the server's own RSS (and heap)
 * with N streams open minus before any, after a GC, divided by N.
 */
import { type BenchRow, benchRow, percentile } from "./bench_row.ts";
import type { Memory } from "./fanout_server.ts";

const scale = Number(Deno.env.get("BENCH_SCALE") ?? "1");
const CLIENTS = Math.max(20, Math.round(1000 * scale));
const MARKS = Math.max(10, Math.round(100 * Math.min(1, scale * 2)));
const GAP_MS = 40;

interface ClientResult {
  last: number[];
  seenBy: number[];
  bytes: number;
}

export interface Run {
  lat: number[];
  /** KB per connection: RSS and V8 heap */
  rssKb: number;
  heapKb: number;
  /** KB per connection of reserved V8 heap and of external memory */
  heapTotalKb: number;
  externalKb: number;
  /** bytes one client received per message */
  frameBytes: number;
}

/** JSON lines of a child's stdout after `prefix`, as they come. */
async function* jsonLines(child: Deno.ChildProcess, prefix = "") {
  let buf = "";
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith(`${prefix}{`)) {
        yield JSON.parse(line.slice(prefix.length)) as unknown;
      }
    }
  }
}

function spawn(script: string, args: string[], stdin: "piped" | "null") {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      new URL(script, import.meta.url).pathname,
      ...args,
    ],
    stdin,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

export async function measure(
  kind: "bare" | "bandeja",
  frameBytes = 0,
): Promise<Run> {
  const server = spawn(
    "./fanout_server.ts",
    [kind, String(CLIENTS), String(frameBytes)],
    "piped",
  );
  const writer = server.stdin.getWriter();
  const fromServer = jsonLines(server, "FANOUT ");
  const next = async <T>(): Promise<T> => {
    const { value, done } = await fromServer.next();
    if (done) throw new Error(`${kind} server ended early`);
    return value as T;
  };
  try {
    const { url, cookies } = await next<{ url: string; cookies: string }>();
    const { before } = await next<{ before: Memory }>();
    const clients = spawn("./fanout_clients.ts", [
      url,
      cookies,
      String(MARKS),
    ], "null");
    const fromClients = jsonLines(clients);
    const { with: open } = await next<{ with: Memory }>();
    // one message at a time: the next once every client has this one, so
    // each figure is one message's fan-out, not a queue behind the last
    const lat: number[] = [];
    for (let k = 0; k < MARKS; k++) {
      await writer.write(new TextEncoder().encode(`send ${k}\n`));
      const { at: sentAt } = await next<{ sent: number; at: number }>();
      const { value } = await fromClients.next();
      const got = value as { mark?: number; at: number } | undefined;
      if (got?.mark !== k) throw new Error(`clients did not get mark ${k}`);
      lat.push(got.at - sentAt);
      await new Promise((r) => setTimeout(r, GAP_MS));
    }
    const { value: summary } = await fromClients.next();
    await clients.status;
    const r = summary as ClientResult;
    if (r.seenBy.some((n) => n !== CLIENTS)) {
      throw new Error(`not every client got every message: ${r.seenBy}`);
    }
    return {
      lat,
      rssKb: (open.rss - before.rss) / 1024 / CLIENTS,
      heapKb: (open.heap - before.heap) / 1024 / CLIENTS,
      heapTotalKb: (open.heapTotal - before.heapTotal) / 1024 / CLIENTS,
      externalKb: (open.external - before.external) / 1024 / CLIENTS,
      frameBytes: r.bytes / CLIENTS / MARKS,
    };
  } finally {
    await writer.close();
    await server.status;
  }
}

export function summary(name: string, r: Run) {
  return `${name}: p50 ${percentile(r.lat, 50).toFixed(1)} ms, p99 ${
    percentile(r.lat, 99).toFixed(1)
  } ms; per connection ${r.rssKb.toFixed(1)} KB RSS, ${
    r.heapKb.toFixed(1)
  } KB heap used (${r.heapTotalKb.toFixed(1)} KB reserved), ${
    r.externalKb.toFixed(1)
  } KB external; ${r.frameBytes.toFixed(0)} B per message`;
}

export async function run(): Promise<BenchRow[]> {
  console.log(`${CLIENTS} clients, ${MARKS} messages, ${GAP_MS} ms apart`);
  // Bandeja first: the bare server then sends frames of the same size
  const o = await measure("bandeja");
  console.log(summary("bandeja", o));
  const b = await measure("bare", Math.round(o.frameBytes));
  console.log(summary("bare", b));
  const bp99 = percentile(b.lat, 99);
  return [
    benchRow(
      `bare fan-out to ${CLIENTS}: last client p50`,
      percentile(b.lat, 50),
      "ms",
    ),
    benchRow(`bare fan-out to ${CLIENTS}: last client p99`, bp99, "ms"),
    benchRow(
      `SSE fan-out to ${CLIENTS}: last client p50`,
      percentile(o.lat, 50),
      "ms",
    ),
    benchRow(
      `SSE fan-out to ${CLIENTS}: last client p99`,
      percentile(o.lat, 99),
      "ms",
      bp99 * 1.2,
    ),
    benchRow("bare memory per connection (RSS)", b.rssKb, "KB"),
    benchRow(
      "SSE memory per connection (RSS)",
      o.rssKb,
      "KB",
      b.rssKb * 1.1,
    ),
    benchRow("bare heap per connection", b.heapKb, "KB"),
    benchRow("SSE heap per connection", o.heapKb, "KB"),
    benchRow("SSE bytes per message per client", o.frameBytes, "B"),
  ];
}

if (import.meta.main) {
  for (const r of await run()) console.log(r);
}
