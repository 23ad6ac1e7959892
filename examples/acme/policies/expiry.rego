# METADATA
# title: Access is granted for at most 30 days at a time
# description: >-
#   Acme's rule for expiring access: a request that sets expires may not
#   set it more than 30 days ahead, whatever the system, so time-boxed
#   access is renewed by a new pull request, with a fresh approval, at least
#   once a month. A request without expires is not this policy's business:
#   gatehouse's validation already demands expires on every access level
#   with a maxDuration, and caps it there (7 days for admin on aws-console).
package gatehouse.org.expiry

max_days := 30

ns_per_day := ((24 * 60) * 60) * 1000000000

# METADATA
# title: Expiry at most 30 days ahead
# description: >-
#   A request added or changed with expires later than 30 days from now
#   may not merge; the message gives the latest expires allowed.
violations contains {
	"change": change.id,
	"rule": "expiry-too-far",
	"message": sprintf(
		"%s's access to %s may last at most %d days at a time: set expires to %s or earlier, and renew it with a new pull request when it ends",
		[change.after.person, change.after.system, max_days, time.format([latest, "UTC", "2006-01-02T15:04:05Z07:00"])],
	),
} if {
	some change in input.changes
	change.kind == "AccessRequest"
	change.op in {"add", "modify"}
	latest := time.now_ns() + (max_days * ns_per_day)
	time.parse_rfc3339_ns(change.after.expires) > latest
}
