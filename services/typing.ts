/**
 * Collision detection: "Ana is replying…". The composer posts a throttled
 * ping while its user types; each ping is an event, so every open thread
 * of the conversation — on any app instance — shows the notice for a few
 * seconds. The live stream drops pings too old to mean anything.
 */
import type { Db } from "../db/client.ts";
import { requireConversation } from "./access.ts";
import type { Clock } from "./clock.ts";
import { appendEvents } from "./events.ts";
import type { User } from "./users.ts";

/** How long a typing ping keeps the notice up. */
export const TYPING_TTL_MS = 6000;

/** Tells the conversation's other viewers this user is writing a reply. */
export async function noteTyping(
  db: Db,
  clock: Clock,
  user: User,
  conversationId: number,
): Promise<void> {
  await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, conversationId);
    await appendEvents(tx, clock(), [{
      kind: "conversation.typing",
      inboxId: conv.inboxId,
      conversationId: conv.id,
      payload: { by: user.id, name: user.name },
    }]);
  });
}
