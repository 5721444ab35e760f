/**
 * Files in direct and team chats (F7, F8): uploaded from the chat composer
 * as in a conversation (typed by their bytes, size-limited), written with
 * their message, delivered live to the other members, and downloaded by
 * members only.
 */
import assert from "node:assert/strict";
import { latestEventId } from "../services/events.ts";
import { CHAT_MAX_FILE_BYTES, isOggOpus } from "../services/media_limits.ts";
import { PDF_MINIMAL, q } from "./carrier_fixtures.ts";
import { jpegOfSize, PNG, tokensIn, uploadTo } from "./composer_fixtures.ts";
import {
  type Client,
  countRows,
  demoIds,
  loggedIn,
  type TestApp,
  testApp,
} from "./helpers.ts";
import { LiveStream } from "./live_stream.ts";
import { startDirect } from "./team_fixtures.ts";
import { packet, webm } from "./webm_fixture.ts";

/** What each test starts from: ana's direct chat with luis. */
interface Setup {
  t: TestApp;
  users: Record<string, number>;
  ana: Client;
  luis: Client;
  /** the chat's id */
  id: number;
}

/** Runs `fn` on a fresh app with ana's direct chat with luis. */
async function withDirectChat(fn: (s: Setup) => Promise<void>) {
  const t = await testApp();
  try {
    const { users } = await demoIds(t.db);
    const ana = await loggedIn(t, "ana");
    const luis = await loggedIn(t, "luis");
    const id = await startDirect(ana, users.luis);
    await fn({ t, users, ana, luis, id });
  } finally {
    await t.close();
  }
}

/** Asserts no chat message or chat file was written. */
async function assertNoChatWrites(t: TestApp) {
  assert.equal(await countRows(t.db, "chat_messages"), 0);
  assert.equal(await countRows(t.db, "chat_attachments"), 0);
}

/** Uploads a file to the chat and returns its token. */
async function chatUpload(
  c: Client,
  chatId: number,
  file: { name: string; bytes: Uint8Array; type?: string },
  opts: { thumb?: Uint8Array } = {},
): Promise<string> {
  const res = await uploadTo(c, `/chats/${chatId}/uploads`, file, opts);
  const html = await res.text();
  assert.equal(res.status, 200, html);
  return tokensIn(html)[0];
}

/** Posts the chat composer's form with upload tokens (htmx). */
async function postWith(
  c: Client,
  chatId: number,
  form: { body?: string; tokens: string[]; clientKey?: string },
) {
  const params = new URLSearchParams({ body: form.body ?? "" });
  if (form.clientKey) params.set("client_key", form.clientKey);
  for (const t of form.tokens) params.append("attachment", t);
  const res = await c.request(`/chats/${chatId}/messages`, {
    method: "POST",
    body: params,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-csrf-token": c.csrf,
      "hx-request": "true",
    },
  });
  return { status: res.status, html: await res.text() };
}

async function mediaFiles(t: TestApp): Promise<number> {
  let n = 0;
  try {
    for await (const _ of Deno.readDir(t.deps.config.mediaDir)) n++;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return n;
}

/** The newest chat attachment's id. */
async function lastChatFile(t: TestApp): Promise<number> {
  const [row] = await q(t, "select max(id) as id from chat_attachments");
  return Number(row.id);
}

Deno.test("a file sent in a chat reaches the other member live, and only the chat's members download it", () =>
  withDirectChat(async ({ t, ana, luis, id }) => {
    const maria = await loggedIn(t, "maria");
    const after = await latestEventId(t.db.orm);
    const luisStream = await LiveStream.open(luis, after);
    try {
      // an image with the preview the browser drew, and a document
      const photo = await chatUpload(ana, id, {
        name: "shelf.png",
        bytes: PNG,
        type: "image/png",
      }, { thumb: PNG });
      const doc = await chatUpload(ana, id, {
        name: "rota.pdf",
        bytes: PDF_MINIMAL,
        type: "application/pdf",
      });
      assert.equal(await countRows(t.db, "chat_attachments"), 0, "not yet");
      const sent = await postWith(ana, id, {
        body: "The new rota",
        tokens: [photo, doc],
      });
      assert.equal(sent.status, 200, sent.html);
      assert.equal(await countRows(t.db, "chat_messages"), 1);
      assert.equal(await countRows(t.db, "chat_attachments"), 2);
      const [image, pdf] = (await q(
        t,
        "select id, content_type from chat_attachments order by id",
      )).map((r) => ({ id: Number(r.id), type: String(r.content_type) }));
      assert.deepEqual(
        [image.type, pdf.type],
        ["image/png", "application/pdf"],
      );
      // the sender's own answer shows both; the composer is empty again
      assert.match(
        sent.html,
        new RegExp(`src="/chat-media/${image.id}/thumb"`),
      );
      assert.doesNotMatch(sent.html, /name="attachment"/);

      // luis's open chat gets the message with its files, live
      await luisStream.expect("The new rota");
      await luisStream.expect(
        new RegExp(`<img src="/chat-media/${image.id}/thumb" alt="shelf.png"`),
      );
      await luisStream.expect(
        new RegExp(
          `<a class="att file" href="/chat-media/${pdf.id}" download="rota.pdf">` +
            `.*rota\\.pdf.*· 1 KB`,
        ),
      );
      const page = await (await luis.request(`/chats/${id}`)).text();
      assert.match(page, new RegExp(`href="/chat-media/${pdf.id}"`));

      // members download the file and its preview; anyone else gets 404
      const file = await luis.request(`/chat-media/${pdf.id}`);
      assert.equal(file.status, 200);
      assert.equal(file.headers.get("content-type"), "application/pdf");
      assert.match(file.headers.get("content-disposition") ?? "", /attachment/);
      assert.deepEqual(new Uint8Array(await file.arrayBuffer()), PDF_MINIMAL);
      const thumb = await ana.request(`/chat-media/${image.id}/thumb`);
      assert.equal(thumb.status, 200);
      assert.equal(thumb.headers.get("content-type"), "image/png");
      await thumb.body?.cancel();
      for (
        const path of [
          `/chat-media/${pdf.id}`,
          `/chat-media/${image.id}`,
          `/chat-media/${image.id}/thumb`,
          // and the conversation route does not serve a chat's file
          `/media/${pdf.id}`,
        ]
      ) {
        const res = await maria.request(path);
        await res.body?.cancel();
        assert.equal(res.status, 404, path);
      }
      // nor may an outsider upload into the chat
      const outsider = await uploadTo(maria, `/chats/${id}/uploads`, {
        name: "x.pdf",
        bytes: PDF_MINIMAL,
      });
      await outsider.body?.cancel();
      assert.equal(outsider.status, 404);
    } finally {
      await luisStream.close();
    }
  }));

Deno.test("a chat message of files only is previewed by them, and a resubmission stores it once", () =>
  withDirectChat(async ({ t, ana, luis, id }) => {
    const token = await chatUpload(ana, id, {
      name: "floor-plan.pdf",
      bytes: PDF_MINIMAL,
    });
    const form = { tokens: [token], clientKey: "chat-files-0001" };
    assert.equal((await postWith(ana, id, form)).status, 200);
    assert.equal((await postWith(ana, id, form)).status, 200);
    assert.equal(await countRows(t.db, "chat_messages"), 1);
    assert.equal(await countRows(t.db, "chat_attachments"), 1);
    const list = await (await luis.request("/chats")).text();
    assert.match(list, /📎 floor-plan\.pdf/);
    // an empty post is still refused
    const empty = await postWith(ana, id, { tokens: [] });
    assert.equal(empty.status, 422);
    assert.match(empty.html, /Write something before sending\./);
  }));

Deno.test("a chat file over the limit is refused with 413 and nothing is written", () =>
  withDirectChat(async ({ t, ana, id }) => {
    const files = await mediaFiles(t);
    const res = await uploadTo(ana, `/chats/${id}/uploads`, {
      name: "huge.jpg",
      bytes: jpegOfSize(CHAT_MAX_FILE_BYTES + 2_000_000),
      type: "image/jpeg",
    });
    assert.equal(res.status, 413);
    assert.equal(await res.text(), "That is too large.");
    // just over the file limit, under the route's: refused with the reason
    const over = await uploadTo(ana, `/chats/${id}/uploads`, {
      name: "big.jpg",
      bytes: jpegOfSize(CHAT_MAX_FILE_BYTES + 1),
    });
    assert.equal(over.status, 422);
    assert.match(await over.text(), /big\.jpg is larger .*\(25 MB\)/);
    assert.equal(await mediaFiles(t), files, "no file stored");
    await assertNoChatWrites(t);
  }));

Deno.test("a chat file is typed by its bytes, not by its name or what the browser said", () =>
  withDirectChat(async ({ t, ana, luis, id }) => {
    // a page of HTML dressed as a photo: stored and served as plain text
    const html = new TextEncoder().encode("<html><script>alert(1)</script>");
    const forged = await chatUpload(ana, id, {
      name: "photo.jpg",
      bytes: html,
      type: "image/jpeg",
    });
    const sent = await postWith(ana, id, { tokens: [forged] });
    assert.equal(sent.status, 200, sent.html);
    const fileId = await lastChatFile(t);
    const [row] = await q(
      t,
      "select content_type from chat_attachments where id = ?",
      [fileId],
    );
    assert.equal(row.content_type, "text/plain");
    // a download link, never an image or a page of ours
    assert.doesNotMatch(sent.html, /<img[^>]+chat-media/);
    assert.match(
      sent.html,
      new RegExp(`class="att file" href="/chat-media/${fileId}"`),
    );
    const res = await luis.request(`/chat-media/${fileId}`);
    assert.equal(res.headers.get("content-type"), "text/plain");
    assert.match(res.headers.get("content-disposition") ?? "", /attachment/);
    assert.match(res.headers.get("content-security-policy") ?? "", /sandbox/);
    await res.body?.cancel();
    // and a real image named like a document is an image
    const png = await chatUpload(ana, id, {
      name: "report.pdf",
      bytes: PNG,
      type: "application/pdf",
    });
    assert.equal((await postWith(ana, id, { tokens: [png] })).status, 200);
    const [img] = await q(
      t,
      "select content_type from chat_attachments where id = ?",
      [await lastChatFile(t)],
    );
    assert.equal(img.content_type, "image/png");
  }));

Deno.test("an upload token works only in its own chat, for its uploader", () =>
  withDirectChat(async ({ t, users, ana, luis, id: withLuis }) => {
    const withMaria = await startDirect(ana, users.maria);
    const token = await chatUpload(ana, withLuis, {
      name: "a.pdf",
      bytes: PDF_MINIMAL,
    });
    const elsewhere = await postWith(ana, withMaria, { tokens: [token] });
    assert.equal(elsewhere.status, 422);
    assert.match(elsewhere.html, /An attachment expired\. Attach it again\./);
    const someoneElse = await postWith(luis, withLuis, { tokens: [token] });
    assert.equal(someoneElse.status, 422);
    // a conversation's token is not a chat's either
    const conv = await uploadTo(ana, "/conversations/1/uploads", {
      name: "b.pdf",
      bytes: PDF_MINIMAL,
    });
    const convToken = tokensIn(await conv.text())[0];
    assert.equal(
      (await postWith(ana, withLuis, { tokens: [convToken] })).status,
      422,
    );
    await assertNoChatWrites(t);
  }));

Deno.test("without the script the chat form posts its files with the message", () =>
  withDirectChat(async ({ t, ana, id }) => {
    const page = await (await ana.request(`/chats/${id}`)).text();
    assert.match(page, /enctype="multipart\/form-data"/);
    assert.match(page, new RegExp(`data-upload="/chats/${id}/uploads"`));
    assert.match(page, /<input type="file" name="files" multiple/);
    const form = new FormData();
    form.append("_csrf", ana.csrf);
    form.append("body", "Plain files");
    form.append(
      "files",
      new File([PDF_MINIMAL as Uint8Array<ArrayBuffer>], "plain.pdf"),
    );
    const res = await ana.request(`/chats/${id}/messages`, {
      method: "POST",
      body: form,
      headers: { "sec-fetch-site": "same-origin" },
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    const [row] = await q(
      t,
      "select filename, content_type from chat_attachments",
    );
    assert.deepEqual({ ...row }, {
      filename: "plain.pdf",
      content_type: "application/pdf",
    });
  }));

Deno.test("a voice note recorded in a chat is stored as Ogg Opus and plays in the thread", () =>
  withDirectChat(async ({ t, ana, luis, id }) => {
    const page = await (await ana.request(`/chats/${id}`)).text();
    assert.match(page, /data-record/, "the record button");
    // Chromium records WebM; it is remuxed to Ogg Opus like a WhatsApp note
    const recording = webm(Array.from({ length: 50 }, () => packet(0xfc, 40)));
    const res = await uploadTo(ana, `/chats/${id}/uploads`, {
      name: "voice-note.webm",
      bytes: recording,
      type: "audio/webm",
    }, { voice: true });
    const chip = await res.text();
    assert.equal(res.status, 200, chip);
    const sent = await postWith(ana, id, { tokens: tokensIn(chip) });
    assert.equal(sent.status, 200, sent.html);
    const fileId = await lastChatFile(t);
    assert.match(
      sent.html,
      new RegExp(
        `<span class="att audio voice">.*<audio controls preload="none" ` +
          `src="/chat-media/${fileId}" aria-label="Voice note">`,
      ),
    );
    const file = await luis.request(`/chat-media/${fileId}`);
    assert.equal(file.headers.get("content-type"), "audio/ogg");
    assert.ok(isOggOpus(new Uint8Array(await file.arrayBuffer())));
    assert.match(await (await luis.request("/chats")).text(), /🎤/);
  }));
