package slack

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

// redacted is what a Token prints instead of its value.
const redacted = "(redacted)"

// Token is the Slack API token the integration authenticates with. It
// comes from the controller's environment or a file (TokenFromEnv),
// never from the access repo (S9). Printing it, with any fmt verb,
// shows where it came from and hides its value.
type Token struct {
	value string
	// from names the variable the token came from, for messages.
	from string
}

// NewToken wraps a token value, for callers that hold it already (tests,
// a secret manager). from names where it came from, such as the variable
// GATEHOUSE_SLACK_ACME_TOKEN, and appears in messages that say which
// token to fix; it may be empty.
func NewToken(value, from string) Token { return Token{value: value, from: from} }

// IsZero reports whether the token is empty.
func (t Token) IsZero() bool { return t.value == "" }

// String shows where the token came from and hides its value, so that a
// Token printed by mistake leaks nothing.
func (t Token) String() string {
	switch {
	case t.value == "":
		return "slack token (none)"
	case t.from == "":
		return "slack token " + redacted
	default:
		return "slack token from " + t.from + " " + redacted
	}
}

// GoString is String for %#v.
func (t Token) GoString() string { return "slack.Token{" + t.String() + "}" }

// Format prints String for every verb, so that neither %d nor %x, which
// would otherwise print the struct's fields, shows the value.
func (t Token) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, t.GoString())
		return
	}
	fmt.Fprint(f, t.String())
}

// source names the token's variable for messages that ask to fix it.
func (t Token) source() string {
	if t.from == "" {
		return "the Slack token"
	}
	return "the token in " + t.from
}

// EnvPrefix returns the prefix of the environment variables that hold the
// token of the Slack integration called name: GATEHOUSE_SLACK_ and the
// name upper-cased, with every character other than a letter or digit
// turned into an underscore ("acme-slack" gives GATEHOUSE_SLACK_ACME_SLACK).
func EnvPrefix(name string) string { return reconcile.EnvPrefix("slack", name) }

// TokenFromEnv reads the token from PREFIX_TOKEN or PREFIX_TOKEN_FILE (a
// file whose content, without a trailing newline, is the token), where
// PREFIX is usually EnvPrefix(name). getenv and readFile are os.Getenv and
// os.ReadFile outside tests. When neither is set it returns an error
// wrapping reconcile.ErrNotConfigured that names the variables to set; no
// error ever contains the token.
func TokenFromEnv(prefix string, getenv func(string) string, readFile func(string) ([]byte, error)) (Token, error) {
	value, from, err := reconcile.SecretFromEnv("slack token", prefix+"_TOKEN", getenv, readFile)
	if err != nil {
		return Token{}, err
	}
	if strings.ContainsFunc(value, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return Token{}, errors.New("slack token: the token in " + from + " contains spaces or control characters, which an HTTP header cannot carry; set it again")
	}
	return Token{value: value, from: from}, nil
}
