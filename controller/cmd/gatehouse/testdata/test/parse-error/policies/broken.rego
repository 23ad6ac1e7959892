package gatehouse.org.broken

allow if {
	input.user ==
}
