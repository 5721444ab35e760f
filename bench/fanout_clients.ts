/**
 * The SSE clients of bench/fanout.ts, in their own process so the server's
 * memory and CPU are its own. Opens one stream per cookie, records when each
 * "mark-K" first arrives on each stream (epoch ms, sub-ms precision) and
 * the bytes each stream received after connecting. Prints a JSON line
 * when every stream has a mark, and a summary once they have them all.
 *
 *   deno run -A bench/fanout_clients.ts <url> <cookies-file> <marks>
 */
const [url, cookiesFile, marksText] = Deno.args;
const marks = Number(marksText);
const cookies = (await Deno.readTextFile(cookiesFile)).split("\n").filter(
  Boolean,
);
const now = () => performance.timeOrigin + performance.now();
// last[k] = the latest first-arrival of mark k over all streams
const last = new Float64Array(marks);
const seenBy = new Int32Array(marks);
let connected = 0;
// bytes after the stream's first read (the preamble), over all streams
let bytes = 0;
const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];

await Promise.all(cookies.map(async (cookie) => {
  const res = await fetch(url, {
    headers: { cookie, accept: "text/event-stream" },
  });
  if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
  const reader = res.body!.getReader();
  readers.push(reader);
  connected++;
  if (connected === cookies.length) console.log("READY");
  const decoder = new TextDecoder();
  const got = new Uint8Array(marks);
  let remaining = marks;
  let tail = "";
  let first = true;
  while (remaining > 0) {
    const { value, done } = await reader.read();
    if (done) return;
    if (!first) bytes += value.byteLength;
    first = false;
    const text = tail + decoder.decode(value, { stream: true });
    const t = now();
    for (const m of text.matchAll(/mark-(\d+)-end/g)) {
      const k = Number(m[1]);
      if (k < marks && !got[k]) {
        got[k] = 1;
        remaining--;
        seenBy[k]++;
        if (t > last[k]) last[k] = t;
        // every stream has it: the orchestrator may send the next one
        if (seenBy[k] === cookies.length) {
          console.log(JSON.stringify({ mark: k, at: last[k] }));
        }
      }
    }
    tail = text.slice(-16);
  }
}));
for (const r of readers) await r.cancel().catch(() => {});
console.log(JSON.stringify({ last: [...last], seenBy: [...seenBy], bytes }));
