/**
 * The load generator for bench/ingest.ts, run as a Worker so it does not
 * share the server's thread: `concurrency` senders post pre-signed Twilio
 * webhooks and report each request's latency.
 */
interface Job {
  url: string;
  bodies: string[];
  signatures: string[];
  concurrency: number;
}

self.onmessage = async (e: MessageEvent<Job>) => {
  const { url, bodies, signatures, concurrency } = e.data;
  const latencies = new Float64Array(bodies.length);
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (true) {
        const i = next++;
        if (i >= bodies.length) return;
        const start = performance.now();
        const res = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "x-twilio-signature": signatures[i],
          },
          body: bodies[i],
        });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
        latencies[i] = performance.now() - start;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  self.postMessage({ latencies, seconds, failures });
};
