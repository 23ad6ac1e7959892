package githubtest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"
)

func TestFakeGitHubPaginatesWithLinkHeaders(t *testing.T) {
	s := NewServer(t)
	for i := range 7 {
		s.AddMember("acme", fmt.Sprintf("user%d", i), RoleMember)
	}
	c := newClient(t, s)
	tests := []struct {
		name                         string
		page                         int
		wantLogins                   []string
		wantNext, wantPrev, wantLast int
	}{
		{"first", 1, []string{"user0", "user1", "user2"}, 2, 0, 3},
		{"middle", 2, []string{"user3", "user4", "user5"}, 3, 1, 3},
		{"last", 3, []string{"user6"}, 0, 2, 0},
		{"past the end", 4, nil, 0, 3, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			users, r, err := c.Organizations.ListMembers(context.Background(), "acme", &github.ListMembersOptions{ListOptions: github.ListOptions{PerPage: 3, Page: tc.page}})
			if err != nil {
				t.Fatal(err)
			}
			var logins []string
			for _, u := range users {
				logins = append(logins, u.GetLogin())
			}
			if fmt.Sprint(logins) != fmt.Sprint(tc.wantLogins) {
				t.Errorf("logins %v, want %v", logins, tc.wantLogins)
			}
			if r.NextPage != tc.wantNext || r.PrevPage != tc.wantPrev || r.LastPage != tc.wantLast {
				t.Errorf("next/prev/last %d/%d/%d, want %d/%d/%d (Link: %s)", r.NextPage, r.PrevPage, r.LastPage, tc.wantNext, tc.wantPrev, tc.wantLast, r.Header.Get("Link"))
			}
		})
	}
}

func TestFakeGitHubCountsRateLimit(t *testing.T) {
	s := NewServer(t)
	s.AddOrg("acme")
	c := newClient(t, s)
	for i := 1; i <= 3; i++ {
		_, r, err := c.Organizations.ListMembers(context.Background(), "acme", nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Rate.Limit != DefaultRateLimit || r.Rate.Remaining != DefaultRateLimit-i || r.Header.Get("X-RateLimit-Used") != strconv.Itoa(i) {
			t.Errorf("call %d: rate %+v, used %s", i, r.Rate, r.Header.Get("X-RateLimit-Used"))
		}
	}
}

func TestFakeGitHubRefusesUntilTheRateLimitResets(t *testing.T) {
	tests := []struct {
		name       string
		limit      func(s *Server)
		wantStatus int
		header     string
	}{
		{"primary 403", func(s *Server) { s.ExhaustRateLimit(300*time.Millisecond, http.StatusForbidden) }, 403, "X-RateLimit-Reset"},
		{"primary 429", func(s *Server) { s.ExhaustRateLimit(300*time.Millisecond, http.StatusTooManyRequests) }, 429, "X-RateLimit-Reset"},
		{"secondary", func(s *Server) { s.SecondaryRateLimit(300 * time.Millisecond) }, 403, "Retry-After"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(t)
			s.AddOrg("acme")
			tc.limit(s)
			resp := rawGet(t, s.URL+"orgs/acme/members")
			if resp.StatusCode != tc.wantStatus || resp.Header.Get(tc.header) == "" {
				t.Fatalf("status %d, %s %q; want %d with the header", resp.StatusCode, tc.header, resp.Header.Get(tc.header), tc.wantStatus)
			}
			var until time.Time
			if v := resp.Header.Get("Retry-After"); v != "" {
				n, _ := strconv.Atoi(v)
				until = time.Now().Add(time.Duration(n) * time.Second)
			} else {
				n, _ := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
				until = time.Unix(n, 0)
				if resp.Header.Get("X-RateLimit-Remaining") != "0" {
					t.Errorf("X-RateLimit-Remaining %q, want 0", resp.Header.Get("X-RateLimit-Remaining"))
				}
			}
			time.Sleep(time.Until(until))
			if resp := rawGet(t, s.URL+"orgs/acme/members"); resp.StatusCode != http.StatusOK {
				t.Errorf("after the reset: status %d, want 200", resp.StatusCode)
			}
		})
	}
}

func TestFakeGitHubFailsTheNextRequests(t *testing.T) {
	s := NewServer(t)
	s.AddOrg("acme")
	s.FailNext(2, http.StatusBadGateway)
	var got []int
	for range 3 {
		got = append(got, rawGet(t, s.URL+"orgs/acme/members").StatusCode)
	}
	if fmt.Sprint(got) != "[502 502 200]" {
		t.Errorf("statuses %v, want [502 502 200]", got)
	}
	if n := s.Calls("GET /orgs/{org}/members"); n != 3 {
		t.Errorf("Calls counted %d requests, want 3", n)
	}
}

// recordingTB records the errors FailOnWrite reports instead of failing.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestFakeGitHubFailOnWriteCatchesWrites(t *testing.T) {
	s := NewServer(t)
	s.AddMember("acme", "alice", RoleMember)
	rec := &recordingTB{TB: t}
	s.FailOnWrite(rec)
	c := newClient(t, s)
	if _, _, err := c.Organizations.ListMembers(context.Background(), "acme", nil); err != nil {
		t.Fatalf("a read in a dry run: %v", err)
	}
	if len(rec.errors) != 0 {
		t.Fatalf("a read was reported as a write: %v", rec.errors)
	}
	if _, err := c.Organizations.RemoveOrgMembership(context.Background(), "alice", "acme"); err == nil {
		t.Error("a write in a dry run succeeded")
	}
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "DELETE /orgs/acme/memberships/alice") {
		t.Errorf("reported %v, want the DELETE", rec.errors)
	}
	if role, _ := s.OrgRole("acme", "alice"); role != RoleMember {
		t.Errorf("alice's role is %q after a refused write", role)
	}
	if w := s.Writes(); len(w) != 1 {
		t.Errorf("Writes() = %v, want the one DELETE", w)
	}
}

func TestFakeGitHubInvitationsWaitForAcceptance(t *testing.T) {
	s := NewServer(t)
	s.AddMember("acme", "olivia", RoleAdmin)
	s.AddTeam("acme", "platform")
	s.AddRepo("acme", "api")
	s.AddUser("bob")
	c := newClient(t, s)
	ctx := context.Background()
	if _, _, err := c.Teams.AddTeamMembershipBySlug(ctx, "acme", "platform", "bob", nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Repositories.AddCollaborator(ctx, "acme", "api", "bob", &github.RepositoryAddCollaboratorOptions{Permission: "triage"}); err != nil {
		t.Fatal(err)
	}
	if role, state := s.OrgRole("acme", "bob"); role != RoleMember || state != StatePending {
		t.Errorf("before accepting: org %s/%s, want member/pending", role, state)
	}
	if perm, inv := s.Collaborator("acme", "api", "bob"); perm != "" || inv != "triage" {
		t.Errorf("before accepting: repo %q invited %q, want an invitation to triage", perm, inv)
	}
	s.AcceptInvitations("bob")
	_, tstate := s.TeamRole("acme", "platform", "bob")
	_, ostate := s.OrgRole("acme", "bob")
	perm, _ := s.Collaborator("acme", "api", "bob")
	if tstate != StateActive || ostate != StateActive || perm != "triage" {
		t.Errorf("after accepting: team %s, org %s, repo %q", tstate, ostate, perm)
	}
}

func rawGet(t *testing.T, url string) *http.Response {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}
