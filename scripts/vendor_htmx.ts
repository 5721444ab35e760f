/**
 * Copies htmx and the extensions we use from the pinned npm package into
 * static/vendor/, with the version in each file name. Run after bumping the
 * htmx.org version in deno.json: `deno task vendor`.
 */
const pkgDir = new URL("../node_modules/htmx.org/", import.meta.url);
const pkg = JSON.parse(
  await Deno.readTextFile(new URL("package.json", pkgDir)),
);
const version: string = pkg.version;
const out = new URL("../static/vendor/", import.meta.url);
await Deno.mkdir(out, { recursive: true });
for (const entry of Deno.readDirSync(out)) {
  await Deno.remove(new URL(entry.name, out));
}
const files: [string, string][] = [
  ["dist/htmx.min.js", `htmx-${version}.min.js`],
  ["dist/ext/hx-sse.min.js", `hx-sse-${version}.min.js`],
  ["dist/ext/hx-upsert.min.js", `hx-upsert-${version}.min.js`],
];
for (const [from, to] of files) {
  await Deno.copyFile(new URL(from, pkgDir), new URL(to, out));
  console.log(`static/vendor/${to}`);
}
await Deno.writeTextFile(
  new URL("htmx_version.ts", new URL("../static/", import.meta.url)),
  `// Written by scripts/vendor_htmx.ts\nexport const HTMX_VERSION = "${version}";\n`,
);
