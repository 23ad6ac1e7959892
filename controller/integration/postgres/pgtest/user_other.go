//go:build !unix

package pgtest

import "os/exec"

// osUser stands for the current user where processes cannot change user.
type osUser struct{}

func (u *osUser) own(string) error { return nil }

func (u *osUser) apply(*exec.Cmd) {}

// serverUser returns nil: the server runs as the current user.
func serverUser() (*osUser, error) { return nil, nil }
