package decide

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// impactBatch is how many live requests one policy evaluation of the
// impact preview judges: large enough to amortise the evaluation, small
// enough to keep its input in cache.
const impactBatch = 500

// Impact is a live access request whose outcome a pull request's policy
// changes would change: what it needs under the base's policies and
// under the head's.
type Impact struct {
	Request string `json:"request"`
	Person  string `json:"person"`
	System  string `json:"system"`
	Level   string `json:"level,omitempty"`
	Before  string `json:"before"`
	After   string `json:"after"`
}

// impact judges every live request of the base (active person, not
// expired) as if it were requested anew, under the base's policies and
// under the head's, and lists those whose outcome differs.
func (b *Base) impact(ctx context.Context, baseSet, headSet *policySet, now time.Time) ([]Impact, error) {
	var live []*model.AccessRequest
	for _, r := range b.Org.Requests {
		if p := b.Org.PersonByName[r.Person]; p != nil && p.Active() && !r.Expired(now) {
			live = append(live, r)
		}
	}
	var out []Impact
	for start := 0; start < len(live); start += impactBatch {
		batch := live[start:min(start+impactBatch, len(live))]
		changes := make([]Change, len(batch))
		for i, r := range batch {
			changes[i] = Change{ID: r.File, Op: OpAdd, Kind: model.KindAccessRequest, Path: r.File, After: r}
		}
		input, err := b.input(changes)
		if err != nil {
			return nil, err
		}
		before, err := outcomes(ctx, baseSet, input, now)
		if err != nil {
			return nil, fmt.Errorf("impact preview under the base's policies: %w", err)
		}
		after, err := outcomes(ctx, headSet, input, now)
		if err != nil {
			return nil, fmt.Errorf("impact preview under the pull request's policies: %w", err)
		}
		for _, r := range batch {
			if before[r.File] != after[r.File] {
				out = append(out, Impact{Request: r.File, Person: r.Person, System: r.System, Level: r.Level,
					Before: orNothing(before[r.File]), After: orNothing(after[r.File])})
			}
		}
	}
	return out, nil
}

// outcomes summarises, per change, what a policy set decides on input:
// its requirements after waivers and its violations, as one line.
func outcomes(ctx context.Context, set *policySet, input ast.Value, now time.Time) (map[string]string, error) {
	d, err := set.decide(ctx, input, now)
	if err != nil {
		return nil, err
	}
	waived := map[[2]string]bool{}
	for _, w := range d.waivers {
		waived[[2]string{w.Change, w.Rule}] = true
	}
	parts := map[string][]string{}
	for _, r := range d.requirements {
		if r.Source == SourceBuiltin && waived[[2]string{r.Change, r.Rule}] {
			continue
		}
		eligible := slices.Sorted(slices.Values(r.Eligible))
		parts[r.Change] = append(parts[r.Change], fmt.Sprintf("%s: %d of %s", r.Rule, r.Count, strings.Join(slices.Compact(eligible), ", ")))
	}
	for _, v := range d.violations {
		parts[v.Change] = append(parts[v.Change], "denied by "+v.Rule)
	}
	out := make(map[string]string, len(parts))
	for change, l := range parts {
		slices.Sort(l)
		out[change] = strings.Join(slices.Compact(l), "; ")
	}
	return out, nil
}

func orNothing(s string) string {
	if s == "" {
		return "no approval needed"
	}
	return s
}
