package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SCIM's media type and the URNs of the messages gatehouse sends and reads
// (RFC 7644 §3.1, §3.4.2, §3.5.2, §3.12; RFC 7643 §4).
const (
	mediaType     = "application/scim+json"
	schemaUser    = "urn:ietf:params:scim:schemas:core:2.0:User"
	schemaPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	schemaError   = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// MaxResponseBytes caps how much of one response gatehouse reads; a
// larger answer is an error rather than a controller out of memory.
const MaxResponseBytes = 10 << 20

// maxDetail caps how much of the service's error text reaches an error.
const maxDetail = 300

// RetryPolicy bounds how hard one request to the SCIM service is tried.
// Only 429 Too Many Requests, 5xx answers other than 501 Not Implemented
// and network errors are retried; any other 4xx is final.
type RetryPolicy struct {
	// Attempts is how often a request is made in all.
	Attempts int
	// Backoff is the wait after the first failure; each further wait
	// doubles. A 429's Retry-After replaces it.
	Backoff time.Duration
	// MaxWait is the longest single wait. A Retry-After asking for more
	// ends the retries with an error: the reconciler tries again on its
	// next pass.
	MaxWait time.Duration
}

// DefaultRetryPolicy makes a request up to four times over about 3.5 s
// of failures and waits at most a minute for a rate limit.
var DefaultRetryPolicy = RetryPolicy{Attempts: 4, Backoff: 500 * time.Millisecond, MaxWait: time.Minute}

// Error is an error answer of the SCIM service (RFC 7644 §3.12).
type Error struct {
	// Status is the HTTP status code.
	Status int
	// SCIMType is the SCIM detail error keyword ("uniqueness",
	// "invalidFilter", "noTarget"), empty when the service gave none.
	SCIMType string
	// Detail is the service's human-readable detail, shortened, with any
	// copy of the token removed.
	Detail string
	// RetryAfter is how long a 429 or 503 asked to wait; 0 when it did
	// not say.
	RetryAfter time.Duration
}

// Error returns "HTTP 409 Conflict (uniqueness): detail".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.Status)
	if t := http.StatusText(e.Status); t != "" {
		b.WriteString(" " + t)
	}
	if e.SCIMType != "" {
		b.WriteString(" (" + e.SCIMType + ")")
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// retriable reports whether asking again may succeed.
func (e *Error) retriable() bool {
	return e.Status == http.StatusTooManyRequests || (e.Status >= 500 && e.Status != http.StatusNotImplemented)
}

// statusOf returns the HTTP status of a SCIM error answer, 0 for other
// errors.
func statusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// scimTypeOf returns the scimType of a SCIM error answer.
func scimTypeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.SCIMType
	}
	return ""
}

// errorBody is a SCIM error message. Its status (a string in RFC 7644,
// a number from some services) is not read: the HTTP status is the one
// that counts.
type errorBody struct {
	Schemas  []string `json:"schemas"`
	SCIMType string   `json:"scimType"`
	Detail   string   `json:"detail"`
}

// request is one call to the SCIM service.
type request struct {
	method string
	// path is relative to the base URL: "/Users", "/Groups/{id}".
	path  string
	query url.Values
	body  any
}

// errRedirect refuses a redirect: the token goes to the configured
// address only.
var errRedirect = errors.New("the SCIM service redirected; gatehouse follows no redirects, so that the token goes nowhere else")

// do sends r, retrying as the policy allows, and decodes a successful
// answer's body into out (when out is not nil and there is a body).
func (in *Integration) do(ctx context.Context, r request, out any) error {
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("encode the request: %w", err)
		}
	}
	attempts := max(in.retry.Attempts, 1)
	for failures := 1; ; failures++ {
		data, retry, err := in.send(ctx, r, body)
		if err == nil {
			if out == nil || len(bytes.TrimSpace(data)) == 0 {
				return nil
			}
			if err := json.Unmarshal(data, out); err != nil {
				return fmt.Errorf("read the answer to %s %s: %w; is scim.baseURL the service's SCIM root?", r.method, r.path, err)
			}
			return nil
		}
		if !retry || ctx.Err() != nil {
			return err
		}
		if failures >= attempts {
			if attempts == 1 {
				return err
			}
			return fmt.Errorf("%w (gave up after %d attempts: the SCIM service may be down or overloaded; the reconciler tries again on its next pass)", err, failures)
		}
		wait := in.retry.Backoff << (failures - 1)
		var scimErr *Error
		if errors.As(err, &scimErr) && scimErr.RetryAfter > 0 {
			wait = scimErr.RetryAfter
			if in.retry.MaxWait > 0 && wait > in.retry.MaxWait {
				return fmt.Errorf("%w (the SCIM service asks to wait %s, longer than gatehouse waits (%s); the reconciler tries again on its next pass)",
					err, wait, in.retry.MaxWait)
			}
		}
		if in.retry.MaxWait > 0 {
			wait = min(wait, in.retry.MaxWait)
		}
		if werr := in.sleep(ctx, wait); werr != nil {
			return fmt.Errorf("%w (%w)", err, werr)
		}
	}
}

// send makes one HTTP request and returns the body of a 2xx answer, or
// an *Error for any other status, or the transport's error; retry says
// whether asking again may succeed.
func (in *Integration) send(ctx context.Context, r request, body []byte) (data []byte, retry bool, err error) {
	u := in.base + r.path
	if len(r.query) > 0 {
		u += "?" + encodeQuery(r.query)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, rd)
	if err != nil {
		return nil, false, fmt.Errorf("build the request %s %s: %w", r.method, r.path, err)
	}
	req.Header.Set("Authorization", "Bearer "+in.token.secret())
	req.Header.Set("Accept", mediaType)
	req.Header.Set("User-Agent", "gatehouse")
	if body != nil {
		req.Header.Set("Content-Type", mediaType)
	}
	resp, err := in.client.Do(req)
	if err != nil {
		// url.Error names the method and URL, which hold no secret.
		return nil, !errors.Is(err, errRedirect), err
	}
	defer resp.Body.Close()
	data, err = io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, true, fmt.Errorf("read the answer to %s %s: %w", r.method, r.path, err)
	}
	if len(data) > MaxResponseBytes {
		return nil, false, fmt.Errorf("the answer to %s %s is larger than %d MiB; set a smaller page size, or check scim.baseURL", r.method, r.path, MaxResponseBytes>>20)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return data, false, nil
	}
	e := in.errorOf(resp, data)
	return nil, e.retriable(), e
}

// errorOf reads a SCIM error answer; a body that is not one (a proxy's
// HTML page) contributes its first line of text.
func (in *Integration) errorOf(resp *http.Response, data []byte) *Error {
	e := &Error{Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	var b errorBody
	if json.Unmarshal(data, &b) == nil && (slices.Contains(b.Schemas, schemaError) || b.Detail != "" || b.SCIMType != "") {
		e.SCIMType, e.Detail = b.SCIMType, b.Detail
	} else {
		e.Detail, _, _ = strings.Cut(strings.TrimSpace(string(data)), "\n")
	}
	e.SCIMType = in.clean(e.SCIMType, 40)
	e.Detail = in.clean(e.Detail, maxDetail)
	return e
}

// clean makes text from the service fit for an error: the token removed,
// control characters dropped, at most n bytes.
func (in *Integration) clean(s string, n int) string {
	s = in.token.redact(s)
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.TrimSpace(s)
}

// retryAfter reads a Retry-After header: seconds or an HTTP date; 0 when
// absent or unreadable.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil {
		return time.Duration(max(s, 0)) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// encodeQuery encodes query parameters with %20 for spaces: several SCIM
// services read '+' in a filter literally.
func encodeQuery(q url.Values) string {
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}

// sleep waits d unless ctx ends first or its deadline comes before d has
// passed.
func sleep(ctx context.Context, d time.Duration) error {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return fmt.Errorf("waiting %s for the SCIM service would outlast the deadline", d.Round(time.Millisecond))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("stopped waiting for the SCIM service: %w", ctx.Err())
	case <-t.C:
		return nil
	}
}

// filterEq returns the SCIM filter `attr eq "value"` with value quoted as
// a JSON string (RFC 7644 §3.4.2.2): quotes and backslashes escaped.
func filterEq(attr, value string) string {
	var b strings.Builder
	b.WriteString(attr + ` eq "`)
	for _, r := range value {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
