package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Vote is one person's approval, withdrawal or request for changes on a
// pull request, with the commit and the digest of the access changes it
// was given on (S3).
type Vote struct {
	PR     int       `json:"pr"`
	Login  string    `json:"login"`
	Kind   string    `json:"kind"` // approve, block or withdraw
	Commit string    `json:"commit"`
	Digest string    `json:"digest"`
	Source string    `json:"source"` // review:…, comment:… or slack:…
	At     time.Time `json:"at"`
}

// RecordVote appends v; a person's latest vote is their word.
func (s *Store) RecordVote(ctx context.Context, v Vote) error {
	op := fmt.Sprintf("record %s's %s on pull request %d", v.Login, v.Kind, v.PR)
	if v.PR <= 0 || v.Login == "" {
		return fmt.Errorf("%s: a vote needs a pull request and a login", op)
	}
	return s.write(ctx, op, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO votes (pr, login, kind, commit_sha, digest, source, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			v.PR, v.Login, v.Kind, v.Commit, v.Digest, v.Source, nanos(s.stamp(v.At)))
		return err
	})
}

// Votes lists a pull request's votes in the order recorded.
func (s *Store) Votes(ctx context.Context, pr int) ([]Vote, error) {
	return query(ctx, s, fmt.Sprintf("list the votes on pull request %d", pr), func(r scanner) (Vote, error) {
		var v Vote
		var at int64
		err := r.Scan(&v.PR, &v.Login, &v.Kind, &v.Commit, &v.Digest, &v.Source, &at)
		v.At = fromNanos(at)
		return v, err
	}, `SELECT pr, login, kind, commit_sha, digest, source, at FROM votes WHERE pr = ? ORDER BY id`, pr)
}

// PullRequest is what the controller keeps of a pull request between
// events.
type PullRequest struct {
	PR         int      `json:"pr"`
	Head       string   `json:"head"`
	LastPusher string   `json:"lastPusher"`
	CommentID  int64    `json:"commentId"`
	Mentioned  []string `json:"mentioned"`
}

// PullRequestState returns what is kept of pull request pr; the zero
// value (with PR set) when nothing is.
func (s *Store) PullRequestState(ctx context.Context, pr int) (PullRequest, error) {
	p := PullRequest{PR: pr}
	var mentioned string
	err := s.queryRow(ctx, `SELECT head, last_pusher, comment_id, mentioned FROM pull_requests WHERE pr = ?`, pr).
		Scan(&p.Head, &p.LastPusher, &p.CommentID, &mentioned)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, s.fail(fmt.Sprintf("read pull request %d", pr), err)
	}
	_ = json.Unmarshal([]byte(mentioned), &p.Mentioned)
	return p, nil
}

// SetPullRequestState records p.
func (s *Store) SetPullRequestState(ctx context.Context, p PullRequest) error {
	op := fmt.Sprintf("record pull request %d", p.PR)
	return s.write(ctx, op, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO pull_requests (pr, head, last_pusher, comment_id, mentioned, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (pr) DO UPDATE SET head = excluded.head, last_pusher = excluded.last_pusher, comment_id = excluded.comment_id,
			mentioned = excluded.mentioned, updated_at = excluded.updated_at`,
			p.PR, p.Head, p.LastPusher, p.CommentID, sortedJSON(p.Mentioned), nanos(s.stamp(time.Time{})))
		return err
	})
}
