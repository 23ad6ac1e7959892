package server

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/gatehouse-dev/gatehouse/config"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Config is gatehouse serve's configuration (config/gatehouse.yaml
// documents every field).
type Config struct {
	Repo      string          `json:"repo"`
	Listen    string          `json:"listen"`
	StateDir  string          `json:"stateDir"`
	Reconcile ReconcileConfig `json:"reconcile"`
	GitHub    GitHubConfig    `json:"github"`
	Retention RetentionConfig `json:"retention"`
	Log       LogConfig       `json:"log"`
}

// RetentionConfig says how long the store keeps what only serves a while:
// settled actions of the reconcile journal and the ids of webhook
// deliveries. Durations are written as in access levels ("90d").
type RetentionConfig struct {
	Journal    string `json:"journal"`
	Deliveries string `json:"deliveries"`
}

// minDeliveryRetention is how long delivery ids are kept at least: GitHub
// lets a delivery be redelivered for three days.
const minDeliveryRetention = 3 * 24 * time.Hour

// Periods returns retention.journal and retention.deliveries as
// durations.
func (r RetentionConfig) Periods() (journal, deliveries time.Duration, err error) {
	j, jerr := model.ParseDuration(r.Journal)
	if jerr != nil {
		jerr = fmt.Errorf("retention.journal: %w", jerr)
	}
	d, derr := model.ParseDuration(r.Deliveries)
	if derr != nil {
		derr = fmt.Errorf("retention.deliveries: %w", derr)
	} else if d.Duration < minDeliveryRetention {
		derr = fmt.Errorf("retention.deliveries %q: keep delivery ids at least 3d, as long as GitHub may redeliver them", r.Deliveries)
	}
	return j.Duration, d.Duration, errors.Join(jerr, derr)
}

// GitHubConfig tunes the pull-request controller.
type GitHubConfig struct {
	// AutoMerge merges a pull request once it is approved without
	// violations, with MergeMethod (merge, squash or rebase).
	AutoMerge   bool   `json:"autoMerge"`
	MergeMethod string `json:"mergeMethod"`
}

// ReconcileConfig tunes the reconcile loop.
type ReconcileConfig struct {
	Interval        string `json:"interval"`
	RequireApproval bool   `json:"requireApproval"`
}

// LogConfig chooses the log's level and format.
type LogConfig struct {
	Level  string `json:"level"`
	Format string `json:"format"`
}

// LoadConfig reads the default configuration, then the file at path over
// it (none when path is empty), then the environment (GATEHOUSE_REPO,
// GATEHOUSE_LISTEN, GATEHOUSE_STATE_DIR) over both, and checks the result.
// Unknown fields are errors that name the file.
func LoadConfig(path string, getenv func(string) string) (*Config, error) {
	c := &Config{}
	if err := yaml.UnmarshalStrict(config.Default, c); err != nil {
		return nil, fmt.Errorf("the built-in default configuration: %w", err)
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read the configuration: %w; pass an existing file with --config or drop it to use the defaults", err)
		}
		if err := yaml.UnmarshalStrict(data, c); err != nil {
			return nil, fmt.Errorf("%s: %w; config/gatehouse.yaml lists the fields", path, err)
		}
	}
	for env, field := range map[string]*string{"GATEHOUSE_REPO": &c.Repo, "GATEHOUSE_LISTEN": &c.Listen, "GATEHOUSE_STATE_DIR": &c.StateDir} {
		if v := getenv(env); v != "" {
			*field = v
		}
	}
	return c, c.Check()
}

// Check reports what is wrong with the configuration.
func (c *Config) Check() error {
	var problems []string
	if c.Repo == "" {
		problems = append(problems, "repo is empty: name the access repo (a local path)")
	}
	if c.Listen == "" {
		problems = append(problems, "listen is empty: give an address such as 127.0.0.1:8080")
	}
	if _, err := c.Interval(); err != nil {
		problems = append(problems, err.Error())
	}
	if _, _, err := c.Retention.Periods(); err != nil {
		problems = append(problems, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	switch c.GitHub.MergeMethod {
	case "merge", "squash", "rebase":
	default:
		problems = append(problems, fmt.Sprintf("github.mergeMethod %q: use merge, squash or rebase", c.GitHub.MergeMethod))
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		problems = append(problems, fmt.Sprintf("log.level %q: use debug, info, warn or error", c.Log.Level))
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		problems = append(problems, fmt.Sprintf("log.format %q: use text or json", c.Log.Format))
	}
	if len(problems) > 0 {
		return fmt.Errorf("configuration: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Interval returns reconcile.interval as a duration.
func (c *Config) Interval() (time.Duration, error) {
	d, err := time.ParseDuration(c.Reconcile.Interval)
	if err != nil || d < time.Second {
		return 0, fmt.Errorf("reconcile.interval %q: use a duration of at least 1s, such as 5m", c.Reconcile.Interval)
	}
	return d, nil
}

// IsGitHubRepo reports whether repo names a GitHub repository (owner/name)
// rather than a local path.
func IsGitHubRepo(repo string) bool {
	if _, err := os.Stat(repo); err == nil {
		return false
	}
	owner, name, ok := strings.Cut(repo, "/")
	return ok && owner != "" && name != "" && !strings.Contains(name, "/") && !strings.HasPrefix(repo, ".")
}
