package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/approval"
	"github.com/gatehouse-dev/gatehouse/controller/decide"
	"github.com/gatehouse-dev/gatehouse/controller/github"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
	"github.com/gatehouse-dev/gatehouse/controller/report"
	"github.com/gatehouse-dev/gatehouse/controller/slackapp"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// PullRequest, Review and Comment are what the controller reads of
// GitHub.
type (
	PullRequest = github.PullRequest
	Review      = github.Review
	Comment     = github.Comment
)

// GitHub is what the pull-request controller asks of GitHub; github.Client
// answers it.
type GitHub interface {
	PullRequest(ctx context.Context, n int) (PullRequest, error)
	OpenPullRequests(ctx context.Context) ([]PullRequest, error)
	Reviews(ctx context.Context, n int) ([]Review, error)
	Comments(ctx context.Context, n int) ([]Comment, error)
	SetCheckRun(ctx context.Context, headSHA string, run github.CheckRun) error
	UpsertComment(ctx context.Context, n int, marker, body string) (int64, bool, error)
	Comment(ctx context.Context, n int, body string) error
	SetLabels(ctx context.Context, n int, prefix string, want []string) error
	Close(ctx context.Context, n int) error
	Merge(ctx context.Context, n int, sha, method string) error
}

// Mirror keeps the local copy of the access repo current.
type Mirror interface {
	Sync(ctx context.Context) error
	FetchPullRequest(ctx context.Context, n int) error
}

// Pulls decides pull requests and reports on them: the check run, the
// sticky comment and the labels; it records approvals with the content
// they were given on (S3), denials, and the decision of each merge for
// the reconciler (S13). Every call reads the pull request afresh, so a
// missed or repeated event is harmless.
type Pulls struct {
	GitHub GitHub
	Mirror Mirror
	// RepoDir is the mirror's folder.
	RepoDir string
	Bases   *decide.Bases
	Store   *store.Store
	Log     *slog.Logger
	Now     func() time.Time
	// AutoMerge merges an approved pull request with MergeMethod.
	AutoMerge   bool
	MergeMethod string
	// Slack, when set, asks approvers and admins in Slack as well
	// (SlackAction carries out their answers); Requeue has a pull request
	// decided again.
	Slack   *slackapp.Client
	Requeue func(n int)

	mu      sync.Mutex
	digests map[string]string // base+commit -> digest of its access changes
	// prLocks serialises the decisions of one pull request: a resync of
	// every pull request and an event for one of them must not both
	// create its sticky comment.
	prLocks sync.Map // int -> *sync.Mutex
}

func (p *Pulls) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Resync decides every open pull request again, as after a push to the
// default branch (a policy or approver change applies at once) or on the
// periodic resync that heals missed webhooks.
func (p *Pulls) Resync(ctx context.Context) error {
	if err := p.Mirror.Sync(ctx); err != nil {
		return err
	}
	open, err := p.GitHub.OpenPullRequests(ctx)
	if err != nil {
		return err
	}
	var errs []string
	for _, pr := range open {
		if err := p.decide(ctx, pr); err != nil {
			errs = append(errs, fmt.Sprintf("#%d: %v", pr.Number, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("resync: %s", strings.Join(errs, "; "))
	}
	return nil
}

// NotePush records who pushed pull request n's head (the sender of its
// opened or synchronize event): their approval never counts (S2).
func (p *Pulls) NotePush(ctx context.Context, n int, login string) error {
	state, err := p.Store.PullRequestState(ctx, n)
	if err != nil {
		return err
	}
	state.LastPusher = login
	return p.Store.SetPullRequestState(ctx, state)
}

// Handle decides pull request n again.
func (p *Pulls) Handle(ctx context.Context, n int) error {
	// The pull request's head and its base branch, in one fetch.
	if err := p.Mirror.FetchPullRequest(ctx, n); err != nil {
		return err
	}
	pr, err := p.GitHub.PullRequest(ctx, n)
	if err != nil {
		return err
	}
	return p.decide(ctx, pr)
}

// decision is one pull request's outcome at its head.
type decision struct {
	plan      *decide.Plan
	base      *decide.Base
	digest    string
	tally     approval.Tally
	denied    string
	err       error
	requested []string
}

func (p *Pulls) decide(ctx context.Context, pr PullRequest) error {
	l, _ := p.prLocks.LoadOrStore(pr.Number, &sync.Mutex{})
	lock := l.(*sync.Mutex)
	lock.Lock()
	defer lock.Unlock()
	state, err := p.Store.PullRequestState(ctx, pr.Number)
	if err != nil {
		return err
	}
	if state.Head != pr.HeadSHA {
		state.Head = pr.HeadSHA
	}
	d := p.evaluate(ctx, pr, state)
	if pr.State == "closed" {
		return p.closed(ctx, pr, d)
	}
	st := report.StatePendingApproval
	switch {
	case d.denied != "":
		st = report.StateDenied
	case d.err == nil && d.plan.Approved && len(d.tally.Blocking) == 0:
		st = report.StateApproved
	}
	in := report.Input{Plan: d.plan, PR: pr.Number, Author: pr.Author, State: st, DenyReason: d.denied, Err: d.err, Mentioned: state.Mentioned}
	if d.base != nil {
		in.Org = d.base.Org
	}
	for _, v := range d.tally.Stale {
		in.Stale = append(in.Stale, v.Login)
	}
	for _, v := range d.tally.Blocking {
		in.Blocking = append(in.Blocking, v.Login)
	}
	var md bytes.Buffer
	if d.plan != nil {
		_ = d.plan.WriteMarkdown(&md)
	}
	conclusion, title, summary := report.CheckRun(in, md.String())
	if d.err == nil && st != report.StateDenied && len(in.Blocking) > 0 {
		conclusion, title = "action_required", "changes requested by "+strings.Join(in.Blocking, ", ")
	}
	if err := p.GitHub.SetCheckRun(ctx, pr.HeadSHA, github.CheckRun{Name: report.CheckName, Conclusion: conclusion, Title: title, Summary: summary}); err != nil {
		return err
	}
	body, mentioned := report.Comment(in)
	if _, _, err := p.GitHub.UpsertComment(ctx, pr.Number, report.Marker, body); err != nil {
		return err
	}
	if err := p.GitHub.SetLabels(ctx, pr.Number, report.LabelPrefix, report.Labels(st)); err != nil {
		return err
	}
	state.Mentioned = append(state.Mentioned, mentioned...)
	if err := p.Store.SetPullRequestState(ctx, state); err != nil {
		return err
	}
	if st == report.StatePendingApproval {
		p.notifyApprovers(ctx, pr, d, report.Headline(in))
	}
	if st == report.StateApproved && p.AutoMerge {
		// Merge exactly the head that was decided; a push meanwhile makes
		// GitHub refuse, and the next decision starts over.
		if err := p.GitHub.Merge(ctx, pr.Number, pr.HeadSHA, p.MergeMethod); err != nil {
			return fmt.Errorf("auto-merge #%d: %w", pr.Number, err)
		}
	}
	return nil
}

// evaluate decides the pull request at its head against the current tip
// of its base branch, counting the approvals that stand. Any error is
// carried in the decision: it is reported as "not approved" (S5).
func (p *Pulls) evaluate(ctx context.Context, pr PullRequest, state store.PullRequest) decision {
	var d decision
	repo, err := gitrepo.Open(p.RepoDir)
	if err != nil {
		d.err = err
		return d
	}
	defer repo.Close()
	// An open pull request is decided against the base branch as it is
	// now; a merged one against the commit it was merged onto.
	baseRev := "refs/heads/" + pr.BaseRef
	if pr.Merged && pr.MergeCommitSHA != "" {
		baseRev = pr.MergeCommitSHA + "^"
	}
	base, err := repo.Resolve(baseRev)
	if err != nil {
		d.err = err
		return d
	}
	head, err := repo.Resolve(pr.HeadSHA)
	if err != nil {
		d.err = fmt.Errorf("head %s of #%d is not in the mirror: %w", pr.HeadSHA, pr.Number, err)
		return d
	}
	if d.base, err = p.Bases.Load(ctx, base.Hash); err != nil {
		d.err = err
		return d
	}
	// The head's changes are read once: for the approvals' digest and
	// for the decision.
	changes, parseFindings, err := d.base.Changes(ctx, repo, base, head)
	if err != nil {
		d.err = err
		return d
	}
	d.digest = approval.Digest(changes)
	p.rememberDigest(base, head, d.digest)
	votes, fresh, err := p.votes(ctx, repo, pr, base, head, d)
	if err != nil {
		d.err = err
		return d
	}
	d.tally = approval.Count(votes, d.digest)
	d.plan, d.err = decide.DecideChanges(ctx, d.base, base, head, changes, parseFindings, decide.Options{
		Author: pr.Author, LastPusher: state.LastPusher, ApprovedBy: d.tally.Approvers, Now: p.now(), LoginsOnly: true,
	})
	if d.plan != nil {
		for _, c := range d.plan.Changes {
			if c.Kind == model.KindAccessRequest {
				d.requested = append(d.requested, c.ID)
			}
		}
	}
	// Commands act once, when first seen, judged against the decision.
	for _, f := range fresh {
		if err := p.command(ctx, pr, f.comment, f.cmd, f.err, d); err != nil && d.err == nil {
			d.err = err
		}
	}
	d.denied = p.denial(ctx, pr.Number)
	return d
}

// freshCommand is a comment command seen for the first time.
type freshCommand struct {
	comment Comment
	cmd     approval.Command
	err     error
}

// denial returns the reason of the pull request's denial, if an eligible
// approver denied it.
func (p *Pulls) denial(ctx context.Context, n int) string {
	events, err := p.Store.AuditLog(ctx, store.AuditQuery{Kind: "denied", Subject: fmt.Sprintf("#%d", n)})
	if err != nil || len(events) == 0 {
		return ""
	}
	return events[len(events)-1].Detail["reason"]
}

// maxDigests bounds the digests the controller remembers.
const maxDigests = 4096

// digest returns the digest of the access changes from base to commit,
// remembered per pair.
func (p *Pulls) digest(ctx context.Context, repo *gitrepo.Repo, base, commit *gitrepo.Commit, b *decide.Base) (string, error) {
	p.mu.Lock()
	d, ok := p.digests[base.Hash.String()+commit.Hash.String()]
	p.mu.Unlock()
	if ok {
		return d, nil
	}
	changes, _, err := b.Changes(ctx, repo, base, commit)
	if err != nil {
		return "", err
	}
	d = approval.Digest(changes)
	p.rememberDigest(base, commit, d)
	return d, nil
}

// rememberDigest keeps the digest of the changes from base to commit.
func (p *Pulls) rememberDigest(base, commit *gitrepo.Commit, digest string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.digests == nil {
		p.digests = map[string]string{}
	}
	if len(p.digests) >= maxDigests {
		// A controller runs for months: start over rather than grow
		// without end; a digest is cheap to compute again.
		clear(p.digests)
	}
	p.digests[base.Hash.String()+commit.Hash.String()] = digest
}

// votes gathers the pull request's votes: its reviews, each on the commit
// it names, and its comment commands, each bound to the head it was first
// seen on (recorded in the store). A comment seen for the first time may
// also deny the pull request or mark it provisioned.
func (p *Pulls) votes(ctx context.Context, repo *gitrepo.Repo, pr PullRequest, base, head *gitrepo.Commit, d decision) ([]approval.Vote, []freshCommand, error) {
	var out []approval.Vote
	reviews, err := p.GitHub.Reviews(ctx, pr.Number)
	if err != nil {
		return nil, nil, err
	}
	recorded, err := p.Store.Votes(ctx, pr.Number)
	if err != nil {
		return nil, nil, err
	}
	bySource := map[string]store.Vote{}
	for _, v := range recorded {
		bySource[v.Source] = v
	}
	for _, r := range reviews {
		kind := map[string]string{"APPROVED": approval.VoteApprove, "CHANGES_REQUESTED": approval.VoteBlock, "DISMISSED": approval.VoteWithdraw}[r.State]
		if kind == "" {
			continue
		}
		digest := ""
		if c, err := repo.Resolve(r.CommitID); err == nil {
			if digest, err = p.digest(ctx, repo, base, c, d.base); err != nil {
				return nil, nil, err
			}
		}
		// Each review is recorded once, with its commit and digest.
		source := fmt.Sprintf("review:%d:%s", r.ID, r.State)
		if _, seen := bySource[source]; !seen {
			if err := p.Store.RecordVote(ctx, store.Vote{PR: pr.Number, Login: r.User, Kind: kind, Commit: r.CommitID, Digest: digest, Source: source, At: r.SubmittedAt}); err != nil {
				return nil, nil, err
			}
		}
		out = append(out, approval.Vote{Login: r.User, Kind: kind, Commit: r.CommitID, Digest: digest, At: r.SubmittedAt, Source: "review"})
	}
	comments, err := p.GitHub.Comments(ctx, pr.Number)
	if err != nil {
		return nil, nil, err
	}
	var fresh []freshCommand
	for _, c := range comments {
		cmd, ok, perr := approval.Parse(c.Body)
		if !ok {
			continue
		}
		source := fmt.Sprintf("comment:%d:%d", c.ID, c.UpdatedAt.UnixNano())
		v, seen := bySource[source]
		if !seen {
			v = store.Vote{PR: pr.Number, Login: c.User, Commit: head.Hash.String(), Digest: d.digest, Source: source, At: c.UpdatedAt}
			switch cmd.Name {
			case approval.CmdApprove:
				v.Kind = approval.VoteApprove
			case approval.CmdApproveCancel:
				v.Kind = approval.VoteWithdraw
			default:
				v.Kind = approval.VoteWithdraw // commands that are not votes are recorded so they act once
			}
			if err := p.Store.RecordVote(ctx, v); err != nil {
				return nil, nil, err
			}
			fresh = append(fresh, freshCommand{comment: c, cmd: cmd, err: perr})
		}
		if cmd.Name == approval.CmdApprove || cmd.Name == approval.CmdApproveCancel {
			out = append(out, approval.Vote{Login: v.Login, Kind: v.Kind, Commit: v.Commit, Digest: v.Digest, At: v.At, Source: "comment"})
		}
	}
	// Approvals from Slack live only in the store, each with the content
	// its message showed.
	for _, v := range recorded {
		if strings.HasPrefix(v.Source, "slack:") {
			out = append(out, approval.Vote{Login: v.Login, Kind: v.Kind, Commit: v.Commit, Digest: v.Digest, At: v.At, Source: "slack"})
		}
	}
	return out, fresh, nil
}

// command carries out a comment's command the first time it is seen.
func (p *Pulls) command(ctx context.Context, pr PullRequest, c Comment, cmd approval.Command, perr error, d decision) error {
	switch {
	case perr != nil:
		return p.GitHub.Comment(ctx, pr.Number, "@"+c.User+" "+perr.Error())
	case cmd.Name == approval.CmdDeny:
		if !p.eligible(d, c.User) {
			return p.GitHub.Comment(ctx, pr.Number, "@"+c.User+" only an eligible approver of this pull request can deny it.")
		}
		if err := p.GitHub.Comment(ctx, pr.Number, fmt.Sprintf("Denied by @%s: %s", c.User, cmd.Reason)); err != nil {
			return err
		}
		_ = p.Store.Audit(ctx, store.Event{Time: p.now(), Actor: c.User, Kind: "denied", Subject: fmt.Sprintf("#%d", pr.Number), Detail: map[string]string{"reason": cmd.Reason}})
		return p.GitHub.Close(ctx, pr.Number)
	case cmd.Name == approval.CmdProvisioned:
		return p.provisioned(ctx, pr, c, d)
	}
	return nil
}

// eligible reports whether login belongs to someone who may approve one
// of the pull request's requirements (on the base).
func (p *Pulls) eligible(d decision, login string) bool {
	if d.plan == nil || d.base == nil {
		return false
	}
	who := d.base.PersonByLogin(login)
	if who == nil {
		return false
	}
	person := who.Name
	for _, r := range d.plan.Requirements {
		if slices.Contains(r.Eligible, person) {
			return true
		}
	}
	return false
}

// provisioned marks the manual provisioning of a merged pull request's
// requests done, when an admin of their systems says so.
func (p *Pulls) provisioned(ctx context.Context, pr PullRequest, c Comment, d decision) error {
	if !pr.Merged || d.base == nil {
		return p.GitHub.Comment(ctx, pr.Number, "@"+c.User+" /provisioned applies once the pull request is merged.")
	}
	// The requests exist from the merge commit on: judge there.
	repo, err := gitrepo.Open(p.RepoDir)
	if err != nil {
		return err
	}
	defer repo.Close()
	merged, err := repo.Resolve(pr.MergeCommitSHA)
	if err != nil {
		return err
	}
	after, err := p.Bases.Load(ctx, merged.Hash)
	if err != nil {
		return err
	}
	engine := after.Engine()
	who := after.PersonByLogin(c.User)
	if who == nil {
		return p.GitHub.Comment(ctx, pr.Number, "@"+c.User+" is not a person in the access repo, so cannot mark provisioning done.")
	}
	var lines []string
	for _, path := range d.requested {
		msg, err := reconcile.MarkProvisioned(ctx, p.Store, after.Org, engine, path, who.Name, p.now())
		if err != nil {
			msg = err.Error()
		}
		lines = append(lines, msg)
	}
	if len(lines) == 0 {
		return nil
	}
	if err := p.GitHub.SetLabels(ctx, pr.Number, report.LabelPrefix, []string{report.LabelPrefix + report.StateProvisioned}); err != nil {
		return err
	}
	// Tell the requester.
	return p.GitHub.Comment(ctx, pr.Number, "@"+pr.Author+" "+strings.Join(lines, "\n"))
}

// closed records a merged pull request's final decision for the
// reconciler (S13) and labels it.
func (p *Pulls) closed(ctx context.Context, pr PullRequest, d decision) error {
	if !pr.Merged {
		return nil
	}
	approved := d.err == nil && d.plan != nil && d.plan.Approved && d.denied == ""
	if len(d.requested) > 0 {
		// Record a decision once, and again only when it changes (an
		// approval after the fact).
		prev, ok, err := p.Store.DecisionForRequest(ctx, d.requested[0])
		if err != nil {
			return err
		}
		if ok && prev.PR == pr.Number && prev.Approved == approved {
			return nil
		}
	}
	var approvers []string
	if approved {
		approvers = d.tally.Approvers
	}
	if err := p.Store.RecordDecision(ctx, store.Decision{PR: pr.Number, Head: pr.HeadSHA, MergeCommit: pr.MergeCommitSHA,
		Approved: approved, Approvers: approvers, Requests: d.requested, At: p.now()}); err != nil {
		return err
	}
	label := report.StatePendingProvisioning
	if !approved {
		label = "unapproved-merge"
	}
	if err := p.GitHub.SetLabels(ctx, pr.Number, report.LabelPrefix, []string{report.LabelPrefix + label}); err != nil {
		return err
	}
	if !approved {
		return p.GitHub.Comment(ctx, pr.Number, "This pull request was merged without an approved decision: its access is held as unapproved-merge and not provisioned. An eligible approver can `/approve` it here after the fact, or the request can be removed.")
	}
	// Systems without an integration: their admins are told here (seed
	// 000: "[Action Required] Provision a github account for alice").
	var lines []string
	for _, r := range d.plan.Routes {
		if r.Integration != "" || r.Op != "grant" {
			continue
		}
		var admins []string
		for _, a := range r.Admins {
			if login := loginOf(d.base, a); login != "" {
				admins = append(admins, "@"+login)
			} else {
				admins = append(admins, a)
			}
		}
		lines = append(lines, fmt.Sprintf("[Action Required] Provision a %s account for %s. %s: once it is done, comment `/provisioned`.", r.System, r.Person, strings.Join(admins, " ")))
	}
	if len(lines) == 0 {
		return nil
	}
	if err := p.GitHub.Comment(ctx, pr.Number, strings.Join(lines, "\n")); err != nil {
		return err
	}
	p.notifyAdmins(ctx, pr, d)
	return nil
}

// loginOf returns a person's GitHub login on the base, or "".
func loginOf(b *decide.Base, person string) string {
	if b == nil {
		return ""
	}
	if p := b.Org.PersonByName[person]; p != nil {
		return p.GitHub
	}
	return ""
}
