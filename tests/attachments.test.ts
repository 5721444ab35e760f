/**
 * Attachments (F22): uploads typed by their bytes and checked against the
 * sending channel's limits with a clear message, escaped file names, the
 * files going out with the reply (MMS: all in one; WhatsApp: one per
 * message), and previews so a phone downloads full images only on tap.
 */
import assert from "node:assert/strict";
import { q } from "./carrier_fixtures.ts";
import {
  jpegOfSize,
  pdfOfSize,
  PNG,
  sendWith,
  tokensIn,
  upload,
  uploaded,
} from "./composer_fixtures.ts";
import { loggedIn, testApp } from "./helpers.ts";
import { eventually, startStack } from "./stack.ts";

const CARMEN = 1; // Support, Twilio SMS
const SOFIA = 5; // Sales, WhatsApp

async function mediaFiles(dir: string): Promise<number> {
  let n = 0;
  for await (const _ of Deno.readDir(dir)) n++;
  return n;
}

Deno.test("an upload is typed by its bytes and its chip shows the file name escaped", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const name = "<img src onerror>.jpg";
    const res = await upload(ana, CARMEN, {
      name,
      bytes: PNG,
      type: "image/jpeg",
    });
    const html = await res.text();
    assert.equal(res.status, 200, html);
    assert.doesNotMatch(html, /<img src onerror/);
    assert.match(
      html,
      /<span class="name">&lt;img src onerror&gt;\.jpg<\/span>/,
    );
    assert.equal(tokensIn(html).length, 1);
    // nothing is in the database until the reply is sent
    assert.equal(
      Number((await q(t, "select count(*) as n from attachments"))[0].n),
      0,
    );
  } finally {
    await t.close();
  }
});

Deno.test("a file the channel cannot take is refused with the reason and nothing is stored", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const dir = t.deps.config.mediaDir;
    await Deno.mkdir(dir, { recursive: true });
    const before = await mediaFiles(dir);
    // HTML named like a photo: its bytes say text, which MMS does not carry
    const html = new TextEncoder().encode("<html><script>alert(1)</script>");
    let res = await upload(ana, CARMEN, {
      name: "photo.jpg",
      bytes: html,
      type: "image/jpeg",
    });
    assert.equal(res.status, 422);
    assert.equal(
      await res.text(),
      "photo.jpg: this channel cannot send text/plain files.",
    );
    // a PDF over the carriers' 1 MB cap for non-image MMS on a long code
    res = await upload(ana, CARMEN, {
      name: "menu.pdf",
      bytes: pdfOfSize(1_000_001),
    });
    assert.equal(res.status, 422);
    assert.equal(
      await res.text(),
      "menu.pdf is larger than this channel allows (1 MB).",
    );
    // an image over Twilio's 5 MB
    res = await upload(ana, CARMEN, {
      name: "big.jpg",
      bytes: jpegOfSize(5_000_001),
    });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /\(5 MB\)/);
    // WhatsApp takes no GIF
    const maria = await loggedIn(t, "maria");
    res = await upload(maria, SOFIA, {
      name: "a.gif",
      bytes: new TextEncoder().encode("GIF89a......"),
    });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /cannot send image\/gif files/);
    assert.equal(await mediaFiles(dir), before);
  } finally {
    await t.close();
  }
});

Deno.test("the Spanish interface words the same refusal in Spanish", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    await t.db.client.execute(
      "update users set locale = 'es' where email = 'ana@demo.test'",
    );
    const res = await upload(ana, CARMEN, {
      name: "menu.pdf",
      bytes: pdfOfSize(1_000_001),
    });
    assert.equal(res.status, 422);
    assert.equal(
      await res.text(),
      "menu.pdf supera lo que admite este canal (1 MB).",
    );
  } finally {
    await t.close();
  }
});

Deno.test("a send over 10 files or 5 MB together is refused and stores nothing", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const small = await Promise.all(
      Array.from(
        { length: 11 },
        (_, i) => uploaded(ana, CARMEN, { name: `p${i}.png`, bytes: PNG }),
      ),
    );
    const before = Number(
      (await q(t, "select count(*) as n from messages"))[0].n,
    );
    let res = await sendWith(ana, CARMEN, { body: "Photos", tokens: small });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /At most 10 files per message\./);
    const big = [
      await uploaded(ana, CARMEN, {
        name: "a.jpg",
        bytes: jpegOfSize(3_000_000),
      }),
      await uploaded(ana, CARMEN, {
        name: "b.jpg",
        bytes: jpegOfSize(2_500_000),
      }),
    ];
    res = await sendWith(ana, CARMEN, { body: "Big ones", tokens: big });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /larger than this channel allows \(5 MB\)/);
    // the files stay in the composer, to remove one and send again
    assert.deepEqual(tokensIn(html), big);
    assert.match(html, /Big ones/);
    assert.equal(
      Number((await q(t, "select count(*) as n from messages"))[0].n),
      before,
    );
  } finally {
    await t.close();
  }
});

Deno.test("an upload token works only for its uploader and conversation", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const luis = await loggedIn(t, "luis");
    const token = await uploaded(ana, CARMEN, { name: "p.png", bytes: PNG });
    let res = await sendWith(luis, CARMEN, {
      body: "Mine now",
      tokens: [token],
    });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /attachment expired/);
    res = await sendWith(ana, 2, { body: "Other thread", tokens: [token] });
    assert.equal(res.status, 422);
    const [data, sig] = token.split(".");
    res = await sendWith(ana, CARMEN, {
      body: "Forged",
      tokens: [`${data}x.${sig}`],
    });
    assert.equal(res.status, 422);
  } finally {
    await t.close();
  }
});

Deno.test("an MMS reply carries its files to Twilio as signed links the carrier can fetch", async () => {
  const s = await startStack();
  try {
    const ana = await loggedIn(s, "ana");
    const tokens = [
      await uploaded(ana, CARMEN, { name: "Recibo <1>.png", bytes: PNG }, {
        thumb: PNG,
      }),
      await uploaded(ana, CARMEN, { name: "menu.pdf", bytes: pdfOfSize(2000) }),
    ];
    const res = await sendWith(ana, CARMEN, {
      body: "Here you go *Carmen*",
      tokens,
    });
    const html = await res.text();
    assert.equal(res.status, 200, html);
    const sent = await eventually(
      () => s.sim.sent.find((m) => m.body.startsWith("Here you go")),
      5000,
      "the MMS",
    );
    // one message, plain text on SMS, both files as signed links
    assert.equal(sent.body, "Here you go Carmen");
    assert.equal(sent.mediaUrls.length, 2);
    assert.match(
      sent.mediaUrls[0],
      /\/media\/signed\/\d+\/Recibo_1_\.png\?exp=\d+&sig=[0-9a-f]+$/,
    );
    assert.match(sent.mediaUrls[1], /\/media\/signed\/\d+\/menu\.pdf\?/);
    const file = await fetch(sent.mediaUrls[0]);
    assert.equal(file.headers.get("content-type"), "image/png");
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), PNG);
    const rows = await q(
      s,
      "select content_type, filename, state, thumbnail_key is not null as thumb from attachments order by id",
    );
    assert.deepEqual(
      rows.map((r) => [r.content_type, r.filename, r.state, Number(r.thumb)]),
      [
        ["image/png", "Recibo <1>.png", "stored", 1],
        ["application/pdf", "menu.pdf", "stored", 0],
      ],
    );
    // the bubble: a preview linking to the full image, the name escaped
    assert.match(
      html,
      /<a class="att image" href="\/media\/(\d+)"[^>]*><img src="\/media\/\1\/thumb"/,
    );
    assert.match(html, /Recibo &lt;1&gt;\.png/);
    const id = /\/media\/(\d+)\/thumb/.exec(html)![1];
    const thumb = await ana.request(`/media/${id}/thumb`);
    assert.equal(thumb.headers.get("content-type"), "image/png");
    await thumb.body?.cancel();
  } finally {
    await s.stop();
  }
});

Deno.test("on WhatsApp each file goes as its own message, the text as the first caption", async () => {
  const s = await startStack();
  try {
    const maria = await loggedIn(s, "maria");
    const tokens = [
      await uploaded(maria, SOFIA, { name: "chair.png", bytes: PNG }),
      await uploaded(maria, SOFIA, {
        name: "Quote 2024.pdf",
        bytes: pdfOfSize(3000),
      }),
    ];
    const res = await sendWith(maria, SOFIA, { body: "The _quote_:", tokens });
    assert.equal(res.status, 200, await res.text());
    const sent = await eventually(
      () => {
        const list = s.sim.sent.filter((m) => m.provider === "whatsapp");
        return list.length >= 2 ? list : null;
      },
      5000,
      "two WhatsApp messages",
    );
    const image = sent.find((m) => m.mediaUrls[0]?.includes("chair"))!;
    const doc = sent.find((m) => m.mediaUrls[0]?.includes("Quote"))!;
    assert.equal(image.body, "The _quote_:", "WhatsApp markup, as the caption");
    assert.match(image.mediaUrls[0], /\/chair\.png\?/);
    assert.equal(doc.body, "");
    assert.match(doc.mediaUrls[0], /\/Quote_2024\.pdf\?/);
    const rows = await q(
      s,
      "select m.body, count(a.id) as files from messages m join attachments a on a.message_id = m.id group by m.id order by m.id",
    );
    assert.deepEqual(rows.map((r) => [r.body, Number(r.files)]), [[
      "The _quote_:",
      1,
    ], ["", 1]]);
  } finally {
    await s.stop();
  }
});

Deno.test("without the script the form posts its files with the reply", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const form = new FormData();
    form.append("_csrf", ana.csrf);
    form.append("body", "Attached");
    form.append("files", new File([PNG], "a.png", { type: "image/png" }));
    form.append("files", new File([pdfOfSize(500)], "b.pdf"));
    form.append(
      "files",
      new File([], "", { type: "application/octet-stream" }),
    );
    const res = await ana.request(`/conversations/${CARMEN}/messages`, {
      method: "POST",
      body: form,
      headers: { "sec-fetch-site": "same-origin" },
    });
    assert.equal(res.status, 303);
    await res.body?.cancel();
    const rows = await q(
      t,
      "select m.body, a.content_type from attachments a join messages m on m.id = a.message_id",
    );
    assert.deepEqual(rows.map((r) => [r.body, r.content_type]), [
      ["Attached", "image/png"],
      ["Attached", "application/pdf"],
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("a big image without a preview is only downloaded when tapped", async () => {
  const t = await testApp();
  try {
    const ana = await loggedIn(t, "ana");
    const now = Date.now();
    for (
      const [size, name] of [[2_400_000, "big.jpg"], [
        40_000,
        "small.jpg",
      ]] as const
    ) {
      await t.db.client.execute({
        sql: `insert into attachments (message_id, state, content_type, size,
          filename, storage_key, created_at) values (1, 'stored', 'image/jpeg', ?, ?, ?, ?)`,
        args: [size, name, `${crypto.randomUUID()}.bin`, now],
      });
    }
    const html = await (await ana.request(`/conversations/${CARMEN}`)).text();
    assert.match(
      html,
      /<a class="att image tap" href="\/media\/\d+"[^>]*>.*big\.jpg · 2\.4 MB — tap to view/,
    );
    assert.match(
      html,
      /<img src="\/media\/\d+" alt="small\.jpg" loading="lazy"/,
    );
    assert.doesNotMatch(html, /alt="big\.jpg"/);
  } finally {
    await t.close();
  }
});
