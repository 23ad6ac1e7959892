package slackapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const token = "xoxb-secret-token"

// setup returns a mux under /api/ and a client of it whose waits are
// recorded, not slept.
func setup(t *testing.T) (*http.ServeMux, *Client, func() []time.Duration) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	var waits []time.Duration
	c := &Client{
		Token: token,
		URL:   srv.URL + "/api/",
		Retry: RetryPolicy{Attempts: 3, Backoff: 100 * time.Millisecond, MaxBackoff: 150 * time.Millisecond, RateWaits: 2, MaxRateWait: time.Minute},
		Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			waits = append(waits, d)
			return nil
		},
	}
	return mux, c, func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(waits)
	}
}

// answers serves the answers in turn, the last one for every further
// call, and counts the calls.
func answers(t *testing.T, mux *http.ServeMux, method string, steps ...func(http.ResponseWriter)) func() int {
	t.Helper()
	var mu sync.Mutex
	n := 0
	mux.HandleFunc("/api/"+method, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		step := steps[min(n, len(steps)-1)]
		n++
		mu.Unlock()
		step(w)
	})
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return n
	}
}

func status(code int, retryAfter string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(code)
	}
}

func body(s string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { io.WriteString(w, s) }
}

func TestCallEncodesArguments(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		note        string
		args        any
		contentType string
		want        string
	}{
		{note: "form", args: url.Values{"user": {"U1"}}, contentType: "application/x-www-form-urlencoded", want: "user=U1"},
		{note: "none", args: nil, contentType: "application/x-www-form-urlencoded", want: ""},
		{note: "JSON", args: map[string]string{"channel": "U1"}, contentType: "application/json; charset=utf-8", want: `{"channel":"U1"}`},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			mux, cl, _ := setup(t)
			mux.HandleFunc("/api/m.call", func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				if r.Method != http.MethodPost || r.Header.Get("Authorization") != "Bearer "+token ||
					r.Header.Get("Content-Type") != c.contentType || string(b) != c.want || strings.Contains(r.URL.String(), token) {
					t.Errorf("request %s %s %v %q", r.Method, r.URL, r.Header, b)
				}
				io.WriteString(w, `{"ok":true}`)
			})
			if _, err := cl.Call(t.Context(), "m.call", c.args, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCallDecodesTheEnvelope(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		note       string
		status     int
		answer     string
		hint       func(*APIError) string
		wantTS     string
		wantCursor string
		wantAPI    *APIError // Method, Code, Needed, Provided, Messages
		wantStatus int       // a *StatusError with this code
		wantErr    []string
	}{
		{note: "ok", status: 200, answer: `{"ok":true,"ts":"1.2","response_metadata":{"next_cursor":"abc"}}`, wantTS: "1.2", wantCursor: "abc"},
		{note: "missing scope", status: 200, answer: `{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"users:read"}`,
			wantAPI: &APIError{Method: "m.call", Code: "missing_scope", Needed: "chat:write", Provided: "users:read"},
			wantErr: []string{`m.call: Slack answered "missing_scope": see https://api.slack.com/methods/m.call`}},
		{note: "caller's hint", status: 200, answer: `{"ok":false,"error":"invalid_auth"}`,
			hint:    func(e *APIError) string { return "fix the token of " + e.Method },
			wantAPI: &APIError{Method: "m.call", Code: "invalid_auth"},
			wantErr: []string{`m.call: Slack answered "invalid_auth": fix the token of m.call`}},
		{note: "no caller's hint for the code", status: 200, answer: `{"ok":false,"error":"fatal_error"}`,
			hint:    func(*APIError) string { return "" },
			wantAPI: &APIError{Method: "m.call", Code: "fatal_error"},
			wantErr: []string{"see https://api.slack.com/methods/m.call for what it means"}},
		{note: "messages", status: 200, answer: `{"ok":false,"error":"invalid_blocks","response_metadata":{"messages":["[ERROR] no more than 50 items allowed <\n>"]}}`,
			wantAPI: &APIError{Method: "m.call", Code: "invalid_blocks", Messages: []string{"[ERROR] no more than 50 items allowed "}}},
		{note: "odd code", status: 200, answer: `{"ok":false,"error":"bad\"\n<b>code` + strings.Repeat("x", 300) + `"}`,
			wantAPI: &APIError{Method: "m.call", Code: "badbcode" + strings.Repeat("x", 192)}},
		{note: "ok false with another status", status: 400, answer: `{"ok":false,"error":"invalid_arguments"}`,
			wantAPI: &APIError{Method: "m.call", Code: "invalid_arguments"}},
		{note: "not JSON", status: 200, answer: "<html>hello</html>", wantErr: []string{"m.call: the answer is not Slack Web API JSON; check the Slack API URL"}},
		{note: "not found", status: 404, answer: "404 page not found", wantStatus: 404, wantErr: []string{"m.call: Slack answered HTTP 404 Not Found; check the Slack API URL"}},
		{note: "no error code", status: 403, answer: `{"ok":false}`, wantStatus: 403},
		{note: "answer of another shape", status: 200, answer: `{"ok":true,"ts":12}`, wantErr: []string{"m.call: read Slack's answer"}},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			mux, cl, _ := setup(t)
			cl.Hint = c.hint
			answers(t, mux, "m.call", func(w http.ResponseWriter) { w.WriteHeader(c.status); io.WriteString(w, c.answer) })
			var out struct {
				TS string `json:"ts"`
			}
			resp, err := cl.Call(t.Context(), "m.call", nil, &out)
			for _, w := range c.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("Call = %v, want it to say %q", err, w)
				}
			}
			var apiErr *APIError
			var statusErr *StatusError
			switch {
			case c.wantAPI != nil:
				if !errors.As(err, &apiErr) {
					t.Fatalf("Call = %v, want an *APIError", err)
				}
				apiErr.hint = ""
				if fmt.Sprintf("%#v", apiErr) != fmt.Sprintf("%#v", c.wantAPI) {
					t.Errorf("APIError\n%#v, want\n%#v", apiErr, c.wantAPI)
				}
			case c.wantStatus != 0:
				if !errors.As(err, &statusErr) || statusErr.StatusCode != c.wantStatus || statusErr.Attempts != 1 {
					t.Fatalf("Call = %v, want a *StatusError %d", err, c.wantStatus)
				}
			case c.wantErr != nil:
				if err == nil {
					t.Fatal("Call succeeded, want an error")
				}
			case err != nil:
				t.Fatalf("Call = %v", err)
			default:
				if out.TS != c.wantTS || resp.NextCursor != c.wantCursor {
					t.Errorf("Call read ts %q and cursor %q, want %q and %q", out.TS, resp.NextCursor, c.wantTS, c.wantCursor)
				}
			}
		})
	}
}

func TestCallRetries(t *testing.T) {
	t.Parallel()
	ok := body(`{"ok":true}`)
	for _, c := range []struct {
		note      string
		steps     []func(http.ResponseWriter)
		wantErr   string // "" for success
		wantWaits []time.Duration
		wantCalls int
	}{
		{note: "429 waits Retry-After", steps: []func(http.ResponseWriter){status(429, "7"), status(429, "7"), ok},
			wantWaits: []time.Duration{7 * time.Second, 7 * time.Second}, wantCalls: 3},
		{note: "429 without Retry-After waits a second", steps: []func(http.ResponseWriter){status(429, ""), ok},
			wantWaits: []time.Duration{time.Second}, wantCalls: 2},
		{note: "429 past RateWaits", steps: []func(http.ResponseWriter){status(429, "1")},
			wantErr:   "m.call: Slack answered HTTP 429 Too Many Requests after 2 rate-limit waits; gatehouse tries again later",
			wantWaits: []time.Duration{time.Second, time.Second}, wantCalls: 3},
		{note: "429 longer than MaxRateWait", steps: []func(http.ResponseWriter){status(429, "3600")},
			wantErr: "asks to wait 1h0m0s, longer than gatehouse waits", wantCalls: 1},
		{note: "5xx backs off up to MaxBackoff", steps: []func(http.ResponseWriter){status(503, ""), status(502, ""), ok},
			wantWaits: []time.Duration{100 * time.Millisecond, 150 * time.Millisecond}, wantCalls: 3},
		{note: "5xx past Attempts", steps: []func(http.ResponseWriter){status(500, "")},
			wantErr:   "HTTP 500 Internal Server Error 3 times; Slack may be down",
			wantWaits: []time.Duration{100 * time.Millisecond, 150 * time.Millisecond}, wantCalls: 3},
		{note: "ok false is not retried", steps: []func(http.ResponseWriter){body(`{"ok":false,"error":"ratelimited"}`)},
			wantErr: `Slack answered "ratelimited"`, wantCalls: 1},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			mux, cl, waits := setup(t)
			calls := answers(t, mux, "m.call", c.steps...)
			_, err := cl.Call(t.Context(), "m.call", nil, nil)
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("Call = %v, want success", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("Call = %v, want an error with %q", err, c.wantErr)
			}
			if got := waits(); !slices.Equal(got, c.wantWaits) {
				t.Errorf("waited %v, want %v", got, c.wantWaits)
			}
			if n := calls(); n != c.wantCalls {
				t.Errorf("%d calls, want %d", n, c.wantCalls)
			}
		})
	}
}

func TestCallNetworkErrors(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, c := range []struct {
		note      string
		noNetwork bool
		want      string
		wantWaits int
	}{
		{note: "retried", want: "Slack cannot be reached (3 attempts)", wantWaits: 2},
		{note: "not retried", noNetwork: true, want: "m.call: Slack cannot be reached: ", wantWaits: 0},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			_, cl, waits := setup(t)
			cl.URL = closed.URL + "/api/"
			cl.Retry.NoNetworkRetry = c.noNetwork
			_, err := cl.Call(t.Context(), "m.call", nil, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), closed.URL) {
				t.Errorf("Call = %v, want an error saying %q without the URL", err, c.want)
			}
			if n := len(waits()); n != c.wantWaits {
				t.Errorf("waited %d times, want %d", n, c.wantWaits)
			}
		})
	}
}

func TestCallCapsTheAnswer(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		note    string
		maxBody int
		size    int
		wantErr string
	}{
		{note: "default cap", size: DefaultMaxBody, wantErr: "m.call: the answer is larger than 10 MiB; check the Slack API URL"},
		{note: "caller's cap", maxBody: 1 << 20, size: 1 << 20, wantErr: "the answer is larger than 1 MiB"},
		{note: "within the cap", maxBody: 1 << 20, size: 1<<20 - 100},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			mux, cl, waits := setup(t)
			cl.MaxBody = c.maxBody
			calls := answers(t, mux, "m.call", body(`{"ok":true,"x":"`+strings.Repeat("a", c.size)+`"}`))
			_, err := cl.Call(t.Context(), "m.call", nil, nil)
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Errorf("Call = %v, want %q", err, c.wantErr)
			}
			if n := calls(); n != 1 || len(waits()) != 0 {
				t.Errorf("%d calls and %d waits, want one call: the same call gets the same answer", n, len(waits()))
			}
		})
	}
}

func TestS9TokenNeverInErrors(t *testing.T) {
	t.Parallel()
	mux, cl, _ := setup(t)
	cl.Hint = func(e *APIError) string {
		return "hint with " + e.Code + " " + e.Needed + " " + strings.Join(e.Messages, " ")
	}
	mux.HandleFunc("/api/echo", func(w http.ResponseWriter, r *http.Request) {
		a := r.Header.Get("Authorization")
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": a, "needed": a, "provided": a,
			"response_metadata": map[string]any{"messages": []string{a}}})
	})
	mux.HandleFunc("/api/html", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "<html>"+r.Header.Get("Authorization")+"</html>")
	})
	_, err := cl.Call(t.Context(), "echo", nil, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "Bearer [token]" {
		t.Fatalf("Call = %v, want an *APIError with the token redacted", err)
	}
	for _, s := range []string{err.Error(), apiErr.Code, apiErr.Needed, apiErr.Provided, strings.Join(apiErr.Messages, " ")} {
		if strings.Contains(s, token) || strings.Contains(s, "secret") {
			t.Errorf("%q holds the token", s)
		}
	}
	if _, err := cl.Call(t.Context(), "html", nil, nil); err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("Call = %v, want an error without the token", err)
	}
}

func TestSleepContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	start := time.Now()
	if err := sleepContext(ctx, time.Minute); err == nil || !strings.Contains(err.Error(), "outlast the deadline") {
		t.Errorf("sleepContext past the deadline = %v, want it to fail", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("sleepContext took %s, want it to fail at once", d)
	}
	if err := sleepContext(t.Context(), 10*time.Millisecond); err != nil {
		t.Errorf("sleepContext = %v", err)
	}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	if err := sleepContext(cancelled, time.Minute); !errors.Is(err, context.Canceled) {
		t.Errorf("sleepContext after cancel = %v, want context.Canceled", err)
	}
}

func TestStatusErrorSaysWhatToDo(t *testing.T) {
	t.Parallel()
	_, cl, _ := setup(t)
	cl.Again, cl.CheckURL = "on its next pass", "check GATEHOUSE_SLACK_API_URL"
	for _, c := range []struct {
		note string
		err  *StatusError
		want string
	}{
		{note: "long rate limit", err: cl.statusError("m", 429, 1, time.Hour), want: "m: Slack answered HTTP 429 Too Many Requests and asks to wait 1h0m0s, longer than gatehouse waits; gatehouse tries again on its next pass"},
		{note: "rate limits", err: cl.statusError("m", 429, 4, 0), want: "after 3 rate-limit waits; gatehouse tries again on its next pass"},
		{note: "down", err: cl.statusError("m", 503, 4, 0), want: "HTTP 503 Service Unavailable 4 times; Slack may be down (https://slack-status.com): gatehouse tries again on its next pass"},
		{note: "elsewhere", err: cl.statusError("m", 404, 1, 0), want: "HTTP 404 Not Found; check GATEHOUSE_SLACK_API_URL"},
		{note: "zero value", err: &StatusError{Method: "m", StatusCode: 404}, want: "HTTP 404 Not Found; check the Slack API URL"},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			if got := c.err.Error(); !strings.Contains(got, c.want) {
				t.Errorf("Error = %q, want it to say %q", got, c.want)
			}
		})
	}
}

// TestS9SlackAPIClientNeverPrintsItsToken: a client printed or logged by
// mistake hides its token.
func TestS9SlackAPIClientNeverPrintsItsToken(t *testing.T) {
	c := Client{Token: token, URL: "https://slack.example/api/"}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("client", "c", c, "p", &c)
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c), fmt.Sprintf("%v %+v", &c, &c), logged.String()} {
		if strings.Contains(out, token) {
			t.Errorf("the token shows: %s", out)
		}
	}
}
