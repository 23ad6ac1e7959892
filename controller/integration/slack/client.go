package slack

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/slackapi"
)

// maxBody bounds the answers read from Slack; users.list pages are far
// smaller.
const maxBody = slackapi.DefaultMaxBody

// RetryPolicy bounds how hard a call to Slack is tried. Every method the
// integration calls is safe to repeat: reads, and writes that set a state
// (admin, regular, removed, a user group's full member list), so network
// errors are retried too.
type RetryPolicy = slackapi.RetryPolicy

// DefaultRetryPolicy tries a call four times over about 3.5 s of 5xx
// answers and waits out up to five rate limits of up to two minutes each.
var DefaultRetryPolicy = RetryPolicy{Attempts: 4, Backoff: 500 * time.Millisecond, MaxBackoff: 30 * time.Second, RateWaits: 5, MaxRateWait: 2 * time.Minute}

// APIError is an answer of Slack's Web API with "ok": false, which Slack
// sends with HTTP 200. Error says what to do about it.
type APIError = slackapi.APIError

// StatusError is an HTTP answer from Slack other than 200 that the
// retries could not get past.
type StatusError = slackapi.StatusError

// call posts form to the Web API method and decodes the answer into out
// (which may be nil), retrying as s.retry allows.
func (s *Integration) call(ctx context.Context, method string, form url.Values, out any) (*slackapi.Response, error) {
	c := slackapi.Client{
		Token:    s.token.value,
		URL:      s.apiURL,
		HTTP:     s.client,
		Retry:    s.retry,
		MaxBody:  maxBody,
		Sleep:    s.sleep,
		Hint:     s.hint,
		CheckURL: "check that " + EnvAPIURL + ", if set, points at Slack's Web API",
		Again:    "on its next pass",
	}
	return c.Call(ctx, method, form, out)
}

// hint says what to do about an "ok": false answer, naming the token's
// variable and the workspace.
func (s *Integration) hint(e *APIError) string {
	token := s.token.source()
	switch e.Code {
	case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "no_auth":
		return fmt.Sprintf("Slack does not accept %s: check it holds a current token of workspace %s (user tokens start xoxp-)", token, s.settings.Workspace)
	case "missing_scope":
		needed := e.Needed
		if needed == "" {
			needed = "a scope Slack did not name"
		}
		return fmt.Sprintf("the token lacks the scope %s (it has %s): add %s to the Slack app's user token scopes, reinstall the app and update %s",
			needed, orNone(e.Provided), needed, token)
	case "not_allowed_token_type":
		return fmt.Sprintf("%s does not accept this kind of token: admin.* methods need a user token of an Enterprise Grid org owner or admin from an app installed on the organisation, with admin.users:write; set %s to one, or change Admin and Member by hand", e.Method, token)
	case "feature_not_enabled", "not_an_enterprise", "enterprise_is_restricted", "paid_only", "plan_upgrade_required":
		return fmt.Sprintf("%s needs Slack's Admin API, which only Enterprise Grid organisations have (with an org-level token holding admin.users:write); without it, change Admin and Member by hand", e.Method)
	case "not_an_admin", "invalid_permissions", "no_permission", "access_denied", "not_allowed":
		return fmt.Sprintf("the user whose token is in use may not do this: it must be an org owner or admin of the Enterprise Grid organisation (for admin.*) or allowed to manage user groups; fix %s or the user's role", token)
	case "user_not_found", "users_not_found":
		return "Slack has no such user: check the `slack:` member id in the person's document"
	case "invalid_users":
		return "Slack refused a member of the list: every user must be an active member of the workspace"
	case "cannot_modify_primary_owner":
		return "the primary owner cannot be changed through the API: transfer primary ownership by hand first"
	case "cannot_set_org_admin_to_regular_at_workspace_level":
		return "the user is an admin of the whole organisation: change their role in the organisation's admin settings"
	case "cannot_set_this_guest_to_regular_at_team_level":
		return "the guest is active in several workspaces: change their account type in the organisation's admin settings"
	case "team_not_found", "team_access_not_granted":
		return fmt.Sprintf("the token cannot reach workspace %s: check slack.workspace in gatehouse.yaml and that the app is installed on the workspace", s.settings.Workspace)
	case "no_such_subteam", "subteam_not_found":
		return "the user group does not exist (or was disabled): create it in Slack or fix the entitlement"
	case "no_users_provided":
		return "Slack keeps at least one member in a user group: remove the last member by hand or disable the group"
	case "ratelimited":
		return "Slack is rate limiting the token; gatehouse tries again on its next pass"
	case "invalid_cursor":
		return "the pagination cursor expired; gatehouse lists again on its next pass"
	case "ekm_access_denied":
		return "Slack's Enterprise Key Management denies access: ask the organisation's admins"
	case "two_factor_setup_required", "sso_required", "org_login_required":
		return "the token's user must finish signing in to Slack (two-factor or SSO) before its token works"
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
