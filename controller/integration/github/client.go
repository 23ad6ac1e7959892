package github

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	gh "github.com/google/go-github/v62/github"

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

func clientFrom(getenv func(string) string) (*gh.Client, error) {
	token, apiURL := getenv(EnvToken), getenv(EnvAPIURL)
	if token == "" && apiURL == "" {
		return nil, fmt.Errorf("github integration: %w: set %s (and %s for GitHub Enterprise)", reconcile.ErrNotConfigured, EnvToken, EnvAPIURL)
	}
	c := gh.NewClient(&http.Client{Transport: newETagCache(http.DefaultTransport)})
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

// maxCached bounds the ETag cache; when full, an arbitrary entry goes.
const maxCached = 4096

// etagCache is an http.RoundTripper that makes GET requests conditional
// and answers a 304 with the body it cached, marked X-From-Cache as
// go-github expects of a caching transport.
type etagCache struct {
	next    http.RoundTripper
	mu      sync.Mutex
	entries map[string]cached
}

type cached struct {
	etag   string
	header http.Header
	body   []byte
}

func newETagCache(next http.RoundTripper) *etagCache {
	return &etagCache{next: next, entries: map[string]cached{}}
}

// RoundTrip implements http.RoundTripper.
func (c *etagCache) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || req.Header.Get("If-None-Match") != "" {
		return c.next.RoundTrip(req)
	}
	key := req.URL.String()
	c.mu.Lock()
	entry, hit := c.entries[key]
	c.mu.Unlock()
	if hit {
		req = req.Clone(req.Context())
		req.Header.Set("If-None-Match", entry.etag)
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	switch {
	case hit && resp.StatusCode == http.StatusNotModified:
		resp.Body.Close()
		header := entry.header.Clone()
		for k, v := range resp.Header {
			if strings.HasPrefix(k, "X-Ratelimit-") {
				header[k] = v
			}
		}
		header.Set("X-From-Cache", "1")
		return &http.Response{
			Status: "200 OK", StatusCode: http.StatusOK,
			Proto: resp.Proto, ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
			Header: header, Body: io.NopCloser(bytes.NewReader(entry.body)),
			ContentLength: int64(len(entry.body)), Request: resp.Request,
		}, nil
	case resp.StatusCode == http.StatusOK && resp.Header.Get("ETag") != "":
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", resp.Request.URL.Redacted(), err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		c.mu.Lock()
		if len(c.entries) >= maxCached {
			for k := range c.entries {
				delete(c.entries, k)
				break
			}
		}
		c.entries[key] = cached{etag: resp.Header.Get("ETag"), header: resp.Header.Clone(), body: body}
		c.mu.Unlock()
	}
	return resp, nil
}

// errNoClient is what an integration built without a client answers.
var errNoClient = errors.New("no GitHub client")
