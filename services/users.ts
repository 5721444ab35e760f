/** Users as the rest of the code sees them (never with the password hash). */
import { eq } from "drizzle-orm";
import type { Conn, Db } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { Invalid } from "./errors.ts";

export type Role = "admin" | "manager" | "agent";

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  status: "available" | "away" | "busy" | "offline";
  statusMessage: string;
  locale: string | null;
  timeZone: string | null;
}

export const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  status: users.status,
  statusMessage: users.statusMessage,
  locale: users.locale,
  timeZone: users.timeZone,
};

/** Finds a user by id. */
export async function findUser(
  conn: Conn,
  id: number,
): Promise<User | undefined> {
  const [row] = await conn.select(userColumns).from(users).where(
    eq(users.id, id),
  );
  return row;
}

/** Is `zone` an IANA time zone this runtime's Intl knows? */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The user's language and time zone; null means "as the browser asks"
 * (Accept-Language) and UTC.
 */
export async function setLanguage(
  db: Db,
  user: User,
  input: { locale: string | null; timeZone: string | null },
): Promise<void> {
  if (input.timeZone !== null && !isTimeZone(input.timeZone)) {
    throw new Invalid(`unknown time zone ${input.timeZone}`, "me.bad_zone");
  }
  await db.write(async (tx) => {
    await tx.update(users).set({
      locale: input.locale,
      timeZone: input.timeZone,
    }).where(eq(users.id, user.id));
  });
}
