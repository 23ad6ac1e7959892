package request_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/request"
)

// now is the time every test asks at.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const acmeDir = "../../examples/acme"

func acme(t *testing.T) *model.Org {
	t.Helper()
	org, findings, err := load.Open(context.Background(), acmeDir, "")
	if err != nil {
		t.Fatal(err)
	}
	if findings.Errors() > 0 {
		t.Fatalf("examples/acme has errors: %v", findings)
	}
	return org
}

func TestPrepareRefuses(t *testing.T) {
	org := acme(t)
	tests := []struct {
		name  string
		in    request.Input
		field string
		rule  string
		want  string // in the message
	}{
		{name: "unknown system", in: request.Input{System: "githb", Level: "member", Person: "alice"},
			field: "system", rule: "unknown-system", want: `did you mean "github"? Systems you can request: 1password,`},
		{name: "unknown system far from any", in: request.Input{System: "mainframe", Person: "alice"},
			field: "system", rule: "unknown-system", want: "; systems you can request: 1password, aws-console, github"},
		{name: "not requestable", in: request.Input{System: "hr-portal", Person: "alice"},
			field: "system", rule: "not-requestable", want: "hr-portal is not requestable"},
		{name: "unknown level", in: request.Input{System: "github", Level: "superuser", Person: "alice"},
			field: "level", rule: "unknown-level", want: "levels: member, maintainer, owner, contractor"},
		{name: "missing level", in: request.Input{System: "github", Person: "alice"},
			field: "level", rule: "missing-level", want: "set level to one of: member"},
		{name: "missing justification", in: request.Input{System: "prod-db", Level: "read", Person: "alice"},
			field: "justification", rule: "missing-justification", want: "prod-db requires a justification"},
		{name: "blank justification", in: request.Input{System: "prod-db", Level: "read", Person: "alice", Justification: "  \n"},
			field: "justification", rule: "missing-justification"},
		{name: "freeform permissions not allowed", in: request.Input{System: "github", Level: "member", Person: "alice", Permissions: "repo api"},
			field: "permissions", rule: "freeform-not-allowed", want: "github does not take freeform permissions"},
		{name: "expiry required", in: request.Input{System: "prod-db", Level: "admin", Person: "alice", Justification: "incident"},
			field: "expires", rule: "missing-expiry", want: "lasts at most 30d"},
		{name: "expiry too long", in: request.Input{System: "prod-db", Level: "admin", Person: "alice", Justification: "incident", Expires: "31d"},
			field: "expires", rule: "expires-too-long", want: "set expires no later than 2026-03-31T12:00:00Z"},
		{name: "expiry past", in: request.Input{System: "github", Level: "member", Person: "alice", Expires: "2026-01-01"},
			field: "expires", rule: "expired-request"},
		{name: "expiry unreadable", in: request.Input{System: "github", Level: "member", Person: "alice", Expires: "next friday"},
			field: "expires", rule: "invalid-expires", want: "write a date (2026-06-30)"},
		{name: "unknown person", in: request.Input{System: "github", Level: "member", Person: "alcie"},
			field: "person", rule: "unknown-person", want: `did you mean "alice"?`},
		{name: "offboarded person", in: request.Input{System: "github", Level: "member", Person: "wes"},
			field: "person", rule: "offboarded-requester"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Now = now
			f, err := request.Prepare(org, tc.in)
			var refused *request.RefusedError
			if !errors.As(err, &refused) {
				t.Fatalf("Prepare = %+v, %v; want a *RefusedError", f, err)
			}
			if f.Path != "" || f.Data != nil {
				t.Errorf("a refused request came with a file: %+v", f)
			}
			found := false
			for _, p := range refused.Problems {
				if p.Field == tc.field && p.Rule == tc.rule && strings.Contains(p.Message, tc.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("problems %+v lack field %s, rule %s, message with %q", refused.Problems, tc.field, tc.rule, tc.want)
			}
			if !strings.Contains(err.Error(), "nothing written") {
				t.Errorf("error %q does not say that nothing was written", err)
			}
		})
	}
}

func TestPrepareWrites(t *testing.T) {
	org := acme(t)
	tests := []struct {
		name string
		in   request.Input
		path string
		data string
	}{
		{
			name: "name taken by an existing request",
			in:   request.Input{System: "github", Level: "member", Person: "alice"},
			path: "access/github/alice-member-2.yaml",
			data: request.DefaultModeline + "\nkind: AccessRequest\nperson: alice\nsystem: github\nlevel: member\n",
		},
		{
			name: "name taken by a request and by another file",
			in: request.Input{System: "github", Level: "member", Person: "alice", Modeline: "# yaml-language-server: $schema=../../schemas/accessrequest.schema.json",
				Taken: func(p string) bool { return p == "access/github/alice-member-2.yaml" }},
			path: "access/github/alice-member-3.yaml",
			data: "# yaml-language-server: $schema=../../schemas/accessrequest.schema.json\nkind: AccessRequest\nperson: alice\nsystem: github\nlevel: member\n",
		},
		{
			name: "every field, a duration, text that needs quoting",
			in: request.Input{System: "prod-db", Level: "admin", Person: "yuki", Justification: "Incident INC-42: fix the invoices table\nthen hand back",
				Expires: "30d"},
			path: "access/prod-db/yuki-admin.yaml",
			data: request.DefaultModeline + "\nkind: AccessRequest\nperson: yuki\nsystem: prod-db\nlevel: admin\njustification: |-\n  Incident INC-42: fix the invoices table\n  then hand back\nexpires: \"2026-03-31T12:00:00Z\"\n",
		},
		{
			name: "freeform permissions where allowed, a date",
			in: request.Input{System: "1password", Level: "member", Person: "bob", Justification: "on-call", Permissions: "Vaults: Platform (read)",
				Expires: "2026-06-30"},
			path: "access/1password/bob-member.yaml",
			data: request.DefaultModeline + "\nkind: AccessRequest\nperson: bob\nsystem: 1password\nlevel: member\njustification: on-call\npermissions: 'Vaults: Platform (read)'\nexpires: \"2026-06-30T23:59:59Z\"\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Now = now
			f, err := request.Prepare(org, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if f.Path != tc.path {
				t.Errorf("path = %s, want %s", f.Path, tc.path)
			}
			if string(f.Data) != tc.data {
				t.Errorf("data:\n%s\nwant:\n%s", f.Data, tc.data)
			}
			// The file loads back as the request that was checked, and
			// validates clean in the organisation.
			dir := t.TempDir()
			gitrepotest.WriteDir(t, dir, gitrepotest.Files{f.Path: {Data: f.Data}})
			org2, findings, err := load.Open(context.Background(), dir, "")
			if err != nil || len(findings) > 0 || len(org2.Requests) != 1 {
				t.Fatalf("load the written file: %v %v %v", org2, findings, err)
			}
			got := org2.Requests[0]
			if got.Person != f.Request.Person || got.System != f.Request.System || got.Level != f.Request.Level ||
				got.Justification != f.Request.Justification || got.Permissions != f.Request.Permissions ||
				(got.Expires == nil) != (f.Request.Expires == nil) || (got.Expires != nil && !got.Expires.Equal(*f.Request.Expires)) {
				t.Errorf("loaded %+v, prepared %+v", got, f.Request)
			}
		})
	}
}

func TestPrepareSystemWithoutLevels(t *testing.T) {
	org := model.NewOrg()
	org.Add(&model.Person{Kind: model.KindPerson, Name: "dana"})
	org.Add(&model.System{Kind: model.KindSystem, Name: "badge"})
	f, err := request.Prepare(org, request.Input{System: "badge", Person: "dana", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != "access/badge/dana.yaml" || request.Title(f.Request) != "Access request: dana → badge" {
		t.Errorf("path %s, title %q", f.Path, request.Title(f.Request))
	}
	_, err = request.Prepare(org, request.Input{System: "badge", Level: "admin", Person: "dana", Now: now})
	var refused *request.RefusedError
	if !errors.As(err, &refused) || refused.Problems[0].Rule != "unexpected-level" {
		t.Errorf("a level on a system without levels: %v", err)
	}
}

func TestParseExpires(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"90d", "2026-05-30T12:00:00Z"},
		{"2w", "2026-03-15T12:00:00Z"},
		{"12h", "2026-03-02T00:00:00Z"},
		{"2026-06-30", "2026-06-30T23:59:59Z"},
		{"2026-06-30T18:00:00+02:00", "2026-06-30T16:00:00Z"},
		{" 7d ", "2026-03-08T12:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := request.ParseExpires(tc.in, now.Add(300*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format(time.RFC3339Nano); s != tc.want {
				t.Errorf("ParseExpires(%q) = %s, want %s", tc.in, s, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "soon", "30 days", "2026-13-01", "-3d"} {
		if _, err := request.ParseExpires(bad, now); err == nil {
			t.Errorf("ParseExpires(%q) succeeded", bad)
		}
	}
}

func TestTitleAndBody(t *testing.T) {
	org := acme(t)
	f, err := request.Prepare(org, request.Input{System: "prod-db", Level: "read", Person: "yuki", Justification: "Investigate the slow invoice export (SUP-1182)", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got := request.Title(f.Request); got != "Access request: yuki → prod-db (read)" {
		t.Errorf("title %q", got)
	}
	body := request.Body(org, f, "marcus")
	for _, want := range []string{
		"**yuki** requests access to **prod-db** at level **read**.",
		"> read: Read-only queries",
		"Requested by **marcus** on behalf of yuki.",
		"- **Justification:** Investigate the slow invoice export (SUP-1182)",
		"- **Expires:** never",
		"- **File:** `access/prod-db/yuki-read.yaml`",
		"- **Approvers:** omar, marcus, priya",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if own := request.Body(org, f, "yuki"); strings.Contains(own, "on behalf") {
		t.Errorf("a request for oneself says on behalf:\n%s", own)
	}
}
