/**
 * Who belongs to an inbox. Its own module because both the conversation
 * actions (assigning) and the inbox settings read it, and the settings are
 * below the actions in the import graph (conversation_actions →
 * auto_assignment → inbox_settings).
 */
import { and, eq } from "drizzle-orm";
import type { Conn } from "../db/client.ts";
import { inboxMembers, users } from "../db/schema.ts";
import type { User } from "./users.ts";

/** Members of an inbox, by name (for assignment and settings). */
export async function inboxMembersOf(
  conn: Conn,
  inboxId: number,
): Promise<{ id: number; name: string; role: User["role"] }[]> {
  return await conn.select({ id: users.id, name: users.name, role: users.role })
    .from(users).innerJoin(
      inboxMembers,
      and(eq(inboxMembers.userId, users.id), eq(inboxMembers.inboxId, inboxId)),
    ).orderBy(users.name);
}
