-- The unread triggers of 0006 used INSERT OR IGNORE; inside a trigger that
-- clause yields to the outer statement's conflict handling, so an UPSERT
-- on conversation_reads failed on conversation_unread's primary key. The
-- same triggers, with an explicit NOT EXISTS instead.

DROP TRIGGER IF EXISTS conversation_unread_conv_ai;
--> statement-breakpoint
CREATE TRIGGER conversation_unread_conv_ai AFTER INSERT ON conversations BEGIN
  INSERT INTO conversation_unread (user_id, conversation_id, inbox_id, status, last_message_at)
  SELECT m.user_id, new.id, new.inbox_id, new.status, new.last_message_at
  FROM inbox_members m
  LEFT JOIN conversation_reads r ON r.user_id = m.user_id AND r.conversation_id = new.id
  WHERE m.inbox_id = new.inbox_id
    AND (coalesce(r.marked_unread, 0) = 1
      OR coalesce(new.last_message_id, 0) > coalesce(r.last_read_message_id, 0))
    AND NOT EXISTS (SELECT 1 FROM conversation_unread x WHERE x.user_id = m.user_id AND x.conversation_id = new.id);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS conversation_unread_conv_au;
--> statement-breakpoint
CREATE TRIGGER conversation_unread_conv_au AFTER UPDATE OF inbox_id, status, last_message_at, last_message_id ON conversations BEGIN
  -- moved: members of the old inbox only lose it
  DELETE FROM conversation_unread
  WHERE conversation_id = new.id AND new.inbox_id IS NOT old.inbox_id
    AND user_id NOT IN (SELECT user_id FROM inbox_members WHERE inbox_id = new.inbox_id);
  UPDATE conversation_unread
  SET inbox_id = new.inbox_id, status = new.status, last_message_at = new.last_message_at
  WHERE conversation_id = new.id;
  -- a new message (or a new inbox) makes it unread for whoever has not read it;
  -- a status change alone changes nobody's read state
  INSERT INTO conversation_unread (user_id, conversation_id, inbox_id, status, last_message_at)
  SELECT m.user_id, new.id, new.inbox_id, new.status, new.last_message_at
  FROM inbox_members m
  LEFT JOIN conversation_reads r ON r.user_id = m.user_id AND r.conversation_id = new.id
  WHERE m.inbox_id = new.inbox_id
    AND (new.last_message_id IS NOT old.last_message_id OR new.inbox_id IS NOT old.inbox_id)
    AND (coalesce(r.marked_unread, 0) = 1
      OR coalesce(new.last_message_id, 0) > coalesce(r.last_read_message_id, 0))
    AND NOT EXISTS (SELECT 1 FROM conversation_unread x WHERE x.user_id = m.user_id AND x.conversation_id = new.id);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS conversation_unread_reads_ai;
--> statement-breakpoint
CREATE TRIGGER conversation_unread_reads_ai AFTER INSERT ON conversation_reads BEGIN
  DELETE FROM conversation_unread
  WHERE user_id = new.user_id AND conversation_id = new.conversation_id
    AND new.marked_unread = 0
    AND (SELECT coalesce(last_message_id, 0) FROM conversations WHERE id = new.conversation_id) <= new.last_read_message_id;
  INSERT INTO conversation_unread (user_id, conversation_id, inbox_id, status, last_message_at)
  SELECT new.user_id, c.id, c.inbox_id, c.status, c.last_message_at
  FROM conversations c
  WHERE c.id = new.conversation_id
    AND (new.marked_unread = 1 OR coalesce(c.last_message_id, 0) > new.last_read_message_id)
    AND EXISTS (SELECT 1 FROM inbox_members m WHERE m.inbox_id = c.inbox_id AND m.user_id = new.user_id)
    AND NOT EXISTS (SELECT 1 FROM conversation_unread x WHERE x.user_id = new.user_id AND x.conversation_id = c.id);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS conversation_unread_reads_au;
--> statement-breakpoint
CREATE TRIGGER conversation_unread_reads_au AFTER UPDATE ON conversation_reads BEGIN
  DELETE FROM conversation_unread
  WHERE user_id = new.user_id AND conversation_id = new.conversation_id
    AND new.marked_unread = 0
    AND (SELECT coalesce(last_message_id, 0) FROM conversations WHERE id = new.conversation_id) <= new.last_read_message_id;
  INSERT INTO conversation_unread (user_id, conversation_id, inbox_id, status, last_message_at)
  SELECT new.user_id, c.id, c.inbox_id, c.status, c.last_message_at
  FROM conversations c
  WHERE c.id = new.conversation_id
    AND (new.marked_unread = 1 OR coalesce(c.last_message_id, 0) > new.last_read_message_id)
    AND EXISTS (SELECT 1 FROM inbox_members m WHERE m.inbox_id = c.inbox_id AND m.user_id = new.user_id)
    AND NOT EXISTS (SELECT 1 FROM conversation_unread x WHERE x.user_id = new.user_id AND x.conversation_id = c.id);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS conversation_unread_member_ai;
--> statement-breakpoint
CREATE TRIGGER conversation_unread_member_ai AFTER INSERT ON inbox_members BEGIN
  INSERT INTO conversation_unread (user_id, conversation_id, inbox_id, status, last_message_at)
  SELECT new.user_id, c.id, c.inbox_id, c.status, c.last_message_at
  FROM conversations c
  LEFT JOIN conversation_reads r ON r.user_id = new.user_id AND r.conversation_id = c.id
  WHERE c.inbox_id = new.inbox_id
    AND (coalesce(r.marked_unread, 0) = 1
      OR coalesce(c.last_message_id, 0) > coalesce(r.last_read_message_id, 0))
    AND NOT EXISTS (SELECT 1 FROM conversation_unread x WHERE x.user_id = new.user_id AND x.conversation_id = c.id);
END;
