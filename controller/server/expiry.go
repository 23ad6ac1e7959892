package server

import (
	"context"
	"fmt"
	"strings"
	"time"

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
