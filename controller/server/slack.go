package server

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/approval"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/slackapp"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// Environment variables of the Slack app (approvals and provisioning from
// Slack). Both set turn it on; secrets only ever come from here (S9).
const (
	EnvSlackSigningSecret = "GATEHOUSE_SLACK_SIGNING_SECRET"
	EnvSlackBotToken      = "GATEHOUSE_SLACK_BOT_TOKEN"
)

// Kinds of notices sent in Slack.
const (
	noticeApprove   = "approve"
	noticeProvision = "provision"
)

// notifyApprovers asks in Slack, once per content, every eligible approver
// of a requirement still unmet who has a Slack member id on the base (seed
// 000: "Approve from Slack"). A message that cannot be sent is logged and
// tried again on the next decision; it never changes the decision.
func (p *Pulls) notifyApprovers(ctx context.Context, pr PullRequest, d decision, headline string) {
	if p.Slack == nil || d.err != nil || d.plan == nil || d.base == nil || d.denied != "" || pr.State != "open" {
		return
	}
	msg := slackapp.ApprovalMessage(slackapp.ApprovalNotice{
		Headline: headline, Details: requestDetails(d), PRURL: prURL(pr),
		Ref: slackapp.Ref{PR: pr.Number, Head: pr.HeadSHA, Digest: d.digest},
	})
	asked := map[string]bool{}
	for _, r := range d.plan.Requirements {
		if r.Satisfied {
			continue
		}
		for _, name := range r.Eligible {
			person := d.base.Org.PersonByName[name]
			if asked[name] || person == nil || person.Slack == "" || strings.EqualFold(person.GitHub, pr.Author) {
				continue
			}
			asked[name] = true
			p.notify(ctx, pr.Number, d.digest, person, noticeApprove, msg)
		}
	}
}

// notifyAdmins tells the admins of systems without an integration, in
// Slack, that a merged request waits on them (seed 000: "Mark from
// Slack").
func (p *Pulls) notifyAdmins(ctx context.Context, pr PullRequest, d decision) {
	if p.Slack == nil || d.plan == nil || d.base == nil {
		return
	}
	for _, r := range d.plan.Routes {
		if r.Integration != "" || r.Op != "grant" {
			continue
		}
		msg := slackapp.ProvisionMessage(slackapp.ProvisionNotice{
			Headline: fmt.Sprintf("[Action Required] Provision a %s account for %s", r.System, r.Person),
			PRURL:    prURL(pr),
			Ref:      slackapp.Ref{PR: pr.Number, Head: pr.HeadSHA, Digest: d.digest, Requests: []string{r.Change}},
		})
		for _, name := range r.Admins {
			if person := d.base.Org.PersonByName[name]; person != nil && person.Slack != "" {
				p.notify(ctx, pr.Number, d.digest+":"+r.Change, person, noticeProvision, msg)
			}
		}
	}
}

// notify sends msg to person once per pull request, key and kind.
func (p *Pulls) notify(ctx context.Context, pr int, key string, person *model.Person, kind string, msg slackapp.Message) {
	first, err := p.Store.FirstNotice(ctx, pr, key, person.Name, kind, time.Time{})
	if err != nil || !first {
		if err != nil {
			p.Log.Warn("slack notice not recorded", "pr", pr, "person", person.Name, "error", err)
		}
		return
	}
	if _, err := p.Slack.PostMessage(ctx, person.Slack, msg); err != nil {
		p.Log.Warn("slack message not sent; tried again on the next decision", "pr", pr, "person", person.Name, "error", err)
		_ = p.Store.ForgetNotice(ctx, pr, key, person.Name, kind)
	}
}

// requestDetails lists the access a pull request asks for, a line each.
func requestDetails(d decision) []string {
	var lines []string
	for _, c := range d.plan.Changes {
		req, ok := c.After.(*model.AccessRequest)
		if !ok || c.Kind != model.KindAccessRequest {
			continue
		}
		line := fmt.Sprintf("%s: %s", req.Person, req.System)
		if req.Level != "" {
			line += " (" + req.Level + ")"
		}
		if req.Expires != nil {
			line += ", until " + req.Expires.Format("2006-01-02")
		}
		if req.Justification != "" {
			line += " — " + req.Justification
		}
		lines = append(lines, line)
	}
	return lines
}

// prURL is the pull request's web address, for links from Slack.
func prURL(pr PullRequest) string {
	if pr.HTMLURL != "" {
		return pr.HTMLURL
	}
	return fmt.Sprintf("#%d", pr.Number)
}

// SlackAction carries out what someone did from a Slack message: an
// approval is recorded like a review, for the content the message showed
// (S3), under the GitHub login of the person whose `slack:` member id
// clicked, as mapped on the base (S4); a denial or "provisioned" acts as
// the /deny and /provisioned comments do, with the same checks. The text
// returned is shown to them.
func (p *Pulls) SlackAction(ctx context.Context, a slackapp.Action) (string, error) {
	pr, err := p.GitHub.PullRequest(ctx, a.Ref.PR)
	if err != nil {
		return "", fmt.Errorf("read pull request #%d: %w", a.Ref.PR, err)
	}
	l, _ := p.prLocks.LoadOrStore(pr.Number, &sync.Mutex{})
	lock := l.(*sync.Mutex)
	lock.Lock()
	state, err := p.Store.PullRequestState(ctx, pr.Number)
	if err != nil {
		lock.Unlock()
		return "", err
	}
	d := p.evaluate(ctx, pr, state)
	lock.Unlock()
	lastPusher := state.LastPusher
	if d.base == nil {
		return "", fmt.Errorf("gatehouse cannot decide #%d right now (%v); try again in a minute", pr.Number, d.err)
	}
	who := personBySlack(d.base.Org, a.User)
	switch {
	case who == nil:
		return "", fmt.Errorf("your Slack account (%s) is no person's `slack:` member id in the access repo, so gatehouse cannot act on your word; add it to your person file", a.User)
	case who.GitHub == "":
		return "", fmt.Errorf("%s has no GitHub login in the access repo, and approvals count by GitHub login: add `github:` to %s", who.Name, who.Where())
	}
	login := who.GitHub
	switch a.Kind {
	case slackapp.Approve:
		if pr.State != "open" && !pr.Merged {
			return "", fmt.Errorf("pull request #%d is closed; nothing to approve", pr.Number)
		}
		v := store.Vote{PR: pr.Number, Login: login, Kind: approval.VoteApprove, Commit: a.Ref.Head, Digest: a.Ref.Digest,
			Source: fmt.Sprintf("slack:%s:%d", a.User, p.now().UnixNano()), At: p.now()}
		if err := p.Store.RecordVote(ctx, v); err != nil {
			return "", err
		}
		if p.Requeue != nil {
			p.Requeue(pr.Number)
		}
		switch {
		case strings.EqualFold(login, pr.Author) || strings.EqualFold(login, lastPusher) || requestsFor(d, who.Name):
			return fmt.Sprintf("Recorded, but it does not count: you opened #%d, pushed to it last, or the access is for you, and nobody approves their own access.", pr.Number), nil
		case a.Ref.Digest != d.digest:
			return fmt.Sprintf("Recorded, but the access requested in #%d changed since this message: your approval counts only for what you saw. Review the pull request again.", pr.Number), nil
		case !p.eligible(d, login):
			return fmt.Sprintf("Recorded, but you are not an eligible approver of #%d (or you asked for it yourself), so it does not count.", pr.Number), nil
		}
		return fmt.Sprintf("Approved #%d as %s; its check updates in a moment.", pr.Number, who.Name), nil
	case slackapp.Deny:
		if !p.eligible(d, login) {
			return "", fmt.Errorf("only an eligible approver of #%d can deny it", pr.Number)
		}
		if pr.State != "open" {
			return "", fmt.Errorf("pull request #%d is no longer open", pr.Number)
		}
		if err := p.command(ctx, pr, Comment{User: login}, approval.Command{Name: approval.CmdDeny, Reason: a.Reason}, nil, d); err != nil {
			return "", err
		}
		return fmt.Sprintf("Denied #%d: %s. The pull request is closed and the requester told why.", pr.Number, a.Reason), nil
	case slackapp.Provisioned:
		if err := p.provisioned(ctx, pr, Comment{User: login}, d); err != nil {
			return "", err
		}
		return fmt.Sprintf("Thanks: #%d is marked provisioned where you are an admin, and the requester is told.", pr.Number), nil
	}
	return "", fmt.Errorf("unknown action %q", a.Kind)
}

// requestsFor reports whether the pull request asks access for person.
func requestsFor(d decision, person string) bool {
	if d.plan == nil {
		return false
	}
	for _, c := range d.plan.Changes {
		if req, ok := c.After.(*model.AccessRequest); ok && req.Person == person {
			return true
		}
	}
	return false
}

// personBySlack returns the person whose `slack:` member id is id.
func personBySlack(org *model.Org, id string) *model.Person {
	for _, p := range org.People {
		if p.Slack != "" && strings.EqualFold(p.Slack, id) {
			return p
		}
	}
	return nil
}
