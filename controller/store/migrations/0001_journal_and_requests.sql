-- The reconcile journal (S11): every action is inserted as intended
-- before it runs and updated to done or failed after.
CREATE TABLE actions (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	integration TEXT    NOT NULL,
	system      TEXT    NOT NULL,
	account     TEXT    NOT NULL,
	entitlement TEXT    NOT NULL,
	op          TEXT    NOT NULL CHECK (op IN ('grant', 'revoke')),
	requests    TEXT    NOT NULL DEFAULT '[]', -- JSON array of request paths
	reason      TEXT    NOT NULL DEFAULT '',
	state       TEXT    NOT NULL CHECK (state IN ('intended', 'done', 'failed')),
	error       TEXT    NOT NULL DEFAULT '',
	attempts    INTEGER NOT NULL DEFAULT 0,
	intended_at INTEGER NOT NULL,
	finished_at INTEGER
) STRICT;
CREATE INDEX actions_by_state ON actions (state, id);
CREATE INDEX actions_by_key ON actions (integration, account, entitlement, id);

-- What gatehouse has granted and not yet revoked.
CREATE TABLE managed (
	integration TEXT    NOT NULL,
	system      TEXT    NOT NULL,
	account     TEXT    NOT NULL,
	entitlement TEXT    NOT NULL,
	since       INTEGER NOT NULL,
	PRIMARY KEY (integration, account, entitlement)
) STRICT;

-- The current lifecycle state of every access request, by path.
CREATE TABLE requests (
	path       TEXT    PRIMARY KEY,
	person     TEXT    NOT NULL DEFAULT '',
	system     TEXT    NOT NULL DEFAULT '',
	level      TEXT    NOT NULL DEFAULT '',
	state      TEXT    NOT NULL,
	reason     TEXT    NOT NULL DEFAULT '',
	pr         INTEGER NOT NULL DEFAULT 0,
	commit_sha TEXT    NOT NULL DEFAULT '',
	approvers  TEXT    NOT NULL DEFAULT '[]', -- JSON array
	waiting_on TEXT    NOT NULL DEFAULT '[]', -- JSON array
	since      INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX requests_by_state ON requests (state, path);
CREATE INDEX requests_by_person ON requests (person, path);

-- Every change of a request's state, in order.
CREATE TABLE transitions (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	path       TEXT    NOT NULL REFERENCES requests (path),
	from_state TEXT    NOT NULL,
	to_state   TEXT    NOT NULL,
	reason     TEXT    NOT NULL DEFAULT '',
	at         INTEGER NOT NULL
) STRICT;
CREATE INDEX transitions_by_path ON transitions (path, at, id);
