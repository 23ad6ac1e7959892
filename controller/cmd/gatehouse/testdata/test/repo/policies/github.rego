# METADATA
# title: Admins sign off GitHub requests
package gatehouse.org.github

requirements contains {
	"change": change.id,
	"rule": "github-admin-approval",
	"count": 1,
	"eligible": gatehouse.who_can("provision", "System/github"),
} if {
	some change in input.changes
	change.kind == "AccessRequest"
	change.after.system == "github"
}
