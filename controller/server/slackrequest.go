package server

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gatehouse-dev/gatehouse/controller/decide"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gittree"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/request"
	"github.com/gatehouse-dev/gatehouse/controller/slackapp"
)

// filer commits a file on a new branch of the mirror and pushes it.
type filer interface {
	Propose(ctx context.Context, edits map[string]gittree.Edit, branch, message string, author object.Signature) (bool, error)
}

// SlackRequests files access requests from Slack (seed 000: "Submit an
// Access Request via Slack"): the person whose `slack:` member id filled
// in the dialog gets the pull request `gatehouse request` would open,
// checked against the default branch's rules first. The pull request is
// then decided like any other: its approvers are asked at once.
type SlackRequests struct {
	Pulls  *Pulls
	Mirror filer
	GitHub opener
	Now    func() time.Time
}

// mainBase returns the default branch of the mirror, prepared.
func (s *SlackRequests) mainBase(ctx context.Context) (*decide.Base, error) {
	repo, err := gitrepo.Open(s.Pulls.RepoDir)
	if err != nil {
		return nil, err
	}
	head, err := repo.Resolve("HEAD")
	repo.Close()
	if err != nil {
		return nil, err
	}
	return s.Pulls.Bases.Load(ctx, head.Hash)
}

// requester returns the active person behind a Slack member id.
func requester(org *model.Org, slackUser string) (*model.Person, error) {
	who := personBySlack(org, slackUser)
	switch {
	case who == nil:
		return nil, fmt.Errorf("your Slack account (%s) is no person's `slack:` member id in the access repo; add it to your person file, then ask again", slackUser)
	case !who.Active():
		return nil, fmt.Errorf("%s is offboarded in the access repo and cannot request access", who.Name)
	}
	return who, nil
}

// Systems lists what the person behind slackUser may request, for the
// dialog.
func (s *SlackRequests) Systems(ctx context.Context, slackUser string) ([]slackapp.SystemOption, error) {
	b, err := s.mainBase(ctx)
	if err != nil {
		return nil, fmt.Errorf("gatehouse cannot read the access repo right now (%v); try again in a minute", err)
	}
	if _, err := requester(b.Org, slackUser); err != nil {
		return nil, err
	}
	var out []slackapp.SystemOption
	for _, name := range request.Requestable(b.Org) {
		sys := b.Org.SystemByName[name]
		opt := slackapp.SystemOption{Name: sys.Name, Description: sys.Description}
		for _, l := range sys.AccessLevels {
			opt.Levels = append(opt.Levels, l.Name)
		}
		out = append(out, opt)
	}
	return out, nil
}

// File opens the pull request of the dialog's request. A request the
// rules refuse comes back as field errors for the dialog, with nothing
// written.
func (s *SlackRequests) File(ctx context.Context, a slackapp.Action) (string, error) {
	b, err := s.mainBase(ctx)
	if err != nil {
		return "", fmt.Errorf("gatehouse cannot read the access repo right now (%v); try again in a minute", err)
	}
	who, err := requester(b.Org, a.User)
	if err != nil {
		return "", err
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	f, err := request.Prepare(b.Org, request.Input{System: a.Fields["system"], Level: a.Fields["level"],
		Justification: a.Fields["justification"], Expires: a.Fields["expires"], Person: who.Name, Now: now})
	if refused, ok := errors.AsType[*request.RefusedError](err); ok {
		fields := slackapp.FieldErrors{}
		for _, p := range refused.Problems {
			field := p.Field
			if field == "person" || field == "permissions" {
				field = "system"
			}
			if fields[field] != "" {
				fields[field] += "; "
			}
			fields[field] += p.Message
		}
		return "", fields
	}
	if err != nil {
		return "", err
	}
	branch := fmt.Sprintf("gatehouse/request/%s-%d", strings.TrimSuffix(path.Base(f.Path), ".yaml"), now.Unix())
	email := who.Email
	if email == "" {
		email = who.Name + "@users.noreply.github.com"
	}
	title := request.Title(f.Request)
	author := object.Signature{Name: who.Name, Email: email, When: now}
	if _, err := s.Mirror.Propose(ctx, map[string]gittree.Edit{f.Path: {Data: f.Data}}, branch, title, author); err != nil {
		return "", fmt.Errorf("commit the request: %w", err)
	}
	pr, err := s.GitHub.CreatePullRequest(ctx, branch, defaultBranch(b.Org), title, request.Body(b.Org, f, who.Name))
	if err != nil {
		return "", fmt.Errorf("open the pull request of branch %s: %w", branch, err)
	}
	if s.Pulls.Requeue != nil {
		s.Pulls.Requeue(pr.Number)
	}
	return fmt.Sprintf("Opened %s: %s. Its approvers are asked now; you can follow it there.", prURL(pr), title), nil
}

// defaultBranch is the access repo's default branch as its Config names
// it ("main" when it does not).
func defaultBranch(org *model.Org) string {
	if org.Config != nil && org.Config.GitHub != nil && org.Config.GitHub.DefaultBranch != "" {
		return org.Config.GitHub.DefaultBranch
	}
	return "main"
}
