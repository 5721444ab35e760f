/**
 * Voice notes (F30): Chromium records WebM/Opus; WhatsApp takes Ogg/Opus.
 * The remux copies the Opus packets into Ogg pages (RFC 7845 / RFC 3533):
 * checked here on a WebM built the way MediaRecorder writes it (streamed,
 * with unknown-size Segment and Clusters).
 */
import assert from "node:assert/strict";
import {
  isWebm,
  NotOpusWebm,
  oggCrc,
  opusPacketSamples,
  webmToOgg,
} from "../services/webm_to_ogg.ts";
import { isOggOpus } from "../services/media_limits.ts";
import { sniffContentType } from "../services/media_store.ts";
import { opusHead, packet, webm } from "./webm_fixture.ts";

interface Page {
  flags: number;
  granule: bigint;
  seq: number;
  packets: Uint8Array[];
}

/** Reads an Ogg stream back, checking every page's CRC. */
function readOgg(b: Uint8Array): Page[] {
  const pages: Page[] = [];
  let at = 0;
  let partial: number[] = [];
  while (at < b.length) {
    assert.equal(String.fromCharCode(...b.subarray(at, at + 4)), "OggS");
    const v = new DataView(b.buffer, b.byteOffset + at);
    const n = b[at + 26];
    const lacing = b.subarray(at + 27, at + 27 + n);
    const bodyLen = lacing.reduce((s, x) => s + x, 0);
    const page = b.slice(at, at + 27 + n + bodyLen);
    const crc = new DataView(page.buffer).getUint32(22, true);
    page.fill(0, 22, 26);
    assert.equal(oggCrc(page), crc, "page CRC");
    const packets: Uint8Array[] = [];
    let p = at + 27 + n;
    for (const len of lacing) {
      partial.push(...b.subarray(p, p + len));
      p += len;
      if (len < 255) {
        packets.push(new Uint8Array(partial));
        partial = [];
      }
    }
    pages.push({
      flags: b[at + 5],
      granule: v.getBigUint64(6, true),
      seq: v.getUint32(18, true),
      packets,
    });
    at = p;
  }
  return pages;
}

Deno.test("Opus packet durations come from the TOC byte", () => {
  assert.equal(opusPacketSamples(packet(0xfc, 10)), 960); // CELT FB 20 ms
  assert.equal(opusPacketSamples(packet(0xf8 | 1, 10)), 1920); // two frames
  assert.equal(opusPacketSamples(packet(0xfb, 10, [0x03])), 2880); // code 3, three
  assert.equal(opusPacketSamples(packet(0x08 * 3, 10)), 2880); // SILK 60 ms
  assert.equal(opusPacketSamples(packet(0x08 * 16, 10)), 120); // CELT 2.5 ms
});

Deno.test("a MediaRecorder WebM becomes an Ogg Opus file with the same packets", () => {
  const packets = [
    packet(0xfc, 80),
    packet(0xfc, 300), // longer than one lacing value
    packet(0xfb, 120, [0x02]),
    packet(0xfc, 510), // exactly 2×255: needs a terminating 0 lacing value
    ...Array.from({ length: 120 }, () => packet(0xfc, 60)),
  ];
  const input = webm(packets);
  assert.ok(isWebm(input));
  const ogg = webmToOgg(input);
  assert.equal(sniffContentType(ogg), "audio/ogg");
  assert.ok(isOggOpus(ogg));
  const pages = readOgg(ogg);
  assert.equal(pages[0].flags, 0x02, "first page opens the stream");
  assert.deepEqual(pages[0].packets, [opusHead(1, 312)]);
  assert.equal(
    new TextDecoder().decode(pages[1].packets[0].subarray(0, 8)),
    "OpusTags",
  );
  assert.equal(pages.at(-1)!.flags, 0x04, "last page ends the stream");
  assert.deepEqual(pages.map((p) => p.seq), pages.map((_, i) => i));
  const audio = pages.slice(2).flatMap((p) => p.packets);
  assert.deepEqual(audio, packets);
  // granule positions count 48 kHz samples, page by page
  let total = 0n;
  for (const p of pages.slice(2)) {
    total += BigInt(p.packets.reduce((s, x) => s + opusPacketSamples(x), 0));
    assert.equal(p.granule, total);
  }
  assert.equal(total, BigInt(960 * 2 + 1920 + 960 + 120 * 960));
});

Deno.test("without CodecPrivate the Opus header is built from the track", () => {
  const ogg = webmToOgg(webm([packet(0xfc, 40)], { codecPrivate: false }));
  const head = readOgg(ogg)[0].packets[0];
  assert.equal(new TextDecoder().decode(head.subarray(0, 8)), "OpusHead");
  assert.equal(head[9], 1, "channels");
  assert.equal(
    new DataView(head.buffer).getUint16(10, true),
    312,
    "pre-skip from CodecDelay",
  );
});

Deno.test("anything but a WebM with Opus audio is refused", () => {
  assert.throws(
    () => webmToOgg(new TextEncoder().encode("OggS....")),
    NotOpusWebm,
  );
  const vorbis = webm([packet(0xfc, 40)]);
  const at = new TextDecoder("latin1").decode(vorbis).indexOf("A_OPUS");
  vorbis.set(new TextEncoder().encode("A_VORB"), at);
  assert.throws(() => webmToOgg(vorbis), NotOpusWebm);
  assert.throws(() => webmToOgg(vorbis.subarray(0, 20)), NotOpusWebm);
});
