/**
 * Short-lived signed URLs through which carriers fetch our outbound media
 * (C7): HMAC-SHA256 over the attachment id and expiry, no session needed.
 */
const encoder = new TextEncoder();

async function hmacHex(secret: string, data: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const sig = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, encoder.encode(data)),
  );
  return Array.from(sig, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The public URL a carrier may fetch attachment `id` from until `expiresAt`.
 * `name` (a safe file name) ends the path: WhatsApp picks the message type
 * from its extension and a document's file name from it.
 */
export async function signMediaUrl(
  publicUrl: string,
  secret: string,
  id: number,
  expiresAt: number,
  name?: string,
): Promise<string> {
  const sig = await hmacHex(secret, `${id}.${expiresAt}`);
  const path = name ? `${id}/${encodeURIComponent(name)}` : `${id}`;
  return `${publicUrl}/media/signed/${path}?exp=${expiresAt}&sig=${sig}`;
}

/** True when the signature matches and has not expired. */
export async function verifyMediaSignature(
  secret: string,
  id: number,
  expiresAt: number,
  sig: string,
  now: number,
): Promise<boolean> {
  if (!Number.isFinite(expiresAt) || expiresAt < now) return false;
  const expected = await hmacHex(secret, `${id}.${expiresAt}`);
  if (expected.length !== sig.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    diff |= expected.charCodeAt(i) ^ sig.charCodeAt(i);
  }
  return diff === 0;
}
