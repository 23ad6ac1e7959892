package reconcile

import (
	"bytes"
	"fmt"
	"strings"
)

// EnvPrefix returns the prefix of the environment variables that hold the
// secrets of the integration called name of type kind: GATEHOUSE_, the
// kind and the name upper-cased, with every character other than a letter
// or digit turned into an underscore ("scim", "hr-portal" gives
// GATEHOUSE_SCIM_HR_PORTAL).
func EnvPrefix(kind, name string) string {
	var b strings.Builder
	b.WriteString("GATEHOUSE_")
	for _, r := range strings.ToUpper(kind + "_" + name) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// SecretFromEnv reads an integration's secret from the controller's
// environment, never from the access repo (S9): the variable v, or the
// file named by v_FILE, whose content without a trailing newline is the
// secret. what names the secret in messages ("scim token"; its last word,
// "token", is what the file holds). When neither is set the error wraps
// ErrNotConfigured and names both variables; both set, or a file that
// cannot be read or is empty, is an error too. source is the variable the
// secret came from. No error ever contains the secret.
func SecretFromEnv(what, v string, getenv func(string) string, readFile func(string) ([]byte, error)) (secret, source string, err error) {
	fileVar := v + "_FILE"
	noun := what[strings.LastIndexByte(what, ' ')+1:]
	secret, file := getenv(v), getenv(fileVar)
	switch {
	case secret == "" && file == "":
		return "", "", fmt.Errorf("%s: set %s (or %s, a file holding the %s) in the controller's environment: %w",
			what, v, fileVar, noun, ErrNotConfigured)
	case secret != "" && file != "":
		return "", "", fmt.Errorf("%s: both %s and %s are set; keep one of them", what, v, fileVar)
	case file != "":
		data, err := readFile(file)
		if err != nil {
			// The error names the file, never its content.
			return "", "", fmt.Errorf("%s: read the %s file %s named by %s: %w", what, noun, file, fileVar, err)
		}
		data = bytes.TrimRight(data, "\r\n")
		if len(data) == 0 {
			return "", "", fmt.Errorf("%s: the %s file %s named by %s is empty; write the %s into it", what, noun, file, fileVar, noun)
		}
		return string(data), fileVar, nil
	}
	return secret, v, nil
}
