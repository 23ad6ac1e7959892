// Package githubtest is a fake GitHub REST API for gatehouse's tests: an
// httptest server that implements exactly the endpoints gatehouse calls,
// with GitHub's documented JSON shapes, Link-header pagination, rate-limit
// headers on every response, GitHub's error bodies and conditional
// requests (ETag, If-None-Match, 304).
//
// Tests set the organisation up through the Server's methods (AddMember,
// AddTeam, AddRepo, ...), point a go-github client at Server.URL, and
// assert on the fake's state and on its request log (Calls, Writes).
// Pull requests are set up the same way (AddPullRequest, AddReview,
// AddComment, AddLabel, SetHead, MergePR, ClosePR) and read back
// (PullRequestState, Comments, Labels, CheckRuns); the fake attributes
// its own writes to DefaultViewer, or to the login ActAs names. Faults
// are injected on demand: FailNext answers the next requests with a 5xx,
// ExhaustRateLimit trips the primary rate limit until a reset, and
// SecondaryRateLimit answers with Retry-After for a while. FailOnWrite
// makes every non-GET request fail the test, which proves a dry run
// changes nothing.
//
// Each endpoint is a route in the table of routes.go with the go-github
// type its success body decodes into; the package's own test checks every
// response the fake gives against GitHub's OpenAPI description and those
// types, so a new endpoint is one handler and one route.
package githubtest
