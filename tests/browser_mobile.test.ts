import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { keepScreenshot, launchBrowser, logIn, serveApp } from "./browser.ts";

const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
};

/** Visible controls in `scope` smaller than 44×44 CSS px (WCAG 2.5.5). */
function smallTargets(page: Page, scope: string): Promise<string[]> {
  return page.locator(
    `${scope} a[href], ${scope} button, ${scope} summary, ${scope} select, ${scope} input:not([type=hidden]), ${scope} textarea`,
  ).evaluateAll((els) =>
    els.filter((el) => {
      // (a closed <details> hides its content with content-visibility)
      if (!el.checkVisibility({ visibilityProperty: true })) return false;
      if (el.closest(".visually-hidden")) return false;
      const r = el.getBoundingClientRect();
      return r.height < 44 || r.width < 44;
    }).map((el) =>
      `${el.tagName.toLowerCase()}.${el.className} "${
        (el.textContent ?? "").trim().slice(0, 20)
      }" ${Math.round(el.getBoundingClientRect().width)}×${
        Math.round(el.getBoundingClientRect().height)
      }`
    )
  );
}

Deno.test("on a phone the list and the thread are two screens, and Back returns to the list", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await logIn(page, served.url, "ana@demo.test");
    const inboxUrl = page.url();

    assert.ok(await page.isVisible(".list-pane"));
    assert.equal(await page.isVisible(".thread-pane"), false);
    assert.deepEqual(await smallTargets(page, ".conv-list"), []);

    await page.tap("text=Carmen Ruiz");
    await page.waitForSelector(".thread[data-conversation]");
    const id = await page.getAttribute(".thread", "data-conversation");
    assert.match(page.url(), new RegExp(`/conversations/${id}$`));
    assert.equal(await page.isVisible(".list-pane"), false);
    assert.ok(await page.isVisible(`#composer-${id}`));
    assert.ok(await page.isVisible(".thread .back"));
    assert.deepEqual(await smallTargets(page, ".thread-head"), []);
    assert.deepEqual(await smallTargets(page, `#composer-${id}`), []);

    // the browser's own Back shows the list again
    await page.goBack();
    await page.waitForURL(inboxUrl);
    await page.waitForSelector(".list-pane", { state: "visible" });
    assert.equal(await page.isVisible(".thread-pane"), false);

    // and Forward the thread
    await page.goForward();
    await page.waitForURL(new RegExp(`/conversations/${id}$`));
    await page.waitForSelector(`.thread[data-conversation="${id}"]`, {
      state: "visible",
    });
    assert.equal(await page.isVisible(".list-pane"), false);

    // the thread's own back button leads to the list
    await Promise.all([
      page.waitForURL(/\/inboxes\/\d+/),
      page.tap(".thread .back"),
    ]);
    await page.waitForSelector(".list-pane", { state: "visible" });
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
    await served.stop();
  }
});

Deno.test("README screenshots of the phone layout in English and Spanish", async () => {
  const served = await serveApp();
  const browser = await launchBrowser();
  try {
    await Deno.mkdir("docs", { recursive: true });
    const shots = new Map<string, Uint8Array>();
    for (const lang of ["en", "es"] as const) {
      const context = await browser.newContext({
        ...PHONE,
        locale: lang,
        extraHTTPHeaders: { "accept-language": lang },
      });
      const page = await context.newPage();
      await logIn(page, served.url, "ana@demo.test");
      assert.equal(await page.getAttribute("html", "lang"), lang);
      await page.waitForSelector("#live[data-state=online]");
      shots.set(`list-${lang}`, await page.screenshot());
      await page.tap("text=Carmen Ruiz");
      await page.waitForSelector(".thread[data-conversation]");
      shots.set(`thread-${lang}`, await page.screenshot());
      await context.close();
    }
    for (const [name, png] of shots) {
      // a PNG, 390 CSS px wide at the phone's device scale factor
      assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47]);
      const width = new DataView(png.buffer, png.byteOffset).getUint32(16);
      assert.equal(width % 390, 0, `phone-${name}.png is ${width}`);
      await keepScreenshot(png, `docs/phone-${name}.png`);
    }
  } finally {
    await browser.close();
    await served.stop();
  }
});
