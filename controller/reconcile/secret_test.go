package reconcile

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

func TestEnvPrefix(t *testing.T) {
	for _, tc := range []struct{ kind, name, want string }{
		{"scim", "hr-portal", "GATEHOUSE_SCIM_HR_PORTAL"},
		{"postgres", "prod.db", "GATEHOUSE_POSTGRES_PROD_DB"},
		{"slack", "Slack", "GATEHOUSE_SLACK_SLACK"},
	} {
		if got := EnvPrefix(tc.kind, tc.name); got != tc.want {
			t.Errorf("EnvPrefix(%q, %q) = %q, want %q", tc.kind, tc.name, got, tc.want)
		}
	}
}

// TestSecretFromEnv covers every way of setting a secret, and checks
// that no error carries it (S9).
func TestSecretFromEnv(t *testing.T) {
	const secret = "s3cret-value"
	files := map[string]string{"/run/token": secret + "\n", "/run/empty": "\n"}
	readFile := func(p string) ([]byte, error) {
		if d, ok := files[p]; ok {
			return []byte(d), nil
		}
		return nil, fs.ErrNotExist
	}
	for _, tc := range []struct {
		name       string
		env        map[string]string
		want, from string
		err        string
	}{
		{"variable", map[string]string{"X_TOKEN": secret}, secret, "X_TOKEN", ""},
		{"file", map[string]string{"X_TOKEN_FILE": "/run/token"}, secret, "X_TOKEN_FILE", ""},
		{"neither", nil, "", "", "set X_TOKEN (or X_TOKEN_FILE, a file holding the token)"},
		{"both", map[string]string{"X_TOKEN": secret, "X_TOKEN_FILE": "/run/token"}, "", "", "keep one of them"},
		{"missing file", map[string]string{"X_TOKEN_FILE": "/run/none"}, "", "", "read the token file /run/none"},
		{"empty file", map[string]string{"X_TOKEN_FILE": "/run/empty"}, "", "", "is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, from, err := SecretFromEnv("x token", "X_TOKEN", func(k string) string { return tc.env[k] }, readFile)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), secret) {
					t.Fatalf("error %v, want one saying %q without the secret", err, tc.err)
				}
				if tc.name == "neither" && !errors.Is(err, ErrNotConfigured) {
					t.Errorf("error %v does not wrap ErrNotConfigured", err)
				}
				return
			}
			if err != nil || got != tc.want || from != tc.from {
				t.Errorf("= %q from %q, %v; want %q from %q", got, from, err, tc.want, tc.from)
			}
		})
	}
}
