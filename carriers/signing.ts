/**
 * Small cryptographic building blocks shared by the adapters and the
 * simulator: encodings, HMAC and a constant-time comparison.
 *
 * @module
 */

import { createHash, createHmac } from "node:crypto";

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** Standard (padded) base64 of some bytes. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decodes standard base64; returns null instead of throwing on bad input. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(text.trim());
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** Lower-case hex of some bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * HMAC of `data` keyed with the UTF-8 bytes of `secret`. Synchronous
 * (node:crypto): a webhook's signature check then costs no trips through the
 * event loop, so concurrent webhooks reach the group commit together.
 */
export function hmac(
  hash: "SHA-1" | "SHA-256",
  secret: string,
  data: Uint8Array,
): Uint8Array {
  const algorithm = hash === "SHA-1" ? "sha1" : "sha256";
  return new Uint8Array(createHmac(algorithm, secret).update(data).digest());
}

/** SHA-256 hex digest of some bytes. */
export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Compares two strings without an early exit, so the time taken does not
 * reveal how many leading characters of a forged signature were right.
 * Length is not secret (signatures have a fixed length).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = utf8(a);
  const y = utf8(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
}
