package github

import (
	"errors"
	"fmt"
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

func clientFrom(getenv func(string) string) (*gh.Client, error) {
	token, apiURL := getenv(EnvToken), getenv(EnvAPIURL)
	if token == "" && apiURL == "" {
		return nil, fmt.Errorf("github integration: %w: set %s (and %s for GitHub Enterprise)", reconcile.ErrNotConfigured, EnvToken, EnvAPIURL)
	}
	c := gh.NewClient(&http.Client{Transport: ghapi.NewETagTransport(http.DefaultTransport)})
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
		c.BaseURL = u
	}
	if token != "" {
		c = c.WithAuthToken(token)
	}
	return c, nil
}

// errNoClient is what an integration built without a client answers.
var errNoClient = errors.New("no GitHub client")
