package approval

import (
	"strings"
	"testing"
)

// FuzzParse checks that any comment parses without panicking, that a
// command found is one gatehouse knows, and that /deny always carries a
// reason or says it needs one.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"/approve", "/approve cancel", "/deny why", "/deny", "/provisioned", "> /approve", "```\n/approve\n```", "hi\n  /deny  no\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		cmd, ok, err := Parse(body)
		if !ok {
			if cmd != (Command{}) || err != nil {
				t.Fatalf("no command but %+v %v", cmd, err)
			}
			return
		}
		switch cmd.Name {
		case CmdApprove, CmdApproveCancel, CmdProvisioned:
			if err != nil || cmd.Reason != "" {
				t.Fatalf("%+v %v", cmd, err)
			}
		case CmdDeny:
			if (err == nil) == (strings.TrimSpace(cmd.Reason) == "") {
				t.Fatalf("deny %+v with error %v", cmd, err)
			}
		default:
			t.Fatalf("unknown command %+v", cmd)
		}
	})
}
