package gatehouse.org.auto_approve_test

import data.gatehouse.org.auto_approve

request(op, system, level) := {
	"id": sprintf("access/%s/ana-%s.yaml", [system, level]),
	"op": op,
	"kind": "AccessRequest",
	"path": sprintf("access/%s/ana-%s.yaml", [system, level]),
	"after": {"kind": "AccessRequest", "person": "ana", "system": system, "level": level},
}

waivers(changes) := got if {
	got := auto_approve.waivers with input as {"changes": changes}
}

test_slack_member_is_granted_without_an_approver if {
	waivers([request("add", "slack", "member")]) == {{
		"change": "access/slack/ana-member.yaml",
		"rule": "approve-request",
		"reason": "member on slack is low-risk: Acme grants it without an approver (policies/auto_approve.rego)",
	}}
}

test_pagerduty_responder_is_granted_without_an_approver if {
	{w.change | some w in waivers([request("add", "pagerduty", "responder")])} == {"access/pagerduty/ana-responder.yaml"}
}

test_higher_levels_of_low_risk_systems_keep_their_approver if {
	count(waivers([request("add", "slack", "admin"), request("add", "pagerduty", "manager")])) == 0
}

test_other_systems_keep_their_approver if {
	count(waivers([request("add", "github", "member"), request("add", "1password", "member")])) == 0
}

test_a_change_to_an_existing_request_keeps_its_approver if {
	change := object.union(request("modify", "slack", "member"), {
		"before": {"kind": "AccessRequest", "person": "ana", "system": "slack", "level": "admin"},
	})
	count(waivers([change])) == 0
}

test_removing_a_request_waives_nothing if {
	req := request("add", "slack", "member")
	change := {"id": req.id, "op": "remove", "kind": "AccessRequest", "path": req.path, "before": req.after}
	count(waivers([change])) == 0
}

test_other_kinds_are_never_waived if {
	change := {
		"id": "System/slack",
		"op": "add",
		"kind": "System",
		"path": "systems/slack.yaml",
		"after": {"kind": "System", "name": "slack", "system": "slack", "level": "member"},
	}
	count(waivers([change])) == 0
}

test_each_change_is_judged_on_its_own if {
	got := waivers([request("add", "slack", "member"), request("add", "slack", "admin"), request("add", "pagerduty", "responder")])
	{w.change | some w in got} == {"access/slack/ana-member.yaml", "access/pagerduty/ana-responder.yaml"}
}
