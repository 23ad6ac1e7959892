package model

import (
	"strings"
	"time"
)

// The kinds of format v1, exactly as they are spelled in `kind:`.
const (
	KindConfig        = "Config"
	KindPerson        = "Person"
	KindTeam          = "Team"
	KindRole          = "Role"
	KindSystem        = "System"
	KindAccessRequest = "AccessRequest"
	KindControl       = "Control"
	KindTest          = "Test"
	KindDocument      = "Document"
	KindRiskScenario  = "RiskScenario"
	KindRiskTask      = "RiskTask"
	KindReport        = "Report"
	KindAccessReview  = "AccessReview"
)

// Kinds lists every kind of format v1 in a stable order.
var Kinds = []string{
	KindConfig, KindPerson, KindTeam, KindRole, KindSystem, KindAccessRequest,
	KindControl, KindTest, KindDocument, KindRiskScenario, KindRiskTask,
	KindReport, KindAccessReview,
}

// CanonicalKind returns the kind spelled as in format v1 for a
// case-insensitive spelling ("riskscenario" -> "RiskScenario"), and false
// when no kind matches.
func CanonicalKind(s string) (string, bool) {
	for _, k := range Kinds {
		if strings.EqualFold(k, s) {
			return k, true
		}
	}
	return "", false
}

// NeedsName reports whether documents of kind must carry a name. Every kind
// but AccessRequest does; an AccessRequest is known by its file's path.
func NeedsName(kind string) bool { return kind != KindAccessRequest }

// Meta says where a document was loaded from. It is not part of the
// document's content and is never serialised with it.
type Meta struct {
	// File is the document's path relative to the repository root, with
	// forward slashes.
	File string
	// Index is the 0-based position of the document in a multi-document
	// file.
	Index int
	// Pos is the position of the document's first key.
	Pos Pos
}

// Source returns the document's metadata; every kind embeds Meta, so every
// document satisfies Doc.
func (m *Meta) Source() *Meta { return m }

// Doc is any document of format v1.
type Doc interface {
	Source() *Meta
	// KindName returns the document's kind and name (the file path for an
	// AccessRequest).
	KindName() (kind, name string)
}

// Org-level roles built into gatehouse (seed 001), lowest to highest.
const (
	RoleEmployee      = "employee"
	RoleCollaborator  = "collaborator"
	RoleEditor        = "editor"
	RoleViewOnlyAdmin = "view-only-admin"
	RoleAdmin         = "admin"
)

// BuiltinRoles lists the built-in org-level roles, lowest to highest.
var BuiltinRoles = []string{RoleEmployee, RoleCollaborator, RoleEditor, RoleViewOnlyAdmin, RoleAdmin}

// Trust roles (seed 001's Customer Trust permissions), held beside the
// org-level role.
const (
	TrustCollaborator = "trust-collaborator"
	TrustAdmin        = "trust-admin"
)

// Person statuses.
const (
	StatusActive     = "active"
	StatusOffboarded = "offboarded"
)

// TeamRefPrefix marks a team in approver and admin lists: "team:platform".
const TeamRefPrefix = "team:"

// TeamRef splits an approver or admin entry into a team name, reporting
// whether the entry names a team rather than a person.
func TeamRef(entry string) (team string, ok bool) {
	return strings.CutPrefix(entry, TeamRefPrefix)
}

// Config is the access repo's gatehouse.yaml: the organisation, its GitHub
// repository, its integrations, who owns its policies and the controller's
// safety limits. Secrets never live here (S9): integrations name the
// environment variables or files that hold them in the controller's own
// configuration.
type Config struct {
	Meta         `json:"-"`
	Kind         string        `json:"kind"`
	Name         string        `json:"name"`
	Organization string        `json:"organization,omitempty"`
	GitHub       *GitHubRepo   `json:"github,omitempty"`
	Integrations []Integration `json:"integrations,omitempty"`
	PolicyOwners []string      `json:"policyOwners,omitempty"`
	Limits       *Limits       `json:"limits,omitempty"`
}

// KindName implements Doc.
func (c *Config) KindName() (string, string) { return KindConfig, c.Name }

// GitHubRepo names the GitHub repository that holds the access repo.
type GitHubRepo struct {
	// Repository is "owner/name".
	Repository    string `json:"repository"`
	DefaultBranch string `json:"defaultBranch,omitempty"`
}

// Integration types.
const (
	IntegrationGitHub   = "github"
	IntegrationPostgres = "postgres"
	IntegrationSlack    = "slack"
	IntegrationSCIM     = "scim"
)

// Integration is one provisioning target that systems refer to by name.
// Only the block matching Type may be set.
type Integration struct {
	Name     string               `json:"name"`
	Type     string               `json:"type"`
	Prune    bool                 `json:"prune,omitempty"`
	GitHub   *GitHubIntegration   `json:"github,omitempty"`
	Postgres *PostgresIntegration `json:"postgres,omitempty"`
	Slack    *SlackIntegration    `json:"slack,omitempty"`
	SCIM     *SCIMIntegration     `json:"scim,omitempty"`
}

// GitHubIntegration provisions organisation roles, team memberships and
// repository permissions in one GitHub organisation.
type GitHubIntegration struct {
	Organization string `json:"organization"`
}

// PostgresIntegration provisions role memberships on one PostgreSQL server.
type PostgresIntegration struct {
	Host        string `json:"host"`
	Port        int    `json:"port,omitempty"`
	Database    string `json:"database,omitempty"`
	SSLMode     string `json:"sslMode,omitempty"`
	CreateRoles bool   `json:"createRoles,omitempty"`
}

// SlackIntegration provisions workspace membership and user groups.
type SlackIntegration struct {
	Workspace string `json:"workspace"`
}

// SCIMIntegration provisions users and groups through a SCIM 2.0 service.
type SCIMIntegration struct {
	BaseURL string `json:"baseURL"`
}

// Limits are the controller's safety limits (S8).
type Limits struct {
	// MaxRevocations stops a reconcile run that would revoke more grants.
	MaxRevocations int `json:"maxRevocations,omitempty"`
	// MaxRevocationPercent stops a run that would revoke more than this
	// share of an integration's accounts.
	MaxRevocationPercent int `json:"maxRevocationPercent,omitempty"`
}

// Person is one member of the organisation.
type Person struct {
	Meta        `json:"-"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName,omitempty"`
	Email       string `json:"email,omitempty"`
	GitHub      string `json:"github,omitempty"`
	Slack       string `json:"slack,omitempty"`
	// Role is one org-level role: a built-in or a custom Role's name.
	// Empty means employee.
	Role      string `json:"role,omitempty"`
	TrustRole string `json:"trustRole,omitempty"`
	Manager   string `json:"manager,omitempty"`
	// Status is active (the default) or offboarded.
	Status string `json:"status,omitempty"`
}

// KindName implements Doc.
func (p *Person) KindName() (string, string) { return KindPerson, p.Name }

// OrgRole returns the person's org-level role, employee when unset.
func (p *Person) OrgRole() string {
	if p.Role == "" {
		return RoleEmployee
	}
	return p.Role
}

// Active reports whether the person has not been offboarded.
func (p *Person) Active() bool { return p.Status != StatusOffboarded }

// Where names the file that holds the person's document, for messages
// that ask to change it; "their person document" when it has none (a
// person built in code).
func (p *Person) Where() string {
	if p.File == "" {
		return "their person document"
	}
	return p.File
}

// Team groups people; systems name teams as approvers or admins. A
// "team:<name>" entry stands for the team's members and its admins alike.
type Team struct {
	Meta        `json:"-"`
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Members     []string `json:"members,omitempty"`
	Admins      []string `json:"admins,omitempty"`
}

// KindName implements Doc.
func (t *Team) KindName() (string, string) { return KindTeam, t.Name }

// Role is a custom org-level role: a built-in role plus permissions.
type Role struct {
	Meta        `json:"-"`
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Inherits    string   `json:"inherits"`
	Permissions []string `json:"permissions,omitempty"`
}

// KindName implements Doc.
func (r *Role) KindName() (string, string) { return KindRole, r.Name }

// System is something people request access to.
type System struct {
	Meta        `json:"-"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Integration names a Config integration; empty means an admin
	// provisions by hand.
	Integration string `json:"integration,omitempty"`
	// Requestable defaults to true.
	Requestable              *bool         `json:"requestable,omitempty"`
	Approvers                []string      `json:"approvers,omitempty"`
	Admins                   []string      `json:"admins,omitempty"`
	RequireJustification     bool          `json:"requireJustification,omitempty"`
	AllowFreeformPermissions bool          `json:"allowFreeformPermissions,omitempty"`
	AccessLevels             []AccessLevel `json:"accessLevels,omitempty"`
}

// KindName implements Doc.
func (s *System) KindName() (string, string) { return KindSystem, s.Name }

// IsRequestable reports whether people may request access to the system.
func (s *System) IsRequestable() bool { return s.Requestable == nil || *s.Requestable }

// Level returns the access level called name, or nil.
func (s *System) Level(name string) *AccessLevel {
	for i := range s.AccessLevels {
		if s.AccessLevels[i].Name == name {
			return &s.AccessLevels[i]
		}
	}
	return nil
}

// AccessLevel is one level of access to a system (seed 000).
type AccessLevel struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Entitlement is the role or permission exactly as the system's
	// integration reports it.
	Entitlement string `json:"entitlement,omitempty"`
	// MaxDuration caps how long a request for this level may last.
	MaxDuration *Duration `json:"maxDuration,omitempty"`
}

// AccessRequest asks for access to a system. Merged means granted; its id
// is its file's path.
type AccessRequest struct {
	Meta          `json:"-"`
	Kind          string     `json:"kind"`
	Person        string     `json:"person"`
	System        string     `json:"system"`
	Level         string     `json:"level,omitempty"`
	Justification string     `json:"justification,omitempty"`
	Permissions   string     `json:"permissions,omitempty"`
	Expires       *time.Time `json:"expires,omitempty"`
}

// KindName implements Doc; an AccessRequest's name is its path.
func (a *AccessRequest) KindName() (string, string) { return KindAccessRequest, a.File }

// ID returns the request's id: its file's path. A file holds at most one
// AccessRequest (the loader enforces it), so the path is unique.
func (a *AccessRequest) ID() string { return a.File }

// Expired reports whether the request's expiry is at or before now.
func (a *AccessRequest) Expired(now time.Time) bool {
	return a.Expires != nil && !a.Expires.After(now)
}

// Control is a compliance control; Tests and Documents map to it.
type Control struct {
	Meta        `json:"-"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Owner       string `json:"owner,omitempty"`
}

// KindName implements Doc.
func (c *Control) KindName() (string, string) { return KindControl, c.Name }

// Test is an automated compliance test mapped to controls.
type Test struct {
	Meta        `json:"-"`
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Owner       string   `json:"owner,omitempty"`
	Controls    []string `json:"controls,omitempty"`
}

// KindName implements Doc.
func (t *Test) KindName() (string, string) { return KindTest, t.Name }

// Document is a policy or evidence document mapped to controls. A
// restricted document is admin-only (seed 001).
type Document struct {
	Meta        `json:"-"`
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Owner       string   `json:"owner,omitempty"`
	Controls    []string `json:"controls,omitempty"`
	Restricted  bool     `json:"restricted,omitempty"`
	// Recurrence is how often the document is renewed, e.g. "365d".
	Recurrence *Duration `json:"recurrence,omitempty"`
}

// KindName implements Doc.
func (d *Document) KindName() (string, string) { return KindDocument, d.Name }

// RiskScenario is a risk in the risk register; RiskTasks belong to it.
type RiskScenario struct {
	Meta        `json:"-"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Owner       string `json:"owner,omitempty"`
	Category    string `json:"category,omitempty"`
}

// KindName implements Doc.
func (r *RiskScenario) KindName() (string, string) { return KindRiskScenario, r.Name }

// RiskTask is a treatment task of one risk scenario.
type RiskTask struct {
	Meta         `json:"-"`
	Kind         string `json:"kind"`
	Name         string `json:"name"`
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
	Owner        string `json:"owner,omitempty"`
	RiskScenario string `json:"riskScenario"`
	// Due is the task's due date (RFC 3339 date, "2026-03-31").
	Due string `json:"due,omitempty"`
}

// KindName implements Doc.
func (r *RiskTask) KindName() (string, string) { return KindRiskTask, r.Name }

// Report is a compliance report shared with viewers.
type Report struct {
	Meta        `json:"-"`
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Viewers     []string `json:"viewers,omitempty"`
	// Schedule says when the report is produced, e.g. "monthly".
	Schedule string `json:"schedule,omitempty"`
}

// KindName implements Doc.
func (r *Report) KindName() (string, string) { return KindReport, r.Name }

// AccessReview is a periodic review of who holds access to systems; each
// system in it has its own reviewers.
type AccessReview struct {
	Meta        `json:"-"`
	Kind        string         `json:"kind"`
	Name        string         `json:"name"`
	Title       string         `json:"title,omitempty"`
	Description string         `json:"description,omitempty"`
	Due         string         `json:"due,omitempty"`
	Systems     []ReviewSystem `json:"systems"`
}

// KindName implements Doc.
func (r *AccessReview) KindName() (string, string) { return KindAccessReview, r.Name }

// ReviewSystem is one system within an access review and its reviewers.
type ReviewSystem struct {
	System    string   `json:"system"`
	Reviewers []string `json:"reviewers,omitempty"`
}
