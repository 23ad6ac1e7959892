package gatehouse.org.unsafe_test

test_unsafe if {
	x == 1
}

test_unknown_function if {
	gatehouse.can_maybe("ada")
}
