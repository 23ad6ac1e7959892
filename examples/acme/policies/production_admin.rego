# METADATA
# title: Admin on production systems
# description: >-
#   Acme's rule for break-glass access: admin on a production system needs
#   two of the system's approvers and, besides them, one member of the
#   security team, on top of gatehouse's built-in approval.
#
#   Like every policy here it follows gatehouse's decision contract
#   (policies/README.md of the gatehouse project): input.changes lists the
#   pull request's changes, {id, op, kind, path, before, after, fields};
#   data.gatehouse.base is the organisation at the pull request's base
#   commit, and gatehouse.who_can asks the permission engine on that same
#   commit, so a pull request cannot choose who signs it off.
package gatehouse.org.production_admin

# The systems that reach production, each with an access level named
# admin (systems/prod-db.yaml, systems/aws-console.yaml).
production_systems := {"prod-db", "aws-console"}

# METADATA
# title: Two system approvers for admin on production
# description: >-
#   A request for admin on a production system, new or changed, needs two
#   distinct approvers of that system. gatehouse never counts the person
#   the request is for, nor the pull request's author, so each production
#   system lists at least three approvers.
requirements contains {
	"change": change.id,
	"rule": "production-admin-approvers",
	"count": 2,
	"eligible": gatehouse.who_can("approve-request", sprintf("System/%s", [change.after.system])),
} if {
	some change in input.changes
	production_admin(change)
}

# METADATA
# title: Security sign-off for admin on production
# description: >-
#   The same request needs one member of the security team as well, who
#   may also be one of the two approvers. The person the request is for is
#   never eligible.
requirements contains {
	"change": change.id,
	"rule": "production-admin-security",
	"count": 1,
	"eligible": sort([p |
		some p in data.gatehouse.base.teams.security.members
		p != change.after.person
	]),
} if {
	some change in input.changes
	production_admin(change)
}

# production_admin holds for a change that adds or modifies a request for
# admin on a production system; removing one takes access away, which the
# built-in revoke-request rule covers.
production_admin(change) if {
	change.kind == "AccessRequest"
	change.op in {"add", "modify"}
	change.after.system in production_systems
	change.after.level == "admin"
}
