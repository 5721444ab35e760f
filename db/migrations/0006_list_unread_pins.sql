-- The conversation list at 100,000 conversations (F11, F12, F17).
--
-- conversation_unread holds one row per (member, conversation) that member
-- has not read: a conversation is unread for a member of its inbox when they
-- marked it unread, or when its last message is newer than the last one they
-- read. "Unread" is per user, so no index on conversations can answer "my
-- unread ones" or "my unread count"; this table can, and triggers keep it in
-- step with conversations, conversation_reads and inbox_members whichever
-- code path writes them (replies, inbound webhooks, moves, membership).
-- It copies the list's sort key and status so the unread filter, the
-- "unread first" sort and the per-inbox counts read one index.
CREATE TABLE IF NOT EXISTS conversation_unread (
  user_id INTEGER NOT NULL,
  conversation_id INTEGER NOT NULL,
  inbox_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  last_message_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS conversation_unread_list_idx ON conversation_unread (user_id, inbox_id, status, last_message_at, conversation_id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS conversation_unread_conversation_idx ON conversation_unread (conversation_id);
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS conversation_unread_conv_ai AFTER INSERT ON conversations BEGIN
  INSERT OR IGNORE INTO conversation_unread (user_id, conversation_id, inbox_id, status, last_message_at)
  SELECT m.user_id, new.id, new.inbox_id, new.status, new.last_message_at
  FROM inbox_members m
  LEFT JOIN conversation_reads r ON r.user_id = m.user_id AND r.conversation_id = new.id
  WHERE m.inbox_id = new.inbox_id
    AND (coalesce(r.marked_unread, 0) = 1
      OR coalesce(new.last_message_id, 0) > coalesce(r.last_read_message_id, 0));
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS conversation_unread_conv_au AFTER UPDATE OF inbox_id, status, last_message_at, last_message_id ON conversations BEGIN
  -- moved: members of the old inbox only lose it
  DELETE FROM conversation_unread
  WHERE conversation_id = new.id AND new.inbox_id IS NOT old.inbox_id
    AND user_id NOT IN (SELECT user_id FROM inbox_members WHERE inbox_id = new.inbox_id);
  UPDATE conversation_unread
  SET inbox_id = new.inbox_id, status = new.status, last_message_at = new.last_message_at
  WHERE conversation_id = new.id;
  -- a new message (or a new inbox) makes it unread for whoever has not read it;
  -- a status change alone changes nobody's read state
  INSERT OR IGNORE INTO conversation_unread (user_id, conversation_id, inbox_id, status, last_message_at)
  SELECT m.user_id, new.id, new.inbox_id, new.status, new.last_message_at
  FROM inbox_members m
  LEFT JOIN conversation_reads r ON r.user_id = m.user_id AND r.conversation_id = new.id
  WHERE m.inbox_id = new.inbox_id
    AND (new.last_message_id IS NOT old.last_message_id OR new.inbox_id IS NOT old.inbox_id)
    AND (coalesce(r.marked_unread, 0) = 1
      OR coalesce(new.last_message_id, 0) > coalesce(r.last_read_message_id, 0));
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS conversation_unread_conv_ad AFTER DELETE ON conversations BEGIN
  DELETE FROM conversation_unread WHERE conversation_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS conversation_unread_reads_ai AFTER INSERT ON conversation_reads BEGIN
  DELETE FROM conversation_unread
  WHERE user_id = new.user_id AND conversation_id = new.conversation_id
    AND new.marked_unread = 0
    AND (SELECT coalesce(last_message_id, 0) FROM conversations WHERE id = new.conversation_id) <= new.last_read_message_id;
  INSERT OR IGNORE INTO conversation_unread (user_id, conversation_id, inbox_id, status, last_message_at)
  SELECT new.user_id, c.id, c.inbox_id, c.status, c.last_message_at
  FROM conversations c
  WHERE c.id = new.conversation_id
    AND (new.marked_unread = 1 OR coalesce(c.last_message_id, 0) > new.last_read_message_id)
    AND EXISTS (SELECT 1 FROM inbox_members m WHERE m.inbox_id = c.inbox_id AND m.user_id = new.user_id);
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS conversation_unread_reads_au AFTER UPDATE ON conversation_reads BEGIN
  DELETE FROM conversation_unread
  WHERE user_id = new.user_id AND conversation_id = new.conversation_id
    AND new.marked_unread = 0
    AND (SELECT coalesce(last_message_id, 0) FROM conversations WHERE id = new.conversation_id) <= new.last_read_message_id;
  INSERT OR IGNORE INTO conversation_unread (user_id, conversation_id, inbox_id, status, last_message_at)
  SELECT new.user_id, c.id, c.inbox_id, c.status, c.last_message_at
  FROM conversations c
  WHERE c.id = new.conversation_id
    AND (new.marked_unread = 1 OR coalesce(c.last_message_id, 0) > new.last_read_message_id)
    AND EXISTS (SELECT 1 FROM inbox_members m WHERE m.inbox_id = c.inbox_id AND m.user_id = new.user_id);
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS conversation_unread_member_ai AFTER INSERT ON inbox_members BEGIN
  INSERT OR IGNORE INTO conversation_unread (user_id, conversation_id, inbox_id, status, last_message_at)
  SELECT new.user_id, c.id, c.inbox_id, c.status, c.last_message_at
  FROM conversations c
  LEFT JOIN conversation_reads r ON r.user_id = new.user_id AND r.conversation_id = c.id
  WHERE c.inbox_id = new.inbox_id
    AND (coalesce(r.marked_unread, 0) = 1
      OR coalesce(c.last_message_id, 0) > coalesce(r.last_read_message_id, 0));
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS conversation_unread_member_ad AFTER DELETE ON inbox_members BEGIN
  DELETE FROM conversation_unread WHERE user_id = old.user_id AND inbox_id = old.inbox_id;
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS conversation_unread_user_ad AFTER DELETE ON users BEGIN
  DELETE FROM conversation_unread WHERE user_id = old.id;
END;
--> statement-breakpoint
INSERT OR IGNORE INTO conversation_unread (user_id, conversation_id, inbox_id, status, last_message_at)
SELECT m.user_id, c.id, c.inbox_id, c.status, c.last_message_at
FROM conversations c
JOIN inbox_members m ON m.inbox_id = c.inbox_id
LEFT JOIN conversation_reads r ON r.user_id = m.user_id AND r.conversation_id = c.id
WHERE coalesce(r.marked_unread, 0) = 1
  OR coalesce(c.last_message_id, 0) > coalesce(r.last_read_message_id, 0);
--> statement-breakpoint
-- the filters' orders: each is (inbox, status, filter column) then the sort key
CREATE INDEX IF NOT EXISTS conversations_inbox_status_assignee_idx ON conversations (inbox_id, status, assignee_id, last_message_at, id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS conversations_inbox_status_number_idx ON conversations (inbox_id, status, number_id, last_message_at, id);
--> statement-breakpoint
-- the spam view: few rows among the closed ones
CREATE INDEX IF NOT EXISTS conversations_inbox_spam_idx ON conversations (inbox_id, last_message_at, id) WHERE spam = 1;
--> statement-breakpoint
-- live updates ask "who pinned these conversations" once per batch
CREATE INDEX IF NOT EXISTS pins_conversation_idx ON pins (conversation_id, user_id);
--> statement-breakpoint
-- contact search ignores accents too: "maria" finds "María"
DROP TABLE IF EXISTS contacts_fts;
--> statement-breakpoint
CREATE VIRTUAL TABLE contacts_fts USING fts5(
  name,
  e164,
  content='contacts',
  content_rowid='id',
  tokenize='trigram remove_diacritics 1'
);
--> statement-breakpoint
INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild');
