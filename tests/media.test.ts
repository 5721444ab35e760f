/**
 * Media (C7): inbound MMS and WhatsApp files are fetched after the webhook
 * answered and stored with the type their bytes show; members download
 * them, nobody else does; carriers fetch outbound files through short-lived
 * signed URLs.
 */
import assert from "node:assert/strict";
import { signMediaUrl } from "../services/media_urls.ts";
import {
  conversationOf,
  OGG_OPUS_HEAD,
  outboxFor,
  PDF_MINIMAL,
  PNG_1X1,
  q,
} from "./carrier_fixtures.ts";
import { loggedIn, TEST_SECRETS } from "./helpers.ts";
import { eventually, type Stack, startStack } from "./stack.ts";

const PENDING_SMS = "+15550100003"; // Twilio, in Sales: luis is no member

interface AttachmentRow {
  id: number;
  state: string;
  content_type: string;
  size: number | null;
  is_voice_note: number;
}

async function attachmentsOf(s: Stack, provider: string, providerId: string) {
  return (await q(
    s,
    `select a.id, a.state, a.content_type, a.size, a.is_voice_note
      from attachments a join messages m on m.id = a.message_id
      where m.provider = ? and m.provider_id = ? order by a.id`,
    [provider, providerId],
  )) as unknown as AttachmentRow[];
}

async function allStored(s: Stack, provider: string, providerId: string) {
  return await eventually(
    async () => {
      const rows = await attachmentsOf(s, provider, providerId);
      return rows.every((r) => r.state === "stored") ? rows : null;
    },
    5000,
    "attachments stored",
  );
}

/** A Twilio MMS with a PNG its sender labelled JPEG, and a PDF. */
async function mmsWithTwoFiles(s: Stack, from: string) {
  const res = await s.sim.injectInbound({
    provider: "twilio",
    from,
    to: PENDING_SMS,
    body: "Here are the photo and the invoice",
    media: [
      { contentType: "image/jpeg", bytes: PNG_1X1 },
      { contentType: "application/pdf", bytes: PDF_MINIMAL },
    ],
  });
  assert.equal(res.status, 200, res.responseBody);
  return res.providerId;
}

Deno.test("an inbound MMS's files are pending when the webhook answers, then fetched and stored with the type their bytes show", async () => {
  const s = await startStack({ outbox: false });
  const outbox = outboxFor(s);
  try {
    const from = "+15557773001";
    const sid = await mmsWithTwoFiles(s, from);
    // the carrier got its answer before anything was downloaded
    const pending = await attachmentsOf(s, "twilio", sid);
    assert.deepEqual(pending.map((a) => [a.state, a.content_type]), [
      ["pending", "image/jpeg"],
      ["pending", "application/pdf"],
    ]);
    const [jobs] = await q(
      s,
      `select count(*) as n from jobs where kind = 'fetch_media'
        and state = 'pending' and ref_id in (?, ?)`,
      [pending[0].id, pending[1].id],
    );
    assert.equal(Number(jobs.n), 2);
    const conv = await conversationOf(s, from, PENDING_SMS);
    const maria = await loggedIn(s, "maria");
    const loading = await (await maria.request(`/conversations/${conv.id}`))
      .text();
    assert.match(loading, /Attachment loading…/);

    outbox.start();
    const stored = await allStored(s, "twilio", sid);
    assert.deepEqual(stored.map((a) => [a.content_type, a.size]), [
      ["image/png", PNG_1X1.length],
      ["application/pdf", PDF_MINIMAL.length],
    ]);
    const thread = await (await maria.request(`/conversations/${conv.id}`))
      .text();
    assert.match(thread, new RegExp(`<img src="/media/${stored[0].id}"`));
    assert.match(thread, new RegExp(`href="/media/${stored[1].id}"`));
    assert.doesNotMatch(thread, /Attachment loading…/);
  } finally {
    await outbox.stop();
    await s.stop();
  }
});

Deno.test("a member of the inbox downloads an attachment; someone outside it gets 404", async () => {
  const s = await startStack();
  try {
    const sid = await mmsWithTwoFiles(s, "+15557773011");
    const [png, pdf] = await allStored(s, "twilio", sid);
    const maria = await loggedIn(s, "maria");
    const res = await maria.request(`/media/${png.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), PNG_1X1);
    const doc = await maria.request(`/media/${pdf.id}`);
    assert.equal(doc.status, 200);
    assert.equal(doc.headers.get("content-type"), "application/pdf");
    assert.equal(doc.headers.get("content-disposition"), "attachment");
    await doc.body?.cancel();

    for (const outsider of ["luis", "ana"]) {
      const who = await loggedIn(s, outsider);
      const denied = await who.request(`/media/${png.id}`);
      assert.equal(denied.status, 404, outsider);
      await denied.body?.cancel();
    }
    // and nobody without a session
    const anonymous = await fetch(`${s.url}/media/${png.id}`, {
      redirect: "manual",
    });
    assert.notEqual(anonymous.status, 200);
    await anonymous.body?.cancel();
  } finally {
    await s.stop();
  }
});

Deno.test("a signed media URL works without a session until it expires; an expired or tampered one gets 403", async () => {
  const s = await startStack();
  try {
    const sid = await mmsWithTwoFiles(s, "+15557773021");
    const [png] = await allStored(s, "twilio", sid);
    const secret = TEST_SECRETS.mediaUrlSecret;
    const url = await signMediaUrl(s.url, secret, png.id, Date.now() + 60_000);
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("content-type"), "image/png");
    assert.equal(ok.headers.get("x-content-type-options"), "nosniff");
    assert.deepEqual(new Uint8Array(await ok.arrayBuffer()), PNG_1X1);

    const expired = await signMediaUrl(s.url, secret, png.id, Date.now() - 1);
    const u = new URL(url);
    const sig = u.searchParams.get("sig")!;
    const flipped = (sig[0] === "a" ? "b" : "a") + sig.slice(1);
    const tampered = [
      expired,
      url.replace(`sig=${sig}`, `sig=${flipped}`),
      // a later expiry under the old signature
      url.replace(/exp=\d+/, `exp=${Date.now() + 3_600_000}`),
      // the signature of one file for another
      url.replace(`/media/signed/${png.id}`, `/media/signed/${png.id + 1}`),
      await signMediaUrl(
        s.url,
        "another-secret-0123456789",
        png.id,
        Date.now() + 60_000,
      ),
    ];
    for (const bad of tampered) {
      const res = await fetch(bad);
      assert.equal(res.status, 403, bad);
      await res.body?.cancel();
    }
  } finally {
    await s.stop();
  }
});

Deno.test("an outbound MMS gives the carrier a signed URL that serves the file", async () => {
  const s = await startStack();
  try {
    const ana = await loggedIn(s, "ana");
    const conv = await conversationOf(s, "+15551230001", "+15550100001");
    const form = new FormData();
    form.set("body", "The label you asked for");
    form.set("files", new File([PNG_1X1], "label.png", { type: "image/png" }));
    const res = await ana.request(`/conversations/${conv.id}/messages`, {
      method: "POST",
      body: form,
      headers: { "x-csrf-token": ana.csrf, "hx-request": "true" },
    });
    assert.equal(res.status, 200, await res.text());
    const sent = await eventually(
      () => s.sim.sent.find((m) => m.body === "The label you asked for"),
      5000,
      "the MMS sent",
    );
    assert.equal(sent.mediaUrls.length, 1);
    const url = sent.mediaUrls[0];
    assert.ok(url.startsWith(`${s.url}/media/signed/`), url);
    const file = await fetch(url);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get("content-type"), "image/png");
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), PNG_1X1);
  } finally {
    await s.stop();
  }
});

Deno.test("a WhatsApp voice note is stored as audio/ogg and marked as a voice note", async () => {
  const s = await startStack();
  try {
    const from = "+15557773031";
    const res = await s.sim.injectInbound({
      provider: "whatsapp",
      from,
      to: "+15550100002",
      media: [{ contentType: "audio/ogg", bytes: OGG_OPUS_HEAD }],
    });
    assert.equal(res.status, 200, res.responseBody);
    const [note] = await allStored(s, "whatsapp", res.providerId);
    assert.equal(note.content_type, "audio/ogg");
    assert.equal(note.is_voice_note, 1);
    assert.equal(note.size, OGG_OPUS_HEAD.length);
    const conv = await conversationOf(s, from, "+15550100002");
    const maria = await loggedIn(s, "maria");
    const thread = await (await maria.request(`/conversations/${conv.id}`))
      .text();
    assert.match(
      thread,
      new RegExp(
        `<audio[^>]*src="/media/${note.id}"[^>]*aria-label="Voice note"|<audio[^>]*aria-label="Voice note"[^>]*src="/media/${note.id}"`,
      ),
    );
    const audio = await maria.request(`/media/${note.id}`);
    assert.equal(audio.status, 200);
    assert.equal(audio.headers.get("content-type"), "audio/ogg");
    await audio.body?.cancel();
  } finally {
    await s.stop();
  }
});
