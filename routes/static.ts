/**
 * Static assets, read and compressed once at start. URLs carry a content
 * hash, so browsers may cache them for a year; a new build is a new URL.
 */
import { Hono } from "hono";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { AssetUrls } from "../views/layout.tsx";
import { HTMX_VERSION } from "../static/htmx_version.ts";

interface Asset {
  type: string;
  raw: Uint8Array;
  gzip: Uint8Array;
  br: Uint8Array;
  etag: string;
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".webmanifest": "application/manifest+json",
  ".json": "application/json",
};

async function shortHash(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as BufferSource),
  );
  return Array.from(d.slice(0, 6), (x) => x.toString(16).padStart(2, "0"))
    .join("");
}

export interface StaticAssets {
  urls: AssetUrls;
  routes: Hono;
  /** bytes on the wire per asset, for the page-weight benchmark */
  sizes: Map<string, { raw: number; gzip: number; br: number }>;
}

const STATIC_DIR = new URL("../static/", import.meta.url);

/** Loads static/ into memory and builds the routes that serve it. */
export async function loadStaticAssets(): Promise<StaticAssets> {
  const files: Record<keyof AssetUrls, string> = {
    css: "app.css",
    js: "app.js",
    htmx: `vendor/htmx-${HTMX_VERSION}.min.js`,
    sse: `vendor/hx-sse-${HTMX_VERSION}.min.js`,
    upsert: `vendor/hx-upsert-${HTMX_VERSION}.min.js`,
    segments: "sms_segments.js",
    survey: "survey.css",
    // the icon before the manifest, which names it by its hashed URL
    icon: "icon.svg",
    manifest: "manifest.webmanifest",
  };
  const byPath = new Map<string, Asset>();
  const urls = {} as AssetUrls;
  const sizes = new Map<string, { raw: number; gzip: number; br: number }>();
  for (
    const [key, file] of Object.entries(files) as [keyof AssetUrls, string][]
  ) {
    let raw = await Deno.readFile(new URL(file, STATIC_DIR));
    if (key === "manifest") {
      const text = new TextDecoder().decode(raw)
        .replaceAll('"icon.svg"', JSON.stringify(urls.icon));
      raw = new TextEncoder().encode(text);
    }
    const hash = await shortHash(raw);
    const ext = file.slice(file.lastIndexOf("."));
    const asset: Asset = {
      type: TYPES[ext] ?? "application/octet-stream",
      raw,
      gzip: new Uint8Array(gzipSync(raw, { level: 9 })),
      br: new Uint8Array(brotliCompressSync(raw)),
      etag: `"${hash}"`,
    };
    const url = `/static/${hash}/${file.split("/").pop()}`;
    byPath.set(url, asset);
    urls[key] = url;
    sizes.set(url, {
      raw: raw.length,
      gzip: asset.gzip.length,
      br: asset.br.length,
    });
  }
  const routes = new Hono();
  routes.get("/static/:hash/:name", (c) => {
    const asset = byPath.get(c.req.path);
    if (!asset) return c.text("Not found", 404);
    const headers: Record<string, string> = {
      "content-type": asset.type,
      "cache-control": "public, max-age=31536000, immutable",
      etag: asset.etag,
      vary: "accept-encoding",
    };
    if (c.req.header("if-none-match") === asset.etag) {
      return c.body(null, 304, headers);
    }
    const accept = c.req.header("accept-encoding") ?? "";
    let body = asset.raw;
    if (/\bbr\b/.test(accept)) {
      body = asset.br;
      headers["content-encoding"] = "br";
    } else if (/\bgzip\b/.test(accept)) {
      body = asset.gzip;
      headers["content-encoding"] = "gzip";
    }
    return c.body(body as Uint8Array<ArrayBuffer>, 200, headers);
  });
  return { urls, routes, sizes };
}
