// Package webhook receives GitHub's webhook deliveries for gatehouse's
// controller and turns them into work.
//
// The Handler serves POST /webhook. It checks each delivery's
// X-Hub-Signature-256 (HMAC-SHA256 of the body with the shared secret,
// compared in constant time) before it parses anything, so a forged or
// unsigned request costs a hash and is answered 401 (S6). A signed
// delivery whose X-GitHub-Delivery was seen before is a replay and is
// ignored. The events gatehouse acts on (pull requests, their reviews and
// comments, pushes to the default branch) become Events on a Queue, and
// GitHub gets its answer at once: deciding happens asynchronously.
//
// An Event only says "look again at this pull request" (or, for a push
// to the default branch, "look again at every open pull request"): the
// worker reads the pull request's state afresh, so a missed, repeated or
// coalesced event is harmless. The signature covers the body only, not
// the headers, so a captured body can be replayed under a new delivery
// id; that too only makes gatehouse look again.
//
// The Queue is bounded and coalesces per pull request: events for one
// pull request waiting to be handled collapse into one entry, and a
// pull request is never handled by two workers at once; an event that
// arrives while its pull request is being handled runs after it, so no
// update is lost.
package webhook
