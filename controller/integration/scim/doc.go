// Package scim provisions users and group memberships through a SCIM 2.0
// service (RFC 7643, RFC 7644), such as an HR portal or any SaaS
// application that offers SCIM provisioning. It satisfies
// reconcile.Integration for integrations of type scim in gatehouse.yaml:
//
//	integrations:
//	  - name: hr-portal
//	    type: scim
//	    scim:
//	      baseURL: https://hr.acme.example/scim/v2
//
// # Accounts and entitlements
//
// A person's account is their email in lower case (AccountFor), which is
// the SCIM user's userName; SCIM compares userNames without regard to
// case, and so does gatehouse. An entitlement is the displayName of a SCIM
// group, exactly as the service spells it ("Employees", "Managers",
// "HR Admins"): an access level maps to it with `entitlement:`.
//
// Grant makes the user a member of the group (PATCH of the group's
// members). A user that does not exist is created, active, with the
// account as userName and primary email; a user that exists but is
// inactive is re-activated, after being taken out of the groups it was
// left in (List reported that it held nothing, so those memberships would
// come back unapproved). A member already is success and writes nothing.
// gatehouse never creates groups: granting one the service lacks fails
// with ErrGroupMissing and says to create the group or fix the access
// level.
//
// Revoke takes the user out of the group. A user, group or membership
// that does not exist is success. Users are never deleted or deactivated:
// leaving the organisation is the identity provider's business, and
// revoking every group takes all gatehouse granted.
//
// # What List reports
//
// List reads every user and every group with its members, following
// every page (startIndex and count, RFC 7644 §3.4.2.4), and reports each
// user by userName, in lower case, with the displayNames of the groups it
// is a direct member of. Users in no group are reported with no
// entitlements, so that drift is seen; inactive users (active: false)
// hold nothing. Members that are groups (nested groups) are not expanded.
// A service that returns fewer resources than it announced makes List
// fail rather than report a partial list.
//
// # Requests
//
// Requests carry the token as a bearer token and application/scim+json
// as Accept and Content-Type, and look users and groups up with the
// filters `userName eq "..."` and `displayName eq "..."` (values escaped
// as JSON strings), so the service must support filters and PATCH. Error
// answers are read as SCIM errors (status, scimType, detail) and reported
// with the operation. 429 Too Many Requests (honouring Retry-After), 5xx
// answers (not 501) and network errors are retried with exponential
// backoff a few times (DefaultRetryPolicy); other 4xx answers are not. A
// response body is read up to MaxResponseBytes. Redirects are not
// followed, and the base URL must be https (plain http only to
// localhost), so the token goes nowhere but the configured service.
//
// # Credentials
//
// The token comes from the controller's environment (TokenFromEnv),
// never from the access repo (S9): for the integration called hr-portal,
// GATEHOUSE_SCIM_HR_PORTAL_TOKEN, or GATEHOUSE_SCIM_HR_PORTAL_TOKEN_FILE
// naming a file that holds it (a mounted secret). It must be a bearer
// token of the SCIM service allowed to read users and groups, create and
// update users and update groups' members; it needs no right to delete
// anything. The token never appears in errors or logs: Token prints as
// where it came from, and any copy of it in the service's answers is
// removed before they reach an error.
package scim
