package scim

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

func TestEnvPrefix(t *testing.T) {
	for name, want := range map[string]string{
		"hr-portal":  "GATEHOUSE_SCIM_HR_PORTAL",
		"okta":       "GATEHOUSE_SCIM_OKTA",
		"eu.west_2":  "GATEHOUSE_SCIM_EU_WEST_2",
		"Okta SCIM!": "GATEHOUSE_SCIM_OKTA_SCIM_",
	} {
		if got := EnvPrefix(name); got != want {
			t.Errorf("EnvPrefix(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestTokenFromEnv(t *testing.T) {
	const (
		p      = "GATEHOUSE_SCIM_HR_PORTAL"
		secret = "hunter2-scim-secret"
	)
	files := map[string]string{
		"/run/secrets/scim":  secret + "\n",
		"/run/secrets/crlf":  secret + "\r\n",
		"/run/secrets/empty": "\n",
		"/run/secrets/space": "hunter2 scim\n",
	}
	readFile := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	for _, c := range []struct {
		name       string
		env        map[string]string
		wantSource string
		wantErr    string
		is         error
	}{
		{name: "token", env: map[string]string{p + "_TOKEN": secret}, wantSource: p + "_TOKEN"},
		{name: "token file", env: map[string]string{p + "_TOKEN_FILE": "/run/secrets/scim"}, wantSource: p + "_TOKEN_FILE"},
		{name: "token file with CRLF", env: map[string]string{p + "_TOKEN_FILE": "/run/secrets/crlf"}, wantSource: p + "_TOKEN_FILE"},
		{name: "nothing set", env: map[string]string{},
			wantErr: "set GATEHOUSE_SCIM_HR_PORTAL_TOKEN (or GATEHOUSE_SCIM_HR_PORTAL_TOKEN_FILE", is: reconcile.ErrNotConfigured},
		{name: "both set", env: map[string]string{p + "_TOKEN": secret, p + "_TOKEN_FILE": "/run/secrets/scim"},
			wantErr: "keep one of them"},
		{name: "missing file", env: map[string]string{p + "_TOKEN_FILE": "/run/secrets/gone"},
			wantErr: "read the token file /run/secrets/gone named by GATEHOUSE_SCIM_HR_PORTAL_TOKEN_FILE", is: fs.ErrNotExist},
		{name: "empty file", env: map[string]string{p + "_TOKEN_FILE": "/run/secrets/empty"}, wantErr: "is empty"},
		{name: "space in file", env: map[string]string{p + "_TOKEN_FILE": "/run/secrets/space"}, wantErr: "contains a space or control character"},
		{name: "newline inside", env: map[string]string{p + "_TOKEN": "hunter2\r\nX-Evil: 1"}, wantErr: "contains a space or control character"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := TokenFromEnv(p, func(k string) string { return c.env[k] }, readFile)
			if c.wantErr == "" {
				if err != nil || got.secret() != secret || got.Source() != c.wantSource {
					t.Fatalf("TokenFromEnv = %v, %v; want the secret from %s", got, err, c.wantSource)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("TokenFromEnv error = %v, want it to say %q", err, c.wantErr)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows the token: %v", err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("TokenFromEnv error = %v, want it to wrap %v", err, c.is)
			}
		})
	}
}

func TestS9SCIMTokenNeverPrinted(t *testing.T) {
	tok := NewToken("hunter2-scim-secret", "GATEHOUSE_SCIM_HR_PORTAL_TOKEN")
	wrapped := struct{ T Token }{tok}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s"} {
		for _, arg := range []any{tok, &tok, wrapped} {
			out := fmt.Sprintf(verb, arg)
			if strings.Contains(out, "hunter2") || strings.Contains(out, fmt.Sprintf("%x", "hunter2")) {
				t.Errorf("Sprintf(%s, %T) = %q shows the token", verb, arg, out)
			}
		}
	}
	if out := fmt.Sprint(tok); !strings.Contains(out, "GATEHOUSE_SCIM_HR_PORTAL_TOKEN") {
		t.Errorf("Sprint(token) = %q, want it to say where the token came from", out)
	}
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		slog.New(h).Info("token", "token", tok, "wrapped", wrapped)
	}
	if strings.Contains(buf.String(), "hunter2") {
		t.Errorf("slog shows the token: %s", buf.String())
	}
}
