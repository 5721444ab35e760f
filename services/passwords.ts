/** Password hashing with scrypt (node:crypto): salted, slow, constant-time. */
import { Buffer } from "node:buffer";
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

// OWASP's scrypt floor is N=2^17, r=8, p=1; memory 128 MiB per hash.
const N = 2 ** 17, R = 8, P = 1, KEYLEN = 32;
const MAXMEM = 256 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize("NFKC"),
      salt,
      KEYLEN,
      { N: n, r: R, p: P, maxmem: MAXMEM },
      (err, key) => err ? reject(err) : resolve(key),
    )
  );
}

/** Hashes a password as `scrypt$N$salt$hash` (base64). */
export async function hashPassword(password: string, n = N): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, n);
  return `scrypt$${n}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** True when `password` matches `stored`; false for any malformed hash. */
export async function verifyPassword(
  password: string,
  stored: string,
): Promise<boolean> {
  const [scheme, nText, saltB64, keyB64] = stored.split("$");
  const n = Number(nText);
  if (scheme !== "scrypt" || !Number.isInteger(n) || !saltB64 || !keyB64) {
    return false;
  }
  const expected = Buffer.from(keyB64, "base64");
  const actual = await derive(password, Buffer.from(saltB64, "base64"), n);
  return expected.length === actual.length &&
    timingSafeEqual(expected, actual);
}
