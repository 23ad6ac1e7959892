// Command gatehouse validates access repos, decides access-request pull
// requests, answers permission questions and runs the controller.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ex *exitError
	if errors.As(err, &ex) {
		if ex.err != nil {
			fmt.Fprintf(root.ErrOrStderr(), "gatehouse: %v\n", ex.err)
		}
		return ex.code
	}
	fmt.Fprintf(root.ErrOrStderr(), "gatehouse: %v\n", err)
	return exitCouldNotRun
}

// Exit codes shared by every command (DESIGN.md, CLI contract).
const (
	exitOK          = 0
	exitFailed      = 1 // errors found, denied, not approved
	exitCouldNotRun = 2
)

// exitError carries a specific exit code; err, when set, is printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// failed returns an error that makes the command exit 1 without printing.
func failed() error { return &exitError{code: exitFailed} }
