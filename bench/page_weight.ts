/**
 * Page weight: bytes on the wire for a cold first load of the inbox (the
 * HTML document and every asset it loads, compressed as a browser asks) and
 * for one new-message live update, beside their uncompressed sizes.
 */
import { receiveInbound } from "../services/inbound.ts";
import { loggedIn, testApp } from "../tests/helpers.ts";
import { type BenchRow, benchRow } from "./bench_row.ts";

const ACCEPT = "br, gzip";

export async function run(): Promise<BenchRow[]> {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const first = await ana.request("/", {});
    await first.body?.cancel();
    const page = await ana.request(first.headers.get("location") ?? "/", {
      headers: { "accept-encoding": ACCEPT },
    });
    const docWire = (await page.arrayBuffer()).byteLength;
    const plain = await ana.request(first.headers.get("location") ?? "/");
    const html = await plain.text();
    const docRaw = new TextEncoder().encode(html).length;
    const assets = [...html.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)].map((
      m,
    ) => m[1]);
    let assetsWire = 0, assetsRaw = 0;
    for (const a of assets) {
      const w = await t.app.request(a, {
        headers: { "accept-encoding": ACCEPT },
      });
      assetsWire += (await w.arrayBuffer()).byteLength;
      const r = await t.app.request(a);
      assetsRaw += (await r.arrayBuffer()).byteLength;
    }

    // one live update: open the stream, let a customer write, read a frame
    const lastId = Number(/events\?after=(\d+)/.exec(html)?.[1] ?? 0);
    const res = await ana.request(`/events?after=${lastId}`);
    const reader = res.body!.getReader();
    await reader.read(); // the "connected" preamble
    await receiveInbound(t.db, t.clock, [{
      provider: "twilio",
      channel: "sms",
      providerId: "SMweight1",
      from: "+15551230001",
      to: "+15550100001",
      body: "Is my order on its way?",
      media: [],
      sentAt: Date.now(),
    }]);
    // every SSE message the one inbound message causes: the update, then
    // any counts and notification; they are all in once the stream is quiet
    let frame = "";
    const decoder = new TextDecoder();
    let pending = reader.read();
    while (true) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const quiet = new Promise<null>((r) => {
        timer = setTimeout(() => r(null), frame ? 300 : 5000);
      });
      const next = await Promise.race([pending, quiet]);
      clearTimeout(timer);
      if (!next || next.done) break;
      frame += decoder.decode(next.value, { stream: true });
      pending = reader.read();
    }
    await reader.cancel();
    await pending.catch(() => {});
    const bytes = new TextEncoder().encode(frame);
    const update = bytes.length;
    // what a compressing transport would carry (SSE is not compressed here:
    // compress() skips event streams), for comparison only
    const gzipped = (await new Response(
      new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer()).byteLength;
    const messages = frame.split("\n\n").filter(Boolean).length;
    if (Deno.env.get("SHOW_FRAME")) console.log(frame);
    console.log(
      `document ${docWire} B on the wire (${docRaw} B raw); ${assets.length} assets ${assetsWire} B (${assetsRaw} B raw); update ${update} B in ${messages} SSE message(s) (${gzipped} B gzipped)`,
    );
    return [
      benchRow("first load: HTML document (compressed)", docWire, "B", 14_600),
      benchRow("first load: HTML document (uncompressed)", docRaw, "B"),
      benchRow(
        "first load: document + assets (compressed)",
        docWire + assetsWire,
        "B",
        40_000,
      ),
      benchRow(
        "first load: document + assets (uncompressed)",
        docRaw + assetsRaw,
        "B",
      ),
      benchRow("one new-message update (SSE, as sent)", update, "B", 1_000),
      benchRow("one new-message update (SSE, if gzipped)", gzipped, "B"),
    ];
  } finally {
    await t.close();
  }
}

if (import.meta.main) {
  for (const r of await run()) console.log(r);
}
