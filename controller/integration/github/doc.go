// Package github provisions access in one GitHub organisation through
// GitHub's REST API (go-github v62): organisation roles, team memberships
// and direct repository permissions. It satisfies reconcile.Integration.
//
// # Entitlements
//
//	member                      organisation member (role member)
//	admin                       organisation owner (role admin)
//	team:<slug>                 member of a team
//	team:<slug>:maintainer      maintainer of a team
//	repo:<name>:<permission>    direct collaborator on a repository of the
//	                            organisation: pull, triage, push, maintain
//	                            or admin
//
// List reports each role as GitHub reports it: an owner holds "admin", a
// team maintainer "team:<slug>:maintainer", a collaborator the one
// permission they hold directly. Access that comes from elsewhere (an
// owner's reach over every repository, a team's repositories) is not a
// repository entitlement: it is granted and revoked where it comes from.
//
// A grant never lowers access: granting "member" to an owner, "team:x" to
// its maintainer or "repo:r:push" to someone who administers r changes
// nothing. A revocation takes away only the level named: revoking "admin"
// makes an owner a member, revoking "team:x:maintainer" leaves a team
// member, and revoking "member", "team:x" or "repo:r:push" from someone
// who holds a higher level leaves them alone. Granting what is held and
// revoking what is not are success. New members and outside collaborators
// are invited: they hold the entitlement once they accept.
//
// # Protection
//
// Revoke refuses, with reconcile.ErrProtected, to demote the last owner of
// the organisation, and Grant and Revoke refuse to touch the integration's
// own account (the token's or app's login): List leaves it out.
//
// # API use
//
// Lists follow every page (100 a page) and ask only for the repositories
// the scope names. Rate limits are honoured: a 403 or 429 with
// X-RateLimit-Remaining 0 waits for X-RateLimit-Reset, a secondary limit
// waits for Retry-After, each bounded by the context; 5xx answers and
// network errors are retried with exponential backoff a bounded number of
// times. Clients built by ClientFromEnv send conditional requests with
// ETags, so an unchanged list costs no rate limit.
//
// # Credentials
//
// ClientFromEnv reads GITHUB_TOKEN and GITHUB_API_URL (GitHub Enterprise,
// tests) from the environment only (S9); the token never appears in an
// error.
package github
