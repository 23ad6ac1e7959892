package gatehouse.org.github_test

import data.gatehouse.org.github

change := {"id": "access/github/emil.yaml", "op": "add", "kind": "AccessRequest", "after": {"person": "emil", "system": "github"}}

test_admins_provision_github if {
	some r in github.requirements with input as {"changes": [change]}
	r.eligible == ["ada"]
}

test_approvers_provision_github if {
	some r in github.requirements with input as {"changes": [change]}
	r.eligible == ["cora"]
}

test_unknown_system_halts if {
	gatehouse.who_can("provision", "System/gitlab") == []
}
