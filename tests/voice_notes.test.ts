/**
 * Voice notes (F30): offered in WhatsApp conversations only; a recording is
 * sent to WhatsApp as Ogg Opus (remuxed from Chromium's WebM); incoming ones
 * play inline.
 */
import assert from "node:assert/strict";
import { q } from "./carrier_fixtures.ts";
import { sendWith, upload, uploaded } from "./composer_fixtures.ts";
import { loggedIn, testApp } from "./helpers.ts";
import { eventually, startStack } from "./stack.ts";
import { packet, webm } from "./webm_fixture.ts";
import { isOggOpus } from "../services/media_limits.ts";

const CARMEN = 1; // SMS
const SOFIA = 5; // WhatsApp

const RECORDING = webm(Array.from({ length: 50 }, () => packet(0xfc, 40)));

Deno.test("the record button is in WhatsApp conversations and absent in SMS ones", async () => {
  const t = await testApp();
  try {
    // maria belongs to both inboxes
    const maria = await loggedIn(t, "maria");
    const sms = await (await maria.request(`/conversations/${CARMEN}`)).text();
    const wa = await (await maria.request(`/conversations/${SOFIA}`)).text();
    assert.doesNotMatch(sms, /data-record/);
    assert.match(
      wa,
      /<button type="button" class="quiet record js-only" data-record/,
    );
    // both can attach files
    assert.match(sms, /<input type="file" name="files" multiple/);
    assert.match(wa, /<input type="file" name="files" multiple/);
  } finally {
    await t.close();
  }
});

Deno.test("the server refuses a voice note on an SMS conversation", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const res = await upload(
      ana,
      CARMEN,
      { name: "voice-note.webm", bytes: RECORDING, type: "audio/webm" },
      { voice: true },
    );
    assert.equal(res.status, 422);
    assert.equal(await res.text(), "Voice notes can be sent on WhatsApp only.");
  } finally {
    await t.close();
  }
});

Deno.test("a recording that is not Opus cannot be a voice note", async () => {
  const t = await testApp();
  try {
    const maria = await loggedIn(t, "maria");
    const res = await upload(
      maria,
      SOFIA,
      { name: "voice.mp3", bytes: new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0]) },
      { voice: true },
    );
    assert.equal(res.status, 422);
    assert.match(await res.text(), /needs Opus audio/);
  } finally {
    await t.close();
  }
});

Deno.test("a WebM recording reaches WhatsApp as an Ogg Opus voice note", async () => {
  const s = await startStack();
  try {
    const maria = await loggedIn(s, "maria");
    const token = await uploaded(
      maria,
      SOFIA,
      { name: "voice-note.webm", bytes: RECORDING, type: "audio/webm" },
      { voice: true },
    );
    const res = await sendWith(maria, SOFIA, { tokens: [token] });
    const html = await res.text();
    assert.equal(res.status, 200, html);
    assert.match(
      html,
      /<span class="att audio voice">.*<audio controls preload="none" src="\/media\/\d+" aria-label="Voice note">/,
    );
    const sent = await eventually(
      () =>
        s.sim.sent.find((m) => m.provider === "whatsapp" && m.mediaUrls.length),
      5000,
      "the voice note",
    );
    // .ogg: the adapter sends it as an audio message, without a caption
    assert.match(sent.mediaUrls[0], /\/voice-note\.ogg\?/);
    assert.equal(sent.body, "");
    const file = await fetch(sent.mediaUrls[0]);
    assert.equal(file.headers.get("content-type"), "audio/ogg");
    assert.ok(isOggOpus(new Uint8Array(await file.arrayBuffer())));
    const [row] = await q(
      s,
      "select content_type, is_voice_note from attachments",
    );
    assert.deepEqual([row.content_type, Number(row.is_voice_note)], [
      "audio/ogg",
      1,
    ]);
    // the list shows it for what it is
    const [conv] = await q(
      s,
      `select preview from conversations where id = ${SOFIA}`,
    );
    assert.equal(conv.preview, "🎤");
  } finally {
    await s.stop();
  }
});

Deno.test("an incoming WhatsApp voice note plays inline in the thread", async () => {
  const s = await startStack();
  try {
    const maria = await loggedIn(s, "maria");
    const ogg = (await import("../services/webm_to_ogg.ts")).webmToOgg(
      RECORDING,
    );
    await s.sim.injectInbound({
      provider: "whatsapp",
      from: "+15551230004",
      to: "+15550100002",
      media: [{ contentType: "audio/ogg; codecs=opus", bytes: ogg }],
    });
    await eventually(
      async () =>
        (await q(s, "select state from attachments where state = 'stored'"))
          .length,
      5000,
      "the voice note fetched",
    );
    const html = await (await maria.request(`/conversations/${SOFIA}`)).text();
    assert.match(
      html,
      /<audio controls preload="none" src="\/media\/(\d+)" aria-label="Voice note">/,
    );
    const id = /src="\/media\/(\d+)" aria-label="Voice note"/.exec(html)![1];
    const file = await maria.request(`/media/${id}`);
    assert.equal(file.headers.get("content-type"), "audio/ogg");
    assert.equal(file.headers.get("content-disposition"), "inline");
    assert.equal(file.headers.get("accept-ranges"), "bytes");
    await file.body?.cancel();
    // players seek, and read an Ogg's duration from its end, by ranges
    const head = await maria.request(`/media/${id}`, {
      headers: { range: "bytes=0-3" },
    });
    assert.equal(head.status, 206);
    assert.equal(new TextDecoder().decode(await head.arrayBuffer()), "OggS");
    const tail = await maria.request(`/media/${id}`, {
      headers: { range: "bytes=-27" },
    });
    assert.equal(tail.status, 206);
    assert.match(tail.headers.get("content-range")!, /^bytes \d+-\d+\/\d+$/);
    assert.equal((await tail.arrayBuffer()).byteLength, 27);
  } finally {
    await s.stop();
  }
});
