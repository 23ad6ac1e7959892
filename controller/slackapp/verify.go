package slackapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headers Slack signs requests with.
const (
	HeaderSignature = "X-Slack-Signature"
	HeaderTimestamp = "X-Slack-Request-Timestamp"
)

// MaxSkew is how far a request's timestamp may be from now (S6): Slack's
// own advice, and what keeps a captured request from being replayed later.
const MaxSkew = 5 * time.Minute

// MaxBody caps the body of a request from Slack (an interaction or a
// slash command).
const MaxBody = 1 << 20

// Sentinel errors of Verify.
var (
	// ErrBadSignature is a request that is not signed with the signing
	// secret: no, a malformed or a wrong signature or timestamp header,
	// or a body other than the one signed.
	ErrBadSignature = errors.New("the request is not signed with the Slack app's signing secret")
	// ErrStale is a correctly signed request whose timestamp is more than
	// MaxSkew from now: a replay, or a clock that is off.
	ErrStale = errors.New("the request's timestamp is more than 5 minutes from now")
)

// errNoSecret refuses every request when no signing secret is set.
var errNoSecret = errors.New("no Slack signing secret is set, so every request is refused: set GATEHOUSE_SLACK_SIGNING_SECRET to the app's Signing Secret (Basic Information → App Credentials)")

// signatureVersion is the only scheme Slack signs with today.
const signatureVersion = "v0"

// Verify checks that body was sent by Slack: the v0 signature
// ("v0=" + hex HMAC-SHA256 of "v0:" + timestamp + ":" + body with the
// signing secret), compared in constant time, and a timestamp within
// MaxSkew of now (either direction). An empty secret is an error (never
// skip the check). Errors wrap ErrBadSignature or ErrStale, and never
// hold the secret or the signature.
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	if secret == "" {
		return errNoSecret
	}
	ts := h.Get(HeaderTimestamp)
	if !isUnixTime(ts) {
		return fmt.Errorf("%w: %s is missing or not a Unix time", ErrBadSignature, HeaderTimestamp)
	}
	hexSig, ok := strings.CutPrefix(h.Get(HeaderSignature), signatureVersion+"=")
	if !ok {
		return fmt.Errorf("%w: %s is missing or not a %s signature", ErrBadSignature, HeaderSignature, signatureVersion)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: %s is not a hex SHA-256 MAC", ErrBadSignature, HeaderSignature)
	}
	if !hmac.Equal(got, sign(secret, ts, body)) {
		return fmt.Errorf("%w: the signature does not match (a wrong GATEHOUSE_SLACK_SIGNING_SECRET, or a forged or altered request)", ErrBadSignature)
	}
	// Checked after the signature, so that ErrStale always means a request
	// Slack did sign: a replay or a clock out of step.
	sec, _ := strconv.ParseInt(ts, 10, 64)
	if skew := now.Sub(time.Unix(sec, 0)); skew > MaxSkew || skew < -MaxSkew {
		return fmt.Errorf("%w: it is %s off (check the controller's clock if this repeats)", ErrStale, skew.Round(time.Second))
	}
	return nil
}

// sign returns the MAC Slack puts in HeaderSignature.
func sign(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signatureVersion + ":" + ts + ":"))
	m.Write(body)
	return m.Sum(nil)
}

// isUnixTime reports whether ts is a Unix time in seconds as Slack sends
// it: decimal digits alone, no sign or spaces.
func isUnixTime(ts string) bool {
	if ts == "" || len(ts) > 18 {
		return false
	}
	for _, r := range ts {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
