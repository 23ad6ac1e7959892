package gatehouse.lib.decision_test

import data.gatehouse.lib.decision

# The organisation at the pull request's base commit, as much of it as the
# library reads: an integrated system, a manual one, a risk scenario.
base := {
	"systems": {
		"github": {
			"kind": "System",
			"name": "github",
			"integration": "github-acme",
			"approvers": ["ana"],
			"admins": ["bo"],
		},
		"wiki": {
			"kind": "System",
			"name": "wiki",
			"approvers": ["ana"],
			"admins": ["cy"],
		},
	},
	"riskScenarios": {"R-phishing": {
		"kind": "RiskScenario",
		"name": "R-phishing",
		"title": "Phishing",
		"owner": "gina",
	}},
}

# fake_who_can stands in for the permission engine: its answer names the
# question, so a test sees which action on which object the library asked.
fake_who_can(action, object) := [sprintf("who_can(%s, %s)", [action, object])]

# decide evaluates the library on changes against base.
decide(changes) := got if {
	got := {
		"requirements": decision.requirements,
		"violations": decision.violations,
		"routes": decision.routes,
	} with input as {"changes": changes}
		with data.gatehouse.base as base
		with gatehouse.who_can as fake_who_can
}

# requirement is what the library asks for when change needs one approval
# of action on object under rule, eligible as the engine answers.
requirement(change, rule, action, object) := {
	"change": change.id,
	"rule": rule,
	"count": 1,
	"eligible": fake_who_can(action, object),
	"action": action,
	"object": object,
}

request(person, system) := {
	"kind": "AccessRequest",
	"person": person,
	"system": system,
	"level": "member",
	"justification": "On-call rotation.",
}

request_change(op, before, after) := object.filter(
	{
		"id": "access/github/alice-member.yaml",
		"op": op,
		"kind": "AccessRequest",
		"path": "access/github/alice-member.yaml",
		"before": before,
		"after": after,
		"fields": ["level"],
	},
	{"id", "op", "kind", "path", "fields"} | {k | some k, v in {"before": before, "after": after}; v != null},
)

added(doc) := {
	"id": sprintf("%s/%s", [doc.kind, doc.name]),
	"op": "add",
	"kind": doc.kind,
	"path": sprintf("objects/%s.yaml", [doc.name]),
	"after": doc,
}

removed(doc) := {
	"id": sprintf("%s/%s", [doc.kind, doc.name]),
	"op": "remove",
	"kind": doc.kind,
	"path": sprintf("objects/%s.yaml", [doc.name]),
	"before": doc,
}

# modified changes fields of before to the values in edits.
modified(before, edits) := {
	"id": sprintf("%s/%s", [before.kind, before.name]),
	"op": "modify",
	"kind": before.kind,
	"path": sprintf("objects/%s.yaml", [before.name]),
	"before": before,
	"after": object.union(before, edits),
	"fields": sort(object.keys(edits)),
}

doc(kind, name) := {"kind": kind, "name": name, "title": name, "owner": "gina"}

risk_task(name, scenario) := object.union(doc("RiskTask", name), {"riskScenario": scenario, "due": "2027-01-31"})

review(name, systems) := {"kind": "AccessReview", "name": name, "systems": systems}

# AccessRequest changes.

test_added_request_needs_approve_request_on_its_system if {
	change := request_change("add", null, request("alice", "github"))
	decide([change]).requirements == {requirement(change, "approve-request", "approve-request", "System/github")}
}

test_modified_request_needs_approve_request_on_its_system if {
	change := request_change("modify", request("alice", "wiki"), request("alice", "github"))
	decide([change]).requirements == {requirement(change, "approve-request", "approve-request", "System/github")}
}

test_removed_request_needs_revoke_request_from_person_approvers_admins_and_org_admins if {
	change := request_change("remove", request("alice", "github"), null)
	decide([change]).requirements == {{
		"change": change.id,
		"rule": "revoke-request",
		"count": 1,
		"eligible": [
			"alice",
			"who_can(approve-request, System/github)",
			"who_can(configure, System/github)",
			"who_can(provision, System/github)",
		],
		"object": "System/github",
	}}
}

test_revokers_are_listed_once_each_in_name_order if {
	change := request_change("remove", request("alice", "github"), null)
	got := decision.requirements with input as {"changes": [change]}
		with data.gatehouse.base as base
		with gatehouse.who_can as overlapping_who_can
	some r in got
	r.eligible == ["alice", "ana", "bo", "root"]
}

overlapping_who_can(action, _) := {
	"approve-request": ["bo", "ana"],
	"provision": ["bo"],
	"configure": ["root", "ana", "alice"],
}[action]

test_removed_request_for_a_system_gone_from_base_needs_the_person_or_an_org_admin if {
	change := request_change("remove", request("alice", "retired-crm"), null)
	some r in decide([change]).requirements
	r.rule == "revoke-request"
	r.eligible == ["alice", "who_can(configure, System/*)"]
}

test_request_for_a_system_not_on_base_is_a_violation if {
	change := request_change("add", null, request("alice", "new-crm"))
	some v in decide([change]).violations
	v.change == change.id
	v.rule == "system-not-on-base"
	contains(v.message, "new-crm")
}

test_request_for_a_system_not_on_base_needs_no_approve_request if {
	change := request_change("add", null, request("alice", "new-crm"))
	decide([change]).requirements == set()
}

test_request_for_a_system_on_base_is_no_violation if {
	change := request_change("add", null, request("alice", "github"))
	decide([change]).violations == set()
}

# Configuration kinds.

config_docs := [doc(kind, "x") | some kind in ["System", "Person", "Team", "Role", "Config"]]

test_added_configuration_needs_configure_on_any_object_of_its_kind if {
	every d in config_docs {
		change := added(d)
		decide([change]).requirements == {requirement(change, "configure", "configure", sprintf("%s/*", [d.kind]))}
	}
}

test_modified_configuration_needs_configure_on_the_object if {
	every d in config_docs {
		change := modified(d, {"title": "changed"})
		decide([change]).requirements == {requirement(change, "configure", "configure", sprintf("%s/x", [d.kind]))}
	}
}

test_removed_configuration_needs_configure_on_the_object if {
	every d in config_docs {
		change := removed(d)
		decide([change]).requirements == {requirement(change, "configure", "configure", sprintf("%s/x", [d.kind]))}
	}
}

# Edits of compliance objects, by field.

test_owner_change_needs_reassign_owner if {
	every kind in ["Control", "Test", "Document", "RiskScenario", "RiskTask"] {
		change := modified(doc(kind, "x"), {"owner": "hal"})
		decide([change]).requirements == {requirement(change, "reassign-owner", "reassign-owner", sprintf("%s/x", [kind]))}
	}
}

test_test_controls_change_needs_modify_control_mappings if {
	change := modified(object.union(doc("Test", "T-mfa"), {"controls": ["AC-1"]}), {"controls": ["AC-1", "AC-2"]})
	decide([change]).requirements == {requirement(change, "modify-control-mappings", "modify-control-mappings", "Test/T-mfa")}
}

test_document_title_change_needs_edit_details if {
	change := modified(doc("Document", "D-policy"), {"title": "Access policy"})
	decide([change]).requirements == {requirement(change, "edit-details", "edit-details", "Document/D-policy")}
}

test_document_restricted_change_needs_mark_sensitive if {
	change := modified(doc("Document", "D-policy"), {"restricted": true})
	decide([change]).requirements == {requirement(change, "mark-sensitive", "mark-sensitive", "Document/D-policy")}
}

test_risk_scenario_category_change_needs_edit_category if {
	change := modified(doc("RiskScenario", "R-phishing"), {"category": "people"})
	decide([change]).requirements == {requirement(change, "edit-category", "edit-category", "RiskScenario/R-phishing")}
}

test_risk_task_due_change_needs_change_due_date if {
	change := modified(risk_task("RT-training", "R-phishing"), {"due": "2027-03-31"})
	decide([change]).requirements == {requirement(change, "change-due-date", "change-due-date", "RiskTask/RT-training")}
}

test_risk_task_title_change_needs_edit_tasks_on_its_scenario if {
	change := modified(risk_task("RT-training", "R-phishing"), {"title": "Phishing drill"})
	decide([change]).requirements == {requirement(change, "edit-tasks", "edit-tasks", "RiskScenario/R-phishing")}
}

test_risk_task_title_change_under_a_scenario_not_on_base_needs_edit_with_delete if {
	change := modified(risk_task("RT-training", "R-new"), {"title": "Phishing drill"})
	decide([change]).requirements == {requirement(change, "edit", "delete", "RiskTask/RT-training")}
}

test_control_title_change_needs_edit_with_delete if {
	change := modified(doc("Control", "AC-1"), {"title": "Access control"})
	decide([change]).requirements == {requirement(change, "edit", "delete", "Control/AC-1")}
}

test_each_changed_field_needs_its_own_approval if {
	change := modified(doc("Document", "D-policy"), {"title": "Access policy", "owner": "hal"})
	decide([change]).requirements == {
		requirement(change, "edit-details", "edit-details", "Document/D-policy"),
		requirement(change, "reassign-owner", "reassign-owner", "Document/D-policy"),
	}
}

# Adding and removing compliance objects.

test_added_object_needs_create_on_any_object_of_its_kind if {
	every kind, action in {
		"Control": "delete", "Test": "delete", "Document": "delete",
		"RiskScenario": "archive", "Report": "edit", "AccessReview": "remove-system",
	} {
		change := added(doc(kind, "x"))
		decide([change]).requirements == {requirement(change, "create", action, sprintf("%s/*", [kind]))}
	}
}

test_risk_task_added_under_an_existing_scenario_needs_create_task_on_it if {
	change := added(risk_task("RT-training", "R-phishing"))
	decide([change]).requirements == {requirement(change, "create", "create-task", "RiskScenario/R-phishing")}
}

test_risk_task_added_under_a_new_scenario_needs_create_on_any_risk_task if {
	change := added(risk_task("RT-training", "R-new"))
	decide([change]).requirements == {requirement(change, "create", "delete", "RiskTask/*")}
}

test_removed_object_needs_delete if {
	every kind in ["Control", "Test", "Document", "RiskTask"] {
		change := removed(doc(kind, "x"))
		decide([change]).requirements == {requirement(change, "delete", "delete", sprintf("%s/x", [kind]))}
	}
}

test_removed_risk_scenario_needs_archive if {
	change := removed(doc("RiskScenario", "R-phishing"))
	decide([change]).requirements == {requirement(change, "archive", "archive", "RiskScenario/R-phishing")}
}

test_removed_report_needs_edit if {
	change := removed(doc("Report", "SOC2"))
	decide([change]).requirements == {requirement(change, "edit", "edit", "Report/SOC2")}
}

# Access reviews, judged per system.

q1 := review("q1", [{"system": "github", "reviewers": ["ana"]}, {"system": "wiki", "reviewers": ["cy"]}])

test_access_review_system_removed_needs_remove_system_on_it if {
	change := modified(q1, {"systems": [{"system": "github", "reviewers": ["ana"]}]})
	decide([change]).requirements == {requirement(change, "remove-system", "remove-system", "AccessReview/q1/wiki")}
}

test_access_review_reviewers_changed_need_reassign_owner_on_the_system if {
	change := modified(q1, {"systems": [{"system": "github", "reviewers": ["ana", "bo"]}, {"system": "wiki", "reviewers": ["cy"]}]})
	decide([change]).requirements == {requirement(change, "reassign-owner", "reassign-owner", "AccessReview/q1/github")}
}

test_access_review_reviewers_reordered_need_nothing if {
	two := review("q2", [{"system": "github", "reviewers": ["ana", "bo"]}])
	change := modified(two, {"systems": [{"system": "github", "reviewers": ["bo", "ana"]}]})
	decide([change]).requirements == set()
}

test_access_review_system_added_needs_add_system if {
	change := modified(q1, {"systems": array.concat(q1.systems, [{"system": "slack", "reviewers": ["ana"]}])})
	decide([change]).requirements == {requirement(change, "add-system", "remove-system", "AccessReview/q1")}
}

test_access_review_other_field_needs_edit if {
	change := modified(q1, {"title": "Q1 review"})
	decide([change]).requirements == {requirement(change, "edit", "remove-system", "AccessReview/q1")}
}

test_removed_access_review_needs_remove_system_on_it_and_each_system if {
	change := removed(q1)
	decide([change]).requirements == {
		requirement(change, "remove-system", "remove-system", "AccessReview/q1"),
		requirement(change, "remove-system", "remove-system", "AccessReview/q1/github"),
		requirement(change, "remove-system", "remove-system", "AccessReview/q1/wiki"),
	}
}

test_removed_access_review_without_systems_needs_remove_system if {
	change := removed(review("empty", []))
	decide([change]).requirements == {requirement(change, "remove-system", "remove-system", "AccessReview/empty")}
}

# Provisioning routes.

test_route_of_an_integrated_system_is_its_integration if {
	change := request_change("add", null, request("alice", "github"))
	decide([change]).routes == {{
		"change": change.id, "op": "grant", "system": "github", "person": "alice",
		"integration": "github-acme",
	}}
}

test_route_of_a_manual_system_is_its_admins if {
	change := request_change("add", null, request("alice", "wiki"))
	decide([change]).routes == {{
		"change": change.id, "op": "grant", "system": "wiki", "person": "alice",
		"admins": ["who_can(provision, System/wiki)"],
	}}
}

test_route_of_a_removed_request_revokes if {
	change := request_change("remove", request("alice", "github"), null)
	decide([change]).routes == {{
		"change": change.id, "op": "revoke", "system": "github", "person": "alice",
		"integration": "github-acme",
	}}
}

test_route_of_a_modified_request_revokes_the_old_and_grants_the_new if {
	change := request_change("modify", request("alice", "wiki"), request("alice", "github"))
	decide([change]).routes == {
		{
			"change": change.id, "op": "revoke", "system": "wiki", "person": "alice",
			"admins": ["who_can(provision, System/wiki)"],
		},
		{
			"change": change.id, "op": "grant", "system": "github", "person": "alice",
			"integration": "github-acme",
		},
	}
}

test_request_for_a_system_not_on_base_has_no_route if {
	change := request_change("add", null, request("alice", "new-crm"))
	decide([change]).routes == set()
}

test_objects_have_no_route if {
	decide([added(doc("Control", "AC-9"))]).routes == set()
}
