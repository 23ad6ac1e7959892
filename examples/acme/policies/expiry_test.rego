package gatehouse.org.expiry_test

import data.gatehouse.org.expiry

# 2026-11-23T09:00:00Z, the time the tests pretend it is.
now_ns := time.parse_rfc3339_ns("2026-11-23T09:00:00Z")

request(op, expires) := {
	"id": "access/github/sam-contractor.yaml",
	"op": op,
	"kind": "AccessRequest",
	"path": "access/github/sam-contractor.yaml",
	"after": object.union(
		{"kind": "AccessRequest", "person": "sam", "system": "github", "level": "contractor"},
		expires,
	),
}

in_days(n) := {"expires": time.format([now_ns + (((n * 24) * 3600) * 1000000000), "UTC", "2006-01-02T15:04:05Z07:00"])}

violations(changes) := got if {
	got := expiry.violations with input as {"changes": changes}
		with time.now_ns as now_ns
}

test_thirty_days_ahead_is_allowed if {
	count(violations([request("add", in_days(30))])) == 0
}

test_beyond_thirty_days_is_denied_with_the_latest_date if {
	violations([request("add", in_days(31))]) == {{
		"change": "access/github/sam-contractor.yaml",
		"rule": "expiry-too-far",
		"message": "sam's access to github may last at most 30 days at a time: set expires to 2026-12-23T09:00:00Z or earlier, and renew it with a new pull request when it ends",
	}}
}

test_one_second_too_far_is_denied if {
	expires := time.format([(now_ns + (((30 * 24) * 3600) * 1000000000)) + 1000000000, "UTC", "2006-01-02T15:04:05Z07:00"])
	count(violations([request("add", {"expires": expires})])) == 1
}

test_an_offset_is_read_as_the_instant_it_names if {
	# 2026-12-23T10:30:00+02:00 is 08:30 UTC, within 30 days.
	count(violations([request("add", {"expires": "2026-12-23T10:30:00+02:00"})])) == 0
}

test_a_modified_request_is_held_to_the_same_limit if {
	change := object.union(request("modify", in_days(365)), {"before": request("add", in_days(10)).after})
	{v.rule | some v in violations([change])} == {"expiry-too-far"}
}

test_a_request_without_expires_is_not_this_policys_business if {
	count(violations([request("add", {})])) == 0
}

test_removing_a_long_request_is_allowed if {
	req := request("add", in_days(1825))
	change := {"id": req.id, "op": "remove", "kind": "AccessRequest", "path": req.path, "before": req.after}
	count(violations([change])) == 0
}

test_other_kinds_are_not_this_policys_business if {
	change := {
		"id": "Control/AC-2",
		"op": "add",
		"kind": "Control",
		"path": "objects/controls/AC-2.yaml",
		"after": {"kind": "Control", "name": "AC-2", "expires": in_days(90).expires},
	}
	count(violations([change])) == 0
}
