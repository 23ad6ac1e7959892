package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Decision is the verdict recorded for a merged pull request: which
// requests it carried and whether they were approved, so that only what
// was approved is provisioned (S13).
type Decision struct {
	// PR is the pull request's number.
	PR int `json:"pr"`
	// Head is the commit the decision was made on.
	Head string `json:"head"`
	// MergeCommit is the commit the merge made on the default branch.
	MergeCommit string `json:"mergeCommit,omitempty"`
	// Approved says whether every requirement was met.
	Approved bool `json:"approved"`
	// Approvers are the people whose approvals counted, sorted.
	Approvers []string `json:"approvers"`
	// Requests are the paths of the access requests the pull request
	// added or changed, sorted.
	Requests []string `json:"requests"`
	// At is when the decision was made; zero means now.
	At time.Time `json:"at"`
}

// RecordDecision records d. Decisions are kept, not replaced: an approval
// given after the merge is a later decision for the same requests.
func (s *Store) RecordDecision(ctx context.Context, d Decision) error {
	op := fmt.Sprintf("record the decision on pull request %d", d.PR)
	paths := sortedSet(d.Requests)
	return s.write(ctx, op, func(tx *txn) error {
		// approved is an INTEGER 0 or 1 in both dialects.
		approved := 0
		if d.Approved {
			approved = 1
		}
		id, err := insertID(ctx, tx, `INSERT INTO decisions (pr, head, merge_commit, approved, approvers, requests, at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, d.PR, d.Head, d.MergeCommit, approved, sortedJSON(d.Approvers), sortedJSON(paths), nanos(s.stamp(d.At)))
		if err != nil {
			return err
		}
		for _, p := range paths {
			if _, err := tx.ExecContext(ctx, `INSERT INTO decision_requests (path, decision_id) VALUES (?, ?)`, p, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// DecisionForRequest returns the latest decision (by At, then by the
// order recorded) whose Requests include path, and false when there is
// none.
func (s *Store) DecisionForRequest(ctx context.Context, path string) (Decision, bool, error) {
	op := "read the decision for request " + path
	var d Decision
	var approvers, requests string
	var at int64
	err := s.queryRow(ctx, `SELECT d.pr, d.head, d.merge_commit, d.approved, d.approvers, d.requests, d.at
		FROM decision_requests r JOIN decisions d ON d.id = r.decision_id
		WHERE r.path = ? ORDER BY d.at DESC, d.id DESC LIMIT 1`, path).
		Scan(&d.PR, &d.Head, &d.MergeCommit, &d.Approved, &approvers, &requests, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Decision{}, false, nil
	}
	if err != nil {
		return Decision{}, false, s.fail(op, err)
	}
	if d.Approvers, err = parseList("approvers", approvers); err != nil {
		return Decision{}, false, s.fail(op, err)
	}
	if d.Requests, err = parseList("requests", requests); err != nil {
		return Decision{}, false, s.fail(op, err)
	}
	d.At = fromNanos(at)
	return d, true, nil
}
