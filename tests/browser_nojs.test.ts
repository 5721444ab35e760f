import assert from "node:assert/strict";
import { launchBrowser, serveApp } from "./browser.ts";
import { DEMO_PASSWORD } from "./helpers.ts";

Deno.test("without JavaScript an agent logs in, reads the list and a thread, and replies", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1100, height: 700 },
    });
    const page = await context.newPage();
    // every document this test loads, to prove no request went through htmx
    const htmxRequests: string[] = [];
    page.on("request", (r) => {
      if (r.headers()["hx-request"]) htmxRequests.push(r.url());
    });

    await page.goto(`${served.url}/login`);
    await page.fill("#email", "ana@demo.test");
    await page.fill("#password", DEMO_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/inboxes\/\d+$/),
      page.click("button[type=submit]"),
    ]);

    // the list is there as plain links
    const row = page.locator(".conv-list a:has-text('Carmen Ruiz')").first();
    await row.waitFor();
    await Promise.all([
      page.waitForURL(/\/conversations\/\d+$/),
      row.click(),
    ]);
    const convId = await page.getAttribute(".thread", "data-conversation");
    assert.ok(convId);
    assert.ok(await page.locator(`#messages-${convId} li`).count() > 0);

    const text = `Sent without scripts ${crypto.randomUUID().slice(0, 6)}`;
    await page.fill(`#body-${convId}`, text);
    await Promise.all([
      page.waitForURL(new RegExp(`/conversations/${convId}$`)),
      page.click(`#composer-${convId} button[type=submit]`),
    ]);
    await page.waitForSelector(`#messages-${convId} li:has-text("${text}")`);
    assert.equal(
      await page.locator(`#messages-${convId} li:has-text("${text}")`)
        .count(),
      1,
    );
    // the page came back with an empty reply box
    assert.equal(await page.inputValue(`#body-${convId}`), "");
    assert.deepEqual(htmxRequests, []);
    await context.close();
  } finally {
    await browser.close();
    await served.stop();
  }
});
