package github

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bradleyfalzon/ghinstallation/v2"
)

func TestAuthAsAGitHubApp(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "app.pem")
	if err := os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(bad, []byte("not-a-key-secret-material"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	a, err := AuthFrom(env(map[string]string{EnvAppID: "12", EnvInstallationID: "34", EnvPrivateKeyFile: good, EnvAPIURL: "https://ghe.example.com/api/v3"}))
	if err != nil {
		t.Fatal(err)
	}
	itr, ok := a.Transport.(*ghinstallation.Transport)
	if !ok || itr.BaseURL != "https://ghe.example.com/api/v3" || a.Client().BaseURL.String() != "https://ghe.example.com/api/v3/" {
		t.Errorf("the App transport is not set up for GitHub Enterprise: %T %+v", a.Transport, a.APIURL)
	}
	for name, m := range map[string]map[string]string{
		"no installation":     {EnvAppID: "12", EnvPrivateKeyFile: good},
		"no key":              {EnvAppID: "12", EnvInstallationID: "34"},
		"bad key":             {EnvAppID: "12", EnvInstallationID: "34", EnvPrivateKeyFile: bad},
		"app id not a number": {EnvAppID: "acme", EnvInstallationID: "34", EnvPrivateKeyFile: good},
	} {
		_, err := AuthFrom(env(m))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "secret-material") {
			t.Errorf("%s: the key file's content is in the error: %v", name, err)
		}
	}
}
