# METADATA
# title: gatehouse's built-in decisions
# description: >-
#   Turns the changes of an access pull request (input.changes) into the
#   approvals they need (requirements), what forbids them (violations) and
#   who provisions them after the merge (routes). Who is eligible comes from
#   gatehouse's permission engine on the pull request's base commit, through
#   the built-in functions gatehouse.who_can and gatehouse.can, so a pull
#   request can never choose its own approvers. policies/README.md of the
#   gatehouse project is the contract; an organisation's own policies under
#   gatehouse.org.* add to what this package decides.
package gatehouse.lib.decision

# Kinds whose every change is configuration: only those who may configure
# them (org admins, seed 001) approve.
config_kinds := {"System", "Person", "Team", "Role", "Config"}

# Compliance objects of seed 001, each with an owner, reviewers or viewers.
object_kinds := {"Control", "Test", "Document", "RiskScenario", "RiskTask", "Report", "AccessReview"}

# The action of seed 001's table that each changed field needs.
field_actions := {
	"Control": {"owner": "reassign-owner"},
	"Test": {"owner": "reassign-owner", "controls": "modify-control-mappings"},
	"Document": {
		"owner": "reassign-owner",
		"controls": "modify-control-mappings",
		"title": "edit-details",
		"description": "edit-details",
		"restricted": "mark-sensitive",
		"recurrence": "edit-recurrence",
	},
	"RiskScenario": {
		"owner": "reassign-owner",
		"category": "edit-category",
		"title": "edit-metadata",
		"description": "edit-metadata",
	},
	"RiskTask": {"owner": "reassign-owner", "due": "change-due-date"},
	"Report": {"viewers": "share"},
}

# The action that creating or removing an object of a kind needs, also
# needed for an edit no row of seed 001's table covers (a Control's title,
# say): seed 001 gives these to editors and admins, never to owners.
lifecycle_action := {
	"Control": "delete",
	"Test": "delete",
	"Document": "delete",
	"RiskScenario": "archive",
	"RiskTask": "delete",
	"Report": "edit",
	"AccessReview": "remove-system",
}

# METADATA
# title: Approvals each change needs
# description: >-
#   One requirement per change and action: count distinct people of
#   eligible must approve. gatehouse itself adds the policy-owner
#   requirement of changes to policies/ and gatehouse.yaml, which no policy
#   can waive.
requirements contains {
	"change": need.change,
	"rule": need.rule,
	"count": 1,
	"eligible": gatehouse.who_can(need.action, need.object),
	"action": need.action,
	"object": need.object,
} if {
	some need in needs
}

requirements contains {
	"change": change.id,
	"rule": "revoke-request",
	"count": 1,
	"eligible": revokers(change.before),
	"object": sprintf("System/%s", [change.before.system]),
} if {
	some change in input.changes
	change.kind == "AccessRequest"
	change.op == "remove"
}

# METADATA
# title: What forbids a change as it is
# description: >-
#   gatehouse adds the validation errors of the documents a pull request
#   adds or changes (an unknown level, a missing justification, an expiry
#   already past); this package adds what needs the base commit to see.
violations contains {
	"change": change.id,
	"rule": "system-not-on-base",
	"message": sprintf(
		"system %s does not exist on the base branch yet: merge the pull request that adds it, then request access to it",
		[change.after.system],
	),
} if {
	some change in input.changes
	change.kind == "AccessRequest"
	change.op in {"add", "modify"}
	not base_has("systems", change.after.system)
}

# METADATA
# title: Who provisions each access change after the merge
# description: >-
#   The system's integration when it has one; otherwise its admins, by
#   hand. op says whether access is granted or revoked.
routes contains route if {
	some change in input.changes
	change.kind == "AccessRequest"
	some op, request in requests_of(change)
	system := data.gatehouse.base.systems[request.system]
	route := object.union(
		{"change": change.id, "op": op, "system": request.system, "person": request.person},
		provisioner(system),
	)
}

provisioner(system) := {"integration": system.integration} if {
	system.integration
} else := {"admins": gatehouse.who_can("provision", sprintf("System/%s", [system.name]))}

# requests_of maps what a change of an AccessRequest does to the request
# it grants or revokes: a modify revokes the old and grants the new.
requests_of(change) := {"grant": change.after} if change.op == "add"

requests_of(change) := {"revoke": change.before} if change.op == "remove"

requests_of(change) := {"grant": change.after, "revoke": change.before} if change.op == "modify"

# needs holds one {change, rule, action, object} per approval a change
# needs, object written as gatehouse.who_can takes it.
needs contains {
	"change": change.id,
	"rule": "approve-request",
	"action": "approve-request",
	"object": sprintf("System/%s", [change.after.system]),
} if {
	some change in input.changes
	change.kind == "AccessRequest"
	change.op in {"add", "modify"}
	base_has("systems", change.after.system)
}

needs contains {
	"change": change.id,
	"rule": "configure",
	"action": "configure",
	"object": object_ref(change),
} if {
	some change in input.changes
	change.kind in config_kinds
}

needs contains {
	"change": change.id,
	"rule": "create",
	"action": need.action,
	"object": need.object,
} if {
	some change in input.changes
	change.kind in object_kinds
	change.op == "add"
	need := create_need(change)
}

needs contains {
	"change": change.id,
	"rule": action,
	"action": action,
	"object": object,
} if {
	some change in input.changes
	change.kind in object_kinds
	change.op == "remove"
	action := lifecycle_action[change.kind]
	object := object_ref(change)
}

needs contains object.union({"change": change.id}, edit_need(change, field)) if {
	some change in input.changes
	change.kind in object_kinds
	change.kind != "AccessReview"
	change.op == "modify"
	some field in change.fields
}

# An access review's reviewers act per system, so its changes are judged
# per system: removing one needs remove-system on it, changing its
# reviewers reassign-owner on it; adding a system or editing the review
# itself needs what removing a system needs anywhere (editors and admins).
needs contains {
	"change": change.id,
	"rule": "remove-system",
	"action": "remove-system",
	"object": sprintf("AccessReview/%s/%s", [change.before.name, system]),
} if {
	some change in input.changes
	change.kind == "AccessReview"
	change.op in {"modify", "remove"}
	some system, _ in review_systems(change.before)
	not review_systems(object.get(change, "after", {}))[system]
}

needs contains {
	"change": change.id,
	"rule": "reassign-owner",
	"action": "reassign-owner",
	"object": sprintf("AccessReview/%s/%s", [change.before.name, system]),
} if {
	some change in input.changes
	change.kind == "AccessReview"
	change.op == "modify"
	some system, reviewers in review_systems(change.before)
	after := review_systems(change.after)[system]
	sort(after) != sort(reviewers)
}

needs contains {
	"change": change.id,
	"rule": "add-system",
	"action": "remove-system",
	"object": sprintf("AccessReview/%s", [change.before.name]),
} if {
	some change in input.changes
	change.kind == "AccessReview"
	change.op == "modify"
	some system, _ in review_systems(change.after)
	not review_systems(change.before)[system]
}

needs contains {
	"change": change.id,
	"rule": "edit",
	"action": "remove-system",
	"object": sprintf("AccessReview/%s", [change.before.name]),
} if {
	some change in input.changes
	change.kind == "AccessReview"
	change.op == "modify"
	some field in change.fields
	field != "systems"
}

# review_systems maps an access review's systems to their reviewers.
review_systems(review) := {entry.system: object.get(entry, "reviewers", []) |
	some entry in object.get(review, "systems", [])
}

# edit_need is what changing one field of an object needs. A risk task's
# title and description are its scenario owner's to edit (edit-tasks).
edit_need(change, field) := {
	"rule": "edit-tasks",
	"action": "edit-tasks",
	"object": sprintf("RiskScenario/%s", [change.before.riskScenario]),
} if {
	change.kind == "RiskTask"
	field in {"title", "description"}
	base_has("riskScenarios", change.before.riskScenario)
} else := {
	"rule": action,
	"action": action,
	"object": object_ref(change),
} if {
	action := field_actions[change.kind][field]
} else := {
	"rule": "edit",
	"action": lifecycle_action[change.kind],
	"object": object_ref(change),
}

# create_need is what adding an object needs: a risk task under an
# existing scenario is its owner's to create (create-task); anything else
# needs the editors and admins who may remove objects of its kind.
create_need(change) := {
	"action": "create-task",
	"object": sprintf("RiskScenario/%s", [change.after.riskScenario]),
} if {
	change.kind == "RiskTask"
	base_has("riskScenarios", change.after.riskScenario)
} else := {
	"action": lifecycle_action[change.kind],
	"object": sprintf("%s/*", [change.kind]),
}

# object_ref names a change's object for the permission engine: the
# document on the base commit, or any object of its kind ("Kind/*") for
# one the pull request adds.
object_ref(change) := sprintf("%s/*", [change.kind]) if change.op == "add"

object_ref(change) := sprintf("%s/%s", [change.kind, change.before.name]) if change.op != "add"

# revokers may take back a request: its person, the system's approvers and
# admins, and the org admins (who may configure any system).
revokers(request) := sort(people) if {
	base_has("systems", request.system)
	system := sprintf("System/%s", [request.system])
	people := ({request.person} | {p | some p in gatehouse.who_can("approve-request", system)}) | (
		{p | some p in gatehouse.who_can("provision", system)} | {p | some p in gatehouse.who_can("configure", system)}
	)
} else := sort({request.person} | {p | some p in gatehouse.who_can("configure", "System/*")})

base_has(collection, name) if data.gatehouse.base[collection][name]
