package scim

import (
	"fmt"
	"log/slog"
	"strings"
	"unicode"

	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

// Token is the bearer token gatehouse sends to the SCIM service. It comes
// from the controller's environment or a file (TokenFromEnv), never from
// the access repo. However it is printed — fmt with any verb, log/slog —
// it shows where it came from and hides the secret (S9).
type Token struct {
	// s holds the secret behind a pointer: fmt prints a struct's
	// unexported fields without calling their methods, but a pointer
	// inside a struct only as its address, so a Token inside an
	// Integration (or any struct) prints no secret either.
	s *tokenSecret
	// source names where the token came from, for messages: an
	// environment variable, never the value.
	source string
}

type tokenSecret struct{ value string }

// NewToken returns a token holding secret. source says where the secret
// came from ("GATEHOUSE_SCIM_HR_PORTAL_TOKEN") so that an error about a
// rejected token can say which setting to fix; it must never be the
// secret itself.
func NewToken(secret, source string) Token {
	if secret == "" {
		return Token{source: source}
	}
	return Token{s: &tokenSecret{secret}, source: source}
}

// IsZero reports whether the token holds no secret.
func (t Token) IsZero() bool { return t.s == nil }

// secret returns the token's value, for the Authorization header only.
func (t Token) secret() string {
	if t.s == nil {
		return ""
	}
	return t.s.value
}

// Source returns where the token came from, as given to NewToken or set
// by TokenFromEnv; "the SCIM token" when unknown.
func (t Token) Source() string {
	if t.source == "" {
		return "the SCIM token"
	}
	return t.source
}

// String shows where the token came from and hides its value.
func (t Token) String() string {
	if t.IsZero() {
		return "scim token (none)"
	}
	if t.source == "" {
		return "scim token (redacted)"
	}
	return "scim token from " + t.source + " (redacted)"
}

// GoString is String for %#v.
func (t Token) GoString() string { return "scim.Token{" + t.String() + "}" }

// Format prints String for every verb, so that no verb (%d, %x on the
// struct) reaches the secret.
func (t Token) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, t.GoString())
		return
	}
	fmt.Fprint(f, t.String())
}

// LogValue makes log/slog print String.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// redact replaces every copy of the secret in s; text from the SCIM
// service goes through it before it reaches an error, in case the
// service echoes what it was sent.
func (t Token) redact(s string) string {
	if t.IsZero() {
		return s
	}
	return strings.ReplaceAll(s, t.secret(), "(redacted)")
}

// EnvPrefix returns the prefix of the environment variables that hold the
// token of the SCIM integration called name: GATEHOUSE_SCIM_ and the name
// upper-cased, with every character other than a letter or digit turned
// into an underscore ("hr-portal" gives GATEHOUSE_SCIM_HR_PORTAL).
func EnvPrefix(name string) string { return reconcile.EnvPrefix("scim", name) }

// TokenFromEnv reads the bearer token from PREFIX_TOKEN or
// PREFIX_TOKEN_FILE (a file whose content, without a trailing newline, is
// the token), where PREFIX is usually EnvPrefix(name). getenv and
// readFile are os.Getenv and os.ReadFile outside tests. When neither is
// set it returns an error wrapping reconcile.ErrNotConfigured that names
// both variables; setting both is an error too. No error ever contains
// the token.
func TokenFromEnv(prefix string, getenv func(string) string, readFile func(string) ([]byte, error)) (Token, error) {
	secret, source, err := reconcile.SecretFromEnv("scim token", prefix+"_TOKEN", getenv, readFile)
	if err != nil {
		return Token{}, err
	}
	// A space or control character would break the Authorization header
	// (or smuggle another header into it); say so without showing it.
	if i := strings.IndexFunc(secret, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }); i >= 0 {
		return Token{}, fmt.Errorf("scim token: the token in %s contains a space or control character at byte %d; set it again without it", source, i)
	}
	return NewToken(secret, source), nil
}
