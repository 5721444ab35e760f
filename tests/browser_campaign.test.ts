import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { addAudience } from "../services/campaign_audience.ts";
import { createCampaign } from "../services/campaigns.ts";
import { findUser } from "../services/users.ts";
import { fictionNumbers, testRunner } from "./campaign_fixtures.ts";
import { launchBrowser, logIn, serveApp } from "./browser.ts";
import { jpegOfSize, PNG } from "./composer_fixtures.ts";
import { demoIds } from "./helpers.ts";

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

Deno.test("a picture is attached to a draft in the browser, the preview turns into one MMS each, and the draft is deleted after a confirmation", async () => {
  const app = await serveApp({ env: { CAMPAIGN_COST_PER_MMS: "0.02" } });
  const browser = await launchBrowser();
  try {
    const ana =
      (await findUser(app.db.orm, (await demoIds(app.db)).users.ana))!;
    const campaign = await createCampaign(app.db, app.clock, ana, {
      name: "Menu",
      numberId: 1,
    });
    await addAudience(app.db, app.clock, ana, campaign.id, {
      kind: "list",
      text: fictionNumbers(3).join("\n"),
    });
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await logIn(page, app.url, "ana@demo.test");
    await page.goto(`${app.url}/campaigns/${campaign.id}`);
    await page.fill("#campaign-body", "Our new menu");
    await page.waitForFunction(() =>
      document.querySelector(".sms-preview")?.textContent?.startsWith(
        "Our new menu",
      )
    );

    // the file input belongs to its own multipart form (form=)
    await page.setInputFiles("#campaign-file", {
      name: "menu.png",
      mimeType: "image/png",
      buffer: Buffer.from(PNG),
    });
    await page.click("#campaign-media >> text=Attach");
    await page.waitForSelector("#campaign-media img.campaign-media-img");
    await page.waitForSelector("#campaign-preview img.campaign-media-img");
    const preview = await page.textContent("#campaign-preview") ?? "";
    assert.match(preview, /sent as one MMS with menu\.png/);
    assert.match(preview, /3 MMS, one message each, about \$0\.06/);
    // what was typed but not saved is still there
    assert.equal(await page.inputValue("#campaign-body"), "Our new menu");
    const img = await page.evaluate(() =>
      (document.querySelector("#campaign-preview img") as HTMLImageElement)
        .naturalWidth
    );
    assert.equal(img, 1, "the image loads");

    await page.click("text=Remove the file");
    await page.waitForSelector("#campaign-file");
    await page.waitForFunction(() =>
      !document.querySelector("#campaign-preview img")
    );
    assert.match(
      await page.textContent("#campaign-preview") ?? "",
      /segments × 3 recipients/,
    );

    // a picture too large for MMS: the reason shows in the message line
    await page.setInputFiles("#campaign-file", {
      name: "huge.jpg",
      mimeType: "image/jpeg",
      buffer: Buffer.from(jpegOfSize(5_000_001)),
    });
    await page.click("#campaign-media >> text=Attach");
    await page.waitForFunction(() =>
      /larger than this channel allows \(5 MB\)/.test(
        document.querySelector("#campaign-msg")?.textContent ?? "",
      )
    );
    assert.ok(await page.isVisible("#campaign-file"), "the field stays");

    // deleting asks first: the button is behind a disclosure
    assert.equal(
      await page.isVisible("text=Yes, delete the draft"),
      false,
    );
    await page.click("text=Delete draft…");
    await Promise.all([
      page.waitForURL(/\/campaigns$/),
      page.click("text=Yes, delete the draft"),
    ]);
    assert.doesNotMatch(await page.textContent("main") ?? "", /Menu/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await app.stop();
  }
});
