package schemas

import (
	"strings"
	"testing"
)

// TestS9NoPlaceForSecretsInTheAccessRepo checks security invariant S9 at
// the format's edge: no kind has a field that could carry a credential, so
// a secret written into the access repo is an error that says where
// secrets belong, on every integration type and on systems.
func TestS9NoPlaceForSecretsInTheAccessRepo(t *testing.T) {
	integration := func(typ, block string, extra map[string]any) map[string]any {
		settings := map[string]any{}
		switch typ {
		case "github":
			settings["organization"] = "acme"
		case "postgres":
			settings["host"] = "db.internal"
		case "slack":
			settings["workspace"] = "acme"
		case "scim":
			settings["baseURL"] = "https://hr.example.com/scim/v2"
		}
		for k, v := range extra {
			settings[k] = v
		}
		return map[string]any{"kind": "Config", "name": "acme", "integrations": []any{
			map[string]any{"name": typ, "type": typ, block: settings},
		}}
	}
	tests := []struct {
		name, kind string
		doc        map[string]any
	}{
		{"github token", "Config", integration("github", "github", map[string]any{"token": "ghp_x"})},
		{"github app private key", "Config", integration("github", "github", map[string]any{"privateKey": "-----BEGIN"})},
		{"postgres password", "Config", integration("postgres", "postgres", map[string]any{"password": "hunter2"})},
		{"slack bot token", "Config", integration("slack", "slack", map[string]any{"botToken": "xoxb"})},
		{"scim api key", "Config", integration("scim", "scim", map[string]any{"apiKey": "k"})},
		{"system secret", "System", map[string]any{"kind": "System", "name": "db", "clientSecret": "s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := Validate(tt.kind, tt.doc)
			if len(vs) == 0 {
				t.Fatalf("a secret field was accepted: %v", tt.doc)
			}
			found := false
			for _, v := range vs {
				if v.Rule == RuleUnknownField && strings.Contains(v.Message, "secrets never go in the access repo") {
					found = true
				}
			}
			if !found {
				t.Errorf("violations %v do not reject the secret with the secrets hint", vs)
			}
		})
	}
}
