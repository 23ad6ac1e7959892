// Package manual is the integration of systems without one: their admins
// provision by hand. It changes nothing itself; the reconciler turns each
// grant and revocation into a task for the system's admins ("[Action
// Required] Provision a github account for alice", seed 000), which
// `/provisioned` on the merged pull request or `gatehouse provisioned`
// completes.
package manual

import (
	"context"
	"errors"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

// ErrByHand is what the calls a manual integration cannot make return:
// the reconciler never makes them, since Capabilities says so.
var ErrByHand = errors.New("a manual system is provisioned by its admins, not by gatehouse")

// Integration is a system provisioned by hand.
type Integration struct{}

var _ reconcile.Integration = Integration{}

// Capabilities reports that gatehouse can neither list, grant nor revoke.
func (Integration) Capabilities() reconcile.Capabilities { return reconcile.Capabilities{} }

// AccountFor names the person's account by the person's name: the admin
// who provisions knows who that is.
func (Integration) AccountFor(p *model.Person) (string, error) { return p.Name, nil }

// List cannot see the system.
func (Integration) List(context.Context, []string) ([]reconcile.Account, error) {
	return nil, ErrByHand
}

// Grant is done by the system's admins.
func (Integration) Grant(context.Context, string, string) error { return ErrByHand }

// Revoke is done by the system's admins.
func (Integration) Revoke(context.Context, string, string) error { return ErrByHand }
