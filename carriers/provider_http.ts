/**
 * The one place adapters make HTTP calls to providers: a timeout, the
 * caller's abort signal, a size cap, and the rule for which failures are
 * worth retrying.
 *
 * @module
 */

import { CarrierError } from "./types.ts";

/** How long a provider call may take before we give up and retry later. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** Largest attachment we download (WhatsApp documents may reach 100 MB). */
export const DEFAULT_MAX_MEDIA_BYTES = 100 * 1024 * 1024;

/** Options for {@linkcode callProvider}. */
export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Refuse bodies larger than this many bytes. */
  maxBytes?: number;
}

/** A fully read provider answer. */
export interface ProviderResponse {
  status: number;
  ok: boolean;
  headers: Headers;
  bytes: Uint8Array;
}

/**
 * Performs one request and reads the whole body under the same deadline, so
 * no response body is ever left unconsumed. Network failures, timeouts and
 * aborts become retryable `CarrierError`s; HTTP errors are returned for the
 * adapter to map (it knows the provider's error shape).
 */
export async function callProvider(
  url: string,
  init: RequestInit,
  options: CallOptions = {},
): Promise<ProviderResponse> {
  const controller = new AbortController();
  // Our own timer rather than AbortSignal.timeout(): it is cleared on every
  // path, so tests running with --sanitize-ops see no leaked timers.
  const timer = setTimeout(
    () => controller.abort(new DOMException("timed out", "TimeoutError")),
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    const bytes = await readBody(response, options.maxBytes);
    return {
      status: response.status,
      ok: response.ok,
      headers: response.headers,
      bytes,
    };
  } catch (error) {
    if (error instanceof CarrierError) throw error;
    if (options.signal?.aborted) {
      throw new CarrierError("request aborted", true, "aborted");
    }
    if (controller.signal.aborted) {
      throw new CarrierError(
        `no answer from ${new URL(url).host}`,
        true,
        "timeout",
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new CarrierError(`network error: ${reason}`, true, "network");
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

async function readBody(
  response: Response,
  maxBytes?: number,
): Promise<Uint8Array> {
  if (maxBytes === undefined || !response.body) {
    return new Uint8Array(await response.arrayBuffer());
  }
  const declared = Number(response.headers.get("content-length"));
  if (declared > maxBytes) {
    await response.body.cancel();
    throw tooLarge(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function tooLarge(maxBytes: number): CarrierError {
  return new CarrierError(
    `media larger than ${maxBytes} bytes`,
    false,
    "media_too_large",
  );
}

/**
 * Builds the error for a non-2xx answer. 5xx and 429 are worth retrying; any
 * other 4xx means the request itself is wrong and will stay wrong.
 */
export function httpError(
  status: number,
  message: string,
  code?: string,
  retryable = status >= 500 || status === 429,
): CarrierError {
  return new CarrierError(message, retryable, code, status);
}

/** Parses a JSON body; null when it is not JSON. */
export function jsonBody(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/** True when `url` points at the same origin as `base` (to scope credentials). */
export function isSameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/** Joins a configured API base (with or without a trailing slash) and a path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}
