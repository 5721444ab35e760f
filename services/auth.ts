/**
 * Login, server-side sessions and the brute-force limit. The cookie holds a
 * random token; the table stores its SHA-256, so a copy of the database does
 * not let anyone in.
 */
import { and, eq, gt, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { loginAttempts, sessions, users } from "../db/schema.ts";
import type { Clock } from "./clock.ts";
import { TooManyRequests } from "./errors.ts";
import { appendEvent } from "./events.ts";
import { verifyPassword } from "./passwords.ts";
import { markOffline } from "./presence.ts";
import { type User, userColumns } from "./users.ts";

/** Failed logins allowed per window, per account and per address. */
export const LOGIN_LIMIT = {
  perAccount: 5,
  perAddress: 20,
  windowMs: 15 * 60_000,
};

// Compared against when the email is unknown, so both paths cost one scrypt.
const DUMMY_HASH =
  "scrypt$131072$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

export interface SessionInfo {
  user: User;
  csrfToken: string;
  idHash: string;
}

function randomToken(bytes = 32): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(
    /\//g,
    "_",
  ).replace(/=+$/, "");
}

/** SHA-256 of a session token, hex. */
export async function hashToken(token: string): Promise<string> {
  const d = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(token),
  );
  return Array.from(new Uint8Array(d), (x) => x.toString(16).padStart(2, "0"))
    .join("");
}

async function recentFailures(db: Db, key: string, since: number) {
  const [row] = await db.orm.select({ n: sql<number>`count(*)` }).from(
    loginAttempts,
  ).where(and(eq(loginAttempts.key, key), gt(loginAttempts.at, since)));
  return row?.n ?? 0;
}

export interface LoginInput {
  email: string;
  password: string;
  address: string;
  /** the session being replaced, deleted so the id rotates at login */
  previousToken?: string;
}

/**
 * Checks the password and opens a new session. Returns null for a wrong
 * email or password (the caller says the same thing for both). Throws
 * TooManyRequests when the account or address has failed too often.
 */
export async function login(
  db: Db,
  clock: Clock,
  ttlMs: number,
  input: LoginInput,
): Promise<{ token: string; session: SessionInfo } | null> {
  const now = clock();
  const email = input.email.trim().toLowerCase();
  const since = now - LOGIN_LIMIT.windowMs;
  const accountKey = `email:${email}`;
  const addressKey = `ip:${input.address}`;
  if (
    await recentFailures(db, accountKey, since) >= LOGIN_LIMIT.perAccount ||
    await recentFailures(db, addressKey, since) >= LOGIN_LIMIT.perAddress
  ) {
    throw new TooManyRequests(
      "Too many failed logins; try again in 15 minutes",
      "login.too_many",
    );
  }
  const [row] = await db.orm.select({
    ...userColumns,
    passwordHash: users.passwordHash,
  }).from(users).where(eq(users.email, email));
  const ok = await verifyPassword(
    input.password,
    row?.passwordHash ?? DUMMY_HASH,
  );
  if (!row || !ok) {
    await db.write(async (tx) => {
      await tx.insert(loginAttempts).values([
        { key: accountKey, at: now },
        { key: addressKey, at: now },
      ]);
      await tx.delete(loginAttempts).where(lt(loginAttempts.at, since));
    });
    return null;
  }
  const { passwordHash: _, ...user } = row;
  const token = randomToken();
  const idHash = await hashToken(token);
  const csrfToken = randomToken(24);
  const previousHash = input.previousToken
    ? await hashToken(input.previousToken)
    : null;
  await db.write(async (tx) => {
    if (previousHash) {
      await tx.delete(sessions).where(eq(sessions.idHash, previousHash));
    }
    await tx.delete(loginAttempts).where(eq(loginAttempts.key, accountKey));
    await tx.insert(sessions).values({
      idHash,
      userId: user.id,
      csrfToken,
      createdAt: now,
      expiresAt: now + ttlMs,
    });
  });
  return { token, session: { user, csrfToken, idHash } };
}

/**
 * The session behind a cookie token, if it exists and has not expired.
 * Every request asks, so the statement is written by hand: drizzle's query
 * building and row mapping cost more than running it.
 */
export async function findSession(
  db: Db,
  clock: Clock,
  token: string,
): Promise<SessionInfo | null> {
  if (!token || token.length > 200) return null;
  const idHash = await hashToken(token);
  const { rows: [row] } = await db.client.execute({
    sql: `select u.id, u.email, u.name, u.role, u.status, u.status_message,
        u.locale, u.time_zone, s.csrf_token, s.expires_at
      from sessions s join users u on u.id = s.user_id where s.id_hash = ?`,
    args: [idHash],
  });
  if (!row || Number(row.expires_at) <= clock()) return null;
  const user: User = {
    id: Number(row.id),
    email: String(row.email),
    name: String(row.name),
    role: row.role as User["role"],
    status: row.status as User["status"],
    statusMessage: String(row.status_message),
    locale: row.locale as string | null,
    timeZone: row.time_zone as string | null,
  };
  return { user, csrfToken: String(row.csrf_token), idHash };
}

/** Deletes the session (logout) and ends its live streams. */
export async function logout(
  db: Db,
  clock: Clock,
  session: SessionInfo,
): Promise<void> {
  await db.write(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.idHash, session.idHash));
    // logging out of the app sets the user offline for their teammates
    await markOffline(tx, clock(), session.user.id);
    await appendEvent(tx, clock(), {
      kind: "session.ended",
      userId: session.user.id,
      payload: { session: session.idHash },
    });
  });
}
