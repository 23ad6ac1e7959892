// Package authz is gatehouse's permission engine: it answers "may this
// person do this action on this object?", says why, and lists who may.
// Approver lists, access reviews, the pull-request decision and Rego
// policies all ask it, so the two-tier role model of seed 001 is written
// down once.
//
// # The model
//
// Every person holds one org-level role: employee (the default),
// collaborator, editor, view-only-admin, admin, or a custom Role that
// inherits one of those and adds permissions. Collaborators and above may
// also hold object-level roles: owner of a Control, Test, Document,
// RiskScenario or RiskTask, reviewer of a system within an AccessReview,
// viewer of a Report. A person may also hold a Trust role
// (trust-collaborator or trust-admin).
//
// The rights of each role, kind by kind, are the rows of permissions.yaml,
// embedded in the binary; its header states the rules the rows do not
// spell out and the decisions seed 001 leaves implicit. In short:
//
//   - admin may do everything, restricted documents and settings
//     (configure) included; editor everything but those; view-only-admin
//     views everything, restricted documents included, and edits nothing;
//     collaborator only what its object roles give; employee nothing on
//     objects.
//   - An object role gives the rights of its row in DESIGN.md's action
//     table. The owner of a parent (Control for its Tests and Documents,
//     RiskScenario for its RiskTasks) also holds the child owner's rights
//     on each mapped child, plus reassign-owner. Nothing flows upward, to
//     siblings or to kinds without owners.
//   - A restricted Document is admin-only: a view-only admin may view it
//     and its own owner keeps the owner's rights; nobody else, not its
//     controls' owners, has any.
//   - Rights add up; the most permissive answer wins. Offboarded people
//     may do nothing.
//   - On a System, every active person may request-access; its approvers
//     approve-request and its admins provision (teams expanded to their
//     members and admins; only collaborators and above count); only
//     admins configure.
//   - Trust rows and settings are actions on the org's Config
//     (Config/<name>); complete-personal-tasks on Person/<name> is that
//     person's alone.
//
// Custom Role permissions are written "action" (every kind where it can be
// granted), "Kind:action" or "Kind:*". Only rights an editor or a Trust
// role could hold can be granted; naming configure, approve-request,
// provision or an unknown action makes New fail, and RoleFindings reports
// the same problems with positions for validation.
//
// # Using it
//
// Build an Engine once per organisation and ask it many times:
//
//	e, err := authz.New(org)
//	if err != nil { ... }
//	ok := e.Can("gina", "reassign-owner", "Test/T-mfa")     // no allocation
//	d, err := e.Explain("gina", "reassign-owner", "Test/T-mfa")
//	// d.Reasons: ["gina is owner of Control/AC-2, which maps Test/T-mfa → owner rights plus reassign-owner"]
//	people, err := e.WhoCan("approve-request", "System/github")
//
// Objects are written "Kind/name" with the kind in any case; a system
// within an access review is "AccessReview/<review>/<system>", and
// "AccessReview/<review>" alone carries org-level rights only. Can treats
// unknown names as "no"; Check, Explain and WhoCan return a *NameError
// (errors.Is ErrUnknownPerson, ErrUnknownAction, ErrUnknownObject) that
// suggests the closest valid name.
//
// # Any object of a kind
//
// "Kind/*" (Control/*, System/*, Person/*, AccessReview/*) is any object
// of the kind, one that no one holds an object-level role on yet: the
// document a pull request adds, which the base commit does not have. Only
// rights that do not depend on a particular object count there: the
// org-level role with a custom Role's permissions, trust roles on Config,
// and what every active person may do (request-access on System/*).
// Owners, reviewers and viewers, a parent's owner, a System's approvers
// and admins, and self (complete-personal-tasks) never do, and Document/*
// is taken as not restricted. So the decision engine asks
//
//	people, err := e.WhoCan("delete", "Control/*")       // editors and admins
//	people, err = e.WhoCan("approve-request", "System/*") // nobody: no lists yet
//
// and Explain says the answer comes from org-level rights. No document
// can be named "*" (the schemas' name patterns start with a letter or a
// digit), and "*" stands alone: "Test/T-*" is an unknown name.
//
// RegoOptions registers gatehouse.can and gatehouse.who_can with OPA, so
// policies call the engine; an error inside them halts the evaluation.
package authz
