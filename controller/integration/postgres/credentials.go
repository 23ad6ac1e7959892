package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

// Credentials are the login gatehouse connects with. They come from the
// controller's environment or files (CredentialsFromEnv), never from the
// access repo. Printing them with fmt shows the user and hides the
// password.
type Credentials struct {
	// User is the PostgreSQL role gatehouse logs in as. It needs
	// CREATEROLE (or ADMIN OPTION on the roles it grants) and, with
	// createRoles: true, the right to create login roles.
	User string
	// Password is the role's password; it never appears in errors or logs.
	Password string
}

// String shows the user and hides the password, so that a Credentials
// printed by mistake leaks nothing.
func (c Credentials) String() string {
	if c.Password == "" {
		return fmt.Sprintf("user=%s password=(none)", c.User)
	}
	return fmt.Sprintf("user=%s password=(redacted)", c.User)
}

// GoString is String for %#v.
func (c Credentials) GoString() string { return "postgres.Credentials{" + c.String() + "}" }

// EnvPrefix returns the prefix of the environment variables that hold the
// credentials of the PostgreSQL integration called name:
// GATEHOUSE_POSTGRES_ and the name upper-cased, with every character other
// than a letter or digit turned into an underscore ("prod-postgres" gives
// GATEHOUSE_POSTGRES_PROD_POSTGRES).
func EnvPrefix(name string) string { return reconcile.EnvPrefix("postgres", name) }

// CredentialsFromEnv reads the credentials from the variables
// PREFIX_USER and either PREFIX_PASSWORD or PREFIX_PASSWORD_FILE (a file
// whose content, without a trailing newline, is the password), where
// PREFIX is usually EnvPrefix(name). getenv and readFile are os.Getenv
// and os.ReadFile outside tests. When the user or password is not set it
// returns an error wrapping reconcile.ErrNotConfigured that names the
// variables to set; no error ever contains the password.
func CredentialsFromEnv(prefix string, getenv func(string) string, readFile func(string) ([]byte, error)) (Credentials, error) {
	userVar, pwVar, fileVar := prefix+"_USER", prefix+"_PASSWORD", prefix+"_PASSWORD_FILE"
	user := getenv(userVar)
	if user == "" {
		return Credentials{}, fmt.Errorf("postgres credentials: set %s and %s (or %s, a file holding the password) in the controller's environment: %w",
			userVar, pwVar, fileVar, reconcile.ErrNotConfigured)
	}
	pw, _, err := reconcile.SecretFromEnv("postgres password", pwVar, getenv, readFile)
	if err != nil {
		return Credentials{}, err
	}
	if strings.ContainsRune(pw, 0) {
		return Credentials{}, errors.New("postgres credentials: the password contains a NUL byte, which PostgreSQL cannot accept; set it again")
	}
	return Credentials{User: user, Password: pw}, nil
}
