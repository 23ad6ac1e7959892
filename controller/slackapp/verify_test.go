package slackapp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Slack's own example of a signed request
// (https://api.slack.com/authentication/verifying-requests-from-slack).
const (
	docSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	docTimestamp = "1531420618"
	docBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	docSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

// signingSecret is the tests' signing secret.
const signingSecret = "test-signing-secret-0123456789abcdef"

// testNow is the tests' clock.
var testNow = time.Unix(1_750_000_000, 0)

// signature signs body as Slack does, independently of the package.
func signature(secret, ts, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + ts + ":" + body))
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// signedHeader is the header Slack sends with body at t.
func signedHeader(secret, body string, t time.Time) http.Header {
	ts := strconv.FormatInt(t.Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, signature(secret, ts, body))
	return h
}

func TestS6SlackSignatureCheckedBeforeParsingWithinFiveMinutes(t *testing.T) {
	t.Parallel()
	body := "payload=" + url.QueryEscape(`{"type":"block_actions"}`)
	ts := strconv.FormatInt(testNow.Unix(), 10)
	header := func(sig, ts string) http.Header {
		h := http.Header{}
		if sig != "" {
			h.Set(HeaderSignature, sig)
		}
		if ts != "" {
			h.Set(HeaderTimestamp, ts)
		}
		return h
	}
	for _, c := range []struct {
		note   string
		secret string
		header http.Header
		body   string
		now    time.Time
		want   error // nil for valid
	}{
		{note: "valid", header: signedHeader(signingSecret, body, testNow)},
		{note: "valid 4m59s old", header: signedHeader(signingSecret, body, testNow.Add(-MaxSkew+time.Second))},
		{note: "valid 4m59s ahead", header: signedHeader(signingSecret, body, testNow.Add(MaxSkew-time.Second))},
		{note: "Slack's documented example", secret: docSecret, header: header(docSignature, docTimestamp), body: docBody, now: time.Unix(1531420618+60, 0)},
		{note: "wrong secret", header: signedHeader("another-secret", body, testNow), want: ErrBadSignature},
		{note: "body changed", header: signedHeader(signingSecret, body, testNow), body: body + "&x=1", want: ErrBadSignature},
		{note: "timestamp changed", header: header(signature(signingSecret, ts, body), strconv.FormatInt(testNow.Unix()+1, 10)), want: ErrBadSignature},
		{note: "signature missing", header: header("", ts), want: ErrBadSignature},
		{note: "timestamp missing", header: header(signature(signingSecret, ts, body), ""), want: ErrBadSignature},
		{note: "signature not hex", header: header("v0=zz"+strings.Repeat("0", 62), ts), want: ErrBadSignature},
		{note: "signature short", header: header(signature(signingSecret, ts, body)[:40], ts), want: ErrBadSignature},
		{note: "signature without version", header: header(strings.TrimPrefix(signature(signingSecret, ts, body), "v0="), ts), want: ErrBadSignature},
		{note: "signature v1", header: header("v1="+strings.TrimPrefix(signature(signingSecret, ts, body), "v0="), ts), want: ErrBadSignature},
		{note: "signature upper case V0", header: header("V0="+strings.TrimPrefix(signature(signingSecret, ts, body), "v0="), ts), want: ErrBadSignature},
		{note: "6 minutes old", header: signedHeader(signingSecret, body, testNow.Add(-6*time.Minute)), want: ErrStale},
		{note: "6 minutes in the future", header: signedHeader(signingSecret, body, testNow.Add(6*time.Minute)), want: ErrStale},
		{note: "Slack's example today", secret: docSecret, header: header(docSignature, docTimestamp), body: docBody, want: ErrStale},
		{note: "non-numeric timestamp", header: header(signature(signingSecret, "soon", body), "soon"), want: ErrBadSignature},
		{note: "signed timestamp with a sign", header: header(signature(signingSecret, "+"+ts, body), "+"+ts), want: ErrBadSignature},
		{note: "huge timestamp", header: header(signature(signingSecret, "99999999999999999999", body), "99999999999999999999"), want: ErrBadSignature},
		{note: "empty secret", secret: "-", header: signedHeader("", body, testNow), want: errNoSecret},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			secret, b, now := c.secret, c.body, c.now
			switch secret {
			case "":
				secret = signingSecret
			case "-":
				secret = ""
			}
			if b == "" {
				b = body
			}
			if now.IsZero() {
				now = testNow
			}
			err := Verify(secret, c.header, []byte(b), now)
			switch {
			case c.want == nil && err != nil:
				t.Fatalf("Verify = %v, want nil", err)
			case c.want != nil && !errors.Is(err, c.want):
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
			if err != nil {
				for _, secretish := range []string{secret, c.header.Get(HeaderSignature)} {
					if secretish != "" && strings.Contains(err.Error(), strings.TrimPrefix(secretish, "v0=")) {
						t.Errorf("Verify's error %q holds the secret or the signature (S9)", err)
					}
				}
			}
		})
	}

	t.Run("through the handler", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		// A signed request would be an approval; none of these is.
		body := f.form(f.clickPayload(actionApprove, refJSON(t, testRef)))
		for _, c := range []struct {
			note   string
			header http.Header
		}{
			{note: "wrong secret", header: signedHeader("another-secret", body, testNow)},
			{note: "stale", header: signedHeader(signingSecret, body, testNow.Add(-6*time.Minute))},
			{note: "unsigned", header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}},
		} {
			rec := f.serve(http.MethodPost, body, c.header)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", c.note, rec.Code)
			}
			if strings.Contains(rec.Body.String(), signingSecret) {
				t.Errorf("%s: the answer holds the secret", c.note)
			}
		}
		// Not even a payload that is not JSON is read before the check.
		rec := f.serve(http.MethodPost, "payload={not json", signedHeader("another-secret", "payload={not json", testNow))
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("garbage with a wrong signature: status %d, want 401", rec.Code)
		}
		f.handler.Secret = ""
		if rec := f.serve(http.MethodPost, body, signedHeader("", body, testNow)); rec.Code != http.StatusUnauthorized {
			t.Errorf("no secret configured: status %d, want 401", rec.Code)
		}
		if n := len(f.actions()); n != 0 {
			t.Errorf("Act called %d times for requests that fail the check", n)
		}
		if len(f.slack.Responses()) != 0 {
			t.Errorf("replies posted for requests that fail the check: %q", f.slack.Responses())
		}
		logs := f.logs.String()
		if !strings.Contains(logs, "slack interaction refused") {
			t.Errorf("refusals not logged:\n%s", logs)
		}
		if strings.Contains(logs, signingSecret) || strings.Contains(logs, strings.TrimPrefix(signature("another-secret", strconv.FormatInt(testNow.Unix(), 10), body), "v0=")) {
			t.Errorf("the log holds the secret or a signature (S9):\n%s", logs)
		}
	})
}

func FuzzVerify(f *testing.F) {
	f.Add(docSignature, docTimestamp, []byte(docBody))
	f.Add("v0=", "0", []byte(""))
	f.Fuzz(func(t *testing.T, sig, ts string, body []byte) {
		h := http.Header{}
		h.Set(HeaderSignature, sig)
		h.Set(HeaderTimestamp, ts)
		if err := Verify(docSecret, h, body, time.Unix(1531420618, 0)); err == nil && (!strings.EqualFold(sig, docSignature) || ts != docTimestamp || string(body) != docBody) {
			t.Errorf("Verify accepted signature %q, timestamp %q and a body of %d bytes", sig, ts, len(body))
		}
	})
}

// Compile-time check that the handler is an http.Handler.
var _ http.Handler = (*Handler)(nil)

// serveNoFixture serves one request on a bare handler.
func serveNoFixture(h *Handler, method, body string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequestWithContext(context.Background(), method, "/slack/interactions", strings.NewReader(body))
	for k, v := range header {
		r.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}
