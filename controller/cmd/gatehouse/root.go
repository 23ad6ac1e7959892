package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"sync"

	"github.com/spf13/cobra"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "gatehouse",
		Short: "Policy-as-code access requests for a Git access repo",
		Long: `gatehouse keeps who may access which company systems in a Git repository
(the access repo): people, teams, roles, systems with access levels,
compliance objects and their owners, as YAML. An engineer asks for access by
opening a pull request that adds an AccessRequest file; Rego policies decide
who must approve; after the merge gatehouse provisions the access.

Start with:
  gatehouse validate --repo examples/acme     check an access repo
  gatehouse help validate                     what validate reports`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	var cpuProfile string
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the command to this file (for gatehouse developers)")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpuProfile == "" {
			return nil
		}
		return startCPUProfile(cpuProfile)
	}
	root.AddGroup(
		&cobra.Group{ID: "repo", Title: "Access repo:"},
		&cobra.Group{ID: "authz", Title: "Permissions:"},
	)
	root.AddCommand(
		newValidateCmd(),
		newVersionCmd(),
	)
	for _, extra := range extraCommands {
		root.AddCommand(extra())
	}
	return root
}

// extraCommands lets commands built in their own files register
// themselves without editing this list.
var extraCommands []func() *cobra.Command

// profiling holds the open CPU profile of --cpuprofile; the finalizer
// registered once stops it however the command ends (errors included).
var profiling struct {
	once sync.Once
	mu   sync.Mutex
	file *os.File
}

func startCPUProfile(path string) error {
	profiling.once.Do(func() { cobra.OnFinalize(stopCPUProfile) })
	f, err := os.Create(path)
	if err != nil {
		return &exitError{code: exitCouldNotRun, err: fmt.Errorf("create CPU profile: %w", err)}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return &exitError{code: exitCouldNotRun, err: fmt.Errorf("start CPU profile %s: %w", path, err)}
	}
	profiling.mu.Lock()
	profiling.file = f
	profiling.mu.Unlock()
	return nil
}

func stopCPUProfile() {
	profiling.mu.Lock()
	defer profiling.mu.Unlock()
	if profiling.file == nil {
		return
	}
	pprof.StopCPUProfile()
	_ = profiling.file.Close()
	profiling.file = nil
}
