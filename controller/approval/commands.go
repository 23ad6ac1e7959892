package approval

import (
	"errors"
	"strings"
)

// Commands people write in pull request comments.
const (
	CmdApprove       = "approve"
	CmdApproveCancel = "approve-cancel"
	CmdDeny          = "deny"
	CmdProvisioned   = "provisioned"
)

// Command is one command of a comment.
type Command struct {
	Name string
	// Reason is /deny's reason.
	Reason string
}

// ErrDenyNeedsReason refuses a /deny without a reason: seed 000 makes one
// mandatory, so the requester learns why.
var ErrDenyNeedsReason = errors.New("/deny needs a reason: write /deny followed by why, e.g. /deny production access needs an incident number")

// Parse reads the command of a comment: the first line that starts with
// a slash command gatehouse knows (leading spaces allowed; quoted lines,
// starting with ">", and code blocks are ignored, so quoting someone's
// /approve approves nothing). ok is false when the comment has none.
func Parse(body string) (cmd Command, ok bool, err error) {
	inCode := false
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inCode = !inCode
			continue
		}
		if inCode || !strings.HasPrefix(trimmed, "/") {
			continue
		}
		word, rest, _ := strings.Cut(trimmed[1:], " ")
		rest = strings.TrimSpace(rest)
		switch word {
		case "approve":
			if rest == "cancel" {
				return Command{Name: CmdApproveCancel}, true, nil
			}
			if rest == "" {
				return Command{Name: CmdApprove}, true, nil
			}
		case "deny":
			if rest == "" {
				return Command{Name: CmdDeny}, true, ErrDenyNeedsReason
			}
			return Command{Name: CmdDeny, Reason: rest}, true, nil
		case "provisioned":
			if rest == "" {
				return Command{Name: CmdProvisioned}, true, nil
			}
		}
	}
	return Command{}, false, nil
}
