-- The messages sent outside GitHub (Slack): one per pull request, content
-- digest, person and kind, so a person is asked once for the content
-- they are asked about, and again only when it changes.
CREATE TABLE notices (
	pr      INTEGER NOT NULL,
	digest  TEXT    NOT NULL,
	person  TEXT    NOT NULL,
	kind    TEXT    NOT NULL,
	sent_at BIGINT  NOT NULL,
	PRIMARY KEY (pr, digest, person, kind)
);
