/**
 * Attachment limits per channel (F22): every limit of PRODUCT.md's carrier
 * facts and WhatsApp's media table, checked on the sniffed type.
 */
import assert from "node:assert/strict";
import {
  browserRules,
  carrierFileName,
  checkFile,
  checkSet,
  KB,
  MB,
  mediaRules,
  numberClass,
  sniffUpload,
} from "../services/media_limits.ts";

const twilio = mediaRules({
  channel: "sms",
  provider: "twilio",
  e164: "+15550100001",
});
const twilioTollFree = mediaRules({
  channel: "sms",
  provider: "twilio",
  e164: "+18885550100",
});
const telnyx = mediaRules({
  channel: "sms",
  provider: "telnyx",
  e164: "+15550100004",
});
const whatsapp = mediaRules({
  channel: "whatsapp",
  provider: "whatsapp",
  e164: "+15550100002",
});

const file = (contentType: string, size: number, bytes?: Uint8Array) => ({
  name: "f",
  contentType,
  size,
  bytes,
});

Deno.test("numbers are told apart as long code, toll-free or short code", () => {
  assert.equal(numberClass("+15550100001"), "long_code");
  assert.equal(numberClass("+18005550100"), "toll_free");
  assert.equal(numberClass("+18445550100"), "toll_free");
  assert.equal(numberClass("12345"), "short_code");
});

Deno.test("MMS on Twilio: jpeg/png/gif up to the 5 MB total, other types at the carriers' lowest cap", () => {
  for (const t of ["image/jpeg", "image/png", "image/gif"]) {
    assert.equal(checkFile(twilio, file(t, 5 * MB)), null, t);
    assert.equal(
      checkFile(twilio, file(t, 5 * MB + 1))?.key,
      "upload.too_large",
    );
  }
  // long code: AT&T 1.0, T-Mobile 1.5, Verizon 1.0 MB → 1.0 MB
  assert.equal(checkFile(twilio, file("application/pdf", 1 * MB)), null);
  assert.deepEqual(checkFile(twilio, file("application/pdf", 1 * MB + 1)), {
    key: "upload.too_large",
    vars: { name: "f", max: "1 MB" },
  });
  assert.equal(
    checkFile(twilio, file("video/mp4", 1 * MB + 1))?.key,
    "upload.too_large",
  );
  // toll-free: 0.6 MB for all three carriers
  assert.equal(checkFile(twilioTollFree, file("audio/mpeg", 600 * KB)), null);
  assert.deepEqual(
    checkFile(twilioTollFree, file("audio/mpeg", 600 * KB + 1)),
    {
      key: "upload.too_large",
      vars: { name: "f", max: "600 KB" },
    },
  );
});

Deno.test("MMS refuses types carriers do not take, whatever their size", () => {
  for (
    const t of [
      "image/webp",
      "application/zip",
      "text/html",
      "application/octet-stream",
    ]
  ) {
    assert.deepEqual(checkFile(twilio, file(t, 10)), {
      key: "upload.type",
      vars: { name: "f", type: t },
    });
  }
});

Deno.test("MMS: at most 10 files and 5 MB together on Twilio, 1 MB on Telnyx", () => {
  const ten = Array.from({ length: 10 }, () => ({ size: 400 * KB }));
  assert.equal(checkSet(twilio, ten), null);
  assert.deepEqual(checkSet(twilio, [...ten, { size: 1 }]), {
    key: "upload.too_many",
    vars: { max: 10 },
  });
  assert.deepEqual(checkSet(twilio, [{ size: 3 * MB }, { size: 2 * MB + 1 }]), {
    key: "upload.total_too_large",
    vars: { max: "5 MB" },
  });
  assert.equal(
    checkSet(telnyx, [{ size: 600 * KB }, { size: 400 * KB }]),
    null,
  );
  assert.equal(
    checkSet(telnyx, [{ size: 600 * KB }, { size: 400 * KB + 1 }])?.key,
    "upload.total_too_large",
  );
  assert.equal(
    checkFile(telnyx, file("image/jpeg", 1 * MB + 1))?.key,
    "upload.too_large",
  );
});

Deno.test("WhatsApp: images 5 MB, audio and video 16 MB, documents 100 MB, stickers 100/500 KB", () => {
  assert.equal(checkFile(whatsapp, file("image/jpeg", 5 * MB)), null);
  assert.equal(
    checkFile(whatsapp, file("image/png", 5 * MB + 1))?.key,
    "upload.too_large",
  );
  assert.equal(checkFile(whatsapp, file("video/mp4", 16 * MB)), null);
  assert.equal(
    checkFile(whatsapp, file("video/mp4", 16 * MB + 1))?.key,
    "upload.too_large",
  );
  assert.equal(
    checkFile(whatsapp, file("audio/mpeg", 16 * MB + 1))?.key,
    "upload.too_large",
  );
  assert.equal(checkFile(whatsapp, file("application/pdf", 100 * MB)), null);
  assert.equal(
    checkFile(whatsapp, file("application/pdf", 100 * MB + 1))?.key,
    "upload.too_large",
  );
  const riff = (extra: string) =>
    new TextEncoder().encode(`RIFF\0\0\0\0WEBPVP8X${extra}`);
  assert.equal(
    checkFile(whatsapp, file("image/webp", 100 * KB, riff(""))),
    null,
  );
  assert.equal(
    checkFile(whatsapp, file("image/webp", 100 * KB + 1, riff("")))?.key,
    "upload.too_large",
  );
  assert.equal(
    checkFile(whatsapp, file("image/webp", 500 * KB, riff("ANIM"))),
    null,
  );
  assert.equal(checkFile(whatsapp, file("image/gif", 10))?.key, "upload.type");
  // many files are fine: each goes as its own message
  assert.equal(
    checkSet(whatsapp, Array.from({ length: 10 }, () => ({ size: 5 * MB }))),
    null,
  );
});

Deno.test("WhatsApp takes Ogg audio only with Opus inside", () => {
  const ogg = (codec: string) => {
    const b = new Uint8Array(27 + 1 + 19);
    b.set(new TextEncoder().encode("OggS"));
    b[26] = 1;
    b[27] = 19;
    b.set(new TextEncoder().encode(codec), 28);
    return b;
  };
  assert.equal(
    checkFile(whatsapp, file("audio/ogg", 100, ogg("OpusHead"))),
    null,
  );
  assert.equal(
    checkFile(whatsapp, file("audio/ogg", 100, ogg("\x01vorbis")))?.key,
    "upload.type",
  );
});

Deno.test("uploads are typed by their bytes, and Office files by bytes and extension", () => {
  const bytes = (...xs: number[]) => new Uint8Array([...xs, 0, 0, 0, 0]);
  const html = new TextEncoder().encode("<html><script>alert(1)</script>");
  assert.equal(
    sniffUpload(
      bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
      "photo.jpg",
    ),
    "image/png",
  );
  assert.equal(
    sniffUpload(bytes(0x50, 0x4b, 0x03, 0x04), "quote.docx"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  );
  assert.equal(
    sniffUpload(bytes(0x50, 0x4b, 0x03, 0x04), "quote.zip"),
    "application/octet-stream",
  );
  assert.equal(
    sniffUpload(
      bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1),
      "old.xls",
    ),
    "application/vnd.ms-excel",
  );
  assert.equal(
    sniffUpload(bytes(0xff, 0xf1, 0x50, 0x80), "voice.aac"),
    "audio/aac",
  );
  assert.equal(
    sniffUpload(new TextEncoder().encode("Hola, ¿qué tal?\n"), "notes.txt"),
    "text/plain",
  );
  // HTML is text: it can only ever be a document, never a page of ours
  assert.equal(sniffUpload(html, "photo.jpg"), "text/plain");
  assert.equal(
    checkFile(twilio, file(sniffUpload(html, "photo.jpg"), html.length))?.key,
    "upload.type",
  );
});

Deno.test("carrier links get a safe file name with the extension of the sniffed type", () => {
  assert.equal(
    carrierFileName("Foto de Sofía.JPG", "image/jpeg"),
    "Foto_de_Sofia.jpg",
  );
  assert.equal(carrierFileName('"><script>.png', "image/png"), "script_.png");
  assert.equal(
    carrierFileName("voice-note.webm", "audio/ogg"),
    "voice-note.ogg",
  );
  assert.equal(carrierFileName("", "application/pdf"), "file.pdf");
});

Deno.test("the browser gets the same limits as the server checks", () => {
  const r = browserRules(twilio);
  assert.equal(r.maxFiles, 10);
  assert.equal(r.maxTotal, 5 * MB);
  assert.equal(r.types["image/jpeg"], 5 * MB);
  assert.equal(r.types["application/pdf"], 1 * MB);
  assert.equal(browserRules(whatsapp).maxTotal, null);
  assert.equal(twilio.voiceNotes, false);
  assert.equal(whatsapp.voiceNotes, true);
});
