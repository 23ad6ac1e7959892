package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gatehouse-dev/gatehouse/controller/github"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// commenter posts a comment on a pull request.
type commenter interface {
	Comment(ctx context.Context, n int, body string) error
}

// notifyExpiry warns requesters on their request's pull request 7, 3 and
// 1 days before it expires, each warning once (recorded in the audit
// log). A request with no recorded pull request is skipped.
func notifyExpiry(ctx context.Context, gh commenter, st *store.Store, org *model.Org, now time.Time) error {
	for _, n := range reconcile.ExpiryNotices(org, now) {
		subject := fmt.Sprintf("%s %dd", n.Request, n.Days)
		prev, err := st.AuditLog(ctx, store.AuditQuery{Kind: "expiry-notice", Subject: subject, Limit: 1})
		if err != nil {
			return err
		}
		if len(prev) > 0 {
			continue
		}
		d, ok, err := st.DecisionForRequest(ctx, n.Request)
		if err != nil {
			return err
		}
		if !ok || d.PR == 0 {
			continue
		}
		msg := n.Message()
		if p := org.PersonByName[n.Person]; p != nil && p.GitHub != "" {
			msg = strings.Replace(msg, "@"+n.Person, "@"+p.GitHub, 1)
		}
		if err := gh.Comment(ctx, d.PR, msg); err != nil {
			return err
		}
		if err := st.Audit(ctx, store.Event{Time: now, Actor: "gatehouse", Kind: "expiry-notice", Subject: subject,
			Detail: map[string]string{"pr": fmt.Sprint(d.PR)}}); err != nil {
			return err
		}
	}
	return nil
}

// proposer commits a removal on a new branch of the mirror and pushes it.
type proposer interface {
	ProposeRemoval(ctx context.Context, paths []string, branch, message string, author object.Signature) (bool, error)
}

// opener opens a pull request.
type opener interface {
	CreatePullRequest(ctx context.Context, head, base, title, body string) (github.PullRequest, error)
}

// proposeCleanup opens one pull request removing the request files whose
// expires has passed, so that Git stays true; their grants are revoked
// already. The branch is named after the files, so the same set is
// proposed once.
func proposeCleanup(ctx context.Context, m proposer, gh opener, org *model.Org, now time.Time) error {
	files := reconcile.ExpiredFiles(org, now)
	if len(files) == 0 {
		return nil
	}
	sum := sha256.Sum256([]byte(strings.Join(files, "\n")))
	branch := "gatehouse/remove-expired-" + hex.EncodeToString(sum[:])[:12]
	who := object.Signature{Name: "gatehouse", Email: "gatehouse@users.noreply.github.com", When: now}
	created, err := m.ProposeRemoval(ctx, files, branch, "Remove expired access requests\n\nTheir grants are already revoked.", who)
	if err != nil || !created {
		return err
	}
	base := defaultBranch(org)
	body := "These access requests have expired; gatehouse has revoked their grants. Merging removes the files so that the access repo says what is granted:\n\n"
	for _, f := range files {
		body += "- `" + f + "`\n"
	}
	_, err = gh.CreatePullRequest(ctx, branch, base, fmt.Sprintf("Remove %d expired access requests", len(files)), body)
	return err
}
