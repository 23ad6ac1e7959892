package gatehouse.org.production_admin_test

import data.gatehouse.org.production_admin

teams := {"security": {"name": "security", "members": ["sofia", "kenji", "lena"], "admins": ["sofia"]}}

# approvers stands in for the permission engine: the approvers of Acme's
# systems as systems/*.yaml list them.
approvers := {
	"System/prod-db": ["marcus", "omar", "priya"],
	"System/aws-console": ["marcus", "priya", "sofia"],
	"System/github": ["alice", "bob", "chen", "marcus"],
}

who_can(action, object) := approvers[object] if action == "approve-request"

request(system, person, level) := {
	"id": sprintf("access/%s/%s-%s.yaml", [system, person, level]),
	"op": "add",
	"kind": "AccessRequest",
	"path": sprintf("access/%s/%s-%s.yaml", [system, person, level]),
	"after": {
		"kind": "AccessRequest",
		"person": person,
		"system": system,
		"level": level,
		"justification": "Incident INC-231: the billing job is stuck on a lock.",
		"expires": "2026-11-26T18:00:00Z",
	},
}

# requirements evaluates the policy on changes against Acme's security
# team and approvers.
requirements(changes) := got if {
	got := production_admin.requirements with input as {"changes": changes}
		with data.gatehouse.base.teams as teams
		with gatehouse.who_can as who_can
}

test_admin_on_prod_db_needs_two_approvers_and_security if {
	requirements([request("prod-db", "yuki", "admin")]) == {
		{
			"change": "access/prod-db/yuki-admin.yaml",
			"rule": "production-admin-approvers",
			"count": 2,
			"eligible": ["marcus", "omar", "priya"],
		},
		{
			"change": "access/prod-db/yuki-admin.yaml",
			"rule": "production-admin-security",
			"count": 1,
			"eligible": ["kenji", "lena", "sofia"],
		},
	}
}

test_admin_on_aws_console_asks_the_console_approvers if {
	some r in requirements([request("aws-console", "chen", "admin")])
	r.rule == "production-admin-approvers"
	r.eligible == ["marcus", "priya", "sofia"]
}

test_security_sign_off_excludes_the_requester if {
	some r in requirements([request("prod-db", "kenji", "admin")])
	r.rule == "production-admin-security"
	r.eligible == ["lena", "sofia"]
}

test_modified_admin_request_needs_the_same_approvals if {
	change := object.union(request("prod-db", "yuki", "admin"), {
		"op": "modify",
		"before": {"kind": "AccessRequest", "person": "yuki", "system": "prod-db", "level": "write"},
	})
	{r.rule | some r in requirements([change])} == {"production-admin-approvers", "production-admin-security"}
}

test_lower_levels_of_production_need_nothing_more if {
	count(requirements([request("prod-db", "rahul", "read"), request("aws-console", "yuki", "power-user")])) == 0
}

test_admin_on_other_systems_needs_nothing_more if {
	count(requirements([request("github", "bob", "admin")])) == 0
}

test_removing_admin_needs_nothing_more if {
	req := request("prod-db", "yuki", "admin")
	change := {"id": req.id, "op": "remove", "kind": "AccessRequest", "path": req.path, "before": req.after}
	count(requirements([change])) == 0
}

test_each_change_is_judged_on_its_own if {
	got := requirements([
		request("prod-db", "yuki", "admin"),
		request("prod-db", "rahul", "read"),
		request("aws-console", "chen", "admin"),
	])
	{r.change | some r in got} == {"access/prod-db/yuki-admin.yaml", "access/aws-console/chen-admin.yaml"}
	count(got) == 4
}
