package reconcile

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/authz"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// MarkProvisioned records that by, an admin of the request's system, did
// by hand what gatehouse asked for the request at path: granted its
// access when the request is live on the default branch, or took it back
// when the request is gone, expired or its person offboarded. It returns
// a line for the requester.
func MarkProvisioned(ctx context.Context, st *store.Store, org *model.Org, engine *authz.Engine, path, by string, now time.Time) (string, error) {
	rec, known, err := st.Request(ctx, path)
	if err != nil {
		return "", err
	}
	req := org.RequestByPath[path]
	person, system, level := rec.Person, rec.System, rec.Level
	if req != nil {
		person, system, level = req.Person, req.System, req.Level
	} else if !known {
		return "", fmt.Errorf("no request %s on the default branch or in the store; gatehouse requests --open lists them", path)
	}
	sys := org.SystemByName[system]
	if sys == nil {
		return "", fmt.Errorf("request %s is for system %s, which is not in the access repo", path, system)
	}
	target := Target(sys)
	if !strings.HasPrefix(target, ManualPrefix) {
		return "", fmt.Errorf("%s is provisioned by its integration %s, not by hand; gatehouse reconcile applies it", system, target)
	}
	ok, err := engine.Check(by, "provision", "System/"+system)
	if err != nil {
		return "", err
	}
	if !ok {
		admins, _ := engine.WhoCan("provision", "System/"+system)
		return "", fmt.Errorf("%s is not an admin of %s and cannot mark it provisioned; its admins: %s", by, system, strings.Join(admins, ", "))
	}
	k := Key{Target: target, Account: person, Entitlement: Entitlement(sys, level)}
	p := org.PersonByName[person]
	live := req != nil && p != nil && p.Active() && !req.Expired(now)
	r := store.Request{Path: path, Person: person, System: system, Level: level, Since: now}
	event := store.Event{Time: now, Actor: by, Subject: k.String(), Detail: map[string]string{"request": path}}
	var msg string
	if live {
		err = st.SetManaged(ctx, store.Grant{Integration: target, System: system, Account: person, Entitlement: k.Entitlement, Since: now})
		r.State, r.Reason = StateProvisioned, "provisioned by "+by
		event.Kind = "provisioned"
		msg = fmt.Sprintf("%s: %s now has %s access to %s (provisioned by %s)", path, person, k.Entitlement, system, by)
	} else {
		err = st.Unmanage(ctx, target, person, k.Entitlement)
		r.State, r.Reason = StateRevoked, "access removed by "+by
		event.Kind = "deprovisioned"
		msg = fmt.Sprintf("%s: %s's %s access to %s was removed (by %s)", path, person, k.Entitlement, system, by)
	}
	if err != nil {
		return "", err
	}
	if _, err := st.SetRequest(ctx, r); err != nil {
		return "", err
	}
	return msg, st.Audit(ctx, event)
}
