package github

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// maxCached bounds an ETag cache; when full, an arbitrary entry goes.
const maxCached = 4096

// ETagTransport is an http.RoundTripper that makes GET requests
// conditional: it remembers each answer's ETag and body, sends
// If-None-Match the next time, and answers GitHub's 304 with the body it
// cached, marked X-From-Cache as go-github expects of a caching
// transport. GitHub does not count a 304 against the rate limit, so an
// unchanged read costs nothing. The rate-limit headers of the 304 replace
// the cached ones.
type ETagTransport struct {
	next    http.RoundTripper
	mu      sync.Mutex
	entries map[string]cached
}

type cached struct {
	etag   string
	header http.Header
	body   []byte
}

// NewETagTransport returns an ETagTransport in front of next
// (http.DefaultTransport when nil).
func NewETagTransport(next http.RoundTripper) *ETagTransport {
	if next == nil {
		next = http.DefaultTransport
	}
	return &ETagTransport{next: next, entries: map[string]cached{}}
}

// RoundTrip implements http.RoundTripper.
func (c *ETagTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || req.Header.Get("If-None-Match") != "" {
		return c.next.RoundTrip(req)
	}
	// GitHub answers 304 only when the body it would send, to these
	// credentials, has the cached ETag: the URL is key enough.
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
