package store

import "testing"

func TestRebind(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"no placeholders", `SELECT 1`, `SELECT 1`},
		{"in order", `INSERT INTO t (a, b) VALUES (?, ?)`, `INSERT INTO t (a, b) VALUES ($1, $2)`},
		{"across a repeated list", `WHERE ? = '' OR x IN (?, ?, ?)`, `WHERE $1 = '' OR x IN ($2, $3, $4)`},
		{"string literal kept", `SELECT '?', ? WHERE a = 'it''s ?'`, `SELECT '?', $1 WHERE a = 'it''s ?'`},
		{"quoted identifier kept", `SELECT "a?b" FROM t WHERE c = ?`, `SELECT "a?b" FROM t WHERE c = $1`},
		{"line comment kept", "SELECT ? -- why?\nFROM t WHERE a = ?", "SELECT $1 -- why?\nFROM t WHERE a = $2"},
		{"block comment kept", `SELECT /* a? */ ?`, `SELECT /* a? */ $1`},
		{"unterminated literal copied", `SELECT ? WHERE a = 'x?`, `SELECT $1 WHERE a = 'x?`},
		{"ten and more", `VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := dialectPostgres.rebind(tc.in); got != tc.want {
				t.Errorf("postgres: rebind(%q)\n = %q\nwant %q", tc.in, got, tc.want)
			}
			if got := dialectSQLite.rebind(tc.in); got != tc.in {
				t.Errorf("sqlite: rebind(%q) = %q, want it unchanged", tc.in, got)
			}
		})
	}
}

func FuzzRebind(f *testing.F) {
	f.Add(`SELECT '?', ? WHERE a = 'it''s ?' -- ?`)
	f.Fuzz(func(t *testing.T, q string) {
		// Whatever the text, rebinding only ever turns ? into $n.
		got := dialectPostgres.rebind(q)
		if len(got) < len(q) {
			t.Fatalf("rebind(%q) = %q lost text", q, got)
		}
	})
}
