-- Every approval, withdrawal and request for changes on a pull request,
-- with the commit and the digest of the access changes it was given on
-- (S3). Append-only: a person's latest row is their word.
CREATE TABLE votes (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	pr      INTEGER NOT NULL,
	login   TEXT    NOT NULL,
	kind    TEXT    NOT NULL CHECK (kind IN ('approve', 'block', 'withdraw')),
	commit_sha TEXT NOT NULL,
	digest  TEXT    NOT NULL,
	source  TEXT    NOT NULL,
	at      INTEGER NOT NULL
) STRICT;
CREATE INDEX votes_by_pr ON votes (pr, id);

-- What the controller knows of each pull request between events: who
-- pushed its head last, the sticky comment, who was already mentioned.
CREATE TABLE pull_requests (
	pr          INTEGER PRIMARY KEY,
	head        TEXT    NOT NULL DEFAULT '',
	last_pusher TEXT    NOT NULL DEFAULT '',
	comment_id  INTEGER NOT NULL DEFAULT 0,
	mentioned   TEXT    NOT NULL DEFAULT '[]', -- JSON array of logins
	updated_at  INTEGER NOT NULL
) STRICT;
