package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
	"github.com/gatehouse-dev/gatehouse/controller/slackapi"
)

const (
	// DefaultAPIURL is the base URL of Slack's Web API.
	DefaultAPIURL = slackapi.DefaultURL
	// EnvAPIURL names the variable the caller reads to point the
	// integration at another base URL (a proxy, a fake Slack in tests);
	// New itself reads no environment.
	EnvAPIURL = "GATEHOUSE_SLACK_API_URL"
)

// Entitlements, as List reports them.
const (
	// Member is a full member of the workspace: active, not deleted,
	// neither a bot nor a guest.
	Member = "Member"
	// Admin is a workspace admin (is_admin).
	Admin = "Admin"
	// Owner is a workspace owner (is_owner). It is reported, never
	// granted or revoked: owners change by hand.
	Owner = "Owner"
	// Guest is a multi- or single-channel guest (is_restricted,
	// is_ultra_restricted), who is never a Member. Guests are invited
	// by hand; revoking Guest removes the guest from the workspace.
	Guest = "Guest"
	// UserGroupPrefix starts the entitlement of membership in a user
	// group: "usergroup:" and the group's handle, as in @oncall.
	UserGroupPrefix = "usergroup:"
)

// UserGroup returns the entitlement of membership in the user group
// with the handle (without the @).
func UserGroup(handle string) string { return UserGroupPrefix + handle }

// slackbot is the member id of Slackbot, which users.list reports as a
// user that is not a bot.
const slackbot = "USLACKBOT"

// pageSize is the users.list page size Slack recommends at most.
const pageSize = 200

var (
	// ErrWrongWorkspace reports a token of another workspace than the
	// integration's: the integration refuses to act on it.
	ErrWrongWorkspace = errors.New("the token belongs to another Slack workspace")
	// ErrInviteByHand reports a Grant that needs someone to become a
	// member of the workspace, which Slack's Web API cannot do by member
	// id: an admin invites or reactivates them in Slack.
	ErrInviteByHand = errors.New("the Slack API cannot invite or reactivate a member by member id")
	// ErrLastMember reports a Revoke of a user group's only member, which
	// Slack's API refuses (a user group keeps at least one member).
	ErrLastMember = errors.New("the last member of a user group cannot be removed through the Slack API")
)

// Integration provisions one Slack workspace: membership, admin rights
// and user groups. It is safe for concurrent use.
type Integration struct {
	settings model.SlackIntegration
	token    Token
	apiURL   string
	client   *http.Client
	retry    RetryPolicy
	sleep    func(context.Context, time.Duration) error

	whoMu sync.Mutex
	who   *identity // nil until the first call checks the token

	emailsMu sync.Mutex
	emails   map[string]string // member id → email, from AccountFor
}

var _ reconcile.Integration = (*Integration)(nil)

// identity is what the token is: whose, and of which workspace.
type identity struct {
	teamID, domain string // the workspace acted on
	userID         string // the token's own user
	// orgToken: the token is installed on an Enterprise Grid
	// organisation, so calls name the workspace with team_id.
	orgToken bool
}

// Option adjusts an Integration made by New.
type Option func(*Integration)

// WithAPIURL points the integration at another Web API base URL than
// DefaultAPIURL, such as GATEHOUSE_SLACK_API_URL's or a fake Slack's.
func WithAPIURL(u string) Option { return func(i *Integration) { i.apiURL = u } }

// WithHTTPClient makes the integration's requests through c instead of
// http.DefaultClient.
func WithHTTPClient(c *http.Client) Option {
	return func(i *Integration) {
		if c != nil {
			i.client = c
		}
	}
}

// WithRetry replaces DefaultRetryPolicy, such as with millisecond
// backoffs in tests.
func WithRetry(p RetryPolicy) Option { return func(i *Integration) { i.retry = p } }

// New returns the integration of settings' workspace, acting with token.
// It makes no call: the first List, Grant or Revoke checks the token
// with auth.test and team.info and refuses, with ErrWrongWorkspace, a
// token of any other workspace. An empty token gives an error wrapping
// reconcile.ErrNotConfigured.
func New(settings model.SlackIntegration, token Token, opts ...Option) (*Integration, error) {
	settings.Workspace = workspaceName(settings.Workspace)
	if settings.Workspace == "" {
		return nil, errors.New("slack: the integration names no workspace; set slack.workspace in gatehouse.yaml to the workspace's subdomain (acme for acme.slack.com) or its team id")
	}
	if token.IsZero() {
		return nil, fmt.Errorf("slack %s: %w: no token; set the integration's token in the controller's environment (see TokenFromEnv)", settings.Workspace, reconcile.ErrNotConfigured)
	}
	i := &Integration{settings: settings, token: token, apiURL: DefaultAPIURL, client: http.DefaultClient, retry: DefaultRetryPolicy}
	for _, o := range opts {
		o(i)
	}
	u, err := url.Parse(i.apiURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// The URL is not shown: it could hold credentials.
		return nil, fmt.Errorf("slack %s: the Web API URL is not an absolute http(s) URL; set %s to the API's base, such as %s", settings.Workspace, EnvAPIURL, DefaultAPIURL)
	}
	if !strings.HasSuffix(i.apiURL, "/") {
		i.apiURL += "/"
	}
	return i, nil
}

// workspaceName accepts acme, acme.slack.com and https://acme.slack.com/
// for the workspace acme.
func workspaceName(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s = strings.TrimSuffix(s, "/")
	return strings.TrimSuffix(s, ".slack.com")
}

// Capabilities reports that the integration lists, grants and revokes.
func (s *Integration) Capabilities() reconcile.Capabilities {
	return reconcile.Capabilities{List: true, Grant: true, Revoke: true}
}

// AccountFor returns the person's Slack member id, in upper case as Slack
// writes it. It remembers the person's email, which an error that asks
// to invite them names.
func (s *Integration) AccountFor(p *model.Person) (string, error) {
	if p == nil {
		return "", errors.New("slack: no person given")
	}
	where := p.Where()
	if p.Slack == "" {
		return "", fmt.Errorf("slack: %s has no Slack member id: add `slack: U…` to %s (in Slack: their profile, ⋮, Copy member ID)", p.Name, where)
	}
	id := strings.ToUpper(strings.TrimSpace(p.Slack))
	if !isMemberID(id) {
		return "", fmt.Errorf("slack: %s's slack %q in %s is not a Slack member id: use the id from their profile (⋮, Copy member ID), such as U04ACME0010", p.Name, p.Slack, where)
	}
	if p.Email != "" {
		s.emailsMu.Lock()
		if s.emails == nil {
			s.emails = map[string]string{}
		}
		s.emails[id] = p.Email
		s.emailsMu.Unlock()
	}
	return id, nil
}

// isMemberID reports whether id looks like a Slack member id: U or W
// (Enterprise Grid) and upper-case letters and digits.
func isMemberID(id string) bool {
	if len(id) < 3 || len(id) > 32 || (id[0] != 'U' && id[0] != 'W') {
		return false
	}
	for _, r := range id {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// ready checks the integration can act and returns the token's identity,
// checking it on first use.
func (s *Integration) ready(ctx context.Context) (identity, error) {
	if s == nil || s.token.IsZero() || s.client == nil {
		return identity{}, fmt.Errorf("slack: %w: the integration has no token; set it in the controller's environment (see TokenFromEnv) and build the integration with New", reconcile.ErrNotConfigured)
	}
	// Held while the token is checked, so that concurrent first calls
	// check it once.
	s.whoMu.Lock()
	defer s.whoMu.Unlock()
	if s.who != nil {
		return *s.who, nil
	}
	who, err := s.identify(ctx)
	if err != nil {
		return identity{}, err
	}
	s.who = &who
	return who, nil
}

// identify asks Slack whose the token is and refuses a token of another
// workspace: acting on the wrong workspace would add and remove the
// wrong people.
func (s *Integration) identify(ctx context.Context) (identity, error) {
	ws := s.settings.Workspace
	var auth struct {
		TeamID              string `json:"team_id"`
		Team                string `json:"team"`
		UserID              string `json:"user_id"`
		EnterpriseID        string `json:"enterprise_id"`
		IsEnterpriseInstall bool   `json:"is_enterprise_install"`
	}
	if _, err := s.call(ctx, "auth.test", nil, &auth); err != nil {
		return identity{}, fmt.Errorf("check the token: %w", err)
	}
	if auth.UserID == "" {
		return identity{}, fmt.Errorf("check the token: auth.test names no user: use a user token (xoxp-) of an admin of %s in %s", ws, s.token.source())
	}
	form := url.Values{}
	if auth.IsEnterpriseInstall {
		// An organisation's token reaches all its workspaces: ask for ours.
		if isTeamID(ws) {
			form.Set("team", ws)
		} else {
			form.Set("domain", ws)
		}
	}
	var info struct {
		Team struct {
			ID           string `json:"id"`
			Name         string `json:"name"`
			Domain       string `json:"domain"`
			EnterpriseID string `json:"enterprise_id"`
		} `json:"team"`
	}
	_, err := s.call(ctx, "team.info", form, &info)
	var apiErr *APIError
	switch {
	case auth.IsEnterpriseInstall && errors.As(err, &apiErr) && apiErr.Code == "team_not_found":
		return identity{}, fmt.Errorf("the token belongs to the Enterprise Grid organisation %s (%s), which has no workspace %s: set %s to a token of %s's organisation, or fix slack.workspace in gatehouse.yaml: %w",
			auth.Team, auth.EnterpriseID, ws, s.tokenVar(), ws, ErrWrongWorkspace)
	case err != nil:
		return identity{}, fmt.Errorf("check the token's workspace: %w", err)
	}
	t := info.Team
	switch {
	case auth.IsEnterpriseInstall && (auth.EnterpriseID == "" || t.EnterpriseID != auth.EnterpriseID):
		return identity{}, fmt.Errorf("workspace %s is not in the Enterprise Grid organisation %s (%s) the token belongs to: set %s to a token of %s's organisation, or fix slack.workspace in gatehouse.yaml: %w",
			ws, auth.Team, orNone(auth.EnterpriseID), s.tokenVar(), ws, ErrWrongWorkspace)
	case !auth.IsEnterpriseInstall && t.ID != auth.TeamID:
		return identity{}, fmt.Errorf("auth.test names workspace %s but team.info %s: check that %s, if set, points at Slack's Web API: %w", auth.TeamID, t.ID, EnvAPIURL, ErrWrongWorkspace)
	case t.ID == "" || !(strings.EqualFold(ws, t.ID) || strings.EqualFold(ws, t.Domain)):
		return identity{}, fmt.Errorf("the token belongs to workspace %s (%s), not %s: set %s to a token of %s, or fix slack.workspace in gatehouse.yaml: %w",
			orNone(t.Domain), orNone(t.ID), ws, s.tokenVar(), ws, ErrWrongWorkspace)
	}
	if t.Domain == "" {
		t.Domain = ws
	}
	return identity{teamID: t.ID, domain: t.Domain, userID: auth.UserID, orgToken: auth.IsEnterpriseInstall}, nil
}

// isTeamID reports whether a workspace is named by its id (T…) rather
// than its subdomain, which is lower case.
func isTeamID(ws string) bool {
	return len(ws) > 1 && ws[0] == 'T' && strings.ToUpper(ws) == ws
}

func (s *Integration) tokenVar() string {
	if s.token.from == "" {
		return "the integration's token"
	}
	return s.token.from
}

// form returns a request's parameters; an organisation's token also
// names the workspace, as Slack requires.
func (who identity) form(kv ...string) url.Values {
	f := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	if who.orgToken {
		f.Set("team_id", who.teamID)
	}
	return f
}

// user is a member as users.list and users.info report it.
type user struct {
	ID                string `json:"id"`
	TeamID            string `json:"team_id"`
	Deleted           bool   `json:"deleted"`
	IsBot             bool   `json:"is_bot"`
	IsAdmin           bool   `json:"is_admin"`
	IsOwner           bool   `json:"is_owner"`
	IsPrimaryOwner    bool   `json:"is_primary_owner"`
	IsRestricted      bool   `json:"is_restricted"`
	IsUltraRestricted bool   `json:"is_ultra_restricted"`
	Profile           struct {
		Email string `json:"email"`
	} `json:"profile"`
	EnterpriseUser *struct {
		Teams []string `json:"teams"`
	} `json:"enterprise_user"`
}

func (u *user) guest() bool { return u.IsRestricted || u.IsUltraRestricted }

// activeIn reports whether u is an active member of the workspace: on
// Enterprise Grid users.info answers for every user of the organisation,
// so membership is the workspace's presence among the user's teams.
func (u *user) activeIn(teamID string) bool {
	if u == nil || u.Deleted {
		return false
	}
	return u.TeamID == teamID || (u.EnterpriseUser != nil && slices.Contains(u.EnterpriseUser.Teams, teamID))
}

// List returns every active person in the workspace (bots, deleted users,
// Slackbot and the token's own user left out) with Member or Guest,
// Admin and Owner as Slack flags them, and a usergroup:<handle> for each
// enabled user group they are in, whatever the scope.
func (s *Integration) List(ctx context.Context, scope []string) ([]reconcile.Account, error) {
	who, err := s.ready(ctx)
	if err != nil {
		return nil, s.wrap("list", "", "", err)
	}
	accounts, err := s.list(ctx, who)
	return accounts, s.wrap("list", "", "", err)
}

func (s *Integration) list(ctx context.Context, who identity) ([]reconcile.Account, error) {
	held := map[string]map[string]bool{}
	cursor, seen := "", map[string]bool{}
	for {
		form := who.form("limit", strconv.Itoa(pageSize))
		if cursor != "" {
			form.Set("cursor", cursor)
		}
		var page struct {
			Members []user `json:"members"`
		}
		env, err := s.call(ctx, "users.list", form, &page)
		if err != nil {
			return nil, err
		}
		for _, u := range page.Members {
			if u.IsBot || u.Deleted || u.ID == slackbot || u.ID == who.userID || u.ID == "" {
				continue
			}
			ents := map[string]bool{Member: true}
			if u.guest() {
				ents = map[string]bool{Guest: true}
			}
			if u.IsAdmin {
				ents[Admin] = true
			}
			if u.IsOwner {
				ents[Owner] = true
			}
			held[u.ID] = ents
		}
		cursor = env.NextCursor
		if cursor == "" {
			break
		}
		if seen[cursor] {
			return nil, errors.New("users.list: Slack repeated a page cursor; gatehouse lists again on its next pass")
		}
		seen[cursor] = true
	}
	groups, err := s.groups(ctx, who, true)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.disabled() {
			continue
		}
		for _, id := range g.Users {
			if held[id] != nil {
				held[id][UserGroup(g.Handle)] = true
			}
		}
	}
	return reconcile.AccountsOf(held), nil
}

// Grant gives account the entitlement; one it holds is success without a
// write. Admin calls admin.users.setAdmin; Member is success for an active
// member, turns a guest into a full member (admin.users.setRegular) and
// otherwise fails with ErrInviteByHand; a user group gets the account
// added. Owner and Guest are only ever confirmed, never given.
func (s *Integration) Grant(ctx context.Context, account, ent string) error {
	e, id, who, err := s.prepare(ctx, "grant", account, ent)
	if err != nil {
		return err
	}
	return s.wrap("grant", ent, id, s.grant(ctx, who, id, e))
}

func (s *Integration) grant(ctx context.Context, who identity, id string, e entitlement) error {
	u, err := s.lookup(ctx, id)
	if err != nil {
		return err
	}
	if u != nil && u.IsBot {
		return errBot
	}
	active := u.activeIn(who.teamID)
	switch {
	case e.kind == Owner && active && u.IsOwner, e.kind == Guest && active && u.guest():
		return nil
	case e.kind == Owner:
		return fmt.Errorf("workspace owners are made by hand in Slack's admin settings, never by gatehouse: %w", reconcile.ErrProtected)
	case e.kind == Guest:
		return fmt.Errorf("guests are invited by hand in Slack, with the channels they may see; gatehouse only reports them: %w", ErrInviteByHand)
	case !active:
		return s.inviteError(who, id, u)
	}
	switch e.kind {
	case Member:
		if !u.guest() {
			return nil
		}
		return s.admin(ctx, who, id, "admin.users.setRegular")
	case Admin:
		if u.IsAdmin || u.IsOwner {
			return nil
		}
		if u.guest() {
			return fmt.Errorf("%s is a guest: grant %s first, then %s", id, Member, Admin)
		}
		return s.admin(ctx, who, id, "admin.users.setAdmin")
	default:
		return s.addToGroup(ctx, who, id, e.handle)
	}
}

// inviteError says how someone who is not an active member becomes one.
func (s *Integration) inviteError(who identity, id string, u *user) error {
	s.emailsMu.Lock()
	email := s.emails[id]
	s.emailsMu.Unlock()
	if email == "" && u != nil {
		email = u.Profile.Email
	}
	state := "is not a member of workspace " + who.domain
	switch {
	case u == nil:
		state = "is unknown to Slack (check the `slack:` member id in the person's document)"
	case u.Deleted:
		state = "is deactivated in workspace " + who.domain
	}
	how := "invite the person to " + who.domain + " in Slack"
	if email != "" {
		how = "invite " + email + " to " + who.domain + " in Slack"
	}
	return fmt.Errorf("%s %s, and %w: %s (or reactivate the account under Manage members); gatehouse sees the membership on its next pass",
		id, state, ErrInviteByHand, how)
}

// Revoke takes the entitlement from account; one it does not hold is
// success without a write. Admin calls admin.users.setRegular, Member and
// Guest admin.users.remove, and a user group gets the account removed.
// It refuses, with reconcile.ErrProtected, the token's own user, the
// primary owner, and any owner's Owner, Admin or Member: owners change by
// hand.
func (s *Integration) Revoke(ctx context.Context, account, ent string) error {
	e, id, who, err := s.prepare(ctx, "revoke", account, ent)
	if err != nil {
		return err
	}
	return s.wrap("revoke", ent, id, s.revoke(ctx, who, id, e))
}

func (s *Integration) revoke(ctx context.Context, who identity, id string, e entitlement) error {
	if id == who.userID {
		return fmt.Errorf("%s is the user of gatehouse's own token: %w", id, reconcile.ErrProtected)
	}
	u, err := s.lookup(ctx, id)
	switch {
	case err != nil:
		return err
	case u == nil:
		return nil // no such user holds nothing
	case u.IsBot:
		return errBot
	case u.IsPrimaryOwner:
		return fmt.Errorf("%s is the workspace's primary owner: %w", id, reconcile.ErrProtected)
	case e.kind == UserGroupPrefix:
		return s.removeFromGroup(ctx, who, id, e.handle)
	case !u.activeIn(who.teamID):
		return nil
	}
	owner := fmt.Errorf("%s is a workspace owner, and owners change by hand: make them a regular member in Slack's admin settings first: %w", id, reconcile.ErrProtected)
	switch e.kind {
	case Owner:
		if !u.IsOwner {
			return nil
		}
		return owner
	case Admin:
		if !u.IsAdmin && !u.IsOwner {
			return nil
		}
		if u.IsOwner {
			return owner
		}
		return s.admin(ctx, who, id, "admin.users.setRegular")
	case Member:
		if u.guest() {
			return nil
		}
		if u.IsOwner {
			return owner
		}
		return s.admin(ctx, who, id, "admin.users.remove")
	default: // Guest
		if !u.guest() {
			return nil
		}
		return s.admin(ctx, who, id, "admin.users.remove")
	}
}

var errBot = errors.New("the account is a bot or app user: gatehouse manages people; change the app in Slack by hand")

// prepare refuses what no call may do: an unconfigured integration, an
// unknown entitlement, an account that is no member id.
func (s *Integration) prepare(ctx context.Context, op, account, ent string) (entitlement, string, identity, error) {
	e, err := parseEntitlement(ent)
	if err != nil {
		return entitlement{}, "", identity{}, s.wrap(op, "", account, err)
	}
	id := strings.ToUpper(strings.TrimSpace(account))
	if !isMemberID(id) {
		return entitlement{}, "", identity{}, s.wrap(op, ent, account, fmt.Errorf("%q is not a Slack member id (U… or W…, as AccountFor returns)", account))
	}
	who, err := s.ready(ctx)
	if err != nil {
		return entitlement{}, "", identity{}, s.wrap(op, ent, id, err)
	}
	return e, id, who, nil
}

// lookup returns the user with the member id, or nil when Slack has none.
func (s *Integration) lookup(ctx context.Context, id string) (*user, error) {
	var out struct {
		User user `json:"user"`
	}
	_, err := s.call(ctx, "users.info", url.Values{"user": {id}}, &out)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Code == "user_not_found" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &out.User, nil
}

// admin calls an admin.users method on the user, never on the token's
// own.
func (s *Integration) admin(ctx context.Context, who identity, id, method string) error {
	if id == who.userID {
		return fmt.Errorf("%s is the user of gatehouse's own token, which gatehouse never changes: %w", id, reconcile.ErrProtected)
	}
	_, err := s.call(ctx, method, url.Values{"team_id": {who.teamID}, "user_id": {id}}, nil)
	return err
}

// group is a user group as usergroups.list reports it.
type group struct {
	ID         string   `json:"id"`
	Handle     string   `json:"handle"`
	DateDelete int64    `json:"date_delete"`
	Users      []string `json:"users"`
}

func (g *group) disabled() bool { return g.DateDelete != 0 }

// groups lists the workspace's user groups, disabled ones too, with
// their members when users is set.
func (s *Integration) groups(ctx context.Context, who identity, users bool) ([]group, error) {
	var out struct {
		UserGroups []group `json:"usergroups"`
	}
	_, err := s.call(ctx, "usergroups.list", who.form("include_users", strconv.FormatBool(users), "include_disabled", "true"), &out)
	return out.UserGroups, err
}

// findGroup returns the user group with the handle, or nil.
func (s *Integration) findGroup(ctx context.Context, who identity, handle string) (*group, error) {
	groups, err := s.groups(ctx, who, false)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.Handle == handle {
			return &g, nil
		}
	}
	return nil, nil
}

// members reads a user group's members afresh.
func (s *Integration) members(ctx context.Context, who identity, g *group) ([]string, error) {
	var out struct {
		Users []string `json:"users"`
	}
	_, err := s.call(ctx, "usergroups.users.list", who.form("usergroup", g.ID, "include_disabled", "true"), &out)
	return out.Users, err
}

func (s *Integration) addToGroup(ctx context.Context, who identity, id, handle string) error {
	g, err := s.findGroup(ctx, who, handle)
	switch {
	case err != nil:
		return err
	case g == nil:
		return fmt.Errorf("workspace %s has no user group @%s: create it in Slack, or fix the entitlement %s in the system's access levels", who.domain, handle, UserGroup(handle))
	case g.disabled():
		return fmt.Errorf("the user group @%s is disabled: enable it in Slack, or fix the entitlement %s in the system's access levels", handle, UserGroup(handle))
	}
	users, err := s.members(ctx, who, g)
	if err != nil || slices.Contains(users, id) {
		return err
	}
	return s.setMembers(ctx, who, id, g, append(users, id))
}

func (s *Integration) removeFromGroup(ctx context.Context, who identity, id, handle string) error {
	g, err := s.findGroup(ctx, who, handle)
	if err != nil || g == nil || g.disabled() {
		// A group that is gone or disabled gives nobody anything.
		return err
	}
	users, err := s.members(ctx, who, g)
	if err != nil || !slices.Contains(users, id) {
		return err
	}
	rest := slices.DeleteFunc(slices.Clone(users), func(u string) bool { return u == id })
	if len(rest) == 0 {
		return fmt.Errorf("%s is the only member of @%s, and %w: remove them by hand in Slack or disable the group", id, handle, ErrLastMember)
	}
	return s.setMembers(ctx, who, id, g, rest)
}

// setMembers replaces a user group's members, as usergroups.users.update
// does, to add or remove id, never the token's own user.
func (s *Integration) setMembers(ctx context.Context, who identity, id string, g *group, users []string) error {
	if id == who.userID {
		return fmt.Errorf("%s is the user of gatehouse's own token, which gatehouse never changes: %w", id, reconcile.ErrProtected)
	}
	_, err := s.call(ctx, "usergroups.users.update", who.form("usergroup", g.ID, "users", strings.Join(users, ",")), nil)
	return err
}

// entitlement is a parsed entitlement: a kind (Member, Admin, Owner,
// Guest or UserGroupPrefix) and a user group's handle.
type entitlement struct {
	kind, handle string
}

func parseEntitlement(ent string) (entitlement, error) {
	switch ent {
	case Member, Admin, Owner, Guest:
		return entitlement{kind: ent}, nil
	}
	if h, ok := strings.CutPrefix(ent, UserGroupPrefix); ok && h != "" && !strings.ContainsFunc(h, func(r rune) bool { return r <= ' ' || r == ',' || r == '@' }) {
		return entitlement{kind: UserGroupPrefix, handle: h}, nil
	}
	return entitlement{}, fmt.Errorf("unknown entitlement %q for slack; entitlements: %s, %s, %s, %s, %s<handle> (a user group's handle without the @)",
		ent, Member, Admin, Owner, Guest, UserGroupPrefix)
}

// wrap names the operation and subject, and takes the token out of any
// message (S9): Slack never echoes it, but a proxy might.
func (s *Integration) wrap(op, ent, account string, err error) error {
	if err == nil {
		return nil
	}
	ws := "(no workspace)"
	if s != nil {
		ws = s.settings.Workspace
	}
	what := op
	if ent != "" {
		what += " " + ent
	}
	if account != "" {
		what += " on " + account
	}
	err = fmt.Errorf("slack %s: %s: %w", ws, what, err)
	if s == nil || s.token.value == "" || !strings.Contains(err.Error(), s.token.value) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), s.token.value, redacted), err: err}
}

// redactedError is an error whose message held the token. It matches
// what the original matches (errors.Is) without unwrapping to it, so the
// original's message cannot be printed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Is reports whether the original error matches target.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
