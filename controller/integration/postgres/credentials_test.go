package postgres

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

func TestEnvPrefix(t *testing.T) {
	for name, want := range map[string]string{
		"prod-postgres": "GATEHOUSE_POSTGRES_PROD_POSTGRES",
		"db":            "GATEHOUSE_POSTGRES_DB",
		"eu.west_2":     "GATEHOUSE_POSTGRES_EU_WEST_2",
	} {
		if got := EnvPrefix(name); got != want {
			t.Errorf("EnvPrefix(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestCredentialsFromEnv(t *testing.T) {
	const (
		p      = "GATEHOUSE_POSTGRES_DB"
		secret = "hunter2-very-secret"
	)
	files := map[string]string{
		"/run/secrets/pw":    secret + "\n",
		"/run/secrets/crlf":  secret + "\r\n",
		"/run/secrets/empty": "\n",
	}
	readFile := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	for _, c := range []struct {
		name    string
		env     map[string]string
		want    Credentials
		wantErr string
		is      error
	}{
		{name: "password", env: map[string]string{p + "_USER": "gatehouse", p + "_PASSWORD": secret},
			want: Credentials{User: "gatehouse", Password: secret}},
		{name: "password file", env: map[string]string{p + "_USER": "gatehouse", p + "_PASSWORD_FILE": "/run/secrets/pw"},
			want: Credentials{User: "gatehouse", Password: secret}},
		{name: "password file with CRLF", env: map[string]string{p + "_USER": "gatehouse", p + "_PASSWORD_FILE": "/run/secrets/crlf"},
			want: Credentials{User: "gatehouse", Password: secret}},
		{name: "nothing set", env: map[string]string{},
			wantErr: "set GATEHOUSE_POSTGRES_DB_USER and GATEHOUSE_POSTGRES_DB_PASSWORD (or GATEHOUSE_POSTGRES_DB_PASSWORD_FILE", is: reconcile.ErrNotConfigured},
		{name: "no user", env: map[string]string{p + "_PASSWORD": secret},
			wantErr: "GATEHOUSE_POSTGRES_DB_USER", is: reconcile.ErrNotConfigured},
		{name: "no password", env: map[string]string{p + "_USER": "gatehouse"},
			wantErr: "GATEHOUSE_POSTGRES_DB_PASSWORD", is: reconcile.ErrNotConfigured},
		{name: "both password and file", env: map[string]string{p + "_USER": "gatehouse", p + "_PASSWORD": secret, p + "_PASSWORD_FILE": "/run/secrets/pw"},
			wantErr: "keep one of them"},
		{name: "missing file", env: map[string]string{p + "_USER": "gatehouse", p + "_PASSWORD_FILE": "/run/secrets/gone"},
			wantErr: "read the password file /run/secrets/gone", is: fs.ErrNotExist},
		{name: "empty file", env: map[string]string{p + "_USER": "gatehouse", p + "_PASSWORD_FILE": "/run/secrets/empty"},
			wantErr: "is empty"},
		{name: "NUL in password", env: map[string]string{p + "_USER": "gatehouse", p + "_PASSWORD": secret + "\x00"},
			wantErr: "NUL byte"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := CredentialsFromEnv(p, func(k string) string { return c.env[k] }, readFile)
			if c.wantErr == "" {
				if err != nil || got != c.want {
					t.Fatalf("CredentialsFromEnv = %v, %v; want %v", got, err, c.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("CredentialsFromEnv error = %v, want it to say %q", err, c.wantErr)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows the password: %v", err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("CredentialsFromEnv error = %v, want it to wrap %v", err, c.is)
			}
		})
	}
}

func TestS9CredentialsPrintWithoutPassword(t *testing.T) {
	c := Credentials{User: "gatehouse", Password: "hunter2-very-secret"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, c)
		if strings.Contains(out, "hunter2") || !strings.Contains(out, "gatehouse") {
			t.Errorf("Sprintf(%s, credentials) = %q, want the user without the password", verb, out)
		}
	}
}

func TestAccountFor(t *testing.T) {
	var in Integration
	for _, c := range []struct {
		person, want, wantErr string
	}{
		{person: "alice", want: "alice"},
		{person: "Alice", want: "alice"},
		{person: "jane.doe", want: "jane.doe"},
		{person: "rahul-k", want: "rahul-k"},
		{person: "_svc_9", want: "_svc_9"},
		{person: strings.Repeat("a", 63), want: strings.Repeat("a", 63)},
		{person: strings.Repeat("a", 64), wantErr: "longer than PostgreSQL's 63 bytes"},
		{person: "", wantErr: "no name"},
		{person: "pg_bob", wantErr: "reserves names starting with pg_"},
		{person: "public", wantErr: "PostgreSQL reserves it"},
		{person: "None", wantErr: "PostgreSQL reserves it"},
		{person: "bob smith", wantErr: "only ASCII letters, digits"},
		{person: `bob"; DROP ROLE x; --`, wantErr: "only ASCII letters, digits"},
		{person: "-bob", wantErr: "only ASCII letters, digits"},
		{person: "zoë", wantErr: "only ASCII letters, digits"},
	} {
		t.Run(c.person, func(t *testing.T) {
			got, err := in.AccountFor(&model.Person{Name: c.person})
			if c.wantErr == "" {
				if err != nil || got != c.want {
					t.Fatalf("AccountFor(%q) = %q, %v; want %q", c.person, got, err, c.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), fmt.Sprintf("person %q", c.person)) {
				t.Fatalf("AccountFor(%q) = %q, %v; want an error naming the person and saying %q", c.person, got, err, c.wantErr)
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
