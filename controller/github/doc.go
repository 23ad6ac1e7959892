// Package github is gatehouse's use of GitHub's REST API (go-github v62)
// for access-request pull requests: it reads pull requests, their
// reviews and comments, and reports on them with a check run, one sticky
// comment and labels.
//
// A Client works on one repository:
//
//	c := github.NewClient(ghClient, "acme", "access", github.WithObserver(metrics.observe))
//	pr, err := c.PullRequest(ctx, 42)
//	err = c.SetCheckRun(ctx, pr.HeadSHA, github.CheckRun{Name: "gatehouse", Conclusion: "failure", ...})
//	_, _, err = c.UpsertComment(ctx, 42, "<!-- gatehouse:summary -->", body)
//	err = c.SetLabels(ctx, 42, "access:", []string{"access:pending-approval"})
//
// Writes are level-triggered and idempotent: each one reads what is
// there and changes only the difference, so a repeated event costs only
// the reads. SetCheckRun keeps one check run per name and commit,
// UpsertComment one comment per marker (found again after a restart, and
// edited in place, never deleted), and SetLabels touches only the labels
// with its prefix.
//
// # API use
//
// Lists follow every page, PerPage items a page. GET requests are
// conditional (ETagTransport): an unchanged answer is GitHub's 304, which
// costs no rate limit. A primary rate limit waits for X-RateLimit-Reset,
// a secondary one for Retry-After; 5xx answers and network errors are
// retried with exponential backoff (RetryPolicy); every wait ends at the
// context's deadline. A create that may have succeeded before a 5xx is
// not blindly repeated: the write is looked for again first.
//
// RetryPolicy, ListAll and ETagTransport are shared with the GitHub
// integration (controller/integration/github).
package github
