// Package slackapp lets people take part in access requests from Slack:
// anyone files a request with a slash command and a form ("Submit an
// Access Request via Slack"), an approver approves or denies a pull
// request from the message that asks them ("Approve from Slack"), and a
// system admin marks manual provisioning done ("Mark from Slack"). It
// holds the message and dialog builders, a client of Slack's Web API
// that sends them with the app's bot token, and the http.Handlers that
// receive the commands and the clicks. It knows nothing of pull requests
// or policies: the controller decides what may be requested
// (CommandHandler.Systems), who is asked, and what a click or a
// submitted form does (Handler.Act).
//
// # Requesting access
//
//  1. A person types the app's command, /gatehouse request (or
//     /gatehouse alone), in any channel or direct message. Slack posts it
//     to CommandHandler at the command's Request URL, signed as
//     interactions are; anything else after the command ("help") answers
//     with how to use it.
//  2. CommandHandler checks the signature (S6), asks Systems which
//     systems the person's member id may request, and opens the request
//     dialog (Client.OpenRequestDialog, views.open with the command's
//     trigger_id, which Slack honours for 3 seconds). Errors, or nothing
//     to request, are answered as an ephemeral message, seen by the
//     person alone.
//  3. The dialog asks for the system (a select of "name — description",
//     or, beyond Slack's 100 options, a text input whose hint says to
//     type the name), the level (its hint lists each system's levels),
//     a justification and when the access expires ("90d, 2w or
//     2026-06-30"); all but the system are optional.
//  4. Submitting it reaches Handler at the Interactivity Request URL,
//     which calls Act with Kind Request and the trimmed Fields. The
//     controller then writes the request and opens the access-request
//     pull request for the person. A FieldErrors from Act shows each
//     message under its field, another error under the system, and the
//     dialog stays open; on success it closes, and Act's text (such as
//     the pull request's link) comes as a direct message.
//
// # Approving and provisioning
//
//  1. The controller sends ApprovalMessage to each eligible approver, or
//     ProvisionMessage to each admin of a system provisioned by hand,
//     with Client.PostMessage to their `slack:` member id (a direct
//     message from the app). The buttons carry a Ref: the pull request,
//     the head commit and the digest of the access changes the message
//     was sent for, so that an approval counts for what the approver saw.
//  2. A click reaches Handler at the app's Interactivity request URL.
//     Handler checks Slack's signature before it reads anything (S6), then
//     calls Act with an Action: the kind, the clicker's member id from the
//     signed payload, and the Ref. What Act returns is posted to the
//     payload's response_url as an ephemeral reply, seen by the clicker
//     alone.
//  3. Deny opens a dialog (views.open) that asks for a reason. Submitting
//     it calls Act with Kind Deny and the reason; an empty reason, or
//     Act's error, is shown in the dialog, under the field. On success
//     the dialog closes and Act's text comes as a direct message.
//
// A Ref in a button is not trusted, nor is the system a submitted form
// names: Act maps the member id to a person of the access repo and checks
// the pull request, or what the person may request, afresh. The
// signature proves only that Slack sent the click or the form. Slack
// waits 3 seconds for an answer, so Act must be quick, and
// CommandHandler.Systems too.
//
// # Signatures (S6)
//
// Verify checks X-Slack-Signature, "v0=" and the hex HMAC-SHA256 of
// "v0:" + X-Slack-Request-Timestamp + ":" + body under the signing
// secret, in constant time, and that the timestamp is within MaxSkew
// (5 minutes) of now either way. An empty secret refuses every request.
// Failures answer 401 and are logged with their reason, never with the
// secret, the signature or the payload (S9).
//
// # Setting up the Slack app
//
// In the app's settings (https://api.slack.com/apps):
//
//   - Interactivity & Shortcuts: turn Interactivity on and set the Request
//     URL to https://<controller>/slack/interactions.
//   - Slash Commands: create the command /gatehouse with the Request URL
//     https://<controller>/slack/commands (CommandHandler) and the usage
//     hint "request"; this adds the commands scope.
//   - OAuth & Permissions: the bot token scopes chat:write, im:write and
//     commands; install (or reinstall) the app to the workspace.
//   - App Home: allow users to message the app (Messages Tab), so that
//     direct messages from the app show.
//
// The controller reads two variables and passes their values here:
//
//	GATEHOUSE_SLACK_SIGNING_SECRET  Basic Information → Signing Secret
//	                                (Handler.Secret, CommandHandler.Secret)
//	GATEHOUSE_SLACK_BOT_TOKEN       the Bot User OAuth Token, xoxb-…
//	                                (NewClient)
//
// # Web API use
//
// Client posts JSON with the token as a bearer token, never in a URL or
// a body, and never sends it to a response URL. Slack answers failures
// with "ok": false; those become an *APIError that says what to do (the
// scope a missing_scope needs, the variable to fix after invalid_auth,
// the `slack:` member id to check after channel_not_found). HTTP 429
// waits for Retry-After (up to 30 s) and 5xx answers back off briefly, 3
// attempts at most.
package slackapp
