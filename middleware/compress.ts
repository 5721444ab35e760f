/**
 * Compresses HTML and text responses with brotli or gzip (Hono's compress()
 * has no brotli). Pages are small and built in memory, so compressing the
 * whole body at once is cheaper than a stream. Event streams pass untouched.
 */
import type { MiddlewareHandler } from "hono";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const MIN_BYTES = 512;

export function compressText(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get("content-type") ?? "";
    if (
      !res.body || res.headers.has("content-encoding") ||
      !/^(text\/html|text\/plain|application\/json)/.test(type)
    ) return;
    const accept = c.req.header("accept-encoding") ?? "";
    const br = /\bbr\b/.test(accept);
    if (!br && !/\bgzip\b/.test(accept)) return;
    const raw = new Uint8Array(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    headers.append("vary", "accept-encoding");
    if (raw.length < MIN_BYTES) {
      c.res = new Response(raw, { status: res.status, headers });
      return;
    }
    const out = br
      ? brotliCompressSync(raw, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 5 },
      })
      : gzipSync(raw, { level: 6 });
    headers.set("content-encoding", br ? "br" : "gzip");
    headers.delete("content-length");
    c.res = new Response(new Uint8Array(out), { status: res.status, headers });
  };
}
