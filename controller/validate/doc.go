// Package validate checks the meaning of an access repo: the rules that a
// loaded model.Org must keep beyond its syntax and schemas, from the two
// product documents gatehouse follows (references resolve, approvers hold
// collaborator or above, offboarded approvers are flagged with the systems
// to reassign, requests fit their system's levels and durations).
//
// Org runs every rule in time linear in the size of the Org and returns
// sorted findings; it never fails. Each finding names the field at fault:
// the validator builds the field's path ("approvers[1]",
// "accessLevels[0].maxDuration", "systems[0].reviewers[2]") and asks the
// Org's Locator for its line and column, or falls back to the document's
// own position when the Org was built in memory.
//
//	findings := validate.Org(org, validate.Options{})
//	for _, f := range findings {
//		fmt.Println(f) // systems/github.yaml:9:5: error unknown-person: approver "alcie" is not a person; did you mean "alice"?
//	}
//
// Time never turns a clean repo red: an expired request is a warning, and
// maxDuration is counted from Options.Now only for requests still running.
//
// # Rules
//
// Every finding carries one of these rule ids, always with the severity
// shown. Rules returns the same list; a test keeps the two in step.
//
//   - unknown-person (error): a person reference (request person, team member or admin, approver, system admin, owner, reviewer, viewer, manager, policy owner) names no Person
//   - unknown-team (error): a team:<name> entry in approvers, admins or policyOwners names no Team
//   - unknown-system (error): an AccessRequest or AccessReview names no System
//   - unknown-level (error): an AccessRequest names an access level its system does not have
//   - unknown-integration (error): a System's integration is not declared in the Config
//   - unknown-control (error): a Test's or Document's controls entry names no Control
//   - unknown-risk-scenario (error): a RiskTask's riskScenario names no RiskScenario
//   - unknown-role (error): a Person's role or trustRole, or a Role's inherits, is not a role gatehouse knows
//   - wrong-parent-kind (error): a parent link names a document of another kind (a Test in controls, a RiskTask as riskScenario)
//   - role-too-low (error): an approver, system admin, team member or admin, owner, reviewer, viewer or policy owner holds a role below collaborator
//   - no-github-login (warning): an approver, system admin or policy owner has no github login, so their pull-request reviews cannot count
//   - no-approver (error): a requestable System has no approver who can approve (active, collaborator or above, with a github login)
//   - no-admin (error): a requestable System has no admin who can provision (active, collaborator or above, with a github login)
//   - duplicate-level (error): a System declares two access levels with the same name
//   - missing-entitlement (warning): an access level of an integrated System has no entitlement, so the reconciler cannot map it
//   - offboarded-approver (error): an offboarded person still approves a System, directly or through a team; reported on the system entry and the Person
//   - offboarded-admin (error): an offboarded person is still a System admin, directly or through a team; reported on the system entry and the Person
//   - offboarded-policy-owner (error): an offboarded person is still a policy owner in the Config, directly or through a team
//   - offboarded-owner (warning): an offboarded person still owns a compliance object; reassign it
//   - offboarded-reviewer (warning): an offboarded person is still a reviewer in an AccessReview
//   - offboarded-viewer (warning): an offboarded person is still a viewer of a Report
//   - offboarded-member (warning): an offboarded person is still a member or admin of a Team
//   - offboarded-manager (warning): an active person's manager is offboarded
//   - manager-cycle (warning): a person manages themselves, or managers form a cycle
//   - not-requestable (error): an AccessRequest asks for a System that is not requestable
//   - missing-justification (error): an AccessRequest has no justification although its System requires one
//   - missing-level (error): an AccessRequest has no level although its System has access levels
//   - unexpected-level (error): an AccessRequest names a level although its System has no access levels
//   - freeform-not-allowed (error): an AccessRequest asks for freeform permissions its System does not allow
//   - missing-expiry (error): an AccessRequest has no expires although its level has a maxDuration
//   - expires-too-long (error): an AccessRequest expires later than its level's maxDuration from now
//   - expired-request (warning): an AccessRequest's expires has passed; its grant is revoked and the file can go
//   - offboarded-requester (warning): an AccessRequest is for an offboarded person; its grant is revoked and the file can go
//   - role-shadows-builtin (error): a custom Role is named like a built-in org or trust role
//   - role-permission (error): a custom Role grants a permission the permission engine does not know or a custom role may not hold (approve-request, provision, configure)
//   - duplicate-github (error): two people share a github login (case-insensitive)
//   - duplicate-email (error): two people share an email address (case-insensitive)
//   - duplicate-slack (error): two people share a Slack id (case-insensitive)
//   - missing-config (warning): the repo has no Config (gatehouse.yaml), so policy changes can only be approved by admins
//   - duplicate-integration (error): two Config integrations share a name
//   - integration-settings (error): a Config integration has an unknown type, or its settings block does not match its type
//   - no-policy-owner (warning): the Config names no policy owner who can approve (active, collaborator or above, with a github login)
//   - rego-syntax (error): an org policy under policies/ does not parse as Rego v1
//   - rego-package (error): an org policy's package does not start with gatehouse.org.
//
// Position rules for files that are not YAML documents: Rego findings
// carry the parser's line and column; missing-config names gatehouse.yaml
// without a position.
package validate
