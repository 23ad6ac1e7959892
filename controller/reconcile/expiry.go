package reconcile

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// ExpiryWarningDays are how many days before a request expires its
// requester is warned (on the request's pull request).
var ExpiryWarningDays = []int{7, 3, 1}

// ExpiryNotice is one warning due to a requester: their access ends in
// Days days.
type ExpiryNotice struct {
	Request string    `json:"request"`
	Person  string    `json:"person"`
	System  string    `json:"system"`
	Expires time.Time `json:"expires"`
	Days    int       `json:"days"`
}

// Message is the notice in words, for the pull request.
func (n ExpiryNotice) Message() string {
	day := "days"
	if n.Days == 1 {
		day = "day"
	}
	return fmt.Sprintf("@%s your access to %s ends in %d %s (%s). To keep it, open a pull request that extends expires in %s.",
		n.Person, n.System, n.Days, day, n.Expires.UTC().Format(time.RFC3339), n.Request)
}

// ExpiryNotices returns the warnings due at now: for each live request
// whose expires falls within one of ExpiryWarningDays, the smallest such
// window (7, then 3, then 1 day before). The controller posts each once;
// the window it belongs to is its key.
func ExpiryNotices(org *model.Org, now time.Time) []ExpiryNotice {
	var out []ExpiryNotice
	for _, r := range org.Requests {
		if r.Expires == nil || r.Expired(now) {
			continue
		}
		if p := org.PersonByName[r.Person]; p == nil || !p.Active() {
			continue
		}
		left := r.Expires.Sub(now)
		days := 0
		for _, d := range ExpiryWarningDays {
			if left <= time.Duration(d)*24*time.Hour {
				days = d
			}
		}
		if days > 0 {
			out = append(out, ExpiryNotice{Request: r.File, Person: r.Person, System: r.System, Expires: *r.Expires, Days: days})
		}
	}
	slices.SortFunc(out, func(a, b ExpiryNotice) int { return strings.Compare(a.Request, b.Request) })
	return out
}

// ExpiredFiles lists the request files whose expires has passed: what the
// controller's cleanup pull request removes so that Git stays true.
// Their grants are revoked at once whether or not the files are gone.
func ExpiredFiles(org *model.Org, now time.Time) []string {
	var out []string
	for _, r := range org.Requests {
		if r.Expired(now) {
			out = append(out, r.File)
		}
	}
	slices.Sort(out)
	return out
}
