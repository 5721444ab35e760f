import assert from "node:assert/strict";
import { launchBrowser, serveApp } from "./browser.ts";
import { DEMO_PASSWORD } from "./helpers.ts";

/** Issue 9: 400 kbit/s down and up, 400 ms latency. */
const SLOW_3G = {
  offline: false,
  latency: 400,
  downloadThroughput: 50_000,
  uploadThroughput: 50_000,
};
/** The limit for the list and for a sent reply to show. */
const LIMIT_MS = 5000;

Deno.test("on a slow connection the inbox list shows and a sent reply appears within 5 s", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    // bytes on the wire, per finished response (the live stream never ends)
    let received = 0;
    cdp.on("Network.loadingFinished", (e) => {
      received += e.encodedDataLength;
    });

    await page.goto(`${served.url}/login`);
    await page.fill("#email", "ana@demo.test");
    await page.fill("#password", DEMO_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/inboxes\/\d+/),
      page.click("button[type=submit]"),
    ]);
    const inboxUrl = page.url();

    // a cold load of the inbox: nothing cached, every byte throttled
    await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
    received = 0;
    let started = performance.now();
    await page.goto(inboxUrl, { waitUntil: "commit" });
    await page.waitForSelector(".conv-list li a", { state: "visible" });
    const listMs = performance.now() - started;
    await page.waitForLoadState("load");
    const firstLoadBytes = received;

    await page.tap("text=Carmen Ruiz");
    await page.waitForSelector(".thread[data-conversation]");
    const id = await page.getAttribute(".thread", "data-conversation");
    await page.waitForSelector("#live[data-state=online]");
    const text = `Slow but sure ${crypto.randomUUID().slice(0, 6)}`;
    await page.fill(`#body-${id}`, text);
    started = performance.now();
    await page.click(`#composer-${id} button[type=submit]`);
    await page.waitForSelector(`#messages-${id} li:has-text("${text}")`);
    const replyMs = performance.now() - started;

    console.log(
      `slow network: list ${Math.round(listMs)} ms, reply ${
        Math.round(replyMs)
      } ms, first load ${firstLoadBytes} bytes`,
    );
    assert.ok(listMs < LIMIT_MS, `list visible after ${listMs} ms`);
    assert.ok(replyMs < LIMIT_MS, `reply shown after ${replyMs} ms`);
    // issue 9: the inbox's first load is under 60 KB compressed, htmx included
    assert.ok(firstLoadBytes > 0);
    assert.ok(firstLoadBytes < 60 * 1024, `first load ${firstLoadBytes} bytes`);
    await cdp.detach();
    await context.close();
  } finally {
    await browser.close();
    await served.stop();
  }
});
