package gatehouse.org.github_test

import data.gatehouse.org.github

change := {"id": "access/github/emil.yaml", "op": "add", "kind": "AccessRequest", "after": {"person": "emil", "system": "github"}}

test_admins_provision_github if {
	some r in github.requirements with input as {"changes": [change]}
	r.eligible == ["ada"]
}

test_engine_answers_from_the_repo if {
	gatehouse.can("cora", "approve-request", "System/github")
	not gatehouse.can("emil", "approve-request", "System/github")
}

test_engine_can_be_mocked if {
	some r in github.requirements with input as {"changes": [change]}
		with gatehouse.who_can as ["zed"]
	r.eligible == ["zed"]
}
