import assert from "node:assert/strict";
import { Client, testApp } from "./helpers.ts";

Deno.test("every page links an installable web app manifest with its icon", async () => {
  const t = await testApp();
  try {
    const client = new Client(t);
    const html = await (await client.request("/login")).text();
    const href = /<link rel="manifest" href="([^"]+)"/.exec(html)?.[1];
    assert.ok(href, "a manifest link");
    assert.match(href, /^\/static\/[0-9a-f]{12}\/manifest\.webmanifest$/);

    const res = await client.request(href);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/manifest+json");
    assert.match(res.headers.get("cache-control") ?? "", /immutable/);
    const manifest = await res.json();
    assert.equal(manifest.name, "Bandeja");
    assert.equal(manifest.start_url, "/");
    assert.equal(manifest.display, "standalone");
    assert.equal(manifest.icons.length, 1);
    const icon = manifest.icons[0];
    assert.match(icon.src, /^\/static\/[0-9a-f]{12}\/icon\.svg$/);
    assert.match(html, new RegExp(`<link rel="icon" href="${icon.src}"`));

    const svg = await client.request(icon.src);
    assert.equal(svg.status, 200);
    assert.equal(svg.headers.get("content-type"), "image/svg+xml");
    assert.match(await svg.text(), /^<svg [^>]*viewBox="0 0 512 512"/);
  } finally {
    await t.close();
  }
});
