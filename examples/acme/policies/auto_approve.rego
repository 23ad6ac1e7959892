# METADATA
# title: Low-risk access without an approver
# description: >-
#   Acme's rule for everyday access: asking for the lowest level of a
#   low-risk system needs no approver, so nobody waits a day for Slack or
#   for a place on the on-call rotation. It waives gatehouse's built-in
#   approve-request requirement for new requests of exactly those levels.
#   Every other level, and any change to an existing request, keeps its
#   approval. A waiver never reaches other kinds nor the policy owners'
#   approval of changes to policies/ and gatehouse.yaml: gatehouse ignores
#   it there.
package gatehouse.org.auto_approve

# Each low-risk system with the one level anybody may have without an
# approver: the lowest of its levels (systems/slack.yaml,
# systems/pagerduty.yaml).
low_risk_levels := {
	"slack": "member",
	"pagerduty": "responder",
}

# METADATA
# title: No approver for the lowest level of a low-risk system
# description: >-
#   A new request for slack member or pagerduty responder merges without
#   an approval from the system's approvers; its system's admins or
#   integration still provision it, and removing it still revokes it.
waivers contains {
	"change": change.id,
	"rule": "approve-request",
	"reason": sprintf(
		"%s on %s is low-risk: Acme grants it without an approver (policies/auto_approve.rego)",
		[change.after.level, change.after.system],
	),
} if {
	some change in input.changes
	change.kind == "AccessRequest"
	change.op == "add"
	low_risk_levels[change.after.system] == change.after.level
}
