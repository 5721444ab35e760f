import assert from "node:assert/strict";
import { createCanned } from "../services/canned_responses.ts";
import { findUser } from "../services/users.ts";
import { launchBrowser, logIn, serveApp } from "./browser.ts";
import { demoIds } from "./helpers.ts";

Deno.test("typing / and a key phrase in the composer inserts the canned response, filled in", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const ids = await demoIds(served.db);
    const ana = (await findUser(served.db.orm, ids.users.ana))!;
    await createCanned(served.db, served.clock, ana, ids.inboxes.Support, {
      keyPhrase: "thanks",
      body: "Hi {{contact.first_name}}, thanks for waiting! — {{agent.name}}",
    });
    await createCanned(served.db, served.clock, ana, ids.inboxes.Support, {
      keyPhrase: "hours",
      body: "We are open 9 to 5, {{contact.first_name}}.",
    });
    const page = await (await browser.newContext({
      viewport: { width: 1100, height: 700 },
    })).newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await logIn(page, served.url, "ana@demo.test");
    await page.click("text=Carmen Ruiz");
    await page.waitForSelector(".thread[data-conversation]");
    const id = await page.getAttribute(".thread", "data-conversation");
    const box = `#body-${id}`;

    // "/tha" suggests only /thanks; Enter picks it instead of sending
    await page.click(box);
    await page.keyboard.type("/tha");
    await page.waitForSelector(`#canned-suggest-${id} .canned-option`);
    assert.equal(
      await page.locator(`#canned-suggest-${id} .canned-option`).count(),
      1,
    );
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      (sel) =>
        (document.querySelector(sel) as HTMLTextAreaElement).value !== "/tha",
      box,
    );
    assert.equal(
      await page.inputValue(box),
      "Hi Carmen, thanks for waiting! — Ana López",
    );
    // the list closed, the cursor is still in the reply box, nothing was sent
    assert.equal(
      await page.locator(`#canned-suggest-${id} .canned-option`).count(),
      0,
    );
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      `body-${id}`,
    );
    assert.equal(
      await page.locator(`#messages-${id} li:has-text("thanks for waiting")`)
        .count(),
      0,
    );

    // typing on and using the picker adds at the cursor
    await page.keyboard.type(" Also:");
    await page.click(`#composer-${id} .canned-picker summary`);
    await page.waitForSelector(
      `#composer-${id} .canned-options .canned-option`,
    );
    await page.click(
      `#composer-${id} .canned-options .canned-option:has-text("/hours")`,
    );
    await page.waitForFunction(
      (sel) =>
        (document.querySelector(sel) as HTMLTextAreaElement).value.includes(
          "open 9",
        ),
      box,
    );
    assert.equal(
      await page.inputValue(box),
      "Hi Carmen, thanks for waiting! — Ana López Also: We are open 9 to 5, Carmen.",
    );
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
