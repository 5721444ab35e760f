-- Delivery reports that arrive before the outbox has recorded the provider's
-- message id (a fast carrier can call back before our write commits). They
-- wait here and are applied when the id is recorded.
CREATE TABLE status_orphans (
  provider TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  status TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (provider, provider_id, status)
);
