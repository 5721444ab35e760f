/** Users as the rest of the code sees them (never with the password hash). */
import { eq } from "drizzle-orm";
import type { Conn } from "../db/client.ts";
import { users } from "../db/schema.ts";

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
