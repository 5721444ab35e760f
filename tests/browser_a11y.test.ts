import assert from "node:assert/strict";
import { seriousViolations } from "./axe.ts";
import { launchBrowser, logIn, serveApp } from "./browser.ts";

Deno.test("axe finds no serious or critical violation on the main screens", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 750 },
      bypassCSP: true,
    });
    const page = await context.newPage();
    const found: Record<string, unknown> = {};

    await page.goto(`${served.url}/login`);
    found.login = await seriousViolations(page);

    await logIn(page, served.url, "ana@demo.test");
    await page.click("text=Carmen Ruiz");
    await page.waitForSelector(".thread[data-conversation]");
    await page.waitForSelector("#live[data-state=online]");
    found.inbox = await seriousViolations(page);

    await page.goto(`${served.url}/contacts`);
    found.contacts = await seriousViolations(page);

    await page.goto(`${served.url}/me`);
    found.me = await seriousViolations(page);

    assert.deepEqual(found, { login: [], inbox: [], contacts: [], me: [] });
    await context.close();
  } finally {
    await browser.close();
    await served.stop();
  }
});

Deno.test("j, k, r, e and ? work the inbox from the keyboard", async () => {
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
    await page.waitForSelector("#live[data-state=online]");
    const rows = await page.locator(".conv-list li > a[href]").evaluateAll(
      (links) => links.map((a) => a.getAttribute("href")),
    );
    assert.ok(rows.length >= 2, "at least two conversations");
    const opened = async (href: string | null) => {
      await page.waitForURL((u) => u.pathname === href);
      await page.waitForSelector(
        `.thread[data-conversation="${href?.split("/").pop()}"]`,
      );
    };

    await page.keyboard.press("j");
    await opened(rows[0]);
    await page.keyboard.press("j");
    await opened(rows[1]);
    await page.keyboard.press("k");
    await opened(rows[0]);
    const id = rows[0]!.split("/").pop();

    // ? lists the shortcuts; Escape closes the list
    await page.keyboard.press("?");
    await page.waitForSelector("dialog#shortcuts[open]");
    assert.match(await page.textContent("#shortcuts") ?? "", /Reply/);
    await page.keyboard.press("Escape");
    await page.waitForSelector("dialog#shortcuts:not([open])", {
      state: "attached",
    });
    // the inbox menu lists them too, for those who do not know "?"
    await page.click(".inbox-menu:not(.status-menu) > summary");
    await page.click("[data-shortcuts]");
    await page.waitForSelector("dialog#shortcuts[open]");
    await page.click("#shortcuts button[type=submit]");
    await page.waitForSelector("dialog#shortcuts:not([open])", {
      state: "attached",
    });

    // r goes to the reply box, and letters typed there stay there
    await page.keyboard.press("r");
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      `body-${id}`,
    );
    await page.keyboard.type("jk");
    assert.equal(await page.inputValue(`#body-${id}`), "jk");
    assert.match(page.url(), new RegExp(`/conversations/${id}$`));
    await page.fill(`#body-${id}`, "");
    await page.evaluate(() => (document.activeElement as HTMLElement).blur());

    // e closes the open conversation
    await page.keyboard.press("e");
    await page.waitForSelector(
      `.thread[data-conversation="${id}"] form[action$="/reopen"]`,
    );
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
    await served.stop();
  }
});

Deno.test("axe finds no serious or critical violation on the other screens, nor on a phone", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 750 },
      bypassCSP: true,
    });
    const page = await context.newPage();
    // maria manages both inboxes: she sees every settings screen
    await logIn(page, served.url, "maria@demo.test");
    const found: Record<string, unknown> = {};
    const screens = [
      "/chats",
      "/campaigns",
      "/contacts/new",
      "/contacts/1",
      "/conversations/new",
      "/reports/surveys",
      "/inboxes/1/settings",
      "/inboxes/1/canned",
      "/inboxes/1/history",
    ];
    for (const path of screens) {
      const res = await page.goto(`${served.url}${path}`);
      assert.equal(res?.status(), 200, path);
      found[path] = await seriousViolations(page);
    }

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      bypassCSP: true,
    });
    const mobile = await phone.newPage();
    await logIn(mobile, served.url, "ana@demo.test");
    found["phone list"] = await seriousViolations(mobile);
    await mobile.tap("text=Carmen Ruiz");
    await mobile.waitForSelector(".thread[data-conversation]");
    found["phone thread"] = await seriousViolations(mobile);

    assert.deepEqual(
      found,
      Object.fromEntries(Object.keys(found).map((k) => [k, []])),
    );
    await phone.close();
    await context.close();
  } finally {
    await browser.close();
    await served.stop();
  }
});
