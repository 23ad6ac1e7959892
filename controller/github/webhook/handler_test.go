package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	testSecret = []byte("It's a Secret to Everybody")
	testNow    = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)
)

// memDeliveries is an in-memory Deliveries.
type memDeliveries struct {
	mu    sync.Mutex
	seen  map[string]bool
	calls int
	err   error
}

func (m *memDeliveries) SeenDelivery(_ context.Context, id string, _ time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.err != nil {
		return false, m.err
	}
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	seen := m.seen[id]
	m.seen[id] = true
	return seen, nil
}

// counts is a Metrics that counts "event/outcome".
type counts struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *counts) Delivery(event string, outcome Outcome) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[event+"/"+string(outcome)]++
}

// fixture is a Handler with its queue, delivery store and metrics.
type fixture struct {
	h          *Handler
	q          *Queue
	deliveries *memDeliveries
	metrics    *counts
}

func newFixture(t testing.TB, configure func(*Options)) *fixture {
	t.Helper()
	f := &fixture{q: NewQueue(100), deliveries: &memDeliveries{}, metrics: &counts{m: map[string]int{}}}
	opts := Options{
		Secret:     testSecret,
		Deliveries: f.deliveries,
		Queue:      f.q,
		Log:        slog.New(slog.DiscardHandler),
		Now:        func() time.Time { return testNow },
		Metrics:    f.metrics,
	}
	if configure != nil {
		configure(&opts)
	}
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f.h, f.q = h, opts.Queue
	return f
}

// queued returns the events waiting in the queue, by key order of
// arrival.
func (f *fixture) queued() []Event {
	f.q.mu.Lock()
	defer f.q.mu.Unlock()
	var events []Event
	for _, k := range f.q.ready {
		events = append(events, f.q.pending[k]...)
	}
	return events
}

// delivery is a request to the webhook endpoint.
type delivery struct {
	method      string
	event       string
	id          string
	body        string
	contentType string
	// sign sets the signature headers; signGood when nil.
	sign func(h http.Header, body []byte)
}

func signGood(h http.Header, body []byte) { h.Set("X-Hub-Signature-256", Signature(testSecret, body)) }

func signWith(secret string) func(http.Header, []byte) {
	return func(h http.Header, body []byte) { h.Set("X-Hub-Signature-256", Signature([]byte(secret), body)) }
}

// signSHA1Only sends only the legacy X-Hub-Signature, correct for the
// secret.
func signSHA1Only(h http.Header, body []byte) {
	mac := hmac.New(sha1.New, testSecret)
	mac.Write(body)
	h.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(mac.Sum(nil)))
}

func signHeader(value string) func(http.Header, []byte) {
	return func(h http.Header, _ []byte) { h.Set("X-Hub-Signature-256", value) }
}

func (d delivery) request() *http.Request {
	method := d.method
	if method == "" {
		method = http.MethodPost
	}
	r := httptest.NewRequest(method, "/webhook", strings.NewReader(d.body))
	if d.event != "" {
		r.Header.Set("X-GitHub-Event", d.event)
	}
	if d.id != "" {
		r.Header.Set("X-GitHub-Delivery", d.id)
	}
	ct := d.contentType
	if ct == "" {
		ct = "application/json"
	}
	r.Header.Set("Content-Type", ct)
	sign := d.sign
	if sign == nil {
		sign = signGood
	}
	sign(r.Header, []byte(d.body))
	return r
}

func (f *fixture) serve(d delivery) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, d.request())
	return w
}

// Payloads shaped like GitHub's, with only the fields gatehouse reads and
// a few it does not.
func repository(defaultBranch string) map[string]any {
	return map[string]any{"id": 1296269, "name": "access", "full_name": "acme/access", "private": true, "default_branch": defaultBranch,
		"owner": map[string]any{"login": "acme", "id": 1, "type": "Organization"}}
}

func sender(login string) map[string]any {
	return map[string]any{"login": login, "id": 7, "type": "User"}
}

func pullRequest(number int) map[string]any {
	return map[string]any{"number": number, "state": "open", "title": "alice: access to github", "user": sender("alice"),
		"head": map[string]any{"ref": "access/alice-github", "sha": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"},
		"base": map[string]any{"ref": "main", "sha": "0000111122223333444455556666777788889999"}}
}

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func prPayload(action string, number int) string {
	return toJSON(map[string]any{"action": action, "number": number, "pull_request": pullRequest(number),
		"repository": repository("main"), "sender": sender("alice"), "installation": map[string]any{"id": 42}})
}

func reviewPayload(action string) string {
	return toJSON(map[string]any{"action": action, "review": map[string]any{"id": 80, "state": "approved", "user": sender("carol")},
		"pull_request": pullRequest(12), "repository": repository("main"), "sender": sender("carol")})
}

func commentPayload(action string, onPullRequest bool) string {
	issue := map[string]any{"number": 12, "title": "alice: access to github", "user": sender("alice")}
	if onPullRequest {
		issue["pull_request"] = map[string]any{"url": "https://api.github.com/repos/acme/access/pulls/12"}
	}
	return toJSON(map[string]any{"action": action, "issue": issue, "comment": map[string]any{"id": 5, "body": "/approve", "user": sender("carol")},
		"repository": repository("main"), "sender": sender("carol")})
}

func pushPayload(ref, defaultBranch string) string {
	return toJSON(map[string]any{"ref": ref, "before": "0000111122223333444455556666777788889999", "after": "fedcba9876543210fedcba9876543210fedcba98",
		"repository": repository(defaultBranch), "sender": sender("olivia"), "pusher": map[string]any{"name": "olivia"}})
}

func TestHandler(t *testing.T) {
	prEvent := func(action string) *Event {
		return &Event{Kind: KindPullRequest, Action: action, Repo: "acme/access", PR: 12, Ref: "access/alice-github",
			After: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", Sender: "alice", Installation: 42}
	}
	review := func(action string) *Event {
		return &Event{Kind: KindReview, Action: action, Repo: "acme/access", PR: 12, Ref: "access/alice-github",
			After: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", Sender: "carol"}
	}
	comment := func(action string) *Event {
		return &Event{Kind: KindComment, Action: action, Repo: "acme/access", PR: 12, Sender: "carol"}
	}
	form := url.Values{"payload": {prPayload("opened", 12)}}.Encode()
	tests := []struct {
		name    string
		req     delivery
		status  int
		body    string
		want    *Event // the event queued, if any
		outcome string // "event/outcome" counted
	}{
		{"pull request opened", delivery{event: "pull_request", body: prPayload("opened", 12)}, 202, "queued", prEvent("opened"), "pull_request/queued"},
		{"pull request synchronize", delivery{event: "pull_request", body: prPayload("synchronize", 12)}, 202, "queued", prEvent("synchronize"), "pull_request/queued"},
		{"pull request reopened", delivery{event: "pull_request", body: prPayload("reopened", 12)}, 202, "queued", prEvent("reopened"), "pull_request/queued"},
		{"pull request edited", delivery{event: "pull_request", body: prPayload("edited", 12)}, 202, "queued", prEvent("edited"), "pull_request/queued"},
		{"pull request ready for review", delivery{event: "pull_request", body: prPayload("ready_for_review", 12)}, 202, "queued", prEvent("ready_for_review"), "pull_request/queued"},
		{"pull request closed", delivery{event: "pull_request", body: prPayload("closed", 12)}, 202, "queued", prEvent("closed"), "pull_request/queued"},
		{"pull request labeled", delivery{event: "pull_request", body: prPayload("labeled", 12)}, 202, "ignored", nil, "pull_request/ignored"},
		{"pull request as a form", delivery{event: "pull_request", body: form, contentType: "application/x-www-form-urlencoded"}, 202, "queued", prEvent("opened"), "pull_request/queued"},
		{"review submitted", delivery{event: "pull_request_review", body: reviewPayload("submitted")}, 202, "queued", review("submitted"), "pull_request_review/queued"},
		{"review dismissed", delivery{event: "pull_request_review", body: reviewPayload("dismissed")}, 202, "queued", review("dismissed"), "pull_request_review/queued"},
		{"review edited", delivery{event: "pull_request_review", body: reviewPayload("edited")}, 202, "queued", review("edited"), "pull_request_review/queued"},
		{"comment created on a pull request", delivery{event: "issue_comment", body: commentPayload("created", true)}, 202, "queued", comment("created"), "issue_comment/queued"},
		{"comment edited on a pull request", delivery{event: "issue_comment", body: commentPayload("edited", true)}, 202, "queued", comment("edited"), "issue_comment/queued"},
		{"comment deleted on a pull request", delivery{event: "issue_comment", body: commentPayload("deleted", true)}, 202, "queued", comment("deleted"), "issue_comment/queued"},
		{"comment on an issue", delivery{event: "issue_comment", body: commentPayload("created", false)}, 202, "ignored", nil, "issue_comment/ignored"},
		{"push to the default branch", delivery{event: "push", body: pushPayload("refs/heads/main", "main")}, 202, "queued",
			&Event{Kind: KindPush, Repo: "acme/access", Ref: "refs/heads/main", After: "fedcba9876543210fedcba9876543210fedcba98", Sender: "olivia"}, "push/queued"},
		{"push to another branch", delivery{event: "push", body: pushPayload("refs/heads/access/alice-github", "main")}, 202, "ignored", nil, "push/ignored"},
		{"push of a tag", delivery{event: "push", body: pushPayload("refs/tags/v1", "main")}, 202, "ignored", nil, "push/ignored"},
		{"ping", delivery{event: "ping", body: `{"zen":"Design for failure.","hook_id":1}`}, 200, "pong", nil, "ping/ping"},
		{"an event gatehouse does not act on", delivery{event: "check_run", body: `{"action":"completed"}`}, 202, "ignored", nil, "other/ignored"},
		{"not JSON, signed", delivery{event: "pull_request", body: "{not json"}, 400, "not valid", nil, "pull_request/bad_request"},
		{"JSON null, signed", delivery{event: "pull_request", body: "null"}, 400, "empty", nil, "pull_request/bad_request"},
		{"no pull request number", delivery{event: "pull_request", body: `{"action":"opened","repository":{"full_name":"acme/access"}}`}, 400, "number", nil, "pull_request/bad_request"},
		{"no repository", delivery{event: "pull_request_review", body: `{"action":"submitted","pull_request":{"number":3}}`}, 400, "full_name", nil, "pull_request_review/bad_request"},
		{"no X-GitHub-Event", delivery{body: prPayload("opened", 12)}, 400, "X-GitHub-Event", nil, "other/bad_request"},
		{"no X-GitHub-Delivery", delivery{event: "pull_request", id: "-", body: prPayload("opened", 12)}, 400, "X-GitHub-Delivery", nil, "pull_request/bad_request"},
		{"an unsupported content type", delivery{event: "pull_request", body: prPayload("opened", 12), contentType: "text/plain"}, 415, "application/json", nil, "pull_request/bad_request"},
		{"GET", delivery{method: http.MethodGet, event: "pull_request"}, 405, "POST", nil, "/method_not_allowed"},
		{"wrong secret", delivery{event: "pull_request", body: prPayload("opened", 12), sign: signWith("guess")}, 401, "invalid signature", nil, "/unauthorized"},
		{"no signature", delivery{event: "pull_request", body: prPayload("opened", 12), sign: func(http.Header, []byte) {}}, 401, "invalid signature", nil, "/unauthorized"},
		{"SHA-1 signature only", delivery{event: "pull_request", body: prPayload("opened", 12), sign: signSHA1Only}, 401, "invalid signature", nil, "/unauthorized"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			switch tc.req.id {
			case "":
				tc.req.id = "delivery-" + tc.name
			case "-":
				tc.req.id = ""
			}
			w := f.serve(tc.req)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.body) {
				t.Errorf("answer %d %q, want %d containing %q", w.Code, w.Body.String(), tc.status, tc.body)
			}
			queued := f.queued()
			switch {
			case tc.want == nil && len(queued) != 0:
				t.Errorf("queued %+v, want nothing", queued)
			case tc.want != nil:
				want := *tc.want
				want.DeliveryID, want.ReceivedAt = tc.req.id, testNow
				if len(queued) != 1 || queued[0] != want {
					t.Errorf("queued %+v\nwant   %+v", queued, want)
				}
			}
			if got := f.metrics.m; len(got) != 1 || got[tc.outcome] != 1 {
				t.Errorf("metrics %v, want %s once", got, tc.outcome)
			}
		})
	}
}

func TestHandlerBodyLimit(t *testing.T) {
	body := prPayload("opened", 12)
	for _, tc := range []struct {
		name  string
		chunk bool // no Content-Length: the limit is found while reading
	}{{"with Content-Length", false}, {"chunked", true}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(o *Options) { o.MaxBody = int64(len(body) - 1) })
			r := delivery{event: "pull_request", id: "d1", body: body}.request()
			if tc.chunk {
				r.ContentLength = -1
				r.Body = io.NopCloser(strings.NewReader(body))
			}
			w := httptest.NewRecorder()
			f.h.ServeHTTP(w, r)
			if w.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413", w.Code)
			}
			if len(f.queued()) != 0 || f.deliveries.calls != 0 {
				t.Error("a body over the limit was queued or recorded")
			}
		})
	}
	f := newFixture(t, func(o *Options) { o.MaxBody = int64(len(body)) })
	if w := f.serve(delivery{event: "pull_request", id: "d1", body: body}); w.Code != http.StatusAccepted {
		t.Errorf("a body of exactly the limit: status %d, want 202", w.Code)
	}
}

// TestS6ForgedWebhookIsRejectedBeforeParsing sends forged deliveries
// whose bodies are not even JSON and whose headers are incomplete: a
// parser would answer 400, so 401 proves the signature is checked
// first; nothing is recorded or queued.
func TestS6ForgedWebhookIsRejectedBeforeParsing(t *testing.T) {
	valid := hex.EncodeToString(make([]byte, 32))
	forgeries := []struct {
		name string
		sign func(http.Header, []byte)
	}{
		{"no signature", func(http.Header, []byte) {}},
		{"wrong secret", signWith("guess")},
		{"empty secret", signWith("")},
		{"SHA-1 signature only, correct for the secret", signSHA1Only},
		{"a signature of zeros", signHeader("sha256=" + valid)},
		{"not hex", signHeader("sha256=" + strings.Repeat("zz", 32))},
		{"truncated", signHeader(Signature(testSecret, []byte("{not json"))[:40])},
		{"without the sha256= prefix", signHeader(strings.TrimPrefix(Signature(testSecret, []byte("{not json")), "sha256="))},
		{"the SHA-1 scheme's prefix", signHeader("sha1=" + strings.TrimPrefix(Signature(testSecret, []byte("{not json")), "sha256="))},
	}
	for _, tc := range forgeries {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			for _, d := range []delivery{
				{event: "pull_request", id: "forged", body: "{not json", sign: tc.sign},
				{body: "{not json", sign: tc.sign},
				{event: "pull_request", id: "forged", body: "{not json", contentType: "image/png", sign: tc.sign},
			} {
				w := f.serve(d)
				if w.Code != http.StatusUnauthorized {
					t.Errorf("status %d %q, want 401", w.Code, w.Body.String())
				}
			}
			if len(f.queued()) != 0 || f.deliveries.calls != 0 {
				t.Errorf("a forged delivery reached the queue (%d) or the delivery store (%d calls)", len(f.queued()), f.deliveries.calls)
			}
			if f.metrics.m["/unauthorized"] != 3 {
				t.Errorf("metrics %v, want 3 unauthorized without an event label", f.metrics.m)
			}
		})
	}
}

// TestS6ReplayedDeliveryIsIgnored sends one delivery twice: the second
// is answered 200 and not queued.
func TestS6ReplayedDeliveryIsIgnored(t *testing.T) {
	f := newFixture(t, nil)
	d := delivery{event: "pull_request", id: "72d3162e-cc78-11e3-81ab-4c9367dc0958", body: prPayload("opened", 12)}
	if w := f.serve(d); w.Code != http.StatusAccepted {
		t.Fatalf("first delivery: status %d, want 202", w.Code)
	}
	if w := f.serve(d); w.Code != http.StatusOK || strings.TrimSpace(w.Body.String()) != "duplicate delivery ignored" {
		t.Errorf("replay: %d %q, want 200 \"duplicate delivery ignored\"", w.Code, w.Body.String())
	}
	if got := f.queued(); len(got) != 1 {
		t.Errorf("queued %d events, want the first delivery only", len(got))
	}
	if f.metrics.m["pull_request/duplicate"] != 1 {
		t.Errorf("metrics %v, want one duplicate", f.metrics.m)
	}
}

// TestS6SecretIsRequired: without a secret anybody could post events.
func TestS6SecretIsRequired(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no secret", Options{Deliveries: &memDeliveries{}, Queue: NewQueue(1)}, "GATEHOUSE_WEBHOOK_SECRET"},
		{"empty secret", Options{Secret: []byte{}, Deliveries: &memDeliveries{}, Queue: NewQueue(1)}, "GATEHOUSE_WEBHOOK_SECRET"},
		{"no delivery store", Options{Secret: testSecret, Queue: NewQueue(1)}, "replays"},
		{"no queue", Options{Secret: testSecret, Deliveries: &memDeliveries{}}, "queue"},
		{"negative body limit", Options{Secret: testSecret, Deliveries: &memDeliveries{}, Queue: NewQueue(1), MaxBody: -1}, "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := New(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, %v; want an error naming %q", h, err, tc.want)
			}
		})
	}
}

// TestHandlerQueueFull fills the queue: a delivery that cannot be queued
// is answered 503 with Retry-After and not recorded, so GitHub's
// redelivery of it is queued once there is room.
func TestHandlerQueueFull(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Queue = NewQueue(1); o.RetryAfter = 90 * time.Second })
	if w := f.serve(delivery{event: "pull_request", id: "d1", body: prPayload("opened", 1)}); w.Code != http.StatusAccepted {
		t.Fatalf("first delivery: status %d, want 202", w.Code)
	}
	d := delivery{event: "pull_request", id: "d2", body: prPayload("opened", 2)}
	w := f.serve(d)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "90" {
		t.Errorf("full queue: status %d, Retry-After %q; want 503 and 90", w.Code, w.Header().Get("Retry-After"))
	}
	if w := f.serve(delivery{event: "pull_request", id: "d3", body: prPayload("edited", 1)}); w.Code != http.StatusAccepted {
		t.Errorf("an event for the pending pull request: status %d, want 202 (it coalesces)", w.Code)
	}
	key, _, _ := f.q.next()
	f.q.done(key)
	if w := f.serve(d); w.Code != http.StatusAccepted {
		t.Errorf("redelivery after the queue drained: status %d %q, want 202", w.Code, w.Body.String())
	}
	if got := f.queued(); len(got) != 1 || got[0].DeliveryID != "d2" {
		t.Errorf("queued %+v, want the redelivered d2", got)
	}
}

// TestHandlerDeliveryStoreFails answers 500 and queues nothing when the
// delivery cannot be recorded: a replay could not be told apart.
func TestHandlerDeliveryStoreFails(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Queue = NewQueue(1) })
	f.deliveries.err = errors.New("disk full")
	if w := f.serve(delivery{event: "pull_request", id: "d1", body: prPayload("opened", 1)}); w.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", w.Code)
	}
	if f.q.Len() != 0 {
		t.Error("an event was queued although its delivery was not recorded")
	}
	f.deliveries.err = nil
	if w := f.serve(delivery{event: "pull_request", id: "d2", body: prPayload("opened", 2)}); w.Code != http.StatusAccepted {
		t.Errorf("after the store recovered: status %d, want 202 (the failed delivery must give its room back)", w.Code)
	}
}
