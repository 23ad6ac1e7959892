-- The audit log: append-only. The triggers refuse any change to a row
-- already written, whoever asks.
CREATE TABLE audit_events (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	at      INTEGER NOT NULL,
	actor   TEXT    NOT NULL,
	kind    TEXT    NOT NULL,
	subject TEXT    NOT NULL DEFAULT '',
	detail  TEXT    NOT NULL DEFAULT '{}' -- JSON object of strings
) STRICT;
CREATE INDEX audit_events_by_time ON audit_events (at, id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- INSERT OR REPLACE deletes without firing delete triggers.
CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id)
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The latest list of accounts each integration reported.
CREATE TABLE snapshots (
	integration TEXT    PRIMARY KEY,
	at          INTEGER NOT NULL,
	accounts    TEXT    NOT NULL -- JSON array of {"id", "entitlements"}
) STRICT;

-- Every entitlement ever reported on an integration's accounts.
CREATE TABLE catalogue (
	integration TEXT    NOT NULL,
	entitlement TEXT    NOT NULL,
	accounts    INTEGER NOT NULL, -- holders in the latest snapshot
	first_seen  INTEGER NOT NULL,
	last_seen   INTEGER NOT NULL,
	PRIMARY KEY (integration, entitlement)
) STRICT;
