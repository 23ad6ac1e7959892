// Package pgtest starts a throwaway PostgreSQL server for a test binary:
// it finds initdb and pg_ctl (PATH, /usr/lib/postgresql/*/bin,
// /usr/local/bin, /usr/local/pgsql/bin), installs Debian's postgresql
// package with apt-get when they are missing and the tests run as root,
// creates a cluster in a temporary folder owned by an unprivileged user
// (initdb refuses root), and serves it on a free port of 127.0.0.1 only.
//
// The superuser postgres connects without a password (trust); every other
// role must log in with a SCRAM password, like on a real server.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// and in each test srv := pgtest.Get(t). When no server can be had, Get
// fails the test with what to install; only GATEHOUSE_SKIP_POSTGRES=1,
// outside CI, turns that into a skip.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Superuser is the name of the cluster's superuser.
const Superuser = "postgres"

// installHint says what to install when the tests cannot do it.
const installHint = "install PostgreSQL's server (Debian: apt-get install -y postgresql) so that initdb and pg_ctl exist, or run the tests as root to let them install it"

// Server is a running throwaway cluster.
type Server struct {
	// Host and Port are where the server listens: 127.0.0.1 and a free
	// port.
	Host string
	Port int
	// Version is the server's major version ("15").
	Version string

	bin     string // folder holding initdb and pg_ctl
	dir     string // temporary folder: data, socket, log
	account *osUser
}

var (
	shared    *Server
	sharedErr error
)

// Main starts the server, runs the tests and stops the server, returning
// the exit code for os.Exit.
func Main(m *testing.M) int {
	shared, sharedErr = Start()
	defer func() {
		if shared != nil {
			if err := shared.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, "pgtest:", err)
			}
		}
	}()
	return m.Run()
}

// Get returns the server Main started. When there is none, it fails t
// with the reason, or skips t when GATEHOUSE_SKIP_POSTGRES=1 is set and
// CI is not.
func Get(t testing.TB) *Server {
	t.Helper()
	switch {
	case shared != nil:
		return shared
	case sharedErr == nil:
		t.Fatal("pgtest: no server; call pgtest.Main from TestMain")
	case os.Getenv("GATEHOUSE_SKIP_POSTGRES") == "1" && os.Getenv("CI") == "":
		t.Skipf("pgtest: GATEHOUSE_SKIP_POSTGRES=1 and %v", sharedErr)
	}
	t.Fatalf("pgtest: %v", sharedErr)
	return nil
}

// Start creates and starts a cluster. Stop it when done.
func Start() (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	account, err := serverUser()
	if err != nil {
		return nil, err
	}
	s := &Server{Host: "127.0.0.1", bin: bin, account: account}
	// The folder must be reachable by the server's user; TMPDIR may not
	// be when it lies under root's home.
	base := ""
	if account != nil {
		base = "/tmp"
	}
	if s.dir, err = os.MkdirTemp(base, "gatehouse-pg-"); err != nil {
		return nil, fmt.Errorf("pgtest: make a temporary folder: %w", err)
	}
	if err := s.setUp(); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	return s, nil
}

func (s *Server) setUp() error {
	if err := s.account.own(s.dir); err != nil {
		return err
	}
	data := filepath.Join(s.dir, "data")
	if out, err := s.run("initdb", "-D", data, "-U", Superuser, "--no-locale", "-E", "UTF8", "--no-sync",
		"--auth-local=trust", "--auth-host=scram-sha-256"); err != nil {
		return fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	hba := "local all all trust\n" +
		"host all " + Superuser + " 127.0.0.1/32 trust\n" +
		"host all all 127.0.0.1/32 scram-sha-256\n"
	if err := os.WriteFile(filepath.Join(data, "pg_hba.conf"), []byte(hba), 0o600); err != nil {
		return fmt.Errorf("pgtest: write pg_hba.conf: %w", err)
	}
	if err := s.account.own(filepath.Join(data, "pg_hba.conf")); err != nil {
		return err
	}
	if v, err := os.ReadFile(filepath.Join(data, "PG_VERSION")); err == nil {
		s.Version = strings.TrimSpace(string(v))
	}
	// A port that was free a moment ago may be taken by now: try again.
	var err error
	for range 3 {
		if s.Port, err = freePort(); err != nil {
			return err
		}
		opts := fmt.Sprintf("-h %s -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
			s.Host, s.Port, s.dir)
		var out []byte
		out, err = s.run("pg_ctl", "start", "-w", "-t", "30", "-D", data, "-l", filepath.Join(s.dir, "server.log"), "-o", opts)
		if err == nil {
			return s.ready()
		}
		log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
		err = fmt.Errorf("pgtest: pg_ctl start on port %d: %w\n%s\n%s", s.Port, err, out, log)
	}
	return err
}

// ready waits until the server answers a query.
func (s *Server) ready() error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := s.Exec(ctx, "SELECT 1")
		cancel()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop stops the server and removes its files.
func (s *Server) Stop() error {
	out, err := s.run("pg_ctl", "stop", "-w", "-m", "fast", "-D", filepath.Join(s.dir, "data"))
	if err != nil {
		return fmt.Errorf("pgtest: pg_ctl stop: %w\n%s", err, out)
	}
	return os.RemoveAll(s.dir)
}

// Settings returns integration settings for the server's postgres
// database, without TLS.
func (s *Server) Settings() model.PostgresIntegration {
	return model.PostgresIntegration{Host: s.Host, Port: s.Port, Database: "postgres", SSLMode: "disable"}
}

// Connect opens a connection as the superuser.
func (s *Server) Connect(ctx context.Context) (*pgx.Conn, error) {
	return pgx.Connect(ctx, fmt.Sprintf("host=%s port=%d user=%s dbname=postgres sslmode=disable", s.Host, s.Port, Superuser))
}

// Exec runs statements as the superuser, each on its own.
func (s *Server) Exec(ctx context.Context, statements ...string) error {
	conn, err := s.Connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, st := range statements {
		if _, err := conn.Exec(ctx, st); err != nil {
			return fmt.Errorf("%s: %w", st, err)
		}
	}
	return nil
}

// run runs a tool from the server's folder as the server's user.
func (s *Server) run(tool string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(s.bin, tool), args...)
	cmd.Dir = s.dir
	cmd.Env = cleanEnv()
	s.account.apply(cmd)
	// pg_ctl start sends the server's output to the -l log file, so the
	// server does not hold this output open.
	return cmd.CombinedOutput()
}

// cleanEnv drops PG* variables so that the machine's settings cannot
// redirect the tools.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return append(env, "LC_ALL=C")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// findBin returns the folder holding initdb and pg_ctl, installing
// Debian's package when none does.
func findBin() (string, error) {
	if dir := lookBin(); dir != "" {
		return dir, nil
	}
	if err := install(); err != nil {
		return "", err
	}
	if dir := lookBin(); dir != "" {
		return dir, nil
	}
	return "", fmt.Errorf("postgresql was installed but initdb and pg_ctl are still missing; %s", installHint)
}

func lookBin() string {
	var dirs []string
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	newestFirst(versions)
	dirs = append(dirs, versions...)
	dirs = append(dirs, "/usr/local/bin", "/usr/local/pgsql/bin")
	for _, d := range dirs {
		if isExec(filepath.Join(d, "pg_ctl")) && isExec(filepath.Join(d, "initdb")) {
			return d
		}
	}
	return ""
}

// newestFirst sorts /usr/lib/postgresql/VERSION/bin folders newest
// first: 16 before 15 before 9.6.
func newestFirst(dirs []string) {
	slices.SortFunc(dirs, func(a, b string) int { return versionOf(b) - versionOf(a) })
}

func versionOf(binDir string) int {
	major, minor, _ := strings.Cut(filepath.Base(filepath.Dir(binDir)), ".")
	a, _ := strconv.Atoi(major)
	b, _ := strconv.Atoi(minor)
	return a*100 + b
}

func isExec(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// install installs Debian's postgresql package as root or through
// sudo -n.
func install() error {
	if _, err := exec.LookPath("apt-get"); err != nil {
		return errors.New("initdb and pg_ctl not found and there is no apt-get to install them; " + installHint)
	}
	var prefix []string
	if os.Geteuid() != 0 {
		if _, err := exec.LookPath("sudo"); err != nil {
			return errors.New("initdb and pg_ctl not found, and the tests are neither root nor able to use sudo; " + installHint)
		}
		if err := exec.Command("sudo", "-n", "true").Run(); err != nil {
			return errors.New("initdb and pg_ctl not found, and sudo -n needs a password; " + installHint)
		}
		prefix = []string{"sudo", "-n"}
	}
	for _, args := range [][]string{
		{"apt-get", "update"},
		{"apt-get", "install", "-y", "--no-install-recommends", "postgresql"},
	} {
		args = append(slices.Clone(prefix), args...)
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("initdb and pg_ctl not found and %s failed: %w\n%s\n%s", strings.Join(args, " "), err, out, installHint)
		}
	}
	return nil
}
