import assert from "node:assert/strict";
import { launchBrowser, logIn, serveApp } from "./browser.ts";

Deno.test("ana closes and tags a conversation and luis's open thread shows the new state and the activity lines live", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const open = async () =>
      await (await browser.newContext({
        viewport: { width: 1280, height: 760 },
      })).newPage();
    const [ana, luis] = [await open(), await open()];
    const errors: string[] = [];
    for (const p of [ana, luis]) {
      p.on("pageerror", (e) => errors.push(String(e.stack)));
    }
    await logIn(ana, served.url, "ana@demo.test");
    await logIn(luis, served.url, "luis@demo.test");
    for (const p of [ana, luis]) {
      await p.click("text=Carmen Ruiz");
      await p.waitForSelector(".thread[data-conversation]");
      await p.waitForSelector("#live[data-state=online]");
    }
    const id = await ana.getAttribute(".thread", "data-conversation");

    // a tag, made on the spot in the details panel
    await ana.click(`#thread-head-${id} a:has-text("Details")`);
    await ana.waitForSelector(`#panel-details-${id}`);
    await ana.click(`#panel-details-${id} summary:has-text("New tag")`);
    await ana.fill(`#new-tag-${id}`, "VIP");
    await ana.click(`label[for="new-tag-color-${id}-c3"]`);
    await ana.click(`#panel-details-${id} button:has-text("Create and add")`);
    await ana.waitForSelector(`#thread-head-${id} .tag.tag-c3:has-text("VIP")`);
    await luis.waitForSelector(
      `#thread-head-${id} .tag.tag-c3:has-text("VIP")`,
      {
        timeout: 3000,
      },
    );
    await luis.waitForSelector(`#conv-${id} .tag:has-text("VIP")`);
    await luis.waitForSelector(
      `#messages-${id} .activity:has-text("Ana López added the tag VIP")`,
    );

    // closing: luis's head turns to "Reopen" without a reload
    await ana.click(`#thread-head-${id} button:has-text("Close")`);
    await ana.waitForSelector(`#thread-head-${id} button:has-text("Reopen")`);
    await luis.waitForSelector(`#thread-head-${id} button:has-text("Reopen")`, {
      timeout: 3000,
    });
    await luis.waitForSelector(`#thread-head-${id} .badge.closed`);
    await luis.waitForSelector(
      `#messages-${id} .activity:has-text("Ana López closed this")`,
    );
    // the row left luis's open list
    await luis.waitForSelector(`#conv-${id}`, {
      state: "detached",
      timeout: 3000,
    });
    // the activity line sits after the last message
    const last = await luis.locator(`#messages-${id} > li`).last()
      .getAttribute("class");
    assert.match(last ?? "", /activity closed/);

    // spam asks first
    let asked = "";
    ana.once("dialog", (d) => {
      asked = d.message();
      d.dismiss();
    });
    await ana.click(`#thread-head-${id} button:has-text("Spam")`);
    await ana.waitForTimeout(200);
    assert.match(asked, /as spam/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
