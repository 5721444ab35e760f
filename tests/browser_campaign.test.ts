import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { fictionNumbers, testRunner } from "./campaign_fixtures.ts";
import { launchBrowser, logIn } from "./browser.ts";

import { startStack } from "./stack.ts";

const count = (page: Page, status: string) =>
  page.textContent(`#campaign-live [data-count="${status}"] dd`);

Deno.test("a 50-recipient campaign is drafted, previewed and sent in the browser, and its progress runs live to the end", async () => {
  const stack = await startStack();
  const runner = testRunner(stack);
  runner.start();
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext({
      viewport: { width: 900, height: 900 },
    })).newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("dialog", (d) => d.accept());
    await logIn(page, stack.url, "ana@demo.test");

    await page.goto(`${stack.url}/campaigns`);
    assert.match(await page.textContent("main") ?? "", /No campaigns yet/);
    await page.fill("#campaign-name", "Sunday opening");
    await Promise.all([
      page.waitForURL(/\/campaigns\/\d+$/),
      page.click("text=Create draft"),
    ]);
    const campaignUrl = page.url();

    // the audience: a pasted CSV of 50 named numbers and one bad row
    const numbers = fictionNumbers(50);
    const csv = [
      "name,phone",
      ...numbers.map((n, i) => `Guest${i + 1} Test,${n}`),
      "Nobody,12345",
    ].join("\n");
    await page.fill("#audience-text", csv);
    await page.click("text=Check and add");
    await page.waitForSelector("#audience-report");
    assert.match(
      await page.textContent("#audience-report") ?? "",
      /51 read, 50 added\..*Invalid: 1/s,
    );
    assert.equal(
      await page.locator('#audience-report tr[data-problem="invalid"]').count(),
      1,
    );

    // the message, previewed for the first recipient as it is typed
    await page.fill(
      "#campaign-body",
      "Hi {{contact.first_name}}, we open on Sunday!",
    );
    await page.waitForFunction(() =>
      document.querySelector(".sms-preview")?.textContent?.startsWith(
        "Hi Guest1, we open on Sunday!",
      )
    );
    const preview = await page.textContent("#campaign-preview") ?? "";
    assert.match(preview, /Reply STOP to opt out/);
    assert.match(preview, /× 50 recipients = 50 segments/);

    // send (the confirmation is accepted): the same URL becomes the
    // progress page, which follows the campaign without a reload
    await page.click("text=Send campaign");
    await page.waitForSelector("progress#campaign-bar");
    assert.equal(page.url(), campaignUrl);
    await page.waitForFunction(
      () =>
        document.querySelector('#campaign-live [data-count="delivered"] dd')
          ?.textContent === "50",
      undefined,
      { timeout: 20_000 },
    );
    await page.waitForSelector('#campaign-live[data-status="done"]', {
      timeout: 10_000,
    });
    const bar = page.locator("progress#campaign-bar");
    assert.equal(await bar.getAttribute("value"), "50");
    assert.equal(await bar.getAttribute("max"), "50");
    assert.equal(await count(page, "failed"), "0");
    assert.equal(await count(page, "skipped"), "0");
    assert.match(
      await page.textContent("#campaign-bar-label") ?? "",
      /50 of 50 done/,
    );
    // each recipient got exactly one message, filled in for them
    for (const [i, n] of numbers.entries()) {
      const got = stack.sim.sent.filter((m) => m.to === n);
      assert.equal(got.length, 1, n);
      assert.equal(
        got[0].body,
        `Hi Guest${i + 1}, we open on Sunday!\nReply STOP to opt out`,
      );
    }
    // the recipients list pages through them; the filter narrows it
    assert.equal(await page.locator("#recipients tbody tr").count(), 50);
    await page.selectOption("#recipient-status", "failed");
    await page.waitForSelector(
      "#recipients >> text=No recipients with this status.",
    );
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await runner.stop();
    await stack.stop();
  }
});
