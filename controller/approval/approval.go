// Package approval decides which approvals of a pull request count: an
// approval counts for the content it approved (S3). It stays valid across
// later pushes only while the pull request's access changes — the
// documents it adds, modifies or removes and its policy files — are
// identical to those at the approved commit, so merging the default branch
// into the branch, or a rebase that changes no requested document, keeps
// it, and any change to a requested document drops it. This beats both
// GitHub's stale-review dismissal (drops on any change) and an approval
// that never drops.
//
// The package also reads the commands people write in pull request
// comments: /approve, /approve cancel, /deny <reason>, /provisioned.
package approval

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/decide"
)

// Digest fingerprints a pull request's access changes: each changed
// document's id, operation and content on both sides, and each policy
// file's content. Two commits with the same changes have the same digest,
// whatever else differs between them.
func Digest(changes []decide.Change) string {
	type entry struct {
		ID, Op, Kind  string
		Before, After json.RawMessage
		Policy        []byte
	}
	entries := make([]entry, 0, len(changes))
	for _, c := range changes {
		e := entry{ID: c.ID, Op: c.Op, Kind: c.Kind, Policy: c.Policy}
		if c.Before != nil {
			e.Before, _ = json.Marshal(c.Before)
		}
		if c.After != nil {
			e.After, _ = json.Marshal(c.After)
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.ID+"\x00"+a.Op, b.ID+"\x00"+b.Op) })
	data, _ := json.Marshal(entries)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Kinds of Vote.
const (
	VoteApprove  = "approve"
	VoteBlock    = "block" // a review requesting changes
	VoteWithdraw = "withdraw"
)

// Vote is one person's latest word on a pull request, with the commit
// and the digest of the access changes it was given on.
type Vote struct {
	Login  string    `json:"login"`
	Kind   string    `json:"kind"`
	Commit string    `json:"commit"`
	Digest string    `json:"digest"`
	At     time.Time `json:"at"`
	// Source says where it came from: "review", "comment" or "slack".
	Source string `json:"source"`
}

// Tally is what the votes of a pull request amount to at its head.
type Tally struct {
	// Approvers are the logins whose approval counts at the head, sorted.
	Approvers []string
	// Stale are approvals given on other access changes: they no longer
	// count, and the approvers are asked again.
	Stale []Vote
	// Blocking are requests for changes that stand.
	Blocking []Vote
}

// Count takes each login's latest vote and keeps the approvals given on
// the same access changes as the head's (headDigest).
func Count(votes []Vote, headDigest string) Tally {
	latest := map[string]Vote{}
	for _, v := range votes {
		key := strings.ToLower(v.Login)
		if prev, ok := latest[key]; !ok || !v.At.Before(prev.At) {
			latest[key] = v
		}
	}
	var t Tally
	for _, login := range slices.Sorted(func(yield func(string) bool) {
		for k := range latest {
			if !yield(k) {
				return
			}
		}
	}) {
		v := latest[login]
		switch v.Kind {
		case VoteApprove:
			if v.Digest == headDigest {
				t.Approvers = append(t.Approvers, v.Login)
			} else {
				t.Stale = append(t.Stale, v)
			}
		case VoteBlock:
			t.Blocking = append(t.Blocking, v)
		}
	}
	return t
}
