/**
 * The database schema (drizzle). Times are UTC epoch milliseconds, phone
 * numbers E.164. Every list query has an index named after what it serves.
 */
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "manager", "agent"] }).notNull()
    .default("agent"),
  status: text("status", { enum: ["available", "away", "busy", "offline"] })
    .notNull().default("offline"),
  statusMessage: text("status_message").notNull().default(""),
  locale: text("locale"),
  timeZone: text("time_zone"),
  createdAt: integer("created_at").notNull(),
});

export const sessions = sqliteTable("sessions", {
  // sha-256 of the cookie token: a leaked table does not leak sessions
  idHash: text("id_hash").primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id, {
    onDelete: "cascade",
  }),
  csrfToken: text("csrf_token").notNull(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
}, (t) => [index("sessions_user_idx").on(t.userId)]);

export const loginAttempts = sqliteTable("login_attempts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  key: text("key").notNull(), // "email:<addr>" or "ip:<addr>"
  at: integer("at").notNull(),
}, (t) => [index("login_attempts_key_at_idx").on(t.key, t.at)]);

export const inboxes = sqliteTable("inboxes", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["shared", "personal"] }).notNull().default(
    "shared",
  ),
  ownerUserId: integer("owner_user_id").references(() => users.id),
  assignmentMode: integer("assignment_mode", { mode: "boolean" }).notNull()
    .default(false),
  allowMove: integer("allow_move", { mode: "boolean" }).notNull().default(
    false,
  ),
  helpText: text("help_text").notNull().default(""),
  createdAt: integer("created_at").notNull(),
});

export const inboxMembers = sqliteTable("inbox_members", {
  inboxId: integer("inbox_id").notNull().references(() => inboxes.id, {
    onDelete: "cascade",
  }),
  userId: integer("user_id").notNull().references(() => users.id, {
    onDelete: "cascade",
  }),
  queueActive: integer("queue_active", { mode: "boolean" }).notNull().default(
    true,
  ),
}, (t) => [
  primaryKey({ columns: [t.inboxId, t.userId] }),
  index("inbox_members_user_idx").on(t.userId),
]);

export const phoneNumbers = sqliteTable("phone_numbers", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  e164: text("e164").notNull(),
  channel: text("channel", { enum: ["sms", "whatsapp"] }).notNull(),
  provider: text("provider", { enum: ["twilio", "telnyx", "whatsapp"] })
    .notNull(),
  // WhatsApp Cloud API addresses numbers by phone_number_id
  providerNumberId: text("provider_number_id"),
  registration: text("registration", {
    enum: ["approved", "pending", "rejected"],
  }).notNull().default("pending"),
  inboxId: integer("inbox_id").references(() => inboxes.id),
  label: text("label").notNull().default(""),
  addedAt: integer("added_at").notNull(),
}, (t) => [
  uniqueIndex("phone_numbers_e164_channel_uq").on(t.e164, t.channel),
  index("phone_numbers_inbox_idx").on(t.inboxId),
]);

export const contacts = sqliteTable("contacts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().default(""),
  e164: text("e164").notNull().unique(),
  email: text("email").notNull().default(""),
  company: text("company").notNull().default(""),
  notes: text("notes").notNull().default(""),
  spam: integer("spam", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
});

/** A contact opted out of one of our numbers (C4). */
export const optOuts = sqliteTable("opt_outs", {
  contactId: integer("contact_id").notNull().references(() => contacts.id, {
    onDelete: "cascade",
  }),
  numberId: integer("number_id").notNull().references(() => phoneNumbers.id),
  source: text("source", { enum: ["keyword", "manual"] }).notNull(),
  at: integer("at").notNull(),
}, (t) => [primaryKey({ columns: [t.contactId, t.numberId] })]);

export const conversations = sqliteTable("conversations", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  inboxId: integer("inbox_id").notNull().references(() => inboxes.id),
  contactId: integer("contact_id").notNull().references(() => contacts.id),
  numberId: integer("number_id").notNull().references(() => phoneNumbers.id),
  status: text("status", { enum: ["open", "closed"] }).notNull().default(
    "open",
  ),
  assigneeId: integer("assignee_id").references(() => users.id),
  spam: integer("spam", { mode: "boolean" }).notNull().default(false),
  openedAt: integer("opened_at").notNull(),
  closedAt: integer("closed_at"),
  lastMessageAt: integer("last_message_at").notNull(),
  lastMessageId: integer("last_message_id"),
  lastInboundAt: integer("last_inbound_at"),
  preview: text("preview").notNull().default(""),
  // a campaign's recipient replied: the conversation is linked to it
  campaignId: integer("campaign_id"),
}, (t) => [
  // the list query: one inbox, one status, newest activity first
  index("conversations_inbox_status_last_idx").on(
    t.inboxId,
    t.status,
    t.lastMessageAt,
    t.id,
  ),
  // one open conversation per contact per number; inbound finds it
  index("conversations_contact_number_idx").on(t.contactId, t.numberId),
]);

export const messages = sqliteTable("messages", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  conversationId: integer("conversation_id").notNull().references(() =>
    conversations.id
  ),
  direction: text("direction", { enum: ["in", "out"] }).notNull(),
  body: text("body").notNull().default(""),
  status: text("status", {
    enum: [
      "received",
      "queued",
      "sent",
      "delivered",
      "read",
      "undelivered",
      "failed",
    ],
  }).notNull(),
  provider: text("provider"),
  providerId: text("provider_id"),
  error: text("error"),
  errorCode: text("error_code"),
  sentBy: integer("sent_by").references(() => users.id),
  // the composer's idempotency key: a resubmitted reply is stored once
  clientKey: text("client_key"),
  createdAt: integer("created_at").notNull(),
}, (t) => [
  index("messages_conversation_idx").on(t.conversationId, t.id),
  // a carrier's retry of the same message id is a no-op (C3)
  uniqueIndex("messages_provider_id_uq").on(t.provider, t.providerId),
  uniqueIndex("messages_client_key_uq").on(t.sentBy, t.clientKey),
]);

export const conversationReads = sqliteTable("conversation_reads", {
  userId: integer("user_id").notNull().references(() => users.id, {
    onDelete: "cascade",
  }),
  conversationId: integer("conversation_id").notNull().references(
    () => conversations.id,
    { onDelete: "cascade" },
  ),
  lastReadMessageId: integer("last_read_message_id").notNull().default(0),
  // "mark unread" for this user only (F17)
  markedUnread: integer("marked_unread", { mode: "boolean" }).notNull()
    .default(false),
}, (t) => [primaryKey({ columns: [t.userId, t.conversationId] })]);

/** The single source of realtime updates; SSE ids are these ids. */
export const events = sqliteTable("events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  inboxId: integer("inbox_id"),
  chatId: integer("chat_id"),
  // events for one user only (their own read state)
  userId: integer("user_id"),
  kind: text("kind").notNull(),
  conversationId: integer("conversation_id"),
  messageId: integer("message_id"),
  payload: text("payload").notNull().default("{}"),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("events_inbox_idx").on(t.inboxId, t.id)]);

/** Files attached to messages: inbound media we fetch, outbound we send. */
export const attachments = sqliteTable("attachments", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  messageId: integer("message_id").notNull().references(() => messages.id),
  // pending until an inbound file is fetched; failed after the last retry
  state: text("state", { enum: ["pending", "stored", "failed"] }).notNull(),
  contentType: text("content_type"),
  size: integer("size"),
  filename: text("filename").notNull().default(""),
  storageKey: text("storage_key"),
  // a small preview the browser made before uploading (outbound images)
  thumbnailKey: text("thumbnail_key"),
  sourceUrl: text("source_url"),
  isVoiceNote: integer("is_voice_note", { mode: "boolean" }).notNull()
    .default(false),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("attachments_message_idx").on(t.messageId)]);

/**
 * The durable work queue (C6): sending a message, fetching inbound media.
 * A worker claims a job by writing a lease; a crashed worker's lease runs
 * out and another takes the job over.
 */
export const jobs = sqliteTable("jobs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  // react: send the business's current reaction on a WhatsApp message
  kind: text("kind", { enum: ["send", "fetch_media", "react"] }).notNull(),
  refId: integer("ref_id").notNull(),
  // the sending number, for the per-number rate limit
  numberId: integer("number_id"),
  state: text("state", { enum: ["pending", "done", "dead"] }).notNull()
    .default("pending"),
  attempts: integer("attempts").notNull().default(0),
  runAt: integer("run_at").notNull(),
  leaseOwner: text("lease_owner"),
  leaseUntil: integer("lease_until"),
  lastError: text("last_error"),
  createdAt: integer("created_at").notNull(),
}, (t) => [
  uniqueIndex("jobs_kind_ref_uq").on(t.kind, t.refId),
  index("jobs_due_idx").on(t.state, t.runAt),
]);

/** The last time each number sent, for the per-number rate limit. */
export const numberSendSlots = sqliteTable("number_send_slots", {
  numberId: integer("number_id").primaryKey().references(() => phoneNumbers.id),
  nextFreeAt: integer("next_free_at").notNull(),
});

/** Tags per inbox, with a colour (F18). */
export const tags = sqliteTable("tags", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  inboxId: integer("inbox_id").notNull().references(() => inboxes.id),
  name: text("name").notNull(),
  color: text("color").notNull().default("#5d6675"),
  createdAt: integer("created_at").notNull(),
}, (t) => [uniqueIndex("tags_inbox_name_uq").on(t.inboxId, t.name)]);

export const conversationTags = sqliteTable("conversation_tags", {
  conversationId: integer("conversation_id").notNull().references(() =>
    conversations.id
  ),
  tagId: integer("tag_id").notNull().references(() => tags.id, {
    onDelete: "cascade",
  }),
  createdAt: integer("created_at").notNull(),
}, (t) => [
  primaryKey({ columns: [t.conversationId, t.tagId] }),
  index("conversation_tags_tag_idx").on(t.tagId, t.conversationId),
]);

/** A user's pinned conversations, in their order (F11). */
export const pins = sqliteTable("pins", {
  userId: integer("user_id").notNull().references(() => users.id, {
    onDelete: "cascade",
  }),
  conversationId: integer("conversation_id").notNull().references(() =>
    conversations.id
  ),
  position: integer("position").notNull(),
}, (t) => [
  primaryKey({ columns: [t.userId, t.conversationId] }),
  index("pins_user_position_idx").on(t.userId, t.position),
]);

/** Canned responses, shared by an inbox's members (F10, F24). */
export const cannedResponses = sqliteTable("canned_responses", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  inboxId: integer("inbox_id").notNull().references(() => inboxes.id),
  keyPhrase: text("key_phrase").notNull(),
  body: text("body").notNull(),
  createdBy: integer("created_by").references(() => users.id),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [
  uniqueIndex("canned_responses_inbox_key_uq").on(t.inboxId, t.keyPhrase),
]);

/** Each user's favourite contacts (F9). */
export const contactFavourites = sqliteTable("contact_favourites", {
  userId: integer("user_id").notNull().references(() => users.id, {
    onDelete: "cascade",
  }),
  contactId: integer("contact_id").notNull().references(() => contacts.id, {
    onDelete: "cascade",
  }),
  createdAt: integer("created_at").notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.contactId] })]);

/** The audit trail shown in threads: who did what, when. */
export const activities = sqliteTable("activities", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  conversationId: integer("conversation_id").notNull().references(() =>
    conversations.id
  ),
  kind: text("kind").notNull(),
  actorId: integer("actor_id").references(() => users.id),
  // the thread's newest message when it happened: activity lines sort
  // among the messages by it (message ids order a thread)
  afterMessageId: integer("after_message_id").notNull().default(0),
  detail: text("detail").notNull().default("{}"),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("activities_conversation_idx").on(t.conversationId, t.id)]);

/** Per-user preferences that are not notification settings. */
export const userPrefs = sqliteTable("user_prefs", {
  userId: integer("user_id").primaryKey().references(() => users.id, {
    onDelete: "cascade",
  }),
  showTags: integer("show_tags", { mode: "boolean" }).notNull().default(true),
});

/** Emoji reactions on messages: an agent's, or the customer's (F21). */
export const reactions = sqliteTable("reactions", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  messageId: integer("message_id").notNull().references(() => messages.id),
  // null for the customer's own reaction (WhatsApp reaction, SMS tapback)
  userId: integer("user_id").references(() => users.id),
  emoji: text("emoji").notNull(),
  // WhatsApp sends a reaction as a message: its id, for dedup
  providerId: text("provider_id"),
  createdAt: integer("created_at").notNull(),
}, (t) => [
  index("reactions_message_idx").on(t.messageId),
  // looked up by provider id: a WhatsApp reaction's dedup (storedReactionIds)
  // and delivery reports for ids with no message (inbound.ts); without it
  // each lookup scans the table
  index("reactions_provider_idx").on(t.providerId),
  uniqueIndex("reactions_message_user_emoji_uq").on(
    t.messageId,
    t.userId,
    t.emoji,
  ),
]);

/** Customer-satisfaction surveys sent as a link (F25). */
export const surveys = sqliteTable("surveys", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  conversationId: integer("conversation_id").notNull().references(() =>
    conversations.id
  ),
  // sha-256 of the link's token: a copy of the table cannot answer surveys
  tokenHash: text("token_hash").notNull().unique(),
  sentBy: integer("sent_by").references(() => users.id),
  messageId: integer("message_id").references(() => messages.id),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  answeredAt: integer("answered_at"),
  rating: integer("rating"),
  comment: text("comment"),
}, (t) => [
  index("surveys_conversation_idx").on(t.conversationId),
  index("surveys_sent_by_idx").on(t.sentBy, t.answeredAt),
]);

/** Direct (one-to-one) and team (group) chats between employees (F7, F8). */
export const chats = sqliteTable("chats", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  kind: text("kind", { enum: ["direct", "team"] }).notNull(),
  name: text("name").notNull().default(""),
  // "a:b" (lower id first) for direct chats: one chat per pair
  directKey: text("direct_key").unique(),
  createdBy: integer("created_by").notNull().references(() => users.id),
  createdAt: integer("created_at").notNull(),
  lastMessageAt: integer("last_message_at").notNull(),
  lastMessageId: integer("last_message_id"),
});

export const chatMembers = sqliteTable("chat_members", {
  chatId: integer("chat_id").notNull().references(() => chats.id, {
    onDelete: "cascade",
  }),
  userId: integer("user_id").notNull().references(() => users.id, {
    onDelete: "cascade",
  }),
  lastReadMessageId: integer("last_read_message_id").notNull().default(0),
  joinedAt: integer("joined_at").notNull(),
}, (t) => [
  primaryKey({ columns: [t.chatId, t.userId] }),
  index("chat_members_user_idx").on(t.userId),
]);

export const chatMessages = sqliteTable("chat_messages", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  chatId: integer("chat_id").notNull().references(() => chats.id, {
    onDelete: "cascade",
  }),
  userId: integer("user_id").notNull().references(() => users.id),
  body: text("body").notNull(),
  clientKey: text("client_key"),
  createdAt: integer("created_at").notNull(),
}, (t) => [
  index("chat_messages_chat_idx").on(t.chatId, t.id),
  uniqueIndex("chat_messages_client_key_uq").on(t.userId, t.clientKey),
]);

/** Files attached to team chat messages (F7): stored, members-only. */
export const chatAttachments = sqliteTable("chat_attachments", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  chatMessageId: integer("chat_message_id").notNull().references(
    () => chatMessages.id,
    { onDelete: "cascade" },
  ),
  contentType: text("content_type").notNull(),
  size: integer("size").notNull(),
  filename: text("filename").notNull().default(""),
  storageKey: text("storage_key").notNull(),
  thumbnailKey: text("thumbnail_key"),
  isVoiceNote: integer("is_voice_note", { mode: "boolean" }).notNull()
    .default(false),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("chat_attachments_message_idx").on(t.chatMessageId)]);

/** Per user and inbox: which new activity notifies them (F26). */
export const notificationPrefs = sqliteTable("notification_prefs", {
  userId: integer("user_id").notNull().references(() => users.id, {
    onDelete: "cascade",
  }),
  inboxId: integer("inbox_id").notNull().references(() => inboxes.id, {
    onDelete: "cascade",
  }),
  level: text("level", { enum: ["all", "assigned", "mentions", "none"] })
    .notNull().default("assigned"),
  sound: integer("sound", { mode: "boolean" }).notNull().default(false),
}, (t) => [primaryKey({ columns: [t.userId, t.inboxId] })]);

/** Round-robin auto-assignment settings and cursor per inbox. */
export const autoAssignment = sqliteTable("auto_assignment", {
  inboxId: integer("inbox_id").primaryKey().references(() => inboxes.id, {
    onDelete: "cascade",
  }),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
  // open conversations one agent may hold before being skipped
  maxOpenPerAgent: integer("max_open_per_agent").notNull().default(10),
  // the last user given a conversation; the next goes to the one after
  lastUserId: integer("last_user_id"),
});

/** One message to many contacts (F4). */
export const campaigns = sqliteTable("campaigns", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  inboxId: integer("inbox_id").notNull().references(() => inboxes.id),
  numberId: integer("number_id").notNull().references(() => phoneNumbers.id),
  name: text("name").notNull(),
  body: text("body").notNull(),
  status: text("status", {
    enum: ["draft", "scheduled", "running", "paused", "cancelled", "done"],
  }).notNull().default("draft"),
  scheduledAt: integer("scheduled_at"),
  // recipients' local quiet hours, minutes after midnight
  quietStart: integer("quiet_start").notNull().default(21 * 60),
  quietEnd: integer("quiet_end").notNull().default(8 * 60),
  createdBy: integer("created_by").notNull().references(() => users.id),
  createdAt: integer("created_at").notNull(),
  startedAt: integer("started_at"),
  finishedAt: integer("finished_at"),
  // the campaign runner holding it: one app instance works a campaign at a
  // time, and a crashed one's lease runs out (like the outbox's jobs)
  leaseOwner: text("lease_owner"),
  leaseUntil: integer("lease_until"),
  // optional media sent with every recipient's message (MMS / WhatsApp):
  // stored once, each outbound message gets an attachment pointing at it
  mediaStorageKey: text("media_storage_key"),
  mediaContentType: text("media_content_type"),
  mediaFilename: text("media_filename"),
  mediaSize: integer("media_size"),
}, (t) => [
  index("campaigns_inbox_idx").on(t.inboxId, t.createdAt),
  index("campaigns_status_idx").on(t.status),
]);

export const campaignRecipients = sqliteTable("campaign_recipients", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  campaignId: integer("campaign_id").notNull().references(() => campaigns.id, {
    onDelete: "cascade",
  }),
  contactId: integer("contact_id").references(() => contacts.id),
  e164: text("e164").notNull(),
  status: text("status", {
    enum: [
      "pending",
      "queued",
      "sent",
      "delivered",
      "failed",
      "skipped",
    ],
  }).notNull().default("pending"),
  skipReason: text("skip_reason"),
  messageId: integer("message_id").references(() => messages.id),
  error: text("error"),
  // when quiet hours hold it, the earliest time it may go
  notBefore: integer("not_before"),
  createdAt: integer("created_at").notNull(),
}, (t) => [
  uniqueIndex("campaign_recipients_campaign_e164_uq").on(t.campaignId, t.e164),
  index("campaign_recipients_status_idx").on(t.campaignId, t.status),
  index("campaign_recipients_message_idx").on(t.messageId),
]);
