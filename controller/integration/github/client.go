package github

import (
	"context"
	"strconv"

	"errors"
	"fmt"
	"github.com/bradleyfalzon/ghinstallation/v2"
	"net/http"
	"net/url"
	"os"
	"strings"

	gh "github.com/google/go-github/v62/github"

	ghapi "github.com/gatehouse-dev/gatehouse/controller/github"

	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

// Environment variables ClientFromEnv reads.
const (
	// EnvToken holds the token the integration authenticates with.
	EnvToken = "GITHUB_TOKEN"
	// EnvAPIURL is the REST API's base URL, for GitHub Enterprise
	// ("https://github.example.com/api/v3") and tests; GitHub.com's by
	// default.
	EnvAPIURL = "GITHUB_API_URL"
)

// ClientFromEnv builds a go-github client from GITHUB_TOKEN and
// GITHUB_API_URL, the only places credentials come from (S9). With
// neither set it returns an error wrapping reconcile.ErrNotConfigured.
// The client sends conditional requests: an unchanged GET answers 304
// from GitHub, which does not count against the rate limit, and the
// cached body is used.
func ClientFromEnv() (*gh.Client, error) {
	return clientFrom(os.Getenv)
}

// ClientFrom is ClientFromEnv reading the environment through getenv.
func ClientFrom(getenv func(string) string) (*gh.Client, error) { return clientFrom(getenv) }

// Environment of a GitHub App: gatehouse authenticates as the App's
// installation, with tokens ghinstallation renews.
const (
	EnvAppID          = "GATEHOUSE_GITHUB_APP_ID"
	EnvInstallationID = "GATEHOUSE_GITHUB_INSTALLATION_ID"
	EnvPrivateKeyFile = "GATEHOUSE_GITHUB_PRIVATE_KEY_FILE"
)

// Auth is how gatehouse authenticates to GitHub: a token (GITHUB_TOKEN)
// or a GitHub App installation.
type Auth struct {
	// Transport adds the credentials to API requests.
	Transport http.RoundTripper
	// Token returns a token for git over HTTPS (as the password of
	// x-access-token); an App's is renewed as it expires.
	Token func(ctx context.Context) (string, error)
	// APIURL is GITHUB_API_URL's base, empty for GitHub.com.
	APIURL *url.URL
}

// AuthFrom reads the credentials from the environment through getenv:
// a GitHub App when GATEHOUSE_GITHUB_APP_ID is set (with
// GATEHOUSE_GITHUB_INSTALLATION_ID and GATEHOUSE_GITHUB_PRIVATE_KEY_FILE),
// else GITHUB_TOKEN; GITHUB_API_URL for GitHub Enterprise. No error
// carries a secret.
func AuthFrom(getenv func(string) string) (*Auth, error) {
	token, apiURL, appID := getenv(EnvToken), getenv(EnvAPIURL), getenv(EnvAppID)
	if token == "" && apiURL == "" && appID == "" {
		return nil, fmt.Errorf("github integration: %w: set %s, or %s with %s and %s for a GitHub App (and %s for GitHub Enterprise)",
			reconcile.ErrNotConfigured, EnvToken, EnvAppID, EnvInstallationID, EnvPrivateKeyFile, EnvAPIURL)
	}
	a := &Auth{Transport: http.DefaultTransport}
	if apiURL != "" {
		u, err := url.Parse(apiURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("github integration: %s is not an absolute URL; set it to the REST API's base, such as https://github.example.com/api/v3", EnvAPIURL)
		}
		if u.User != nil {
			// Say nothing of the URL: its user part may be a secret.
			return nil, fmt.Errorf("github integration: %s carries credentials; remove them and set %s instead", EnvAPIURL, EnvToken)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		a.APIURL = u
	}
	switch {
	case appID != "":
		id, err1 := strconv.ParseInt(appID, 10, 64)
		inst, err2 := strconv.ParseInt(getenv(EnvInstallationID), 10, 64)
		keyFile := getenv(EnvPrivateKeyFile)
		if err1 != nil || err2 != nil || keyFile == "" {
			return nil, fmt.Errorf("github integration: a GitHub App needs %s and %s as numbers and %s naming its private key file", EnvAppID, EnvInstallationID, EnvPrivateKeyFile)
		}
		itr, err := ghinstallation.NewKeyFromFile(http.DefaultTransport, id, inst, keyFile)
		if err != nil {
			return nil, fmt.Errorf("github integration: read the App's private key from %s: it must be the PEM file GitHub gave for the App", EnvPrivateKeyFile)
		}
		if a.APIURL != nil {
			itr.BaseURL = strings.TrimSuffix(a.APIURL.String(), "/")
		}
		a.Transport, a.Token = itr, itr.Token
	case token != "":
		a.Transport = &tokenTransport{next: http.DefaultTransport, token: token}
		a.Token = func(context.Context) (string, error) { return token, nil }
	default:
		a.Token = func(context.Context) (string, error) { return "", nil }
	}
	return a, nil
}

// Client builds a go-github client on the credentials, making GET
// requests conditional.
func (a *Auth) Client() *gh.Client {
	c := gh.NewClient(&http.Client{Transport: ghapi.NewETagTransport(a.Transport)})
	if a.APIURL != nil {
		c.BaseURL = a.APIURL
	}
	return c
}

// tokenTransport sends a token with each request.
type tokenTransport struct {
	next  http.RoundTripper
	token string
}

func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+t.token)
	return t.next.RoundTrip(r)
}

func clientFrom(getenv func(string) string) (*gh.Client, error) {
	a, err := AuthFrom(getenv)
	if err != nil {
		return nil, err
	}
	return a.Client(), nil
}

// errNoClient is what an integration built without a client answers.
var errNoClient = errors.New("no GitHub client")
