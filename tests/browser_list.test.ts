import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser, logIn, serveApp } from "./browser.ts";

/** Ids of the rows in a list, top to bottom. */
function rowIds(page: Page, list: string): Promise<string[]> {
  return page.locator(`${list} > li[id^=conv-]`).evaluateAll((els) =>
    els.map((e) => e.id)
  );
}

async function rowAction(page: Page, convId: string, label: string) {
  await page.click(`#${convId} .row-menu summary`);
  await page.click(`#${convId} .row-menu button:has-text("${label}")`);
}

Deno.test("filter, pin, reset and back in a real browser", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext({
      viewport: { width: 1100, height: 800 },
    })).newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await logIn(page, served.url, "ana@demo.test");
    await page.waitForSelector("#live[data-state=online]");
    const inboxPath = new URL(page.url()).pathname;
    const main = "#list-body ul.conv-list:not(.pins)";
    assert.equal((await rowIds(page, main)).length, 3);
    const [first, second, third] = await rowIds(page, main);

    // pin two from the row menu; they head the list, in pin order
    await rowAction(page, second, "Pin");
    await page.waitForSelector(`ul.pins > #${second}`);
    await rowAction(page, third, "Pin");
    await page.waitForSelector(`ul.pins > #${third}`);
    assert.deepEqual(await rowIds(page, "ul.pins"), [second, third]);
    assert.deepEqual(await rowIds(page, main), [first]);
    // move up (the phone's way)
    await rowAction(page, third, "Move up");
    await page.waitForFunction(
      (id) => document.querySelector("ul.pins > li")?.id === id,
      third,
    );
    // drag and drop (the desktop's way) puts it back
    await page.dragAndDrop(`ul.pins > #${second}`, `ul.pins > #${third}`, {
      targetPosition: { x: 20, y: 2 },
    });
    await page.waitForFunction(
      (id) => document.querySelector("ul.pins > li")?.id === id,
      second,
    );
    assert.deepEqual(await rowIds(page, "ul.pins"), [second, third]);

    // search (a message body of the unpinned one): the list narrows and
    // the URL says so; pins that do not match step aside too
    await page.fill("#filter-q", "puerto");
    await page.waitForURL(/q=puerto/);
    await page.waitForFunction((id) => {
      const rows = document.querySelectorAll("#list-body li[id^=conv-]");
      return rows.length === 1 && rows[0].id === id;
    }, first);
    assert.equal(await page.locator("ul.pins").count(), 0);
    // a second filter adds to the URL
    await page.selectOption("#filter-sort", "oldest");
    await page.waitForURL(/sort=oldest/);
    assert.match(page.url(), /q=puerto/);

    // reset: every row, the form empty, the URL plain
    await page.click("#list-body a.reset");
    await page.waitForURL((u) => u.pathname === inboxPath && u.search === "");
    await page.waitForFunction(() =>
      document.querySelectorAll("#list-body li[id^=conv-]").length === 3
    );
    assert.equal(await page.inputValue("#filter-q"), "");
    assert.equal(await page.inputValue("#filter-sort"), "newest");
    assert.deepEqual(await rowIds(page, "ul.pins"), [second, third]);

    // back: the filtered list again, with its form filled in
    await page.goBack();
    await page.waitForURL(/q=puerto/);
    await page.waitForFunction((id) => {
      const rows = document.querySelectorAll("#list-body li[id^=conv-]");
      return rows.length === 1 && rows[0].id === id;
    }, first);
    assert.equal(await page.inputValue("#filter-q"), "puerto");
    assert.equal(await page.inputValue("#filter-sort"), "oldest");
    // the URL is the short one: no defaults in it
    assert.doesNotMatch(page.url(), /assignee=|number=|unread=/);

    // the Closed tab keeps the search
    await page.click(".tabs a:has-text('Closed')");
    await page.waitForURL(/status=closed/);
    assert.match(page.url(), /q=puerto/);
    await page.waitForSelector("#list-body li.empty");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
