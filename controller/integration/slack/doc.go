// Package slack provisions one Slack workspace through Slack's Web API:
// workspace membership, admin rights and user-group membership. It
// satisfies reconcile.Integration for integrations of type slack in
// gatehouse.yaml, whose slack.workspace names the workspace by its
// subdomain (acme for acme.slack.com) or its team id (T…).
//
// # Entitlements and accounts
//
//	Member              full member of the workspace: active, not deleted,
//	                    neither a bot nor a guest
//	Admin               workspace admin (is_admin)
//	Owner               workspace owner (is_owner): reported, never
//	                    granted or revoked
//	Guest               multi- or single-channel guest: reported; revoking
//	                    removes the guest, granting is done by hand
//	usergroup:<handle>  member of the user group @handle
//
// An account is a person's Slack member id (U… or, on Enterprise Grid,
// W…), from the `slack:` field of their person document, in upper case.
//
// List reports every active person (bots, deleted users, Slackbot and the
// token's own user left out) with Member or Guest, Admin and Owner as
// Slack flags them, and a usergroup entitlement for each enabled user
// group they are in, following every page of users.list.
//
// Granting what is held and revoking what is not are success without a
// write; every Grant and Revoke reads the user afresh (users.info) and a
// user group's members afresh (usergroups.users.list) first.
//
//   - Admin: admin.users.setAdmin to grant, admin.users.setRegular to
//     revoke.
//   - Member: success for an active member; a guest becomes a full member
//     (admin.users.setRegular). Slack's API cannot invite or reactivate
//     anyone by member id, so for anyone else Grant fails with
//     ErrInviteByHand, naming the email to invite: an admin invites them
//     in Slack and the next pass sees them. Revoking calls
//     admin.users.remove.
//   - usergroup:<handle>: usergroups.users.update with the group's full
//     member list plus or minus the account. A handle no group has fails a
//     Grant with what to do; Slack keeps at least one member in a group,
//     so revoking the last member fails with ErrLastMember.
//
// # Safety
//
// The first call checks the token: auth.test says whose it is and
// team.info which workspace it reaches. A token of any other workspace
// (or of an Enterprise Grid organisation without it) fails every call
// with ErrWrongWorkspace, before anything is read or written. Revoke
// refuses, with reconcile.ErrProtected, to touch the token's own user,
// the primary owner, and any owner's Owner, Admin or Member: owners change
// by hand. Grant refuses to make owners.
//
// # API use
//
// Requests are POSTs, form-encoded, with the token as a bearer token.
// Slack answers failures with HTTP 200 and "ok": false; those become an
// *APIError whose message says what to do (the scope a missing_scope
// needs, the token variable to fix after invalid_auth) and are never
// retried. HTTP 429 waits for Retry-After and 5xx answers and network
// errors are retried with exponential backoff, as RetryPolicy bounds;
// answers over 10 MiB are refused.
//
// # Token
//
// The token comes from the controller's environment only (S9):
// TokenFromEnv reads GATEHOUSE_SLACK_<NAME>_TOKEN, or
// GATEHOUSE_SLACK_<NAME>_TOKEN_FILE naming a file that holds it, where
// <NAME> is the integration's name as EnvPrefix spells it. The caller
// reads GATEHOUSE_SLACK_API_URL (EnvAPIURL) for another API base URL.
// The token never appears in an error, and a Token prints as where it came
// from.
//
// It must be a user token (xoxp-) with the scopes users:read,
// usergroups:read, usergroups:write and team:read. Admin and Member
// changes use Slack's Admin API, which only Enterprise Grid has: they need
// the token of an org owner or admin, from an app installed on the
// organisation, with admin.users:write. Such an organisation-wide token
// reaches every workspace of the organisation; calls name the workspace
// with team_id. Without the Admin API, user groups still work and Admin
// and Member changes fail with a message that says to make them by hand.
//
//	token, err := slack.TokenFromEnv(slack.EnvPrefix(name), os.Getenv, os.ReadFile)
//	if err != nil {
//		return err // wraps reconcile.ErrNotConfigured when unset
//	}
//	it, err := slack.New(settings, token)
package slack
