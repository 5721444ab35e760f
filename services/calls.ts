/**
 * Turning a conversation into a call or a meeting (F27). A call opens the
 * agent's dialer (`tel:`) or softphone (CALL_URL_TEMPLATE); a meeting sends
 * the customer a link built from MEETING_URL_TEMPLATE. Both leave an
 * activity line in the thread, written with the change like every action.
 */
import { eq } from "drizzle-orm";
import type { Db, Tx } from "../db/client.ts";
import { contacts } from "../db/schema.ts";
import { requireConversation } from "./access.ts";
import { type ActivityDetail, recordActivity } from "./activities.ts";
import type { Clock } from "./clock.ts";
import { meetingUrlFor } from "./contacts.ts";
import { Invalid } from "./errors.ts";
import { appendEvents } from "./events.ts";
import { insertOutbound, replyBlock } from "./messages.ts";
import type { User } from "./users.ts";

/** Where "Call" takes the agent for this number. */
export function callUrlFor(template: string | undefined, e164: string) {
  return template
    ? template.replaceAll("{number}", encodeURIComponent(e164))
    : `tel:${e164}`;
}

async function activity(
  tx: Tx,
  now: number,
  user: User,
  conv: { id: number; inboxId: number },
  kind: "call" | "meeting",
  detail: ActivityDetail,
) {
  const activityId = await recordActivity(tx, now, {
    conversationId: conv.id,
    kind,
    actorId: user.id,
    detail,
  });
  await appendEvents(tx, now, [{
    kind: "conversation.updated",
    inboxId: conv.inboxId,
    conversationId: conv.id,
    payload: { by: user.id, activityId },
  }]);
}

/** Records that the user called the contact; returns the URL to open. */
export async function startCall(
  db: Db,
  clock: Clock,
  user: User,
  input: { conversationId: number; template?: string },
): Promise<{ url: string; conversationId: number }> {
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, input.conversationId);
    const [contact] = await tx.select({ e164: contacts.e164 }).from(contacts)
      .where(eq(contacts.id, conv.contactId));
    await activity(tx, clock(), user, conv, "call", { number: contact.e164 });
    return {
      url: callUrlFor(input.template, contact.e164),
      conversationId: conv.id,
    };
  });
}

/**
 * Sends the contact a meeting link (a reply, under the reply rules) and
 * records it; returns the link for the agent to join.
 */
export async function startMeeting(
  db: Db,
  clock: Clock,
  user: User,
  input: {
    conversationId: number;
    template?: string;
    text: (url: string) => string;
  },
): Promise<{ url: string; conversationId: number; messageId: number }> {
  if (!input.template) {
    throw new Invalid("No meeting link is configured", "meeting.off");
  }
  return await db.write(async (tx) => {
    const conv = await requireConversation(tx, user, input.conversationId);
    const now = clock();
    const block = await replyBlock(tx, conv.id, now);
    if (block) throw new Invalid("The link cannot be sent now", block);
    const url = meetingUrlFor(input.template, `bandeja-${conv.id}`)!;
    const messageId = await insertOutbound(tx, now, {
      conversationId: conv.id,
      inboxId: conv.inboxId,
      body: input.text(url),
      sentBy: user.id,
      clientKey: null,
    });
    await activity(tx, now, user, conv, "meeting", { url });
    return { url, conversationId: conv.id, messageId };
  });
}
