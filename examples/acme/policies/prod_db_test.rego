package gatehouse.org.proddb_test

import data.gatehouse.org.proddb

# 2026-11-23T09:00:00Z, the time the tests pretend it is.
now_ns := time.parse_rfc3339_ns("2026-11-23T09:00:00Z")

teams := {
	"platform": {"name": "platform", "members": ["marcus", "alice", "bob", "chen"], "admins": ["marcus"]},
	"security": {"name": "security", "members": ["sofia", "kenji", "lena"], "admins": ["sofia"]},
}

request(person, level, expires) := {
	"id": sprintf("access/prod-db/%s-%s.yaml", [person, level]),
	"op": "add",
	"kind": "AccessRequest",
	"path": sprintf("access/prod-db/%s-%s.yaml", [person, level]),
	"after": object.union(
		{
			"kind": "AccessRequest",
			"person": person,
			"system": "prod-db",
			"level": level,
			"justification": "Incident INC-231: the billing job is stuck on a lock.",
		},
		expires,
	),
}

in_days(n) := {"expires": time.format([now_ns + (((n * 24) * 3600) * 1000000000), "UTC", "2006-01-02T15:04:05Z07:00"])}

# decide evaluates the policy on changes against Acme's teams at now_ns.
decide(changes) := got if {
	got := {"requirements": proddb.requirements, "violations": proddb.violations} with input as {"changes": changes}
		with data.gatehouse.base.teams as teams
		with time.now_ns as now_ns
}

test_admin_request_needs_security_approval if {
	got := decide([request("yuki", "admin", in_days(2))])
	got.requirements == {{
		"change": "access/prod-db/yuki-admin.yaml",
		"rule": "prod-db-admin-security-approval",
		"count": 1,
		"eligible": ["kenji", "lena", "sofia"],
	}}
}

test_security_approval_excludes_the_requester if {
	got := decide([request("kenji", "admin", in_days(1))])
	some r in got.requirements
	r.eligible == ["lena", "sofia"]
}

test_modified_admin_request_needs_security_approval if {
	change := object.union(request("yuki", "admin", in_days(3)), {
		"op": "modify",
		"before": {"kind": "AccessRequest", "person": "yuki", "system": "prod-db", "level": "write"},
	})
	got := decide([change])
	count(got.requirements) == 1
}

test_read_request_needs_no_security_approval if {
	got := decide([request("rahul", "read", {})])
	count(got.requirements) == 0
	count(got.violations) == 0
}

test_admin_on_another_system_is_not_this_policys_business if {
	change := json.patch(request("yuki", "admin", {}), [{"op": "replace", "path": "/after/system", "value": "aws-console"}])
	got := decide([change])
	count(got.requirements) == 0
	count(got.violations) == 0
}

test_removing_an_admin_request_needs_nothing if {
	change := {
		"id": "access/prod-db/yuki-admin.yaml",
		"op": "remove",
		"kind": "AccessRequest",
		"path": "access/prod-db/yuki-admin.yaml",
		"before": request("yuki", "admin", in_days(2)).after,
	}
	got := decide([change])
	count(got.requirements) == 0
	count(got.violations) == 0
}

test_admin_within_a_week_is_allowed if {
	got := decide([request("yuki", "admin", in_days(7))])
	count(got.violations) == 0
}

test_admin_beyond_a_week_is_denied_outside_platform if {
	got := decide([request("yuki", "admin", in_days(8))])
	got.violations == {{
		"change": "access/prod-db/yuki-admin.yaml",
		"rule": "prod-db-admin-expiry",
		"message": "admin access to prod-db lasts at most 7 days for yuki: set expires to 2026-11-30T09:00:00Z or earlier",
	}}
}

test_platform_on_call_may_hold_admin_for_a_rotation if {
	got := decide([request("alice", "admin", in_days(30))])
	count(got.violations) == 0
}

test_platform_admin_beyond_thirty_days_is_denied if {
	got := decide([request("alice", "admin", in_days(31))])
	some v in got.violations
	v.rule == "prod-db-admin-expiry"
	contains(v.message, "at most 30 days for alice")
}

test_admin_without_expires_is_denied if {
	got := decide([request("yuki", "admin", {})])
	got.violations == {{
		"change": "access/prod-db/yuki-admin.yaml",
		"rule": "prod-db-admin-expiry",
		"message": "admin access to prod-db must end: add expires, at most 7 days from now, to the request for yuki",
	}}
}

test_each_change_is_judged_on_its_own if {
	got := decide([request("yuki", "admin", in_days(2)), request("rahul", "read", {}), request("chen", "admin", {})])
	{r.change | some r in got.requirements} == {"access/prod-db/yuki-admin.yaml", "access/prod-db/chen-admin.yaml"}
	{v.change | some v in got.violations} == {"access/prod-db/chen-admin.yaml"}
}
