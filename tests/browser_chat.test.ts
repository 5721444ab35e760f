/**
 * A direct chat between two browsers (F7): ana starts it from the people
 * list, luis sees it arrive live (list, tab title, thread), and answers;
 * then ana sends files, which luis sees live.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { Buffer } from "node:buffer";
import { launchBrowser, logIn, serveApp } from "./browser.ts";
import { PDF_MINIMAL } from "./carrier_fixtures.ts";
import { PNG } from "./composer_fixtures.ts";

Deno.test("ana starts a direct chat with luis and they talk live in two browsers", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const pages: Page[] = [];
    const problems: string[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await (await browser.newContext({
        viewport: { width: 1100, height: 700 },
      })).newPage();
      page.on("pageerror", (e) => problems.push(String(e)));
      page.on("response", (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
      });
      page.on("console", (m) => {
        // (the browser's own favicon request is none of ours)
        if (m.type() !== "error" || m.location().url.endsWith("/favicon.ico")) {
          return;
        }
        problems.push(`${m.text()} ${m.location().url}`);
      });
      pages.push(page);
    }
    const [ana, luis] = pages;
    await logIn(ana, served.url, "ana@demo.test");
    await logIn(luis, served.url, "luis@demo.test");

    // luis waits on his chats screen, live
    await luis.click("a.chats-link");
    await luis.waitForURL(/\/chats$/);
    await luis.waitForSelector("#live[data-state=online]");
    await luis.waitForSelector("#chat-list .empty");
    const luisTitle = await luis.title();

    // ana opens the chat from the people list; focus is in its composer
    await ana.goto(`${served.url}/chats`);
    await ana.waitForSelector("#live[data-state=online]");
    await ana.click('.people button:has-text("Luis Pérez")');
    await ana.waitForSelector(".thread[data-chat]");
    assert.match(ana.url(), /\/chats\/\d+$/);
    const chatId = await ana.getAttribute(".thread[data-chat]", "data-chat");
    assert.ok(chatId);
    const box = `#chat-body-${chatId}`;
    await ana.waitForFunction(
      (sel) => document.activeElement === document.querySelector(sel),
      box,
    );
    await ana.keyboard.type("Can you take the 5 pm pickup?");
    await ana.keyboard.press("Enter");
    await ana.waitForSelector(
      `#chat-messages-${chatId} li.out:has-text("Can you take the 5 pm pickup?")`,
    );
    assert.equal(await ana.inputValue(box), "", "the composer was cleared");

    // luis: the chat appears in his list, unread, and in the tab title
    await luis.waitForSelector(`#chat-row-${chatId}.unread`, { timeout: 3000 });
    await luis.waitForFunction(
      (t) => document.title !== t && /^\(\d+\) /.test(document.title),
      luisTitle,
    );
    assert.equal(await luis.textContent("#chats-badge"), "1");
    await luis.click(`#chat-row-${chatId} a`);
    await luis.waitForSelector(
      `#chat-messages-${chatId} li.in:has-text("Can you take the 5 pm pickup?")`,
    );
    assert.match(
      await luis.textContent(`#chat-messages-${chatId}`) ?? "",
      /Ana López/,
    );

    // his answer reaches ana's open chat live, once
    // (formatted, as in a conversation: the toolbar's bold and an emoji)
    await luis.fill(`#chat-body-${chatId}`, "Yes, *on it* 👍");
    await luis.click(`#chat-composer-${chatId} button[type=submit]`);
    await ana.waitForSelector(
      `#chat-messages-${chatId} li.in:has-text("Yes, on it 👍") strong:text("on it")`,
      { timeout: 3000 },
    );
    await luis.waitForTimeout(300);
    assert.equal(
      await luis.locator(`#chat-messages-${chatId} li:has-text("Yes, on it")`)
        .count(),
      1,
    );
    // reading it in the open chat clears luis's unread mark and badge
    await luis.waitForFunction(() =>
      document.getElementById("chats-badge")?.hidden === true
    );

    // ana attaches a photo and a document; luis gets both live, the photo
    // as its preview and the document as a link with its name and size
    const form = `#chat-composer-${chatId}`;
    await ana.setInputFiles(`${form} input[type=file]`, [
      { name: "shelf.png", mimeType: "image/png", buffer: Buffer.from(PNG) },
      {
        name: "rota.pdf",
        mimeType: "application/pdf",
        buffer: Buffer.from(PDF_MINIMAL),
      },
    ]);
    await ana.waitForFunction(
      (sel) =>
        document.querySelectorAll(
          `${sel} .att-chip:not(.uploading) input[name=attachment]`,
        ).length === 2,
      form,
    );
    await ana.fill(`#chat-body-${chatId}`, "Photo and rota");
    await ana.click(`${form} button[type=submit]`);
    const bubble = `#chat-messages-${chatId} li.in:has-text("Photo and rota")`;
    await luis.waitForSelector(`${bubble} img[src$="/thumb"]`, {
      timeout: 3000,
    });
    assert.match(
      await luis.textContent(`${bubble} a.att.file`) ?? "",
      /rota\.pdf · 1 KB/,
    );
    // the preview really loads (a member's download)
    assert.ok(
      await luis.$eval(
        `${bubble} img`,
        (img) => (img as HTMLImageElement).naturalWidth > 0,
      ),
    );
    assert.equal(await ana.locator(`${form} .att-chip`).count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
