# METADATA
# title: Production database access
# description: >-
#   Acme's own rules for the production PostgreSQL database (system prod-db),
#   on top of gatehouse's built-in approvals: admin access needs a sign-off
#   from the security team and is time-boxed.
#
#   This policy follows the decision contract sketched in policies/README.md
#   of the gatehouse project. The input is the pull request's changes,
#   input.changes[_] = {id, op ("add", "modify" or "remove"), kind, path,
#   before, after}, where before and after are the documents as JSON with the
#   field names of format v1. data.gatehouse.base holds the documents of the
#   pull request's base commit by kind and name (data.gatehouse.base.teams,
#   data.gatehouse.base.systems, ...), so a pull request cannot change who
#   signs it off. A policy adds requirements {change, rule, count, eligible}
#   and violations {change, rule, message}.
package gatehouse.org.proddb

# The prod-db admin level's own maxDuration (systems/prod-db.yaml) caps every
# request at 30 days; this policy keeps that for the platform team's on-call
# engineers and allows everyone else a week.
platform_admin_days := 30

default_admin_days := 7

ns_per_day := ((24 * 60) * 60) * 1000000000

# METADATA
# title: Security sign-off for admin on prod-db
# description: >-
#   A request for the admin level on prod-db, new or changed, needs one
#   approval from a member of the security team besides the system's
#   approvers. The person the request is for never counts.
requirements contains {
	"change": change.id,
	"rule": "prod-db-admin-security-approval",
	"count": 1,
	"eligible": eligible,
} if {
	some change in input.changes
	prod_db_admin(change)
	eligible := sort([p |
		some p in data.gatehouse.base.teams.security.members
		p != change.after.person
	])
}

# METADATA
# title: Time-boxed admin on prod-db
# description: >-
#   A request for the admin level on prod-db must say when it ends: at most
#   7 days from now, or 30 days for members of the platform team, who hold it
#   for an on-call rotation.
violations contains {
	"change": change.id,
	"rule": "prod-db-admin-expiry",
	"message": sprintf(
		"admin access to prod-db must end: add expires, at most %d days from now, to the request for %s",
		[admin_days(change.after.person), change.after.person],
	),
} if {
	some change in input.changes
	prod_db_admin(change)
	not change.after.expires
}

violations contains {
	"change": change.id,
	"rule": "prod-db-admin-expiry",
	"message": sprintf(
		"admin access to prod-db lasts at most %d days for %s: set expires to %s or earlier",
		[days, change.after.person, time.format([deadline, "UTC", "2006-01-02T15:04:05Z07:00"])],
	),
} if {
	some change in input.changes
	prod_db_admin(change)
	days := admin_days(change.after.person)
	deadline := time.now_ns() + (days * ns_per_day)
	time.parse_rfc3339_ns(change.after.expires) > deadline
}

# prod_db_admin holds for a change that adds or modifies a request for the
# admin level on prod-db; removing one takes access away and needs nothing.
prod_db_admin(change) if {
	change.kind == "AccessRequest"
	change.op in {"add", "modify"}
	change.after.system == "prod-db"
	change.after.level == "admin"
}

admin_days(person) := platform_admin_days if {
	person in data.gatehouse.base.teams.platform.members
} else := default_admin_days
