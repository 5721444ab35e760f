/**
 * The carrier loop seen from a real browser: a customer's message injected
 * through the simulator shows up in an open thread and at the top of the
 * list within a second, and a reply's delivery status changes live (C2).
 */
import assert from "node:assert/strict";
import { launchBrowser, logIn } from "./browser.ts";
import { conversationOf } from "./carrier_fixtures.ts";

import { startStack } from "./stack.ts";

Deno.test("a message sent through the simulator appears live in ana's open thread and list, and her reply turns delivered", async () => {
  // slow delivery reports, so each status is on screen long enough to see
  const s = await startStack({ statusDelayMs: 250 });
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext({
      viewport: { width: 1100, height: 700 },
    })).newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await logIn(page, s.url, "ana@demo.test");

    // Carmen's conversation, open in the thread pane; it is not the newest
    const conv = await conversationOf(s, "+15551230001", "+15550100001");
    const list = `#conv-list-${conv.inboxId}-open > li[id^=conv-]`;
    await page.goto(`${s.url}/conversations/${conv.id}`);
    await page.waitForSelector(`#messages-${conv.id}`);
    await page.waitForSelector("#live[data-state=online]");
    assert.notEqual(
      await page.locator(list).first().getAttribute("id"),
      `conv-${conv.id}`,
    );

    const text = `Has my order shipped? ${crypto.randomUUID().slice(0, 6)}`;
    const res = await s.sim.injectInbound({
      provider: "twilio",
      from: "+15551230001",
      to: "+15550100001",
      body: text,
    });
    assert.equal(res.status, 200);
    await page.waitForSelector(`#messages-${conv.id} li:has-text("${text}")`, {
      timeout: 1500,
    });
    await page.waitForFunction(
      ([selector, id]) => document.querySelector(selector)?.id === id,
      [list, `conv-${conv.id}`],
      { timeout: 1500 },
    );
    assert.equal(
      await page.locator(`#messages-${conv.id} li:has-text("${text}")`)
        .count(),
      1,
    );
    // the live bubble came without its reaction form; the page added it
    const inbound = `#messages-${conv.id} li.in:has-text("${text}")`;
    await page.click(`${inbound} .react-picker summary`);
    await page.click(`${inbound} .react-picker button[value="👍"]`);
    await page.waitForSelector(`${inbound} .reaction:has-text("👍")`);
    // the switcher's label was rewritten from the live counts
    assert.match(
      (await page.textContent(`#inbox-opt-${conv.inboxId}`)) ?? "",
      /^Support( \(\d+\))?$/,
    );
    // the row's menu comes when opened, as the conversation is now
    await page.click(`#conv-${conv.id} .row-menu summary`);
    await page.waitForSelector(`#conv-${conv.id} .row-menu .menu button`);

    const answer = `It ships today ${crypto.randomUUID().slice(0, 6)}`;
    await page.fill(`#body-${conv.id}`, answer);
    await page.click(`#composer-${conv.id} button[type=submit]`);
    const bubble = `#messages-${conv.id} li.out:has-text("${answer}")`;
    await page.waitForSelector(bubble);
    assert.notEqual(
      (await page.locator(`${bubble} .status`).textContent())?.trim(),
      "delivered",
      "not delivered the moment it was sent",
    );
    await page.waitForSelector(`${bubble} .status:text-is("delivered")`, {
      timeout: 5000,
    });
    assert.equal(await page.locator(bubble).count(), 1);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await s.stop();
  }
});
