package schemas

import (
	"encoding/json"
	"testing"
)

// FuzzAccessRequestFastPath holds the fast check to the schema: whatever
// it accepts, the full validator must accept too.
func FuzzAccessRequestFastPath(f *testing.F) {
	for _, s := range []string{
		`{"kind":"AccessRequest","person":"alice","system":"github","level":"admin","justification":"x","expires":"2026-12-31T00:00:00Z"}`,
		`{"kind":"AccessRequest","person":"alice","system":"github","expires":"2026-12-31T00:00:00.5+02:00"}`,
		`{"kind":"AccessRequest","person":"Alice","system":"github"}`,
		`{"kind":"AccessRequest","person":"alice","system":"github","expires":"2026-02-30T00:00:00Z"}`,
		`{"kind":"AccessRequest","person":"alice","system":"github","extra":"x"}`,
		`{"kind":"AccessRequest","person":"alice"}`,
	} {
		f.Add(s)
	}
	set, err := compiled()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var doc any
		if json.Unmarshal([]byte(data), &doc) != nil {
			return
		}
		if !conformsAccessRequest(doc) {
			return
		}
		if vs := set.validate(set.byKind["AccessRequest"], "AccessRequest", doc); len(vs) > 0 {
			t.Fatalf("the fast path accepted what the schema refuses: %s: %v", data, vs)
		}
	})
}

func TestAccessRequestFastPathFallsBackOnAnythingUnusual(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		fast bool
	}{
		{`{"kind":"AccessRequest","person":"alice","system":"github","level":"admin"}`, true},
		{`{"kind":"AccessRequest","person":"alice","system":"github","expires":"2026-12-31T00:00:00Z"}`, true},
		{`{"kind":"AccessRequest","person":"Alice","system":"github"}`, false},
		{`{"kind":"AccessRequest","person":"alice","system":"github","expires":"2026-02-30T00:00:00Z"}`, false},
		{`{"kind":"AccessRequest","person":"alice","system":"github","expires":"tomorrow"}`, false},
		{`{"kind":"AccessRequest","person":"alice","system":"github","justification":""}`, false},
		{`{"kind":"AccessRequest","person":"alice","system":"github","level":1}`, false},
		{`{"kind":"AccessRequest","person":"alice","system":"github","name":"x"}`, false},
		{`{"kind":"AccessRequest","system":"github"}`, false},
		{`{"kind":"Person","person":"alice","system":"github"}`, false},
	} {
		var doc any
		if err := json.Unmarshal([]byte(tc.doc), &doc); err != nil {
			t.Fatal(err)
		}
		if got := conformsAccessRequest(doc); got != tc.fast {
			t.Errorf("%s: fast %v, want %v", tc.doc, got, tc.fast)
		}
		if !tc.fast && len(Validate("AccessRequest", doc)) == 0 {
			t.Errorf("%s: a case the fast path refuses should be one the schema refuses too, to be a useful case", tc.doc)
		}
	}
}
