/**
 * WebM/Opus files built byte by byte, the way Chromium's MediaRecorder
 * streams them (unknown-size Segment and Clusters), for the voice-note
 * tests. The Opus packets are fake: only their TOC bytes mean anything.
 */
const UNKNOWN = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

function size(n: number): number[] {
  if (n < 0x7f) return [0x80 | n];
  if (n < 0x3fff) return [0x40 | (n >> 8), n & 0xff];
  return [0x10, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}
function el(id: number[], body: number[] | Uint8Array, unknown = false) {
  return [...id, ...(unknown ? UNKNOWN : size(body.length)), ...body];
}
const uint = (n: number) => [n];
const text = (s: string) => [...new TextEncoder().encode(s)];
function float64(n: number) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, n);
  return [...b];
}

export function opusHead(channels: number, preSkip: number) {
  const b = new Uint8Array(19);
  b.set(new TextEncoder().encode("OpusHead"));
  b[8] = 1;
  b[9] = channels;
  new DataView(b.buffer).setUint16(10, preSkip, true);
  new DataView(b.buffer).setUint32(12, 48000, true);
  return b;
}

export function packet(toc: number, length: number, extra: number[] = []) {
  const p = new Uint8Array(length);
  p[0] = toc;
  p.set(extra, 1);
  for (let i = 1 + extra.length; i < length; i++) p[i] = (i * 7) & 0xff;
  return p;
}

/** A WebM as Chromium's MediaRecorder streams it, with these packets. */
export function webm(
  packets: Uint8Array[],
  opts: { codecPrivate?: boolean } = {},
) {
  const head = opusHead(1, 312);
  const track = [
    ...el([0xd7], uint(1)),
    ...el([0x83], uint(2)),
    ...el([0x86], text("A_OPUS")),
    ...(opts.codecPrivate === false ? [] : el([0x63, 0xa2], head)),
    ...el([0x56, 0xaa], [0x00, 0x63, 0x2e, 0xa0]), // 6.5 ms codec delay
    ...el([0xe1], [...el([0xb5], float64(48000)), ...el([0x9f], uint(1))]),
  ];
  const block = (p: Uint8Array, t: number) =>
    el([0xa3], [0x81, (t >> 8) & 0xff, t & 0xff, 0x80, ...p]);
  const half = Math.ceil(packets.length / 2);
  const cluster = (list: Uint8Array[], start: number) =>
    el([0x1f, 0x43, 0xb6, 0x75], [
      ...el([0xe7], uint(start)),
      ...list.flatMap((p, i) => block(p, i * 20)),
    ], true);
  return new Uint8Array([
    ...el([0x1a, 0x45, 0xdf, 0xa3], [
      ...el([0x42, 0x86], uint(1)),
      ...el([0x42, 0x82], text("webm")),
    ]),
    ...el([0x18, 0x53, 0x80, 0x67], [
      ...el(
        [0x15, 0x49, 0xa9, 0x66],
        el([0x2a, 0xd7, 0xb1], [0x0f, 0x42, 0x40]),
      ),
      ...el([0x16, 0x54, 0xae, 0x6b], el([0xae], track)),
      ...cluster(packets.slice(0, half), 0),
      ...cluster(packets.slice(half), half * 20),
    ], true),
  ]);
}
