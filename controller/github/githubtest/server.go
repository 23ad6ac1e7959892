package githubtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultRateLimit is the hourly request quota the fake starts with, as
// GitHub grants an authenticated user.
const DefaultRateLimit = 5000

// Documentation URLs of GitHub's error bodies. go-github recognises a
// secondary rate limit by the suffix of its documentation URL.
const (
	docRest      = "https://docs.github.com/rest"
	docPrimary   = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
	docSecondary = "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)

// Server is a fake GitHub REST API. Its methods are safe for concurrent
// use by the code under test and the test itself.
type Server struct {
	// URL is the API's base URL with a trailing slash, as go-github's
	// Client.BaseURL and GITHUB_API_URL take it.
	URL string

	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	st        *state
	log       []Request
	observers []func(Exchange)
	failures  []int
	// failWrites and lostWrites fail the next writes, before and after
	// they take effect.
	failWrites, lostWrites []int
	rate                   rateLimit
	secondary              time.Time
	token                  string
	readOnly               testing.TB
	viewer                 string
}

// Request is one request the fake received, as its log records it.
type Request struct {
	Method string
	// Path is the request's URL path, as sent.
	Path string
	// Route is the pattern of the endpoint that answered, such as
	// "GET /orgs/{org}/members"; empty when no endpoint matched.
	Route string
	Query url.Values
	// Body is the request body.
	Body []byte
	// Status is the status code the fake answered with.
	Status int
}

// Exchange is one request with the response the fake gave, as observers
// see it.
type Exchange struct {
	Request Request
	// Header and Body are the response's.
	Header http.Header
	Body   []byte
}

type rateLimit struct {
	limit, remaining int
	reset            time.Time
	// status is what an exhausted quota answers: 403 or 429.
	status int
}

// NewServer starts a fake GitHub that stops when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, st: newState()}
	s.rate = rateLimit{limit: DefaultRateLimit, remaining: DefaultRateLimit, reset: nextSecond(time.Now().Add(time.Hour)), status: http.StatusForbidden}
	mux := http.NewServeMux()
	for i := range routes {
		rt := &routes[i]
		mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) { s.serve(rt, w, r) })
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.serve(nil, w, r) })
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/"
	t.Cleanup(s.srv.Close)
	return s
}

// Close stops the server before the test ends, so that tests can see
// what a client does when GitHub cannot be reached.
func (s *Server) Close() { s.srv.Close() }

// OnResponse registers fn to see every response the fake gives, in order.
// fn runs while the fake holds its lock: it must not call the Server.
func (s *Server) OnResponse(fn func(Exchange)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.observers = append(s.observers, fn)
}

// RequireToken makes the fake answer 401 Bad credentials to requests that
// do not carry token as a bearer token.
func (s *Server) RequireToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = token
}

// FailOnWrite makes every request other than GET or HEAD fail t and answer
// 403: a dry run that writes fails its test.
func (s *Server) FailOnWrite(t testing.TB) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readOnly = t
}

// FailNext makes the next n requests answer status, a 5xx, with GitHub's
// error body, whatever they ask for.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, status)
	}
}

// FailNextWrites makes the next n requests other than GET or HEAD
// answer status, a 5xx, without taking effect; reads pass.
func (s *Server) FailNextWrites(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failWrites = append(s.failWrites, status)
	}
}

// FailAfterNextWrites makes the next n requests other than GET or HEAD
// take effect and then answer status, a 5xx, as GitHub sometimes does
// when it times out after doing the work: a client that retries a create
// blindly creates twice.
func (s *Server) FailAfterNextWrites(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.lostWrites = append(s.lostWrites, status)
	}
}

// ExhaustRateLimit uses up the primary rate limit: requests answer status
// (403, as GitHub mostly does, or 429) with X-RateLimit-Remaining: 0 until
// the quota resets after d, rounded up to the whole second that
// X-RateLimit-Reset can express.
func (s *Server) ExhaustRateLimit(d time.Duration, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate.remaining = 0
	s.rate.reset = nextSecond(time.Now().Add(d))
	s.rate.status = status
}

// SecondaryRateLimit makes requests answer 403 with a Retry-After header
// for d, rounded up to the whole second, as GitHub does to clients that
// send too many requests at once.
func (s *Server) SecondaryRateLimit(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secondary = nextSecond(time.Now().Add(d))
}

// ClearRateLimits lifts the primary and secondary rate limits at once and
// restores the full quota.
func (s *Server) ClearRateLimits() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate.remaining = s.rate.limit
	s.rate.reset = nextSecond(time.Now().Add(time.Hour))
	s.secondary = time.Time{}
}

// Requests returns the log of every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Calls counts the requests received on route, a pattern such as
// "PUT /orgs/{org}/memberships/{username}"; "" counts every request.
func (s *Server) Calls(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if route == "" || r.Route == route {
			n++
		}
	}
	return n
}

// Writes returns the requests other than GET and HEAD received so far.
func (s *Server) Writes() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var w []Request
	for _, r := range s.log {
		if !readMethod(r.Method) {
			w = append(w, r)
		}
	}
	return w
}

// ResetLog forgets the requests received so far, so a test can count the
// calls of one step.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

func readMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// reply is what an endpoint answers before the fake adds the headers every
// response carries.
type reply struct {
	status int
	// body is encoded as JSON; nil sends no body.
	body   any
	header http.Header
}

func (s *Server) serve(rt *route, w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body}
	if rt != nil {
		req.Route = rt.pattern
	}
	now := time.Now()
	if !now.Before(s.rate.reset) {
		s.rate.remaining = s.rate.limit
		s.rate.reset = nextSecond(now.Add(time.Hour))
	}
	rep := s.admit(r, now)
	switch {
	case rep.status != 0:
	case rt == nil:
		rep = apiError(http.StatusNotFound, "Not Found", docRest)
	default:
		rep = rt.handle(s, &call{r: r, body: body, url: s.URL})
		if len(s.lostWrites) > 0 && !readMethod(r.Method) {
			status := s.lostWrites[0]
			s.lostWrites = s.lostWrites[1:]
			rep = apiError(status, http.StatusText(status), docRest)
		}
	}
	var out []byte
	if rep.body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep.body); err != nil {
			rep, buf = apiError(http.StatusInternalServerError, "fake GitHub could not encode its answer: "+err.Error(), docRest), bytes.Buffer{}
			_ = json.NewEncoder(&buf).Encode(rep.body)
		}
		out = buf.Bytes()
	}
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	if out != nil {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	if r.Method == http.MethodGet && rep.status == http.StatusOK {
		sum := sha256.Sum256(out)
		etag := `"` + hex.EncodeToString(sum[:16]) + `"`
		h.Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			// GitHub does not count a 304 against the rate limit.
			rep.status, out = http.StatusNotModified, nil
			h.Del("Content-Type")
		}
	}
	if rep.status != http.StatusNotModified && s.rate.remaining > 0 {
		s.rate.remaining--
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.rate.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(s.rate.remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(s.rate.limit-s.rate.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.rate.reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(out)
	req.Status = rep.status
	s.log = append(s.log, req)
	for _, fn := range s.observers {
		fn(Exchange{Request: req, Header: h.Clone(), Body: out})
	}
}

// admit answers the requests the fake refuses before any endpoint sees
// them: bad credentials, writes in a dry run, rate limits and injected
// failures. A zero reply lets the request through.
func (s *Server) admit(r *http.Request, now time.Time) reply {
	if s.token != "" {
		auth := r.Header.Get("Authorization")
		if auth != "Bearer "+s.token && auth != "token "+s.token {
			return apiError(http.StatusUnauthorized, "Bad credentials", docRest)
		}
	}
	if s.readOnly != nil && !readMethod(r.Method) {
		s.readOnly.Errorf("githubtest: a dry run wrote: %s %s", r.Method, r.URL.Path)
		return apiError(http.StatusForbidden, "Resource not accessible: this fake GitHub refuses writes in a dry run", docRest)
	}
	if s.rate.remaining == 0 {
		return apiError(s.rate.status, "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.", docPrimary)
	}
	if now.Before(s.secondary) {
		rep := apiError(http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", docSecondary)
		rep.header = http.Header{"Retry-After": {strconv.Itoa(int(math.Ceil(s.secondary.Sub(now).Seconds())))}}
		return rep
	}
	if len(s.failWrites) > 0 && !readMethod(r.Method) {
		status := s.failWrites[0]
		s.failWrites = s.failWrites[1:]
		return apiError(status, http.StatusText(status), docRest)
	}
	if len(s.failures) > 0 {
		status := s.failures[0]
		s.failures = s.failures[1:]
		return apiError(status, http.StatusText(status), docRest)
	}
	return reply{}
}

// basicError is GitHub's error body.
type basicError struct {
	Message          string            `json:"message"`
	Errors           []validationIssue `json:"errors,omitempty"`
	DocumentationURL string            `json:"documentation_url"`
}

// validationIssue is one entry of a 422's errors.
type validationIssue struct {
	Resource string `json:"resource,omitempty"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
}

func apiError(status int, message, doc string) reply {
	return reply{status: status, body: basicError{Message: message, DocumentationURL: doc}}
}

func notFound(doc string) reply { return apiError(http.StatusNotFound, "Not Found", doc) }

// invalid is GitHub's 422 for a field with a value it does not accept.
func invalid(resource, field, doc string) reply {
	return reply{status: http.StatusUnprocessableEntity, body: basicError{
		Message:          "Validation Failed",
		Errors:           []validationIssue{{Resource: resource, Field: field, Code: "invalid"}},
		DocumentationURL: doc,
	}}
}

func ok(body any) reply { return reply{status: http.StatusOK, body: body} }

func noContent() reply { return reply{status: http.StatusNoContent} }

// call is one request as an endpoint sees it.
type call struct {
	r    *http.Request
	body []byte
	// url is the fake's base URL, for the URLs in GitHub's objects.
	url string
}

func (c *call) path(name string) string { return c.r.PathValue(name) }

// decode reads the JSON request body into v; an empty body leaves v alone.
func (c *call) decode(v any) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return fmt.Errorf("Problems parsing JSON: %w", err)
	}
	return nil
}

// page answers one page of items as GitHub does: per_page (default 30, at
// most 100) and page (from 1) select the page, and a Link header names the
// next, last, first and previous pages with absolute URLs.
func page[T any](c *call, items []T) reply {
	out, header := paginate(c, items)
	return reply{status: http.StatusOK, body: out, header: header}
}

// paginate returns the page of items the request asks for and its Link
// header, nil when there is one page only.
func paginate[T any](c *call, items []T) ([]T, http.Header) {
	q := c.r.URL.Query()
	perPage := clamp(atoi(q.Get("per_page"), 30), 1, 100)
	n := max(atoi(q.Get("page"), 1), 1)
	last := max((len(items)+perPage-1)/perPage, 1)
	lo := min((n-1)*perPage, len(items))
	hi := min(lo+perPage, len(items))
	out := append(make([]T, 0, hi-lo), items[lo:hi]...)
	link := func(p int, rel string) string {
		q.Set("page", strconv.Itoa(p))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, c.url, strings.TrimPrefix(c.r.URL.EscapedPath(), "/"), q.Encode(), rel)
	}
	var links []string
	if n < last {
		links = append(links, link(n+1, "next"), link(last, "last"))
	}
	if n > 1 {
		links = append(links, link(1, "first"), link(min(n-1, last), "prev"))
	}
	if links == nil {
		return out, nil
	}
	return out, http.Header{"Link": {strings.Join(links, ", ")}}
}

func atoi(s string, def int) int {
	if v, err := strconv.Atoi(s); err == nil {
		return v
	}
	return def
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// nextSecond rounds t up to a whole second: X-RateLimit-Reset and
// Retry-After count in seconds.
func nextSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); r.Equal(t) {
		return r
	}
	return t.Truncate(time.Second).Add(time.Second)
}
