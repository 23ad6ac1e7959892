// Package request turns an engineer's ask for access into an access
// request pull request (seed 000's "Submit an Access Request"): Prepare
// checks the ask against the system's rules and writes the AccessRequest
// file's content without touching anything; a Checkout commits it on a new
// branch of a local clone of the access repo, pushes the branch and opens
// the pull request through a PullRequestOpener.
//
// Nothing is written before the request has passed every rule gatehouse
// validate and gatehouse plan would apply to it: a refused request leaves
// the working tree and the branches as they were.
package request

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/validate"
	"github.com/gatehouse-dev/gatehouse/schemas"
)

// Input is what an engineer asks for.
type Input struct {
	// System names the System to access.
	System string
	// Level names one of the system's access levels; empty for a system
	// without levels.
	Level string
	// Justification says why the access is needed.
	Justification string
	// Permissions are freeform permissions, for systems that allow them.
	Permissions string
	// Expires is when the access ends: a date (2026-06-30, the end of that
	// day in UTC), an RFC 3339 time, or a duration from Now (90d, 2w, 12h);
	// empty for no end.
	Expires string
	// Person is who the access is for.
	Person string
	// Now is the time durations count from and expiry is judged against;
	// the zero value means time.Now().
	Now time.Time
	// Taken reports whether a path of the access repo (slash-separated,
	// relative to its root) already holds a file; Prepare never chooses
	// such a path. Nil means only the organisation's request files count.
	Taken func(path string) bool
	// Modeline is the first line of the file, a yaml-language-server
	// comment naming the schema; empty means the published schema's URL.
	Modeline string
}

// File is an AccessRequest file ready to be written.
type File struct {
	// Path is slash-separated and relative to the access repo's root:
	// access/<system>/<person>-<level>[-N].yaml.
	Path string
	// Data is the file's content.
	Data []byte
	// Request is the request the file holds.
	Request *model.AccessRequest
}

// Problem is one reason a request is refused, tied to the input field it
// is about.
type Problem struct {
	// Field is the Input field at fault, lower-case: system, level,
	// justification, permissions, expires or person.
	Field string
	// Rule is the validation rule, as gatehouse validate names it.
	Rule string
	// Message says what is wrong and what to do instead.
	Message string
}

// RefusedError reports a request the organisation's rules do not allow.
// Nothing was written.
type RefusedError struct {
	System   string
	Problems []Problem
}

// Error lists every problem on one line.
func (e *RefusedError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return fmt.Sprintf("request for %s refused, nothing written: %s", e.System, strings.Join(msgs, "; "))
}

// fieldOfRule maps the request rules of package validate to the input
// field each one is about.
var fieldOfRule = map[string]string{
	"unknown-person":        "person",
	"offboarded-requester":  "person",
	"unknown-system":        "system",
	"not-requestable":       "system",
	"unknown-level":         "level",
	"missing-level":         "level",
	"unexpected-level":      "level",
	"missing-justification": "justification",
	"freeform-not-allowed":  "permissions",
	"missing-expiry":        "expires",
	"expires-too-long":      "expires",
	"expired-request":       "expires",
}

// askerMessages rewrite the messages validate addresses to a request
// file's maintainers for the engineer asking, where they differ.
var askerMessages = map[string]func(*model.System) string{
	"not-requestable": func(s *model.System) string {
		msg := s.Name + " is not requestable"
		if len(s.Admins) > 0 {
			msg += "; ask its admins (" + strings.Join(s.Admins, ", ") + ") how to get access"
		}
		return msg
	},
	"missing-justification": func(s *model.System) string {
		return s.Name + " requires a justification; say why you need this access"
	},
}

// Prepare checks in against org's rules for requests (the system exists
// and is requestable, the level exists, a justification where the system
// requires one, freeform permissions only where it allows them, an expiry
// within the level's maxDuration, an active person) and returns the file
// to write, under a name no file has yet. A refused request returns a
// *RefusedError listing every problem; a request that gatehouse validate
// would only warn about (an expiry already past, an offboarded person) is
// refused too, since it could never be granted.
func Prepare(org *model.Org, in Input) (File, error) {
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	req := &model.AccessRequest{
		Kind:          model.KindAccessRequest,
		Person:        in.Person,
		System:        in.System,
		Level:         in.Level,
		Justification: strings.TrimSpace(in.Justification),
		Permissions:   strings.TrimSpace(in.Permissions),
	}
	if in.Expires != "" {
		t, err := ParseExpires(in.Expires, now)
		if err != nil {
			return File{}, &RefusedError{System: in.System, Problems: []Problem{{Field: "expires", Rule: "invalid-expires", Message: err.Error()}}}
		}
		req.Expires = &t
	}
	req.File = "access/" + pathPart(in.System) + "/" + pathPart(in.Person) + ".yaml"
	findings := validate.NewRequestChecker(org).Check([]*model.AccessRequest{req}, validate.Options{Now: now})
	if len(findings) > 0 {
		refused := &RefusedError{System: in.System}
		for _, f := range findings {
			msg := f.Message
			if say := askerMessages[f.Rule]; say != nil {
				msg = say(org.SystemByName[in.System])
			}
			if f.Rule == "unknown-system" {
				if strings.HasSuffix(msg, "?") {
					msg += " Systems you can request: " + requestable(org)
				} else {
					msg += "; systems you can request: " + requestable(org)
				}
			}
			refused.Problems = append(refused.Problems, Problem{Field: fieldOfRule[f.Rule], Rule: f.Rule, Message: msg})
		}
		return File{}, refused
	}
	req.File = uniquePath(org, in, req)
	data, err := encode(req, in.Modeline)
	if err != nil {
		return File{}, fmt.Errorf("write access request %s: %w", req.File, err)
	}
	return File{Path: req.File, Data: data, Request: req}, nil
}

// Requestable returns the names of the systems people may request,
// sorted.
func Requestable(org *model.Org) []string {
	var names []string
	for _, s := range org.Systems {
		if s.IsRequestable() {
			names = append(names, s.Name)
		}
	}
	sort.Strings(names)
	return names
}

// requestable lists the systems people may request, for messages.
func requestable(org *model.Org) string {
	if names := Requestable(org); len(names) > 0 {
		return strings.Join(names, ", ")
	}
	return "none"
}

// ParseExpires reads an expiry: a date (the end of that day, UTC), an RFC
// 3339 time, or a duration from now such as 90d, 2w or 12h. Times are
// kept to the second, rounded down, so that a duration of exactly a
// level's maxDuration stays within it.
func ParseExpires(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, err := model.ParseDuration(s); err == nil {
		return now.Add(d.Duration).UTC().Truncate(time.Second), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Add(24*time.Hour - time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Truncate(time.Second), nil
	}
	return time.Time{}, fmt.Errorf("expires %q is not a date, time or duration; write a date (2026-06-30), an RFC 3339 time (2026-06-30T18:00:00Z) or a duration from now (90d, 2w, 12h)", s)
}

// uniquePath names the request's file access/<system>/<person>-<level>.yaml,
// or with -2, -3, ... before .yaml when that name is taken: several
// requests for one system are allowed (seed 000).
func uniquePath(org *model.Org, in Input, req *model.AccessRequest) string {
	taken := make(map[string]bool, len(org.Requests))
	for _, r := range org.Requests {
		taken[r.File] = true
	}
	stem := "access/" + pathPart(req.System) + "/" + pathPart(req.Person)
	if req.Level != "" {
		stem += "-" + pathPart(req.Level)
	}
	for n := 1; ; n++ {
		p := stem + ".yaml"
		if n > 1 {
			p = stem + "-" + strconv.Itoa(n) + ".yaml"
		}
		if !taken[p] && (in.Taken == nil || !in.Taken(p)) {
			return p
		}
	}
}

// pathPart makes a name safe as one path element: letters, digits, dot,
// underscore and dash stay, anything else becomes a dash.
func pathPart(name string) string {
	b := []byte(name)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		case c == '.' && i > 0:
		default:
			b[i] = '-'
		}
	}
	if len(b) == 0 {
		return "-"
	}
	return string(b)
}

// fileFields is an AccessRequest as written, fields in the order of the
// example files.
type fileFields struct {
	Kind          string `yaml:"kind"`
	Person        string `yaml:"person"`
	System        string `yaml:"system"`
	Level         string `yaml:"level,omitempty"`
	Justification string `yaml:"justification,omitempty"`
	Permissions   string `yaml:"permissions,omitempty"`
	Expires       string `yaml:"expires,omitempty"`
}

// encode writes req as YAML under the modeline.
func encode(req *model.AccessRequest, modeline string) ([]byte, error) {
	if modeline == "" {
		modeline = DefaultModeline
	}
	f := fileFields{Kind: req.Kind, Person: req.Person, System: req.System, Level: req.Level,
		Justification: req.Justification, Permissions: req.Permissions}
	if req.Expires != nil {
		f.Expires = req.Expires.UTC().Format(time.RFC3339)
	}
	var buf bytes.Buffer
	buf.WriteString(modeline + "\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DefaultModeline is the first line of a request file when the access repo
// has no request to copy it from: the published AccessRequest schema.
var DefaultModeline = "# yaml-language-server: $schema=" + schemas.BaseURL + schemas.File(model.KindAccessRequest)

// IsModeline reports whether line is a yaml-language-server modeline.
func IsModeline(line string) bool {
	return strings.HasPrefix(line, "# yaml-language-server: $schema=")
}

// Title is the pull request's title: "Access request: alice → github (member)".
func Title(req *model.AccessRequest) string {
	t := "Access request: " + req.Person + " → " + req.System
	if req.Level != "" {
		t += " (" + req.Level + ")"
	}
	return t
}

// Body is the pull request's description: what was asked, why, until
// when, and who approves, in GitHub markdown. requester is who asked,
// when not the person the access is for.
func Body(org *model.Org, f File, requester string) string {
	req := f.Request
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** requests access to **%s**", req.Person, req.System)
	if req.Level != "" {
		fmt.Fprintf(&b, " at level **%s**", req.Level)
	}
	b.WriteString(".\n")
	sys := org.SystemByName[req.System]
	if sys != nil {
		if l := sys.Level(req.Level); l != nil && l.Description != "" {
			fmt.Fprintf(&b, "\n> %s: %s\n", l.Name, l.Description)
		}
	}
	if requester != "" && requester != req.Person {
		fmt.Fprintf(&b, "\nRequested by **%s** on behalf of %s.\n", requester, req.Person)
	}
	b.WriteString("\n")
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&b, "- **%s:** %s\n", name, strings.ReplaceAll(value, "\n", " "))
		}
	}
	field("Justification", req.Justification)
	field("Permissions", req.Permissions)
	if req.Expires != nil {
		field("Expires", req.Expires.UTC().Format(time.RFC3339))
	} else {
		field("Expires", "never (until the file is removed)")
	}
	field("File", "`"+f.Path+"`")
	if sys != nil && len(sys.Approvers) > 0 {
		field("Approvers", strings.Join(sys.Approvers, ", "))
	}
	b.WriteString("\nApprove with a review or an `/approve` comment, or deny with `/deny <reason>`. Once merged, gatehouse provisions the access")
	if sys != nil && sys.Integration == "" {
		b.WriteString(" through the system's admins, who mark it `/provisioned`")
	}
	b.WriteString(".\n")
	return b.String()
}
