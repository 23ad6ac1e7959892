-- Webhook deliveries seen, for replay protection (S6).
CREATE TABLE deliveries (
	id      TEXT    PRIMARY KEY,
	seen_at INTEGER NOT NULL
) STRICT;
CREATE INDEX deliveries_by_time ON deliveries (seen_at);

-- The decision recorded for each merged pull request (S13).
CREATE TABLE decisions (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	pr           INTEGER NOT NULL,
	head         TEXT    NOT NULL,
	merge_commit TEXT    NOT NULL DEFAULT '',
	approved     INTEGER NOT NULL CHECK (approved IN (0, 1)),
	approvers    TEXT    NOT NULL DEFAULT '[]', -- JSON array
	requests     TEXT    NOT NULL DEFAULT '[]', -- JSON array of request paths
	at           INTEGER NOT NULL
) STRICT;
CREATE TABLE decision_requests (
	path        TEXT    NOT NULL,
	decision_id INTEGER NOT NULL REFERENCES decisions (id),
	PRIMARY KEY (path, decision_id)
) STRICT;
