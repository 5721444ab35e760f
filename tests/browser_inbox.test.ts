import assert from "node:assert/strict";
import { keepScreenshot, launchBrowser, logIn, serveApp } from "./browser.ts";

Deno.test("ana replies in a thread and luis sees it live in his thread and list", async () => {
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

    // both open Carmen's conversation
    await ana.click("text=Carmen Ruiz");
    await ana.waitForSelector(".thread[data-conversation]");
    const convId = await ana.getAttribute(".thread", "data-conversation");
    assert.ok(convId);
    assert.match(ana.url(), new RegExp(`/conversations/${convId}$`));
    await luis.click("text=Carmen Ruiz");
    await luis.waitForSelector(`#messages-${convId}`);
    await luis.waitForSelector("#live[data-state=online]");
    await ana.waitForSelector("#live[data-state=online]");

    const text = `Your parcel ships today ${crypto.randomUUID().slice(0, 6)}`;
    await ana.fill(`#body-${convId}`, text);
    await ana.click(`#composer-${convId} button[type=submit]`);
    // ana sees it at once, once
    await ana.waitForSelector(`#messages-${convId} li:has-text("${text}")`);
    // luis sees it without a reload: in the thread and as the list preview
    await luis.waitForSelector(`#messages-${convId} li:has-text("${text}")`, {
      timeout: 3000,
    });
    await luis.waitForSelector(`#conv-${convId} .preview:has-text("${text}")`, {
      timeout: 3000,
    });
    // the composer was cleared and the message is not duplicated by the live update
    assert.equal(await ana.inputValue(`#body-${convId}`), "");
    await ana.waitForTimeout(300);
    assert.equal(
      await ana.locator(`#messages-${convId} li:has-text("${text}")`).count(),
      1,
    );
    assert.equal(
      await luis.locator(`#messages-${convId} li:has-text("${text}")`).count(),
      1,
    );
    // the row moved to the top of luis's list
    assert.equal(
      await luis.locator(".conv-list li").first().getAttribute("id"),
      `conv-${convId}`,
    );
    assert.deepEqual(errors, []);

    await keepScreenshot(await ana.screenshot(), "docs/screenshot-inbox.png");
  } finally {
    await browser.close();
    await served.stop();
  }
});
