package validate

import "github.com/gatehouse-dev/gatehouse/controller/model"

// Rule describes one rule the validator can report.
type Rule struct {
	// ID is the stable kebab-case id findings carry, e.g. "unknown-person".
	ID string `json:"id"`
	// Severity is model.SeverityError or model.SeverityWarning; every
	// finding of the rule has it.
	Severity string `json:"severity"`
	// Description says in one line what the rule checks.
	Description string `json:"description"`
}

// Rule ids. Each has exactly one severity, listed in rules.
const (
	ruleUnknownPerson       = "unknown-person"
	ruleUnknownTeam         = "unknown-team"
	ruleUnknownSystem       = "unknown-system"
	ruleUnknownLevel        = "unknown-level"
	ruleUnknownIntegration  = "unknown-integration"
	ruleUnknownControl      = "unknown-control"
	ruleUnknownRiskScenario = "unknown-risk-scenario"
	ruleUnknownRole         = "unknown-role"
	ruleWrongParentKind     = "wrong-parent-kind"

	ruleRoleTooLow   = "role-too-low"
	ruleNoGitHub     = "no-github-login"
	ruleNoApprover   = "no-approver"
	ruleNoAdmin      = "no-admin"
	ruleDupLevel     = "duplicate-level"
	ruleMissingEntit = "missing-entitlement"

	ruleOffApprover    = "offboarded-approver"
	ruleOffAdmin       = "offboarded-admin"
	ruleOffPolicyOwner = "offboarded-policy-owner"
	ruleOffOwner       = "offboarded-owner"
	ruleOffReviewer    = "offboarded-reviewer"
	ruleOffViewer      = "offboarded-viewer"
	ruleOffMember      = "offboarded-member"
	ruleOffManager     = "offboarded-manager"
	ruleManagerCycle   = "manager-cycle"

	ruleNotRequestable   = "not-requestable"
	ruleMissingJust      = "missing-justification"
	ruleMissingLevel     = "missing-level"
	ruleUnexpectedLevel  = "unexpected-level"
	ruleFreeform         = "freeform-not-allowed"
	ruleMissingExpiry    = "missing-expiry"
	ruleExpiresTooLong   = "expires-too-long"
	ruleExpired          = RuleExpiredRequest
	ruleOffRequester     = "offboarded-requester"
	ruleShadowsBuiltin   = "role-shadows-builtin"
	ruleRolePermission   = "role-permission"
	ruleDupGitHub        = "duplicate-github"
	ruleDupEmail         = "duplicate-email"
	ruleDupSlack         = "duplicate-slack"
	ruleMissingConfig    = "missing-config"
	ruleDupIntegration   = "duplicate-integration"
	ruleIntegrationBlock = "integration-settings"
	ruleNoPolicyOwner    = "no-policy-owner"
	ruleRegoSyntax       = "rego-syntax"
	ruleRegoPackage      = "rego-package"
)

const (
	sevError   = model.SeverityError
	sevWarning = model.SeverityWarning
)

// rules is the catalogue, in the order Rules returns it and doc.go lists it.
var rules = []Rule{
	{ruleUnknownPerson, sevError, "a person reference (request person, team member or admin, approver, system admin, owner, reviewer, viewer, manager, policy owner) names no Person"},
	{ruleUnknownTeam, sevError, "a team:<name> entry in approvers, admins or policyOwners names no Team"},
	{ruleUnknownSystem, sevError, "an AccessRequest or AccessReview names no System"},
	{ruleUnknownLevel, sevError, "an AccessRequest names an access level its system does not have"},
	{ruleUnknownIntegration, sevError, "a System's integration is not declared in the Config"},
	{ruleUnknownControl, sevError, "a Test's or Document's controls entry names no Control"},
	{ruleUnknownRiskScenario, sevError, "a RiskTask's riskScenario names no RiskScenario"},
	{ruleUnknownRole, sevError, "a Person's role or trustRole, or a Role's inherits, is not a role gatehouse knows"},
	{ruleWrongParentKind, sevError, "a parent link names a document of another kind (a Test in controls, a RiskTask as riskScenario)"},
	{ruleRoleTooLow, sevError, "an approver, system admin, team member or admin, owner, reviewer, viewer or policy owner holds a role below collaborator"},
	{ruleNoGitHub, sevWarning, "an approver, system admin or policy owner has no github login, so their pull-request reviews cannot count"},
	{ruleNoApprover, sevError, "a requestable System has no approver who can approve (active, collaborator or above, with a github login)"},
	{ruleNoAdmin, sevError, "a requestable System has no admin who can provision (active, collaborator or above, with a github login)"},
	{ruleDupLevel, sevError, "a System declares two access levels with the same name"},
	{ruleMissingEntit, sevWarning, "an access level of an integrated System has no entitlement, so the reconciler cannot map it"},
	{ruleOffApprover, sevError, "an offboarded person still approves a System, directly or through a team; reported on the system entry and the Person"},
	{ruleOffAdmin, sevError, "an offboarded person is still a System admin, directly or through a team; reported on the system entry and the Person"},
	{ruleOffPolicyOwner, sevError, "an offboarded person is still a policy owner in the Config, directly or through a team"},
	{ruleOffOwner, sevWarning, "an offboarded person still owns a compliance object; reassign it"},
	{ruleOffReviewer, sevWarning, "an offboarded person is still a reviewer in an AccessReview"},
	{ruleOffViewer, sevWarning, "an offboarded person is still a viewer of a Report"},
	{ruleOffMember, sevWarning, "an offboarded person is still a member or admin of a Team"},
	{ruleOffManager, sevWarning, "an active person's manager is offboarded"},
	{ruleManagerCycle, sevWarning, "a person manages themselves, or managers form a cycle"},
	{ruleNotRequestable, sevError, "an AccessRequest asks for a System that is not requestable"},
	{ruleMissingJust, sevError, "an AccessRequest has no justification although its System requires one"},
	{ruleMissingLevel, sevError, "an AccessRequest has no level although its System has access levels"},
	{ruleUnexpectedLevel, sevError, "an AccessRequest names a level although its System has no access levels"},
	{ruleFreeform, sevError, "an AccessRequest asks for freeform permissions its System does not allow"},
	{ruleMissingExpiry, sevError, "an AccessRequest has no expires although its level has a maxDuration"},
	{ruleExpiresTooLong, sevError, "an AccessRequest expires later than its level's maxDuration from now"},
	{ruleExpired, sevWarning, "an AccessRequest's expires has passed; its grant is revoked and the file can go"},
	{ruleOffRequester, sevWarning, "an AccessRequest is for an offboarded person; its grant is revoked and the file can go"},
	{ruleShadowsBuiltin, sevError, "a custom Role is named like a built-in org or trust role"},
	{ruleRolePermission, sevError, "a custom Role grants a permission the permission engine does not know or a custom role may not hold (approve-request, provision, configure)"},
	{ruleDupGitHub, sevError, "two people share a github login (case-insensitive)"},
	{ruleDupEmail, sevError, "two people share an email address (case-insensitive)"},
	{ruleDupSlack, sevError, "two people share a Slack id (case-insensitive)"},
	{ruleMissingConfig, sevWarning, "the repo has no Config (gatehouse.yaml), so policy changes can only be approved by admins"},
	{ruleDupIntegration, sevError, "two Config integrations share a name"},
	{ruleIntegrationBlock, sevError, "a Config integration has an unknown type, or its settings block does not match its type"},
	{ruleNoPolicyOwner, sevWarning, "the Config names no policy owner who can approve (active, collaborator or above, with a github login)"},
	{ruleRegoSyntax, sevError, "an org policy under policies/ does not parse as Rego v1"},
	{ruleRegoPackage, sevError, "an org policy's package does not start with gatehouse.org."},
}

// severity maps each rule id to its severity; report looks it up.
var severity = func() map[string]string {
	m := make(map[string]string, len(rules))
	for _, r := range rules {
		m[r.ID] = r.Severity
	}
	return m
}()

// Rules lists every rule id this package can report, with its severity and
// a one-line description, for documentation and `gatehouse validate
// --rules`.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// RuleExpiredRequest is the rule of an access request whose expires has
// passed: a warning on the default branch (time passing must not turn it
// red), which gatehouse plan makes a violation for a request a pull
// request adds or changes.
const RuleExpiredRequest = "expired-request"
