/**
 * The rich composer in a real browser: inserting an emoji from the picker
 * and formatting from the toolbar, attaching a file with visible upload
 * progress, recording a voice note, and the collision notice between two
 * agents.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM, launchBrowser, logIn, serveApp } from "./browser.ts";
import { q } from "./carrier_fixtures.ts";

async function openThread(page: Page, name: string): Promise<string> {
  await page.click(`text=${name}`);
  await page.waitForSelector(".thread[data-conversation]");
  return (await page.getAttribute(".thread", "data-conversation"))!;
}

Deno.test("ana picks an emoji by name, formats with the toolbar and a shortcut, and sends", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext({
      viewport: { width: 1100, height: 700 },
    })).newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await logIn(page, served.url, "ana@demo.test");
    const id = await openThread(page, "Carmen Ruiz");
    const box = `#body-${id}`;
    await page.fill(box, "Your order ships");
    // the picker is fetched on opening, then searched by name
    assert.equal(await page.locator("[data-emoji]").count(), 0);
    await page.click(`#composer-${id} .emoji-picker summary`);
    await page.waitForSelector(`#composer-${id} [data-emoji]`);
    await page.fill(`#composer-${id} .emoji-search`, "camion");
    const visible = page.locator(`#composer-${id} [data-emoji]:visible`);
    assert.deepEqual(await visible.allTextContents(), ["🚚", "🚛"]);
    await page.press(`#composer-${id} .emoji-search`, "Enter");
    assert.equal(await page.inputValue(box), "Your order ships🚚");
    assert.equal(
      await page.locator(`#composer-${id} .emoji-picker[open]`).count(),
      0,
    );
    // bold from the toolbar around a selection, italic by Ctrl+I
    await page.evaluate((sel) => {
      const el = document.querySelector(sel) as HTMLTextAreaElement;
      el.setSelectionRange(5, 10); // "order"
    }, box);
    await page.click(`#composer-${id} [data-format=bold]`);
    assert.equal(await page.inputValue(box), "Your *order* ships🚚");
    await page.evaluate((sel) => {
      const el = document.querySelector(sel) as HTMLTextAreaElement;
      el.setSelectionRange(13, 18); // "ships"
    }, box);
    await page.keyboard.press("Control+i");
    assert.equal(await page.inputValue(box), "Your *order* _ships_🚚");
    await page.click(`#composer-${id} button[type=submit]`);
    const bubble = page.locator(`#messages-${id} li.msg.out`).last();
    await bubble.locator("strong").waitFor();
    assert.equal(await bubble.locator("strong").textContent(), "order");
    assert.equal(await bubble.locator("em").textContent(), "ships");
    const [row] = await q(
      served,
      "select body from messages order by id desc limit 1",
    );
    assert.equal(row.body, "Your *order* _ships_🚚");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});

Deno.test("ana attaches a file, watches its upload progress, and sends it", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 700 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await logIn(page, served.url, "ana@demo.test");
    const id = await openThread(page, "Carmen Ruiz");
    // a slow uplink (about 3G) so the progress can be seen
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 50,
      downloadThroughput: 400_000,
      uploadThroughput: 200_000,
    });
    await page.evaluate(() => {
      const seen: string[] = [];
      (globalThis as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const pct = document.querySelector(".att-chip.uploading .pct");
        if (pct && seen.at(-1) !== pct.textContent) seen.push(pct.textContent!);
      }).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
    const photo = new Uint8Array(900_000);
    photo.set([0xff, 0xd8, 0xff, 0xe0]);
    // a file the channel refuses is stopped before any upload
    await page.setInputFiles(`#composer-${id} input[type=file]`, [{
      name: "site.html",
      mimeType: "text/html",
      buffer: Buffer.from("<html>"),
    }]);
    await page.waitForSelector(`#composer-${id} .att-chip.refused`);
    assert.match(
      (await page.textContent(`#composer-${id} .att-chip.refused`))!,
      /this channel cannot send text\/html files/,
    );
    await page.click(
      `#composer-${id} .att-chip.refused [data-remove-attachment]`,
    );
    await page.setInputFiles(`#composer-${id} input[type=file]`, [{
      name: "photo.jpg",
      mimeType: "image/jpeg",
      buffer: Buffer.from(photo),
    }]);
    await page.waitForSelector(`#composer-${id} .att-chip.uploading progress`);
    await page.waitForSelector(
      `#composer-${id} .att-chip:not(.uploading) input[name=attachment]`,
      { state: "attached", timeout: 15_000 },
    );
    const seen = await page.evaluate(() =>
      (globalThis as unknown as { seen: string[] }).seen
    );
    assert.ok(seen.length >= 2, `progress seen: ${seen.join(", ")}`);
    assert.ok(
      seen.some((s) => /Uploading… ([1-9]|[1-9]\d)%/.test(s)),
      `partial progress seen: ${seen.join(", ")}`,
    );
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.fill(`#body-${id}`, "The photo you asked for");
    await page.click(`#composer-${id} button[type=submit]`);
    await page.waitForSelector(
      `#messages-${id} li.msg.out:has-text("The photo you asked for") a.att`,
    );
    const [row] = await q(
      served,
      "select a.filename, a.size, a.content_type from attachments a join messages m on m.id = a.message_id where m.body = 'The photo you asked for'",
    );
    assert.deepEqual([row.filename, row.size, row.content_type], [
      "photo.jpg",
      900_000,
      "image/jpeg",
    ]);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});

Deno.test("luis sees “Ana is replying…”, and ana is asked before sending over luis's reply", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const ana = await (await browser.newContext({
      viewport: { width: 1100, height: 700 },
    })).newPage();
    const luis = await (await browser.newContext({
      viewport: { width: 1100, height: 700 },
    })).newPage();
    const errors: string[] = [];
    for (const p of [ana, luis]) {
      p.on("pageerror", (e) => errors.push(String(e)));
    }
    await logIn(ana, served.url, "ana@demo.test");
    await logIn(luis, served.url, "luis@demo.test");
    const id = await openThread(ana, "Carmen Ruiz");
    await openThread(luis, "Carmen Ruiz");
    await ana.waitForSelector("#live[data-state=online]");
    await luis.waitForSelector("#live[data-state=online]");

    await ana.click(`#body-${id}`);
    await ana.keyboard.type("Let me check the");
    await luis.waitForSelector(
      `#typing-${id}:has-text("Ana López is replying…")`,
      {
        timeout: 3000,
      },
    );
    assert.equal(await ana.textContent(`#typing-${id}`), "");

    // luis answers first; ana, who opened the thread before, sends hers
    await luis.fill(`#body-${id}`, "It ships today!");
    await luis.click(`#composer-${id} button[type=submit]`);
    await ana.waitForSelector(`#messages-${id} li:has-text("It ships today!")`);
    await ana.keyboard.type(" tracking number");
    await ana.click(`#composer-${id} button[type=submit]`);
    await ana.waitForSelector(`#composer-${id} .notice.collision`);
    assert.match(
      (await ana.textContent(`#composer-${id} .notice.collision`))!,
      /Luis Pérez replied since you opened this conversation/,
    );
    assert.equal(
      await ana.inputValue(`#body-${id}`),
      "Let me check the tracking number",
    );
    assert.equal(
      await ana.locator(`#messages-${id} li:has-text("tracking number")`)
        .count(),
      0,
    );
    await ana.click(
      `#composer-${id} button[type=submit]:has-text("Send anyway")`,
    );
    await ana.waitForSelector(
      `#messages-${id} li:has-text("Let me check the tracking number")`,
    );
    await luis.waitForSelector(
      `#messages-${id} li:has-text("Let me check the tracking number")`,
    );
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});

Deno.test("maria records a WhatsApp voice note, previews it, and sends it as Ogg Opus", async () => {
  const served = await serveApp();
  // the fake microphone plays a beep: a real MediaRecorder WebM/Opus file
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
    ],
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 700 },
    });
    await context.grantPermissions(["microphone"], { origin: served.url });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await logIn(page, served.url, "maria@demo.test");
    await page.goto(`${served.url}/inboxes/2`);
    const id = await openThread(page, "Sofía Torres");
    await page.click(`#composer-${id} [data-record]`);
    await page.waitForSelector(`#composer-${id} .att-chip.recording`);
    await page.waitForTimeout(1500);
    await page.click(`#composer-${id} [data-record]`);
    // the preview plays from the browser; the server answers with its chip
    await page.waitForSelector(
      `#composer-${id} .att-chip:not(.uploading) input[name=attachment]`,
      { state: "attached", timeout: 10_000 },
    );
    assert.equal(
      await page.locator(`#composer-${id} .att-chip audio`).count(),
      1,
    );
    await page.click(`#composer-${id} button[type=submit]`);
    await page.waitForSelector(`#messages-${id} li.msg.out audio`);
    const [row] = await q(
      served,
      "select content_type, is_voice_note, size from attachments order by id desc limit 1",
    );
    assert.equal(row.content_type, "audio/ogg");
    assert.equal(Number(row.is_voice_note), 1);
    // the stored Ogg plays in the browser: it has a duration, and its Opus
    // packets decode to about as much audio as was recorded
    const { duration, decoded } = await page.evaluate(async (sel) => {
      const audio = document.querySelector(sel) as HTMLAudioElement;
      audio.preload = "metadata";
      audio.load();
      await new Promise((resolve, reject) => {
        audio.addEventListener("durationchange", () => {
          if (Number.isFinite(audio.duration)) resolve(null);
        });
        audio.addEventListener(
          "error",
          () => reject(new Error("cannot play")),
          {
            once: true,
          },
        );
      });
      const bytes = await (await fetch(audio.src)).arrayBuffer();
      const buffer = await new OfflineAudioContext(1, 1, 48000)
        .decodeAudioData(bytes);
      return { duration: audio.duration, decoded: buffer.duration };
    }, `#messages-${id} li.msg.out audio`);
    assert.ok(decoded > 0.8 && decoded < 5, `decoded ${decoded} s`);
    assert.ok(duration > 0.5 && duration < 5, `duration ${duration}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
