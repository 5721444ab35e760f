/**
 * The load generator for bench/ingest.ts, run as a Worker so it does not
 * share the server's thread: `concurrency` senders, each on its own
 * keep-alive HTTP/1.1 connection, post pre-signed Twilio webhooks and report
 * each request's latency. It writes the requests' bytes itself and reads
 * just the status line and Content-Length of each answer: on a 2-core
 * machine the client shares the cores with the server, and `fetch()` would
 * cost the client more CPU than the server spends on a request.
 */
interface Job {
  url: string;
  bodies: string[];
  signatures: string[];
  concurrency: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One sender: a connection that sends request after request. */
class Connection {
  #buf = new Uint8Array(0);
  #chunk = new Uint8Array(16 * 1024);

  private constructor(readonly conn: Deno.TcpConn) {}

  static async open(host: string, port: number): Promise<Connection> {
    const conn = await Deno.connect({ hostname: host, port });
    conn.setNoDelay(true);
    return new Connection(conn);
  }

  /** Sends `request` and resolves with the answer's status code. */
  async exchange(request: Uint8Array): Promise<number> {
    let written = 0;
    while (written < request.length) {
      written += await this.conn.write(request.subarray(written));
    }
    // the head, then Content-Length bytes of body
    let headEnd = -1;
    while ((headEnd = indexOfCrlfCrlf(this.#buf)) < 0) await this.#fill();
    const head = decoder.decode(this.#buf.subarray(0, headEnd));
    const status = Number(head.slice(9, 12));
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1]);
    if (!Number.isFinite(length)) {
      throw new Error(`an answer without Content-Length: ${head}`);
    }
    const end = headEnd + 4 + length;
    while (this.#buf.length < end) await this.#fill();
    this.#buf = this.#buf.slice(end);
    return status;
  }

  async #fill() {
    const n = await this.conn.read(this.#chunk);
    if (n === null) throw new Error("the server closed the connection");
    const next = new Uint8Array(this.#buf.length + n);
    next.set(this.#buf);
    next.set(this.#chunk.subarray(0, n), this.#buf.length);
    this.#buf = next;
  }

  close() {
    this.conn.close();
  }
}

function indexOfCrlfCrlf(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

self.onmessage = async (e: MessageEvent<Job>) => {
  const { url, bodies, signatures, concurrency } = e.data;
  const u = new URL(url);
  const requests = bodies.map((body, i) => {
    const bytes = encoder.encode(body);
    const head = encoder.encode(
      `POST ${u.pathname} HTTP/1.1\r\nhost: ${u.host}\r\n` +
        `content-type: application/x-www-form-urlencoded\r\n` +
        `x-twilio-signature: ${signatures[i]}\r\n` +
        `content-length: ${bytes.length}\r\n\r\n`,
    );
    const req = new Uint8Array(head.length + bytes.length);
    req.set(head);
    req.set(bytes, head.length);
    return req;
  });
  const connections = await Promise.all(
    Array.from(
      { length: concurrency },
      () => Connection.open(u.hostname, Number(u.port)),
    ),
  );
  const latencies = new Float64Array(bodies.length);
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(connections.map(async (c) => {
    while (true) {
      const i = next++;
      if (i >= bodies.length) return;
      const start = performance.now();
      if (await c.exchange(requests[i]) !== 200) failures++;
      latencies[i] = performance.now() - start;
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  for (const c of connections) c.close();
  self.postMessage({ latencies, seconds, failures });
};
