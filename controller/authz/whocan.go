package authz

// WhoCan returns the names of the people who may do action on object,
// sorted: the eligible approvers of a request, the people an access
// review lists, and on "Kind/*" those whose org-level grants allow it,
// e.g. who may approve adding a Control. An unknown action or object is
// a *NameError.
func (e *Engine) WhoCan(action, object string) ([]string, error) {
	o, err := e.resolveObject(object)
	if err != nil {
		return nil, err
	}
	bit, err := actionBit(o.k, action)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range e.candidates(bit, o) {
		if e.can(p, bit, o) {
			names = append(names, e.personNames[p])
		}
	}
	return names, nil
}

// candidates returns, in name order, the people worth asking about: when
// the action is held only through a System's own lists, their members
// (nobody for System/*, which has no lists); otherwise everyone.
func (e *Engine) candidates(bit uint8, o objRef) []int32 {
	kt := &tables.kinds[o.k]
	m := uint64(1) << bit
	var others uint64
	for h := range numHolders {
		if holder(h) != hApprovers && holder(h) != hAdmins {
			others |= kt.by[h]
		}
	}
	if o.k == kSystem && others&m == 0 {
		if o.isAny() {
			return nil
		}
		var ids []int32
		if kt.by[hApprovers]&m != 0 {
			ids = e.obj[kSystem].viewers[o.idx]
		}
		if kt.by[hAdmins]&m != 0 {
			ids = mergeSorted(ids, e.obj[kSystem].admins[o.idx])
		}
		return ids
	}
	return e.everyone
}

// mergeSorted returns the sorted union of two sorted id lists.
func mergeSorted(a, b []int32) []int32 {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
