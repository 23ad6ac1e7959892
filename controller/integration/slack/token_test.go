package slack

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/integration/slack/slacktest"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

func TestEnvPrefix(t *testing.T) {
	for name, want := range map[string]string{
		"slack":      "GATEHOUSE_SLACK_SLACK",
		"acme-slack": "GATEHOUSE_SLACK_ACME_SLACK",
		"eu.west_2":  "GATEHOUSE_SLACK_EU_WEST_2",
	} {
		if got := EnvPrefix(name); got != want {
			t.Errorf("EnvPrefix(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestTokenFromEnv(t *testing.T) {
	const p = "GATEHOUSE_SLACK_ACME"
	files := map[string]string{
		"/run/secrets/token": token + "\n",
		"/run/secrets/crlf":  token + "\r\n",
		"/run/secrets/empty": "\n",
	}
	readFile := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	for _, c := range []struct {
		name     string
		env      map[string]string
		wantFrom string
		wantErr  string
		is       error
	}{
		{name: "token", env: map[string]string{p + "_TOKEN": token}, wantFrom: p + "_TOKEN"},
		{name: "token file", env: map[string]string{p + "_TOKEN_FILE": "/run/secrets/token"}, wantFrom: p + "_TOKEN_FILE"},
		{name: "token file with CRLF", env: map[string]string{p + "_TOKEN_FILE": "/run/secrets/crlf"}, wantFrom: p + "_TOKEN_FILE"},
		{name: "nothing set", env: map[string]string{},
			wantErr: "set GATEHOUSE_SLACK_ACME_TOKEN (or GATEHOUSE_SLACK_ACME_TOKEN_FILE, a file holding the token)", is: reconcile.ErrNotConfigured},
		{name: "both", env: map[string]string{p + "_TOKEN": token, p + "_TOKEN_FILE": "/run/secrets/token"}, wantErr: "keep one of them"},
		{name: "missing file", env: map[string]string{p + "_TOKEN_FILE": "/run/secrets/gone"},
			wantErr: "read the token file /run/secrets/gone named by GATEHOUSE_SLACK_ACME_TOKEN_FILE", is: fs.ErrNotExist},
		{name: "empty file", env: map[string]string{p + "_TOKEN_FILE": "/run/secrets/empty"}, wantErr: "is empty"},
		{name: "space inside", env: map[string]string{p + "_TOKEN": token + " x"}, wantErr: "contains spaces or control characters"},
		{name: "newline inside", env: map[string]string{p + "_TOKEN": token + "\nx"}, wantErr: "contains spaces or control characters"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := TokenFromEnv(p, func(k string) string { return c.env[k] }, readFile)
			if c.wantErr == "" {
				if err != nil || got.value != token || got.from != c.wantFrom {
					t.Fatalf("TokenFromEnv = %v, %v; want the token from %s", got, err, c.wantFrom)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("TokenFromEnv error = %v, want it to say %q", err, c.wantErr)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("the error shows the token: %v", err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("TokenFromEnv error = %v, want it to wrap %v", err, c.is)
			}
		})
	}
}

// TestS9SlackTokenNeverInErrorsAgainstFakeSlack forces every error path
// it can, against the fake Slack and without it, and checks that neither
// the errors nor a printed Token show the token.
func TestS9SlackTokenNeverInErrorsAgainstFakeSlack(t *testing.T) {
	tok := NewToken(token, tokenVar)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		out := fmt.Sprintf(verb, tok)
		if strings.Contains(out, token) || strings.Contains(out, fmt.Sprintf("%x", token)) || !strings.Contains(out, tokenVar) {
			t.Errorf("Sprintf(%s, token) = %q, want where it came from without the value", verb, out)
		}
	}
	if out := fmt.Sprintf("%v", struct{ T Token }{tok}); strings.Contains(out, token) {
		t.Errorf("a struct holding the token prints it: %s", out)
	}

	var errs []error
	collect := func(it *Integration) {
		t.Helper()
		ctx := context.Background()
		_, err := it.List(ctx, []string{Member})
		errs = append(errs, err)
		for _, g := range [][2]string{{bob, Admin}, {dave, Member}, {bob, UserGroup(absent)}, {bob, Owner}, {nobody, UserGroup(oncall)}, {bob, "bogus"}, {token, Member}} {
			errs = append(errs, it.Grant(ctx, g[0], g[1]))
		}
		for _, r := range [][2]string{{selfID, Member}, {paula, Admin}, {carol, Owner}, {carol, UserGroup(solo)}, {bob, Member}, {token, Admin}} {
			errs = append(errs, it.Revoke(ctx, r[0], r[1]))
		}
	}
	newIt := func(srv *slacktest.Server, workspace string) *Integration {
		it, err := New(model.SlackIntegration{Workspace: workspace}, tok, WithAPIURL(srv.URL), WithRetry(fastRetry))
		if err != nil {
			t.Fatal(err)
		}
		return it
	}

	// The fake accepts another token: invalid_auth everywhere.
	wrong := slacktest.New(t, "xoxp-not-this-one")
	collect(newIt(wrong, "acme"))

	// The right token, a working workspace: the refusals.
	srv, _ := setup(t, "acme")
	collect(newIt(srv, "acme"))
	// The wrong workspace.
	collect(newIt(srv, "globex"))
	// Scopes missing, the admin API refused.
	srv.RemoveScope("usergroups:read")
	srv.SetOrgToken(false)
	collect(newIt(srv, "acme"))
	srv.SetOrgToken(true)
	// Slack (or a proxy) echoing the token in its error code.
	srv.FailMethod("users.info", token)
	srv.FailMethod("users.list", token)
	collect(newIt(srv, "acme"))
	srv.FailMethod("auth.test", token)
	collect(newIt(srv, "acme"))
	srv.FailMethod("auth.test", "")
	// Server errors and rate limits past the retries.
	srv.FailNext(1000, http.StatusServiceUnavailable)
	collect(newIt(srv, "acme"))
	srv2, _ := setup(t, "acme")
	srv2.RateLimitNext(1000, 0)
	collect(newIt(srv2, "acme"))
	// Slack unreachable.
	srv.Close()
	collect(newIt(srv, "acme"))

	// Configuration.
	_, err := New(model.SlackIntegration{Workspace: "acme"}, tok, WithAPIURL("https://x:"+token+"@ slack.example/"))
	errs = append(errs, err)
	_, err = TokenFromEnv("P", func(k string) string { return map[string]string{"P_TOKEN": token, "P_TOKEN_FILE": "/t"}[k] }, nil)
	errs = append(errs, err)
	_, err = TokenFromEnv("P", func(k string) string { return map[string]string{"P_TOKEN": token + "\n"}[k] }, nil)
	errs = append(errs, err)

	for i, err := range errs {
		if err == nil {
			continue
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			if out := fmt.Sprintf(verb, err); strings.Contains(out, token) {
				t.Errorf("error %d printed with %s shows the token: %s", i, verb, out)
			}
		}
	}
	var n, scrubbed int
	for _, err := range errs {
		if err != nil {
			n++
			if strings.Contains(err.Error(), redacted) {
				scrubbed++
			}
		}
	}
	if scrubbed == 0 {
		t.Error("no error went through the redaction of an echoed token")
	}
	if n < 60 {
		t.Errorf("only %d of %d paths failed: the test proves less than it should", n, len(errs))
	}
	for _, s := range []*slacktest.Server{wrong, srv, srv2} {
		for _, r := range s.Requests() {
			if strings.Contains(r.Form.Encode(), token) {
				t.Errorf("%s sent the token in its parameters: %v", r.Method, r.Form)
			}
		}
	}
}

func TestRedactedErrorKeepsItsMeaning(t *testing.T) {
	it := &Integration{settings: model.SlackIntegration{Workspace: "acme"}, token: NewToken(token, tokenVar)}
	err := it.wrap("revoke", Admin, bob, fmt.Errorf("proxy said %s: %w", token, reconcile.ErrProtected))
	if strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "proxy said (redacted)") {
		t.Errorf("wrap = %v, want the token redacted", err)
	}
	if !errors.Is(err, reconcile.ErrProtected) {
		t.Errorf("the redacted error no longer matches reconcile.ErrProtected: %v", err)
	}
	if errors.Unwrap(err) != nil {
		t.Error("the redacted error unwraps to the original, which shows the token")
	}
}
