package webhook

import (
	"fmt"
	"strings"

	"github.com/google/go-github/v62/github"
)

// handledActions lists, per kind, the actions that can change a pull
// request's decision or what it shows.
var handledActions = map[Kind]map[string]bool{
	KindPullRequest: {"opened": true, "synchronize": true, "reopened": true, "edited": true, "ready_for_review": true, "closed": true},
	KindReview:      {"submitted": true, "dismissed": true, "edited": true},
	KindComment:     {"created": true, "edited": true, "deleted": true},
}

// parse turns a verified payload into an Event. ignored says why an
// event gatehouse does not act on is ignored; err, why a payload of a
// kind it handles is not valid. Some of GitHub's payloads are not
// complete REST objects, so parse reads only the fields it needs, each
// through go-github's nil-safe getters.
func parse(kind string, payload []byte) (ev Event, ignored string, err error) {
	k := Kind(kind)
	switch k {
	case KindPullRequest, KindReview, KindComment, KindPush:
	default:
		return Event{}, fmt.Sprintf("gatehouse does not act on %s events", kind), nil
	}
	raw, err := github.ParseWebHook(kind, payload)
	if err != nil {
		return Event{}, "", fmt.Errorf("%s payload is not valid JSON of that event: %w", kind, err)
	}
	switch e := raw.(type) {
	case *github.PullRequestEvent:
		ev = fromPayload(k, e)
		ev.PR = e.GetPullRequest().GetNumber()
		if ev.PR == 0 {
			ev.PR = e.GetNumber()
		}
		ev.Ref, ev.After = e.GetPullRequest().GetHead().GetRef(), e.GetPullRequest().GetHead().GetSHA()
	case *github.PullRequestReviewEvent:
		ev = fromPayload(k, e)
		ev.PR = e.GetPullRequest().GetNumber()
		ev.Ref, ev.After = e.GetPullRequest().GetHead().GetRef(), e.GetPullRequest().GetHead().GetSHA()
	case *github.IssueCommentEvent:
		ev = fromPayload(k, e)
		ev.PR = e.GetIssue().GetNumber()
		if e.Issue == nil || !e.Issue.IsPullRequest() {
			return ev, "a comment on an issue, not on a pull request", nil
		}
	case *github.PushEvent:
		ev = Event{Kind: k, Repo: e.GetRepo().GetFullName(), Sender: e.GetSender().GetLogin(), Installation: e.GetInstallation().GetID()}
		ev.Ref, ev.After = e.GetRef(), e.GetAfter()
		branch := e.GetRepo().GetDefaultBranch()
		if branch == "" {
			branch = e.GetRepo().GetMasterBranch()
		}
		if branch == "" {
			return ev, "a push to a repository whose default branch the payload does not name", nil
		}
		if ev.Ref != "refs/heads/"+branch {
			return ev, fmt.Sprintf("a push to %s, not to the default branch %s", ev.Ref, branch), nil
		}
	default:
		// ParseWebHook gives nil for a payload of JSON null.
		return Event{}, "", fmt.Errorf("%s payload is empty", kind)
	}
	if k != KindPush && !handledActions[k][ev.Action] {
		return ev, fmt.Sprintf("gatehouse does not act on %s action %q", kind, ev.Action), nil
	}
	if err := ev.complete(); err != nil {
		return Event{}, "", fmt.Errorf("%s payload: %w", kind, err)
	}
	return ev, "", nil
}

// repoPayload is what the payloads of pull requests, reviews and
// comments have in common.
type repoPayload interface {
	GetAction() string
	GetRepo() *github.Repository
	GetSender() *github.User
	GetInstallation() *github.Installation
}

func fromPayload(k Kind, p repoPayload) Event {
	return Event{Kind: k, Action: p.GetAction(), Repo: p.GetRepo().GetFullName(), Sender: p.GetSender().GetLogin(), Installation: p.GetInstallation().GetID()}
}

// complete reports the fields a queued event cannot do without.
func (e Event) complete() error {
	if owner, name, ok := strings.Cut(e.Repo, "/"); !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return fmt.Errorf("repository.full_name %q is not owner/name", e.Repo)
	}
	if e.Kind != KindPush && e.PR <= 0 {
		return fmt.Errorf("pull request number %d is not valid", e.PR)
	}
	return nil
}
