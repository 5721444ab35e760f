-- Full-text search over message bodies and contacts (F11), kept in step
-- with their tables by triggers. External-content tables: no second copy
-- of the text.
CREATE VIRTUAL TABLE messages_fts USING fts5(
  body,
  content='messages',
  content_rowid='id',
  tokenize='unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
--> statement-breakpoint
CREATE TRIGGER messages_fts_au AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
--> statement-breakpoint
-- trigram: "5551" finds +15551230001, "carm" finds Carmen
CREATE VIRTUAL TABLE contacts_fts USING fts5(
  name,
  e164,
  content='contacts',
  content_rowid='id',
  tokenize='trigram'
);
--> statement-breakpoint
CREATE TRIGGER contacts_fts_ai AFTER INSERT ON contacts BEGIN
  INSERT INTO contacts_fts(rowid, name, e164) VALUES (new.id, new.name, new.e164);
END;
--> statement-breakpoint
CREATE TRIGGER contacts_fts_ad AFTER DELETE ON contacts BEGIN
  INSERT INTO contacts_fts(contacts_fts, rowid, name, e164) VALUES ('delete', old.id, old.name, old.e164);
END;
--> statement-breakpoint
CREATE TRIGGER contacts_fts_au AFTER UPDATE OF name, e164 ON contacts BEGIN
  INSERT INTO contacts_fts(contacts_fts, rowid, name, e164) VALUES ('delete', old.id, old.name, old.e164);
  INSERT INTO contacts_fts(rowid, name, e164) VALUES (new.id, new.name, new.e164);
END;
--> statement-breakpoint
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild');
