/**
 * Remuxes an Opus recording from WebM (what Chromium's MediaRecorder
 * writes) into Ogg (what WhatsApp accepts as a voice note), without
 * re-encoding: the Opus packets are copied as they are.
 *
 * - WebM/Matroska: EBML elements, https://www.matroska.org/technical/elements.html;
 *   the Opus mapping (CodecPrivate = OpusHead, CodecDelay):
 *   https://www.matroska.org/technical/codec_specs.html
 * - Ogg encapsulation of Opus: RFC 7845 (OpusHead, OpusTags, granule
 *   positions at 48 kHz) over RFC 3533 (pages, lacing, CRC).
 * - Packet durations from the TOC byte: RFC 6716 §3.1.
 *
 * MediaRecorder streams, so the Segment and its Clusters have "unknown"
 * sizes; the reader therefore walks elements flat, descending into the
 * masters it needs and skipping the rest by size.
 *
 * @module
 */

const ID = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  Info: 0x1549a966,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  CodecID: 0x86,
  CodecPrivate: 0x63a2,
  CodecDelay: 0x56aa,
  Audio: 0xe1,
  SamplingFrequency: 0xb5,
  Channels: 0x9f,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
} as const;

/** Masters whose children we read; everything else is skipped whole. */
const DESCEND = new Set<number>([
  ID.Segment,
  ID.Tracks,
  ID.TrackEntry,
  ID.Audio,
  ID.Cluster,
  ID.BlockGroup,
]);

/** The input is not a WebM file with an Opus track we can remux. */
export class NotOpusWebm extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotOpusWebm";
  }
}

/** True when the bytes start like an EBML (WebM/Matroska) file. */
export function isWebm(b: Uint8Array): boolean {
  return b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3;
}

function readVint(b: Uint8Array, at: number, keepMarker: boolean) {
  const first = b[at];
  if (first === undefined || first === 0) {
    throw new NotOpusWebm(`bad EBML number at ${at}`);
  }
  let len = 1;
  while (!(first & (0x80 >> (len - 1)))) len++;
  let value = keepMarker ? first : first & (0xff >> len);
  let allOnes = value === (0xff >> len);
  for (let k = 1; k < len; k++) {
    const byte = b[at + k];
    if (byte === undefined) throw new NotOpusWebm("truncated EBML number");
    value = value * 256 + byte;
    if (byte !== 0xff) allOnes = false;
  }
  return { value, len, unknown: !keepMarker && allOnes };
}

function readUint(b: Uint8Array, start: number, end: number): number {
  let v = 0;
  for (let i = start; i < end; i++) v = v * 256 + b[i];
  return v;
}

interface Track {
  number: number;
  codec: string;
  codecPrivate?: Uint8Array;
  codecDelayNs: number;
  channels: number;
  sampleRate: number;
}

/** The Opus packets of the first Opus track, in order, and its header. */
export function readWebmOpus(
  b: Uint8Array,
): { head: Uint8Array; packets: Uint8Array[] } {
  if (!isWebm(b)) throw new NotOpusWebm("not a WebM file");
  const tracks: Track[] = [];
  let track: Track | null = null;
  const blocks: { track: number; data: Uint8Array }[] = [];
  let at = 0;
  while (at < b.length) {
    const id = readVint(b, at, true);
    const size = readVint(b, at + id.len, false);
    const start = at + id.len + size.len;
    const end = size.unknown
      ? b.length
      : Math.min(b.length, start + size.value);
    if (id.value === ID.TrackEntry) {
      track = {
        number: 0,
        codec: "",
        codecDelayNs: 0,
        channels: 1,
        sampleRate: 48000,
      };
      tracks.push(track);
    }
    if (DESCEND.has(id.value)) {
      at = start;
      continue;
    }
    switch (id.value) {
      case ID.TrackNumber:
        if (track) track.number = readUint(b, start, end);
        break;
      case ID.CodecID:
        if (track) {
          track.codec = new TextDecoder().decode(b.subarray(start, end))
            .replace(/\0+$/, "");
        }
        break;
      case ID.CodecPrivate:
        if (track) track.codecPrivate = b.slice(start, end);
        break;
      case ID.CodecDelay:
        if (track) track.codecDelayNs = readUint(b, start, end);
        break;
      case ID.Channels:
        if (track) track.channels = readUint(b, start, end);
        break;
      case ID.SamplingFrequency: {
        const view = new DataView(b.buffer, b.byteOffset + start, end - start);
        if (track) {
          track.sampleRate = end - start === 8
            ? view.getFloat64(0)
            : view.getFloat32(0);
        }
        break;
      }
      case ID.SimpleBlock:
      case ID.Block: {
        const tn = readVint(b, start, false);
        const flags = b[start + tn.len + 2];
        if (flags & 0x06) {
          throw new NotOpusWebm("laced blocks are not supported");
        }
        blocks.push({
          track: tn.value,
          data: b.subarray(start + tn.len + 3, end),
        });
        break;
      }
    }
    at = end;
  }
  const opus = tracks.find((t) => t.codec === "A_OPUS");
  if (!opus) throw new NotOpusWebm("no Opus track");
  const packets = blocks.filter((x) => x.track === opus.number).map((x) =>
    x.data
  );
  if (packets.length === 0) throw new NotOpusWebm("no audio");
  return { head: opusHead(opus), packets };
}

/** OpusHead from CodecPrivate, or built from the track's fields. */
function opusHead(t: Track): Uint8Array {
  const magic = "OpusHead";
  if (
    t.codecPrivate && t.codecPrivate.length >= 19 &&
    new TextDecoder().decode(t.codecPrivate.subarray(0, 8)) === magic
  ) return t.codecPrivate;
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode(magic));
  const v = new DataView(head.buffer);
  head[8] = 1;
  head[9] = Math.max(1, Math.min(2, t.channels));
  v.setUint16(10, Math.round(t.codecDelayNs * 48000 / 1e9), true);
  v.setUint32(12, Math.round(t.sampleRate), true);
  return head;
}

/** Samples (at 48 kHz) in one Opus packet, from its TOC byte. */
export function opusPacketSamples(p: Uint8Array): number {
  if (p.length === 0) return 0;
  const config = p[0] >> 3;
  let frame: number;
  if (config < 12) frame = [480, 960, 1920, 2880][config % 4];
  else if (config < 16) frame = [480, 960][config % 2];
  else frame = [120, 240, 480, 960][config % 4];
  const code = p[0] & 3;
  const frames = code === 0 ? 1 : code < 3 ? 2 : (p[1] ?? 0) & 0x3f;
  return frame * frames;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) {
      r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    }
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32 (polynomial 0x04c11db7, no reflection, zero start). */
export function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  }
  return crc;
}

function oggPage(
  packets: Uint8Array[],
  opts: { granule: number; serial: number; seq: number; flags: number },
): Uint8Array {
  const lacing: number[] = [];
  for (const p of packets) {
    let n = p.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  const bodyLen = packets.reduce((s, p) => s + p.length, 0);
  const page = new Uint8Array(27 + lacing.length + bodyLen);
  const v = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53]); // "OggS"
  page[4] = 0;
  page[5] = opts.flags;
  v.setBigUint64(6, BigInt(opts.granule), true);
  v.setUint32(14, opts.serial, true);
  v.setUint32(18, opts.seq, true);
  page[26] = lacing.length;
  page.set(lacing, 27);
  let at = 27 + lacing.length;
  for (const p of packets) {
    page.set(p, at);
    at += p.length;
  }
  v.setUint32(22, oggCrc(page), true);
  return page;
}

/** Segments a packet takes in a page's lacing table. */
function segmentsOf(p: Uint8Array) {
  return Math.floor(p.length / 255) + 1;
}

/** Writes Opus packets as an Ogg Opus file (RFC 7845). */
export function writeOggOpus(
  head: Uint8Array,
  packets: Uint8Array[],
  serial = 0x42616e64,
): Uint8Array {
  const vendor = new TextEncoder().encode("Bandeja");
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  tags.set(new TextEncoder().encode("OpusTags"));
  new DataView(tags.buffer).setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  const pages: Uint8Array[] = [
    oggPage([head], { granule: 0, serial, seq: 0, flags: 0x02 }),
    oggPage([tags], { granule: 0, serial, seq: 1, flags: 0 }),
  ];
  let granule = 0;
  let pending: Uint8Array[] = [];
  let segments = 0;
  const flush = (last: boolean) => {
    pages.push(oggPage(pending, {
      granule,
      serial,
      seq: pages.length,
      flags: last ? 0x04 : 0,
    }));
    pending = [];
    segments = 0;
  };
  packets.forEach((p, i) => {
    // a page holds at most 255 lacing values; about a second of audio each
    if (segments + segmentsOf(p) > 255 || pending.length >= 50) flush(false);
    pending.push(p);
    segments += segmentsOf(p);
    granule += opusPacketSamples(p);
    if (i === packets.length - 1) flush(true);
  });
  const out = new Uint8Array(pages.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of pages) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A WebM Opus recording as an Ogg Opus file. */
export function webmToOgg(webm: Uint8Array): Uint8Array {
  const { head, packets } = readWebmOpus(webm);
  return writeOggOpus(head, packets);
}
