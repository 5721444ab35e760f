/**
 * Tables that hand-written migrations create and triggers keep in step
 * (0006_list_unread_pins.sql). They live outside schema.ts so drizzle-kit
 * never generates them a second time; the code reads them through these.
 */
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
} from "drizzle-orm/sqlite-core";

/**
 * One row per (member, conversation) the member has not read (F17): marked
 * unread, or a message newer than the last one they read. Copies the
 * conversation's inbox, status and sort key so "my unread ones" and "my
 * unread count" read one index.
 */
export const conversationUnread = sqliteTable("conversation_unread", {
  userId: integer("user_id").notNull(),
  conversationId: integer("conversation_id").notNull(),
  inboxId: integer("inbox_id").notNull(),
  status: text("status", { enum: ["open", "closed"] }).notNull(),
  lastMessageAt: integer("last_message_at").notNull(),
}, (t) => [
  primaryKey({ columns: [t.userId, t.conversationId] }),
  index("conversation_unread_list_idx").on(
    t.userId,
    t.inboxId,
    t.status,
    t.lastMessageAt,
    t.conversationId,
  ),
  index("conversation_unread_conversation_idx").on(t.conversationId),
]);
