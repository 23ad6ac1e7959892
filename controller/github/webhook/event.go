package webhook

import (
	"strconv"
	"time"
)

// Kind is the kind of a GitHub event gatehouse acts on, named as GitHub's
// X-GitHub-Event header names it.
type Kind string

// The kinds of event the Handler queues.
const (
	// KindPullRequest is a pull request opened, pushed to, reopened,
	// edited, marked ready for review or closed.
	KindPullRequest Kind = "pull_request"
	// KindReview is a review submitted, dismissed or edited.
	KindReview Kind = "pull_request_review"
	// KindComment is a comment on a pull request created, edited or
	// deleted (where /approve and /deny come from).
	KindComment Kind = "issue_comment"
	// KindPush is a push to the repository's default branch, after which
	// every open pull request is decided again on the new base.
	KindPush Kind = "push"
)

// Event is one webhook delivery gatehouse acts on. It tells the
// controller what to look at again, not what to conclude: the worker
// reads the pull request's state afresh.
type Event struct {
	Kind Kind
	// Action is the payload's action, such as "opened" or "submitted";
	// empty for a push.
	Action string
	// Repo is the repository as "owner/name".
	Repo string
	// PR is the pull request's number; 0 for a push.
	PR int
	// Ref is the pull request's head branch, or the pushed ref
	// ("refs/heads/main") for a push; empty for a comment, whose payload
	// does not carry it.
	Ref string
	// After is the pull request's head commit, or the commit the default
	// branch points to after a push; empty for a comment.
	After string
	// Sender is the GitHub login that caused the event.
	Sender string
	// Installation is the GitHub App installation the delivery came
	// from; 0 when gatehouse does not run as a GitHub App.
	Installation int64
	// DeliveryID is GitHub's X-GitHub-Delivery.
	DeliveryID string
	// ReceivedAt is when the Handler received the delivery.
	ReceivedAt time.Time
}

// Key is what events coalesce on: one pull request of one repository,
// or, with PR 0, every open pull request of the repository (a push to
// its default branch).
type Key struct {
	Repo string
	PR   int
}

// Key returns the queue key of the event.
func (e Event) Key() Key {
	if e.Kind == KindPush {
		return Key{Repo: e.Repo}
	}
	return Key{Repo: e.Repo, PR: e.PR}
}

// All reports whether the key stands for every open pull request of its
// repository rather than one.
func (k Key) All() bool { return k.PR == 0 }

// String returns "owner/name#N", or "owner/name (all pull requests)".
func (k Key) String() string {
	if k.All() {
		return k.Repo + " (all pull requests)"
	}
	return k.Repo + "#" + strconv.Itoa(k.PR)
}
