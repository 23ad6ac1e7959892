package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/integration/scim/scimtest"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

const (
	secret   = "scim-secret-token-0123456789"
	tokenVar = "GATEHOUSE_SCIM_HR_PORTAL_TOKEN"
)

// fastRetry tries three times; the tests' sleep records waits instead of
// waiting.
var fastRetry = RetryPolicy{Attempts: 3, Backoff: 10 * time.Millisecond, MaxWait: time.Minute}

// waits records what the integration would have slept.
type waits []time.Duration

// setup starts a fake SCIM service and an integration pointed at it whose
// waits are recorded, not slept.
func setup(t *testing.T, opts ...Option) (*scimtest.Server, *Integration, *waits) {
	t.Helper()
	srv := scimtest.New(t, secret)
	in, w := integrationFor(t, srv.URL, secret, opts...)
	return srv, in, w
}

func integrationFor(t *testing.T, baseURL, token string, opts ...Option) (*Integration, *waits) {
	t.Helper()
	in, err := New(model.SCIMIntegration{BaseURL: baseURL}, NewToken(token, tokenVar), append([]Option{WithRetry(fastRetry)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	w := &waits{}
	in.sleep = func(ctx context.Context, d time.Duration) error {
		*w = append(*w, d)
		return ctx.Err()
	}
	return in, w
}

// list returns List's accounts as "id: ent, ent" lines.
func list(t *testing.T, in *Integration) []string {
	t.Helper()
	accounts, err := in.List(context.Background(), nil)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	out := make([]string, 0, len(accounts))
	for _, a := range accounts {
		out = append(out, a.ID+": "+strings.Join(a.Entitlements, ", "))
	}
	return out
}

func TestListAgainstFakeSCIMFollowsEveryPage(t *testing.T) {
	for _, pageSize := range []int{1, 2, 3, 100} {
		t.Run(fmt.Sprintf("page size %d", pageSize), func(t *testing.T) {
			srv, in, _ := setup(t)
			srv.SetPageSize(pageSize)
			for _, u := range []string{"Olivia@Acme.example", "bob@acme.example", "carol@acme.example", "dan@acme.example", "eve@acme.example", "frank@acme.example", "gus@acme.example"} {
				srv.AddUser(u)
			}
			srv.SetActive("eve@acme.example", false)
			srv.AddGroup("Employees", "olivia@acme.example", "bob@acme.example", "carol@acme.example", "dan@acme.example", "eve@acme.example")
			srv.AddGroup("Managers", "olivia@acme.example", "eve@acme.example")
			srv.AddGroup("HR Admins", "bob@acme.example")
			srv.AddGroup("Contractors")
			srv.AddGroup("Leavers", "frank@acme.example")
			want := []string{
				"bob@acme.example: Employees, HR Admins",
				"carol@acme.example: Employees",
				"dan@acme.example: Employees",
				"eve@acme.example: ",
				"frank@acme.example: Leavers",
				"gus@acme.example: ",
				"olivia@acme.example: Employees, Managers",
			}
			if got := list(t, in); !slices.Equal(got, want) {
				t.Errorf("List =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			var starts []string
			for _, r := range srv.Requests() {
				if r.Path == "/Users" {
					starts = append(starts, r.Query.Get("startIndex"))
				}
				if r.Method != http.MethodGet {
					t.Errorf("List wrote: %s %s", r.Method, r.Path)
				}
			}
			if wantPages := (7 + min(pageSize, 100) - 1) / min(pageSize, 100); len(starts) != wantPages || starts[0] != "1" {
				t.Errorf("List asked for /Users from %v, want %d pages from startIndex 1", starts, wantPages)
			}
		})
	}
}

func TestListAgainstFakeSCIMOfAnEmptyService(t *testing.T) {
	_, in, _ := setup(t)
	accounts, err := in.List(context.Background(), []string{"Employees"})
	if err != nil || accounts == nil || len(accounts) != 0 {
		t.Fatalf("List = %#v, %v; want no accounts", accounts, err)
	}
}

// pagingService answers /Users with pages that break RFC 7644 and
// /Groups with nothing.
func pagingService(t *testing.T, users func(start int) (total, startIndex int, ids []string)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := 1
		fmt.Sscan(r.URL.Query().Get("startIndex"), &start)
		body := map[string]any{"totalResults": 0}
		if strings.HasSuffix(r.URL.Path, "/Users") {
			total, si, ids := users(start)
			var res []map[string]any
			for _, id := range ids {
				res = append(res, map[string]any{"id": id, "userName": id + "@acme.example"})
			}
			body = map[string]any{"totalResults": total, "startIndex": si, "itemsPerPage": len(ids), "Resources": res}
		}
		w.Header().Set("Content-Type", "application/scim+json")
		json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/scim/v2"
}

func TestListFailsClosedOnBrokenPages(t *testing.T) {
	tests := []struct {
		name    string
		users   func(start int) (int, int, []string)
		wantErr string
	}{
		{"pages end early", func(start int) (int, int, []string) {
			if start == 1 {
				return 5, 1, []string{"a", "b"}
			}
			return 5, start, nil
		}, "reported 5 resources at /Users but returned only 2"},
		{"startIndex ignored", func(int) (int, int, []string) { return 5, 1, []string{"a", "b"} }, "it does not page as RFC 7644"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, _ := integrationFor(t, pagingService(t, tc.users), secret)
			_, err := in.List(context.Background(), nil)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("List error = %v, want it to say %q", err, tc.wantErr)
			}
		})
	}
}

func TestListAgainstAServiceThatIgnoresCountReadsOnePage(t *testing.T) {
	base := pagingService(t, func(int) (int, int, []string) { return 3, 0, []string{"a", "b", "c"} })
	in, _ := integrationFor(t, base, secret, WithPageSize(1))
	accounts, err := in.List(context.Background(), nil)
	if err != nil || len(accounts) != 3 {
		t.Fatalf("List = %v, %v; want three accounts", accounts, err)
	}
}

func TestGrantAgainstFakeSCIMCreatesAMissingUser(t *testing.T) {
	srv, in, _ := setup(t)
	srv.AddGroup("Employees")
	if err := in.Grant(context.Background(), "Bob@Acme.example", "Employees"); err != nil {
		t.Fatalf("Grant: %v", err)
	}
	u, ok := srv.User("bob@acme.example")
	if !ok || u.UserName != "bob@acme.example" || !u.Active || !slices.Equal(u.Emails, []string{"bob@acme.example"}) {
		t.Fatalf("the service holds %+v, %v; want active bob@acme.example with that primary email", u, ok)
	}
	if got := srv.Members("Employees"); !slices.Equal(got, []string{"bob@acme.example"}) {
		t.Errorf("Employees = %v, want bob", got)
	}
	var writes []string
	for _, r := range srv.Requests() {
		if r.Accept != "application/scim+json" {
			t.Errorf("%s %s sent Accept %q, want application/scim+json", r.Method, r.Path, r.Accept)
		}
		if r.Method == http.MethodGet {
			continue
		}
		writes = append(writes, r.Method+" "+r.Path)
		if r.ContentType != "application/scim+json" {
			t.Errorf("%s %s sent Content-Type %q, want application/scim+json", r.Method, r.Path, r.ContentType)
		}
		switch r.Method {
		case http.MethodPost:
			var body map[string]any
			json.Unmarshal(r.Body, &body)
			want := `{"active":true,"emails":[{"primary":true,"type":"work","value":"bob@acme.example"}],"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob@acme.example"}`
			if got, _ := json.Marshal(body); string(got) != want {
				t.Errorf("POST /Users body = %s, want %s", got, want)
			}
		case http.MethodPatch:
			want := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":%q}]}]}`, u.ID)
			if string(r.Body) != want {
				t.Errorf("PATCH body = %s, want %s", r.Body, want)
			}
		}
	}
	if want := []string{"POST /Users", "PATCH /Groups/" + groupID(t, srv, "Employees")}; !slices.Equal(writes, want) {
		t.Errorf("writes = %v, want %v", writes, want)
	}
	if got := list(t, in); !slices.Equal(got, []string{"bob@acme.example: Employees"}) {
		t.Errorf("List = %v", got)
	}
}

func groupID(t *testing.T, srv *scimtest.Server, name string) string {
	t.Helper()
	g, ok := srv.Group(name)
	if !ok {
		t.Fatalf("no group %s", name)
	}
	return g.ID
}

func TestGrantAgainstFakeSCIMSettlesACreateRace(t *testing.T) {
	srv := scimtest.New(t, secret)
	srv.AddGroup("Employees")
	// Another writer creates bob between the lookup and the POST.
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost {
			srv.AddUser("bob@acme.example")
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	in, _ := integrationFor(t, srv.URL, secret, WithHTTPClient(client))
	if err := in.Grant(context.Background(), "bob@acme.example", "Employees"); err != nil {
		t.Fatalf("Grant: %v", err)
	}
	if got := srv.Members("Employees"); !slices.Equal(got, []string{"bob@acme.example"}) {
		t.Errorf("Employees = %v, want bob", got)
	}
	if n := len(srv.Users()); n != 1 {
		t.Errorf("the service holds %d users, want 1", n)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestGrantAndRevokeAgainstFakeSCIMAreIdempotent(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*scimtest.Server)
		op    string
		group string
		want  []string // Employees' members after
	}{
		{"grant to a member", func(s *scimtest.Server) { s.AddUser("bob@acme.example"); s.AddMember("Employees", "bob@acme.example") },
			"grant", "Employees", []string{"bob@acme.example"}},
		{"grant to a member in another case", func(s *scimtest.Server) { s.AddUser("Bob@Acme.Example"); s.AddMember("Employees", "Bob@Acme.Example") },
			"grant", "Employees", []string{"Bob@Acme.Example"}},
		{"revoke from a non-member", func(s *scimtest.Server) { s.AddUser("bob@acme.example") },
			"revoke", "Employees", []string{}},
		{"revoke from a missing user", func(*scimtest.Server) {},
			"revoke", "Employees", []string{}},
		{"revoke a missing group", func(s *scimtest.Server) { s.AddUser("bob@acme.example") },
			"revoke", "Auditors", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, in, _ := setup(t)
			srv.AddGroup("Employees")
			tc.setup(srv)
			op := in.Grant
			if tc.op == "revoke" {
				op = in.Revoke
			}
			for i := range 2 {
				if err := op(context.Background(), "bob@acme.example", tc.group); err != nil {
					t.Fatalf("%s %s, time %d: %v", tc.op, tc.group, i+1, err)
				}
			}
			if n := srv.Writes(); n != 0 {
				t.Errorf("%s wrote %d times, want none: %v", tc.op, n, srv.Requests())
			}
			if got := srv.Members("Employees"); !slices.Equal(got, tc.want) {
				t.Errorf("Employees = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGrantAgainstFakeSCIMTwiceWritesOnce(t *testing.T) {
	srv, in, _ := setup(t)
	srv.AddUser("bob@acme.example")
	srv.AddGroup("Managers", "bob@acme.example")
	srv.AddGroup("Employees")
	for i := range 2 {
		if err := in.Grant(context.Background(), "bob@acme.example", "Employees"); err != nil {
			t.Fatalf("Grant %d: %v", i+1, err)
		}
		if n := srv.Writes(); n != 1 {
			t.Fatalf("after Grant %d the service saw %d writes, want 1", i+1, n)
		}
	}
}

func TestGrantAgainstFakeSCIMReactivatesAnInactiveUser(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(*scimtest.Server)
		wantEmp []string
		wantHR  []string
	}{
		{"not in the group", func(*scimtest.Server) {}, []string{"bob@acme.example"}, []string{"olivia@acme.example"}},
		{"left in the group", func(s *scimtest.Server) { s.AddMember("Employees", "bob@acme.example") }, []string{"bob@acme.example"}, []string{"olivia@acme.example"}},
		// List said bob held nothing: HR Admins must not come back with him.
		{"left in another group", func(s *scimtest.Server) { s.AddMember("HR Admins", "bob@acme.example") }, []string{"bob@acme.example"}, []string{"olivia@acme.example"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, in, _ := setup(t)
			srv.AddUser("bob@acme.example")
			srv.AddUser("olivia@acme.example")
			srv.AddGroup("Employees")
			srv.AddGroup("HR Admins", "olivia@acme.example")
			tc.setup(srv)
			srv.SetActive("bob@acme.example", false)
			if got := list(t, in); !slices.Contains(got, "bob@acme.example: ") {
				t.Fatalf("List = %v, want inactive bob holding nothing", got)
			}
			if err := in.Grant(context.Background(), "bob@acme.example", "Employees"); err != nil {
				t.Fatalf("Grant: %v", err)
			}
			if u, _ := srv.User("bob@acme.example"); !u.Active {
				t.Errorf("bob is still inactive")
			}
			if got := srv.Members("Employees"); !slices.Equal(got, tc.wantEmp) {
				t.Errorf("Employees = %v, want %v", got, tc.wantEmp)
			}
			if got := srv.Members("HR Admins"); !slices.Equal(got, tc.wantHR) {
				t.Errorf("HR Admins = %v, want %v", got, tc.wantHR)
			}
			if n := len(srv.Users()); n != 2 {
				t.Errorf("the service holds %d users, want 2 (no new user)", n)
			}
		})
	}
}

func TestGrantAgainstFakeSCIMToAMissingGroup(t *testing.T) {
	tests := []struct {
		name, group, want string
	}{
		{"no such group", "Managers", `create group "Managers" in the SCIM service, or fix the entitlement of the access level`},
		{"another case", "employees", `there is "Employees", but entitlements must match a group's displayName exactly: fix the access level's entitlement`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, in, _ := setup(t)
			srv.AddGroup("Employees")
			err := in.Grant(context.Background(), "bob@acme.example", tc.group)
			if !errors.Is(err, ErrGroupMissing) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Grant error = %v, want ErrGroupMissing saying %q", err, tc.want)
			}
			if n := srv.Writes(); n != 0 {
				t.Errorf("Grant to a missing group wrote %d times (created the user?), want none", n)
			}
		})
	}
}

func TestRevokeAgainstFakeSCIMRemovesOnlyThatMembership(t *testing.T) {
	srv, in, _ := setup(t)
	bob := srv.AddUser("bob@acme.example")
	srv.AddUser("olivia@acme.example")
	srv.AddGroup("Employees", "bob@acme.example", "olivia@acme.example")
	managers := srv.AddGroup("Managers", "bob@acme.example", "olivia@acme.example")
	if err := in.Revoke(context.Background(), "Bob@acme.example", "Managers"); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	want := []string{"bob@acme.example: Employees", "olivia@acme.example: Employees, Managers"}
	if got := list(t, in); !slices.Equal(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
	var writes []string
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			writes = append(writes, r.Method+" "+r.Path+" "+string(r.Body))
		}
	}
	wantWrite := fmt.Sprintf(`PATCH /Groups/%s {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"%s\"]"}]}`, managers, bob)
	if !slices.Equal(writes, []string{wantWrite}) {
		t.Errorf("writes = %q, want %q", writes, wantWrite)
	}
	srv.ResetLog()
	if err := in.Revoke(context.Background(), "bob@acme.example", "Managers"); err != nil {
		t.Fatalf("Revoke again: %v", err)
	}
	if n := srv.Writes(); n != 0 {
		t.Errorf("the second Revoke wrote %d times, want none", n)
	}
	if u, _ := srv.User("bob@acme.example"); !u.Active {
		t.Errorf("Revoke deactivated bob")
	}
}

func TestRevokeAgainstFakeSCIMTakesNoTargetAsDone(t *testing.T) {
	srv, in, _ := setup(t)
	srv.AddUser("bob@acme.example")
	srv.AddGroup("Managers", "bob@acme.example")
	// Someone else removed bob between the lookup and the PATCH.
	srv.FailNext(1, scimtest.Failure{Method: http.MethodPatch, Status: http.StatusBadRequest, SCIMType: "noTarget"})
	if err := in.Revoke(context.Background(), "bob@acme.example", "Managers"); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
}

func TestRetryAgainstFakeSCIM(t *testing.T) {
	tests := []struct {
		name      string
		failures  []scimtest.Failure
		op        string // list or grant
		wantErr   string
		wantWaits []time.Duration
		wantLeft  int // injected failures left unused
	}{
		{name: "429 then success honours Retry-After", op: "list",
			failures:  []scimtest.Failure{{Status: http.StatusTooManyRequests, RetryAfter: "2"}},
			wantWaits: []time.Duration{2 * time.Second}},
		{name: "429 without Retry-After backs off", op: "list",
			failures:  []scimtest.Failure{{Status: http.StatusTooManyRequests}},
			wantWaits: []time.Duration{10 * time.Millisecond}},
		{name: "500 is retried", op: "list",
			failures:  []scimtest.Failure{{Status: http.StatusInternalServerError}},
			wantWaits: []time.Duration{10 * time.Millisecond}},
		{name: "503 twice backs off exponentially", op: "grant",
			failures:  []scimtest.Failure{{Method: http.MethodPatch, Status: http.StatusServiceUnavailable}, {Method: http.MethodPatch, Status: http.StatusServiceUnavailable}},
			wantWaits: []time.Duration{10 * time.Millisecond, 20 * time.Millisecond}},
		{name: "503 with Retry-After", op: "grant",
			failures:  []scimtest.Failure{{Method: http.MethodPatch, Status: http.StatusServiceUnavailable, RetryAfter: "1"}},
			wantWaits: []time.Duration{time.Second}},
		{name: "503 gives up after the attempts", op: "list",
			failures: slices.Repeat([]scimtest.Failure{{Status: http.StatusServiceUnavailable}}, 4),
			wantErr:  "gave up after 3 attempts", wantLeft: 1,
			wantWaits: []time.Duration{10 * time.Millisecond, 20 * time.Millisecond}},
		{name: "Retry-After beyond MaxWait", op: "list",
			failures: []scimtest.Failure{{Status: http.StatusTooManyRequests, RetryAfter: "3600"}},
			wantErr:  "asks to wait 1h0m0s, longer than gatehouse waits"},
		{name: "400 is not retried", op: "grant",
			failures: []scimtest.Failure{{Method: http.MethodPatch, Status: http.StatusBadRequest, SCIMType: "invalidValue", Detail: "members are read-only"}, {Method: http.MethodPatch, Status: http.StatusBadRequest}},
			wantErr:  `add the user to the group: HTTP 400 Bad Request (invalidValue): members are read-only`, wantLeft: 1},
		{name: "409 is not retried", op: "grant",
			failures: []scimtest.Failure{{Method: http.MethodPatch, Status: http.StatusConflict}, {Method: http.MethodPatch, Status: http.StatusConflict}},
			wantErr:  "HTTP 409 Conflict", wantLeft: 1},
		{name: "501 is not retried", op: "list",
			failures: []scimtest.Failure{{Status: http.StatusNotImplemented}, {Status: http.StatusNotImplemented}},
			wantErr:  "supports filters (eq on userName and displayName) and PATCH", wantLeft: 1},
		{name: "404 of the list names the baseURL", op: "list",
			failures: []scimtest.Failure{{Status: http.StatusNotFound}},
			wantErr:  "check scim.baseURL in gatehouse.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, in, w := setup(t)
			srv.AddUser("bob@acme.example")
			srv.AddGroup("Employees")
			for _, f := range tc.failures {
				srv.FailNext(1, f)
			}
			var err error
			if tc.op == "list" {
				_, err = in.List(context.Background(), nil)
			} else {
				err = in.Grant(context.Background(), "bob@acme.example", "Employees")
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("%s: %v", tc.op, err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("%s error = %v, want it to say %q", tc.op, err, tc.wantErr)
			}
			if !slices.Equal(*w, tc.wantWaits) {
				t.Errorf("waits = %v, want %v", *w, tc.wantWaits)
			}
			if n := srv.PendingFailures(); n != tc.wantLeft {
				t.Errorf("%d injected failures left, want %d", n, tc.wantLeft)
			}
		})
	}
}

func TestRetryStopsWithTheContext(t *testing.T) {
	srv := scimtest.New(t, secret)
	srv.FailNext(1, scimtest.Failure{Status: http.StatusTooManyRequests, RetryAfter: "30"})
	in, err := New(model.SCIMIntegration{BaseURL: srv.URL}, NewToken(secret, tokenVar))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err = in.List(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "would outlast the deadline") || time.Since(start) > 500*time.Millisecond {
		t.Fatalf("List = %v after %s, want it to give up at once on a wait past the deadline", err, time.Since(start))
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for h, want := range map[string]time.Duration{
		"":                              0,
		"5":                             5 * time.Second,
		" 7 ":                           7 * time.Second,
		"-3":                            0,
		"soon":                          0,
		"Sun, 01 Mar 2026 12:00:09 GMT": 9 * time.Second,
		"Sun, 01 Mar 2026 11:00:00 GMT": 0,
	} {
		if got := retryAfter(h, now); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", h, got, want)
		}
	}
}

func Test401AgainstFakeSCIMNamesTheTokenVariable(t *testing.T) {
	const wrong = "wrong-token-value-42"
	srv := scimtest.New(t, secret)
	in, w := integrationFor(t, srv.URL, wrong)
	for name, call := range map[string]func() error{
		"list":   func() error { _, err := in.List(context.Background(), nil); return err },
		"grant":  func() error { return in.Grant(context.Background(), "bob@acme.example", "Employees") },
		"revoke": func() error { return in.Revoke(context.Background(), "bob@acme.example", "Employees") },
	} {
		t.Run(name, func(t *testing.T) {
			srv.ResetLog()
			err := call()
			if err == nil || statusOf(err) != http.StatusUnauthorized || !strings.Contains(err.Error(), "check the token in "+tokenVar) {
				t.Fatalf("%s error = %v, want a 401 naming %s", name, err, tokenVar)
			}
			if strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows a token: %v", err)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%s made %d requests, want 1 (a 401 is not retried)", name, n)
			}
		})
	}
	if len(*w) != 0 {
		t.Errorf("waited %v on a 401", *w)
	}
}

func TestS9SCIMTokenNeverInErrors(t *testing.T) {
	echo := "the token you sent, Bearer " + secret + ", is not valid"
	tests := []struct {
		name string
		run  func(t *testing.T) error
	}{
		{"401 echoing the token", func(t *testing.T) error {
			srv, in, _ := setup(t)
			srv.FailNext(1, scimtest.Failure{Status: http.StatusUnauthorized, Detail: echo})
			_, err := in.List(context.Background(), nil)
			return err
		}},
		{"403 echoing the token", func(t *testing.T) error {
			srv, in, _ := setup(t)
			srv.AddGroup("Employees")
			srv.FailNext(1, scimtest.Failure{Status: http.StatusForbidden, SCIMType: secret, Detail: echo})
			return in.Grant(context.Background(), "bob@acme.example", "Employees")
		}},
		{"500s echoing the token until giving up", func(t *testing.T) error {
			srv, in, _ := setup(t)
			srv.FailNext(5, scimtest.Failure{Status: http.StatusInternalServerError, Detail: echo})
			return in.Revoke(context.Background(), "bob@acme.example", "Employees")
		}},
		{"429 too long", func(t *testing.T) error {
			srv, in, _ := setup(t)
			srv.FailNext(1, scimtest.Failure{Status: http.StatusTooManyRequests, RetryAfter: "99999", Detail: echo})
			_, err := in.List(context.Background(), nil)
			return err
		}},
		{"create conflict with no user", func(t *testing.T) error {
			srv, in, _ := setup(t)
			srv.AddGroup("Employees")
			srv.FailNext(1, scimtest.Failure{Method: http.MethodPost, Status: http.StatusConflict, SCIMType: "uniqueness", Detail: echo})
			return in.Grant(context.Background(), "bob@acme.example", "Employees")
		}},
		{"missing group", func(t *testing.T) error {
			_, in, _ := setup(t)
			return in.Grant(context.Background(), "bob@acme.example", "Managers")
		}},
		{"wrong token", func(t *testing.T) error {
			srv := scimtest.New(t, "another-"+secret)
			in, _ := integrationFor(t, srv.URL, secret)
			_, err := in.List(context.Background(), nil)
			return err
		}},
		{"HTML error page echoing the token", func(t *testing.T) error {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadGateway)
				fmt.Fprintf(w, "<html>bad gateway for %s</html>\n", r.Header.Get("Authorization"))
			}))
			t.Cleanup(srv.Close)
			in, _ := integrationFor(t, srv.URL, secret)
			_, err := in.List(context.Background(), nil)
			return err
		}},
		{"not JSON", func(t *testing.T) error {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, r.Header.Get("Authorization"))
			}))
			t.Cleanup(srv.Close)
			in, _ := integrationFor(t, srv.URL, secret)
			_, err := in.List(context.Background(), nil)
			return err
		}},
		{"redirect", func(t *testing.T) error {
			srv := httptest.NewServer(http.RedirectHandler("http://127.0.0.1:1/steal", http.StatusFound))
			t.Cleanup(srv.Close)
			in, _ := integrationFor(t, srv.URL, secret)
			_, err := in.List(context.Background(), nil)
			return err
		}},
		{"service down", func(t *testing.T) error {
			srv, in, _ := setup(t)
			srv.Close()
			_, err := in.List(context.Background(), nil)
			return err
		}},
		{"cancelled", func(t *testing.T) error {
			_, in, _ := setup(t)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return in.Grant(ctx, "bob@acme.example", "Employees")
		}},
		{"bad account", func(t *testing.T) error {
			_, in, _ := setup(t)
			return in.Revoke(context.Background(), "bob\n@acme.example", "Employees")
		}},
		{"New without https", func(t *testing.T) error {
			_, err := New(model.SCIMIntegration{BaseURL: "http://hr.acme.example/scim/v2"}, NewToken(secret, tokenVar))
			return err
		}},
		{"TokenFromEnv with both set", func(t *testing.T) error {
			_, err := TokenFromEnv("P", func(k string) string { return secret }, nil)
			return err
		}},
		{"TokenFromEnv with a newline", func(t *testing.T) error {
			_, err := TokenFromEnv("P", func(k string) string {
				if k == "P_TOKEN" {
					return secret + "\nX"
				}
				return ""
			}, nil)
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run(t)
			if err == nil {
				t.Fatal("no error")
			}
			for _, out := range []string{err.Error(), fmt.Sprintf("%v %+v %#v %s %q", err, err, err, err, err)} {
				if strings.Contains(out, secret) {
					t.Fatalf("the error shows the token: %s", out)
				}
			}
		})
	}
	tok := NewToken(secret, tokenVar)
	if out := fmt.Sprintf("%v %+v %#v %s %q %x %d", tok, tok, tok, tok, tok, tok, tok); strings.Contains(out, secret) || strings.Contains(out, fmt.Sprintf("%x", secret)) {
		t.Errorf("the token prints: %s", out)
	}
	in, _ := integrationFor(t, "https://hr.acme.example/scim/v2", secret)
	if out := fmt.Sprintf("%v %+v %#v", in, *in, in); strings.Contains(out, secret) {
		t.Errorf("the integration prints the token: %s", out)
	}
}

func TestResponsesAreCapped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"totalResults":1,"Resources":[{"id":"`))
		w.Write([]byte(strings.Repeat("x", MaxResponseBytes)))
		w.Write([]byte(`"}]}`))
	}))
	t.Cleanup(srv.Close)
	in, w := integrationFor(t, srv.URL, secret)
	_, err := in.List(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "larger than 10 MiB") || len(*w) != 0 {
		t.Fatalf("List error = %v after waits %v, want the answer refused as too large at once", err, *w)
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	var leaked bool
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Get("Authorization") != ""
	}))
	t.Cleanup(target.Close)
	srv := httptest.NewServer(http.RedirectHandler(target.URL+"/scim/v2/Users", http.StatusTemporaryRedirect))
	t.Cleanup(srv.Close)
	in, w := integrationFor(t, srv.URL, secret)
	_, err := in.List(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "follows no redirects") || leaked || len(*w) != 0 {
		t.Fatalf("List = %v (token sent to the redirect's target: %v, waits %v), want the redirect refused at once", err, leaked, *w)
	}
}

func TestFilterEq(t *testing.T) {
	for _, c := range []struct{ value, want string }{
		{"bob@acme.example", `userName eq "bob@acme.example"`},
		{`o"brien@acme.example`, `userName eq "o\"brien@acme.example"`},
		{`back\slash@acme.example`, `userName eq "back\\slash@acme.example"`},
		{`"\"`, `userName eq "\"\\\""`},
		{"tab\there", `userName eq "tab\u0009here"`},
		{"zoë@acme.example", `userName eq "zoë@acme.example"`},
	} {
		got := filterEq("userName", c.value)
		if got != c.want {
			t.Errorf("filterEq(%q) = %s, want %s", c.value, got, c.want)
		}
		var back string
		if err := json.Unmarshal([]byte(strings.TrimPrefix(got, "userName eq ")), &back); err != nil || back != c.value {
			t.Errorf("filterEq(%q)'s value reads back as %q, %v", c.value, back, err)
		}
	}
}

func TestGrantAgainstFakeSCIMEscapesTheFilter(t *testing.T) {
	const odd = `o"brien\x@acme.example`
	srv, in, _ := setup(t)
	srv.AddGroup(`Managers "EU"`)
	for i := range 2 {
		if err := in.Grant(context.Background(), odd, `Managers "EU"`); err != nil {
			t.Fatalf("Grant %d: %v", i+1, err)
		}
	}
	if n := len(srv.Users()); n != 1 {
		t.Errorf("the service holds %d users, want 1: the second Grant must find the first's user", n)
	}
	if got := srv.Members(`Managers "EU"`); !slices.Equal(got, []string{odd}) {
		t.Errorf("members = %v, want %s", got, odd)
	}
	for _, r := range srv.Requests() {
		if f := r.Query.Get("filter"); f != "" && !strings.HasPrefix(f, `userName eq "o\"brien\\x@`) && !strings.HasPrefix(f, `displayName eq "Managers \"EU\""`) {
			t.Errorf("filter %s is not escaped", f)
		}
	}
	if err := in.Revoke(context.Background(), odd, `Managers "EU"`); err != nil {
		t.Fatal(err)
	}
	if got := srv.Members(`Managers "EU"`); len(got) != 0 {
		t.Errorf("members after Revoke = %v", got)
	}
}

func TestQueryUsesPercentTwenty(t *testing.T) {
	var raw string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw = r.URL.RawQuery
		fmt.Fprint(w, `{"totalResults":0}`)
	}))
	t.Cleanup(srv.Close)
	in, _ := integrationFor(t, srv.URL, secret)
	if err := in.Revoke(context.Background(), "bob@acme.example", "Employees"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, "+") || !strings.Contains(raw, "userName%20eq%20%22bob%40acme.example%22") {
		t.Errorf("query = %s, want spaces as %%20", raw)
	}
}

func TestNewChecksTheBaseURL(t *testing.T) {
	tests := []struct {
		name, url, wantBase, wantErr string
	}{
		{name: "https", url: "https://hr.acme.example/scim/v2", wantBase: "https://hr.acme.example/scim/v2"},
		{name: "trailing slash", url: "https://hr.acme.example/scim/v2/", wantBase: "https://hr.acme.example/scim/v2"},
		{name: "http to localhost", url: "http://localhost:8080/scim", wantBase: "http://localhost:8080/scim"},
		{name: "http to 127.0.0.1", url: "http://127.0.0.1:9/scim/v2", wantBase: "http://127.0.0.1:9/scim/v2"},
		{name: "http to ::1", url: "http://[::1]:9/scim/v2", wantBase: "http://[::1]:9/scim/v2"},
		{name: "http elsewhere", url: "http://hr.acme.example/scim/v2", wantErr: "is not https: gatehouse sends its token only over TLS"},
		{name: "http to a localhost lookalike", url: "http://localhost.evil.example/scim", wantErr: "is not https"},
		{name: "other scheme", url: "ftp://hr.acme.example/scim", wantErr: "is not https"},
		{name: "no scheme", url: "hr.acme.example/scim/v2", wantErr: "names no host"},
		{name: "empty", url: "", wantErr: "no baseURL; set scim.baseURL"},
		{name: "credentials", url: "https://admin:hunter2@hr.acme.example/scim/v2", wantErr: "carries credentials"},
		{name: "query", url: "https://hr.acme.example/scim/v2?tenant=1", wantErr: "has a query or fragment"},
		{name: "not a URL", url: "https://hr.acme.example:port/scim", wantErr: "is not a URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := New(model.SCIMIntegration{BaseURL: tc.url}, NewToken(secret, tokenVar))
			if tc.wantErr == "" {
				if err != nil || in.base != tc.wantBase {
					t.Fatalf("New(%s) = %v; want base %s", tc.url, err, tc.wantBase)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("New(%s) error = %v, want it to say %q", tc.url, err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows the URL's password: %v", err)
			}
		})
	}
	if _, err := New(model.SCIMIntegration{BaseURL: "https://hr.acme.example/scim/v2"}, Token{}); !errors.Is(err, reconcile.ErrNotConfigured) {
		t.Errorf("New without a token = %v, want ErrNotConfigured", err)
	}
}

func TestNotSetUpIsNotConfigured(t *testing.T) {
	var in Integration
	_, err := in.List(context.Background(), nil)
	if !errors.Is(err, reconcile.ErrNotConfigured) {
		t.Errorf("List of a zero Integration = %v, want ErrNotConfigured", err)
	}
	if err := in.Grant(context.Background(), "bob@acme.example", "Employees"); !errors.Is(err, reconcile.ErrNotConfigured) {
		t.Errorf("Grant of a zero Integration = %v, want ErrNotConfigured", err)
	}
}

func TestAccountFor(t *testing.T) {
	var in Integration
	for _, c := range []struct {
		email, file, want, wantErr string
	}{
		{email: "bob@acme.example", want: "bob@acme.example"},
		{email: "Bob.Smith@ACME.example", want: "bob.smith@acme.example"},
		{email: "  bob@acme.example ", want: "bob@acme.example"},
		{email: `o"brien@acme.example`, want: `o"brien@acme.example`},
		{email: "", file: "people/bob.yaml", wantErr: "scim: bob has no email: add `email: ...` to people/bob.yaml"},
		{email: "", wantErr: "add `email: ...` to their person document"},
		{email: "bob", file: "people/bob.yaml", wantErr: `scim: bob's email "bob" is not an address: fix ` + "`email:`" + ` in people/bob.yaml`},
		{email: "@acme.example", wantErr: "is not an address"},
		{email: "bob@", wantErr: "is not an address"},
		{email: "bob smith@acme.example", wantErr: "is not an address"},
	} {
		t.Run(c.email, func(t *testing.T) {
			p := &model.Person{Name: "bob", Email: c.email}
			p.File = c.file
			got, err := in.AccountFor(p)
			if c.wantErr == "" {
				if err != nil || got != c.want {
					t.Fatalf("AccountFor(%q) = %q, %v; want %q", c.email, got, err, c.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("AccountFor(%q) = %q, %v; want an error saying %q", c.email, got, err, c.wantErr)
			}
		})
	}
}

func TestCapabilities(t *testing.T) {
	var in Integration
	if got := in.Capabilities(); got != (reconcile.Capabilities{List: true, Grant: true, Revoke: true}) {
		t.Errorf("Capabilities = %+v, want list, grant and revoke", got)
	}
}
