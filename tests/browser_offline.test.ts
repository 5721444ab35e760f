import assert from "node:assert/strict";
import { launchBrowser, logIn, serveApp } from "./browser.ts";
import { countRows, loggedIn } from "./helpers.ts";

Deno.test("a reply typed while offline is kept, sent once when the network returns, and missed messages replay", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 750 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await logIn(page, served.url, "ana@demo.test");
    await page.click("text=Carmen Ruiz");
    await page.waitForSelector(".thread[data-conversation]");
    const id = await page.getAttribute(".thread", "data-conversation");
    await page.waitForSelector("#live[data-state=online]");

    // the network drops mid-conversation: the live stream says so
    await context.setOffline(true);
    await page.waitForSelector(
      "#live[data-state=offline], #live[data-state=reconnecting]",
    );
    assert.match(await page.textContent("#live") ?? "", /reconnecting/i);

    // a teammate answers in another conversation meanwhile (ana's page
    // cannot hear it; in this one it would ask ana to confirm her reply)
    const other = (await page.locator(".conv-list li[id^=conv-]").evaluateAll(
      (rows) => rows.map((r) => r.id.slice("conv-".length)),
    )).find((x) => x !== id);
    assert.ok(other, "a second conversation");
    const luis = await loggedIn(served, "luis");
    const missed = `Missed while offline ${crypto.randomUUID().slice(0, 6)}`;
    const sent = await luis.post(`/conversations/${other}/messages`, {
      body: missed,
      client_key: crypto.randomUUID(),
    });
    assert.equal(sent.status, 200);
    await sent.body?.cancel();

    // ana's reply cannot leave: it stays in the box, with a notice
    const text = `Typed offline ${crypto.randomUUID().slice(0, 6)}`;
    await page.fill(`#body-${id}`, text);
    await page.click(`#composer-${id} button[type=submit]`);
    await page.waitForSelector(`#composer-${id} .offline-note`);
    assert.match(
      await page.textContent(`#composer-${id} .offline-note`) ?? "",
      /no connection/,
    );
    assert.equal(await page.inputValue(`#body-${id}`), text);
    assert.equal(
      await countRows(served.db, "messages", `body = '${text}'`),
      0,
    );

    // back online: the reply goes by itself, once, and the stream catches up
    await context.setOffline(false);
    await page.waitForSelector(`#messages-${id} li:has-text("${text}")`, {
      timeout: 15000,
    });
    await page.waitForSelector(
      `#conv-${other} .preview:has-text("${missed}")`,
      {
        timeout: 15000,
      },
    );
    await page.waitForSelector("#live[data-state=online]");
    assert.equal(await page.inputValue(`#body-${id}`), "");
    await page.waitForTimeout(1000);
    assert.equal(
      await page.locator(`#messages-${id} li:has-text("${text}")`).count(),
      1,
    );
    assert.equal(
      await countRows(served.db, "messages", `body = '${text}'`),
      1,
    );
    assert.equal(await page.locator(".offline-note").count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
    await served.stop();
  }
});
