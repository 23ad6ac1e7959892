// Package slacktest is a fake of Slack's Web API for tests: an
// httptest.Server holding one workspace's team, users and user groups in
// memory, answering the methods the slack integration calls in the shapes
// Slack documents (https://api.slack.com/methods):
//
//	auth.test, team.info, users.list (cursor pages), users.info,
//	usergroups.list, usergroups.users.list, usergroups.users.update,
//	admin.users.setAdmin, admin.users.setRegular, admin.users.remove
//
// and, for the Slack app's bot (package slackapp), chat.postMessage and
// views.open, which take JSON bodies as Slack allows for them and refuse
// blocks and modals beyond the limits Slack documents (MaxOptions,
// MaxOptionText, MaxHint and the like), plus
// response URLs (ResponseURL) that record what is posted to them, as the
// response_url of an interaction payload does (Messages, Views,
// Responses).
//
// Like Slack it answers failures with HTTP 200 and {"ok": false, "error":
// "..."}: invalid_auth without the right bearer token, missing_scope for a
// scope RemoveScope took away, not_allowed_token_type for admin.* with a
// workspace's token. Tests seed it (AddUser, AddUserGroup), inject
// failures (RateLimitNext, FailNext, FailMethod) and inspect it (User,
// UserGroup, Writes, Calls).
//
// By default the workspace acme (T0ACME0001) belongs to the Enterprise
// Grid organisation E0ACME0001 and the token is installed on the
// organisation, as Slack's Admin API requires; SetOrgToken(false) makes it
// a workspace's token. The server starts with Slackbot and the token's own
// user (SelfID, an admin) and serves users.list two users a page.
package slacktest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// Defaults of a new Server.
const (
	// SelfID is the member id of the token's own user.
	SelfID = "U0GATEHOUSE"
	// SlackbotID is Slackbot's member id, which users.list reports as a
	// user that is not a bot.
	SlackbotID = "USLACKBOT"
	// DefaultPageSize is the most users a users.list page holds: small,
	// so that tests cross pages.
	DefaultPageSize = 2
)

// DefaultTeam is the workspace a new Server holds.
var DefaultTeam = Team{ID: "T0ACME0001", Name: "Acme", Domain: "acme", EnterpriseID: "E0ACME0001", EnterpriseName: "Acme Corp"}

// Team is the fake's workspace.
type Team struct {
	ID, Name, Domain string
	// EnterpriseID and EnterpriseName are the Enterprise Grid
	// organisation the workspace belongs to; empty outside Grid, where
	// admin.* methods answer not_an_enterprise.
	EnterpriseID, EnterpriseName string
}

// User is a member of the workspace.
type User struct {
	// ID is the member id, such as U04ACME0010.
	ID    string
	Name  string
	Email string
	// Deleted marks a deactivated account, as admin.users.remove leaves it.
	Deleted bool
	// Bot marks a bot user.
	Bot bool
	// Admin, Owner and PrimaryOwner are the account's type.
	Admin, Owner, PrimaryOwner bool
	// Restricted and UltraRestricted mark multi- and single-channel
	// guests.
	Restricted, UltraRestricted bool
}

// UserGroup is a user group of the workspace.
type UserGroup struct {
	// ID is the group's id (S…); AddUserGroup assigns one when empty.
	ID     string
	Handle string
	Name   string
	// Users are the members' ids.
	Users []string
	// Disabled marks a disabled group: usergroups.list leaves it out
	// unless asked with include_disabled.
	Disabled bool
}

// Request is one request the fake received.
type Request struct {
	// Method is the Web API method, such as "users.list".
	Method string
	// Form holds the request's parameters.
	Form url.Values
}

// failure is an injected HTTP error answer.
type failure struct {
	status     int
	retryAfter int
}

// Server is a fake Slack Web API. Its methods are safe for concurrent use
// by the code under test and the test itself.
type Server struct {
	// URL is the Web API's base URL with a trailing slash, as
	// slack.WithAPIURL takes it.
	URL string

	t   testing.TB
	srv *httptest.Server

	mu           sync.Mutex
	token        string
	team         Team
	orgToken     bool
	self         string
	users        []*User
	groups       []*UserGroup
	pageSize     int
	missing      map[string]bool // scopes the token lacks
	failures     []failure
	methodErrors map[string]string
	requests     []Request
	writes       int
	messages     []PostedMessage
	views        []OpenedView
	responses    []string
	responseURLs int
}

// New starts a fake Slack that accepts token as a bearer token, and
// closes it when the test ends.
func New(t testing.TB, token string) *Server {
	t.Helper()
	s := &Server{
		t: t, token: token, team: DefaultTeam, orgToken: true, self: SelfID,
		pageSize: DefaultPageSize, missing: map[string]bool{}, methodErrors: map[string]string{},
	}
	s.users = []*User{
		{ID: SlackbotID, Name: "slackbot"},
		{ID: SelfID, Name: "gatehouse", Email: "gatehouse@acme.example", Admin: true},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serve)
	for method := range jsonMethods {
		mux.HandleFunc("/api/"+method, s.serveJSON)
	}
	mux.HandleFunc(responsePath, s.serveResponse)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/api/"
	t.Cleanup(s.srv.Close)
	return s
}

// Close stops the server; requests then fail to connect.
func (s *Server) Close() { s.srv.Close() }

// SetTeam replaces the workspace's team. Users and groups stay.
func (s *Server) SetTeam(team Team) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.team = team
}

// SetOrgToken says whether the token is installed on the Enterprise Grid
// organisation (true, the default: auth.test names the organisation,
// users.list and usergroups.* need team_id, admin.* work) or on the
// workspace alone (admin.* answer not_allowed_token_type).
func (s *Server) SetOrgToken(org bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orgToken = org
}

// SetSelf makes id the token's own user, as auth.test reports it.
func (s *Server) SetSelf(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.self = id
}

// SetPageSize sets the most users a users.list page holds.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = max(n, 1)
}

// AddUser adds u to the workspace, or replaces the user with its id.
func (s *Server) AddUser(u User) {
	s.t.Helper()
	if u.ID == "" {
		s.t.Fatal("slacktest: AddUser needs a member id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.userIndex(u.ID); i >= 0 {
		*s.users[i] = u
		return
	}
	s.users = append(s.users, &u)
}

// User returns the user with the member id as the fake holds it now.
func (s *Server) User(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.userIndex(id); i >= 0 {
		return *s.users[i], true
	}
	return User{}, false
}

// AddUserGroup adds g and returns its id, assigned when g has none.
func (s *Server) AddUserGroup(g UserGroup) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g.ID == "" {
		g.ID = fmt.Sprintf("S0GROUP%04d", len(s.groups)+1)
	}
	g.Users = slices.Clone(g.Users)
	s.groups = append(s.groups, &g)
	return g.ID
}

// UserGroup returns the user group with the handle as the fake holds it
// now.
func (s *Server) UserGroup(handle string) (UserGroup, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.groups {
		if g.Handle == handle {
			c := *g
			c.Users = slices.Clone(g.Users)
			return c, true
		}
	}
	return UserGroup{}, false
}

// RemoveScope takes scope (such as "usergroups:write") from the token:
// the methods that need it answer missing_scope.
func (s *Server) RemoveScope(scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.missing[scope] = true
}

// RateLimitNext answers the next n requests with HTTP 429 and a
// Retry-After of retryAfter seconds.
func (s *Server) RateLimitNext(n, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, failure{status: http.StatusTooManyRequests, retryAfter: retryAfter})
	}
}

// FailNext answers the next n requests with the HTTP status, such as
// 503, and a body that is not JSON, as a load balancer would.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, failure{status: status})
	}
}

// FailMethod answers every call of the Web API method with {"ok": false,
// "error": code} until FailMethod(method, "") clears it.
func (s *Server) FailMethod(method, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == "" {
		delete(s.methodErrors, method)
		return
	}
	s.methodErrors[method] = code
}

// Writes returns how many calls of methods that change the workspace
// (admin.users.*, usergroups.users.update) the fake received, whatever
// it answered.
func (s *Server) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

// Calls returns how many requests the fake received for the Web API
// method, or in all when method is "".
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if method == "" {
		return len(s.requests)
	}
	n := 0
	for _, r := range s.requests {
		if r.Method == method {
			n++
		}
	}
	return n
}

// Requests returns the requests the fake received, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// writeMethods change the workspace.
var writeMethods = map[string]bool{
	"admin.users.setAdmin":    true,
	"admin.users.setRegular":  true,
	"admin.users.remove":      true,
	"usergroups.users.update": true,
}

// scopes are the scopes each method needs of a user token.
var scopes = map[string]string{
	"team.info":               "team:read",
	"users.list":              "users:read",
	"users.info":              "users:read",
	"usergroups.list":         "usergroups:read",
	"usergroups.users.list":   "usergroups:read",
	"usergroups.users.update": "usergroups:write",
	"admin.users.setAdmin":    "admin.users:write",
	"admin.users.setRegular":  "admin.users:write",
	"admin.users.remove":      "admin.users:write",
}

// allScopes are the scopes a new token holds.
var allScopes = []string{"admin.users:write", "team:read", "usergroups:read", "usergroups:write", "users:read", "users:read.email"}

type reply map[string]any

func fail(code string) reply { return reply{"ok": false, "error": code} }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if r.Method != http.MethodPost {
		s.t.Errorf("slacktest: %s %s: the integration must POST", r.Method, method)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		s.t.Errorf("slacktest: %s sent Content-Type %q, want application/x-www-form-urlencoded", method, ct)
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.t.Errorf("slacktest: %s: parse the form: %v", method, err)
	}
	if r.Form.Has("token") {
		s.t.Errorf("slacktest: %s: the token was sent in the URL or body; send it in the Authorization header", method)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: method, Form: r.PostForm})
	if writeMethods[method] {
		s.writes++
	}
	if s.injectFailure(w) {
		return
	}
	writeJSON(w, http.StatusOK, s.answer(method, r.Header.Get("Authorization"), r.Form))
}

// injectFailure answers with the next injected failure, if any; s.mu is
// held.
func (s *Server) injectFailure(w http.ResponseWriter) bool {
	if len(s.failures) == 0 {
		return false
	}
	f := s.failures[0]
	s.failures = s.failures[1:]
	if f.status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		writeJSON(w, f.status, fail("ratelimited"))
		return true
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(f.status)
	fmt.Fprintf(w, "<html><body>%d %s</body></html>\n", f.status, http.StatusText(f.status))
	return true
}

func writeJSON(w http.ResponseWriter, status int, body reply) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// answer checks the token and scopes, then runs the method.
func (s *Server) answer(method, auth string, form url.Values) reply {
	switch {
	case auth == "":
		return fail("not_authed")
	case auth != "Bearer "+s.token:
		return fail("invalid_auth")
	}
	handle, ok := map[string]func(url.Values) reply{
		"auth.test":               s.authTest,
		"team.info":               s.teamInfo,
		"users.list":              s.usersList,
		"users.info":              s.usersInfo,
		"usergroups.list":         s.userGroupsList,
		"usergroups.users.list":   s.userGroupsUsersList,
		"usergroups.users.update": s.userGroupsUsersUpdate,
		"admin.users.setAdmin":    s.adminUsers(method),
		"admin.users.setRegular":  s.adminUsers(method),
		"admin.users.remove":      s.adminUsers(method),
	}[method]
	if !ok {
		return reply{"ok": false, "error": "unknown_method", "req_method": method}
	}
	if need := scopes[method]; need != "" && s.missing[need] {
		var have []string
		for _, sc := range allScopes {
			if !s.missing[sc] {
				have = append(have, sc)
			}
		}
		return reply{"ok": false, "error": "missing_scope", "needed": need, "provided": strings.Join(have, ",")}
	}
	if code := s.methodErrors[method]; code != "" {
		return fail(code)
	}
	return handle(form)
}

func (s *Server) authTest(url.Values) reply {
	name := ""
	if i := s.userIndex(s.self); i >= 0 {
		name = s.users[i].Name
	}
	out := reply{"ok": true, "user": name, "user_id": s.self, "is_enterprise_install": s.orgToken}
	if s.orgToken {
		out["url"] = "https://" + s.team.Domain + "-org.enterprise.slack.com/"
		out["team"], out["team_id"] = s.team.EnterpriseName, s.team.EnterpriseID
	} else {
		out["url"] = "https://" + s.team.Domain + ".slack.com/"
		out["team"], out["team_id"] = s.team.Name, s.team.ID
	}
	if s.team.EnterpriseID != "" {
		out["enterprise_id"] = s.team.EnterpriseID
	}
	return out
}

// teamInfo answers for the workspace named by team or domain, or by the
// token; an organisation's token must name one.
func (s *Server) teamInfo(f url.Values) reply {
	switch {
	case f.Get("team") != "" && f.Get("team") != s.team.ID,
		f.Get("team") == "" && f.Get("domain") != "" && f.Get("domain") != s.team.Domain:
		return fail("team_not_found")
	case s.orgToken && f.Get("team") == "" && f.Get("domain") == "":
		return fail("missing_argument")
	}
	team := reply{"id": s.team.ID, "name": s.team.Name, "domain": s.team.Domain, "email_domain": s.team.Domain + ".example",
		"icon": reply{"image_default": true}}
	if s.team.EnterpriseID != "" {
		team["enterprise_id"], team["enterprise_name"] = s.team.EnterpriseID, s.team.EnterpriseName
	}
	return reply{"ok": true, "team": team}
}

// teamCheck checks team_id: required with an organisation's token, and
// the workspace's when given.
func (s *Server) teamCheck(f url.Values) reply {
	switch id := f.Get("team_id"); {
	case id == "" && s.orgToken:
		return fail("missing_argument")
	case id != "" && id != s.team.ID:
		return fail("team_not_found")
	}
	return nil
}

func (s *Server) usersList(f url.Values) reply {
	if r := s.teamCheck(f); r != nil {
		return r
	}
	n := s.pageSize
	if l, err := strconv.Atoi(f.Get("limit")); err == nil && l > 0 && l < n {
		n = l
	}
	start := 0
	if c := f.Get("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		id, ok := strings.CutPrefix(string(raw), "user:")
		if start = s.userIndex(id); err != nil || !ok || start < 0 {
			return fail("invalid_cursor")
		}
	}
	end := min(start+n, len(s.users))
	members := make([]reply, 0, end-start)
	for _, u := range s.users[start:end] {
		members = append(members, s.userJSON(u))
	}
	next := ""
	if end < len(s.users) {
		next = base64.StdEncoding.EncodeToString([]byte("user:" + s.users[end].ID))
	}
	return reply{"ok": true, "members": members, "cache_ts": time.Now().Unix(), "response_metadata": reply{"next_cursor": next}}
}

func (s *Server) usersInfo(f url.Values) reply {
	i := s.userIndex(f.Get("user"))
	if i < 0 {
		return fail("user_not_found")
	}
	return reply{"ok": true, "user": s.userJSON(s.users[i])}
}

func (s *Server) userJSON(u *User) reply {
	out := reply{
		"id": u.ID, "team_id": s.team.ID, "name": u.Name, "deleted": u.Deleted, "real_name": u.Name,
		"profile":  reply{"real_name": u.Name, "display_name": u.Name, "email": u.Email},
		"is_admin": u.Admin, "is_owner": u.Owner, "is_primary_owner": u.PrimaryOwner,
		"is_restricted": u.Restricted, "is_ultra_restricted": u.UltraRestricted,
		"is_bot": u.Bot, "is_app_user": false, "updated": 1700000000,
	}
	if s.team.EnterpriseID != "" {
		out["enterprise_user"] = reply{"id": u.ID, "enterprise_id": s.team.EnterpriseID, "enterprise_name": s.team.EnterpriseName,
			"is_admin": u.Admin, "is_owner": u.Owner, "is_primary_owner": u.PrimaryOwner, "teams": []string{s.team.ID}}
	}
	return out
}

func (s *Server) userGroupsList(f url.Values) reply {
	if r := s.teamCheck(f); r != nil {
		return r
	}
	out := []reply{}
	for _, g := range s.groups {
		if g.Disabled && f.Get("include_disabled") != "true" {
			continue
		}
		out = append(out, s.groupJSON(g, f.Get("include_users") == "true"))
	}
	return reply{"ok": true, "usergroups": out}
}

func (s *Server) groupJSON(g *UserGroup, users bool) reply {
	deleted := 0
	if g.Disabled {
		deleted = 1700000000
	}
	out := reply{
		"id": g.ID, "team_id": s.team.ID, "is_usergroup": true, "name": g.Name, "description": "", "handle": g.Handle,
		"is_external": false, "date_create": 1600000000, "date_update": 1700000000, "date_delete": deleted,
		"auto_type": nil, "created_by": SelfID, "updated_by": SelfID, "deleted_by": nil,
		"prefs": reply{"channels": []string{}, "groups": []string{}}, "user_count": len(g.Users),
	}
	if users {
		out["users"] = slices.Clone(g.Users)
	}
	return out
}

// group finds the group f names; a disabled one only when disabledToo.
func (s *Server) group(f url.Values, disabledToo bool) (*UserGroup, reply) {
	if r := s.teamCheck(f); r != nil {
		return nil, r
	}
	for _, g := range s.groups {
		if g.ID == f.Get("usergroup") && (!g.Disabled || disabledToo) {
			return g, nil
		}
	}
	return nil, fail("no_such_subteam")
}

func (s *Server) userGroupsUsersList(f url.Values) reply {
	g, r := s.group(f, f.Get("include_disabled") == "true")
	if g == nil {
		return r
	}
	return reply{"ok": true, "users": slices.Clone(g.Users)}
}

// userGroupsUsersUpdate replaces the group's members with the list
// given, which must name at least one active member.
func (s *Server) userGroupsUsersUpdate(f url.Values) reply {
	g, r := s.group(f, true)
	if g == nil {
		return r
	}
	var users []string
	for _, id := range strings.Split(f.Get("users"), ",") {
		if id = strings.TrimSpace(id); id == "" || slices.Contains(users, id) {
			continue
		}
		i := s.userIndex(id)
		if i < 0 || s.users[i].Deleted {
			return fail("invalid_users")
		}
		users = append(users, id)
	}
	if len(users) == 0 {
		return fail("no_users_provided")
	}
	g.Users = users
	return reply{"ok": true, "usergroup": s.groupJSON(g, true)}
}

// adminUsers answers admin.users.setAdmin, setRegular and remove, which
// only an organisation's token may call.
func (s *Server) adminUsers(method string) func(url.Values) reply {
	return func(f url.Values) reply {
		switch {
		case s.team.EnterpriseID == "":
			return fail("not_an_enterprise")
		case !s.orgToken:
			return fail("not_allowed_token_type")
		case f.Get("team_id") == "" || f.Get("user_id") == "":
			return fail("invalid_arguments")
		case f.Get("team_id") != s.team.ID:
			return fail("team_not_found")
		}
		i := s.userIndex(f.Get("user_id"))
		if i < 0 {
			return fail("user_not_found")
		}
		u := s.users[i]
		switch {
		case u.PrimaryOwner:
			return fail("cannot_modify_primary_owner")
		case u.Deleted && method != "admin.users.remove", u.Bot:
			return fail("invalid_role_for_user")
		}
		switch method {
		case "admin.users.setAdmin":
			if u.Restricted || u.UltraRestricted {
				return fail("invalid_role_for_user")
			}
			u.Admin = true
		case "admin.users.setRegular":
			u.Admin, u.Owner, u.Restricted, u.UltraRestricted = false, false, false, false
		default:
			u.Deleted = true
		}
		return reply{"ok": true}
	}
}

func (s *Server) userIndex(id string) int {
	return slices.IndexFunc(s.users, func(u *User) bool { return u.ID == id })
}

// PostedMessage is a message chat.postMessage accepted.
type PostedMessage struct {
	// Channel is the channel as asked: a channel id, or a member id for
	// the direct message with the app.
	Channel string
	// TS is the message's timestamp, as the answer gave it.
	TS string
	// Text is the message's fallback text.
	Text string
	// Blocks are the message's Block Kit blocks as sent; nil without.
	Blocks json.RawMessage
}

// OpenedView is a modal views.open opened.
type OpenedView struct {
	// TriggerID is the trigger_id the modal was opened with.
	TriggerID string
	// View is the view as sent.
	View json.RawMessage
}

// Limits of Slack's that the fake enforces on what a bot sends, answering
// invalid_blocks (messages) or invalid_arguments (views) beyond them.
const (
	// MaxButtonValue is the longest value a button may carry.
	MaxButtonValue = 2000
	// MaxSectionText is the longest text a section block may hold.
	MaxSectionText = 3000
	// MaxPrivateMetadata is the longest private_metadata a view may hold.
	MaxPrivateMetadata = 3000
	// MaxViewTitle is the longest title a modal may have, and the
	// longest text of its submit and close buttons.
	MaxViewTitle = 24
	// MaxViewBlocks is the most blocks a modal may hold.
	MaxViewBlocks = 100
	// MaxBlockID is the longest block_id or action_id.
	MaxBlockID = 255
	// MaxLabel is the longest label of an input block.
	MaxLabel = 2000
	// MaxHint is the longest hint of an input block.
	MaxHint = 2000
	// MaxPlaceholder is the longest placeholder of an element.
	MaxPlaceholder = 150
	// MaxOptions is the most options a static_select may offer.
	MaxOptions = 100
	// MaxOptionText is the longest text of an option.
	MaxOptionText = 75
	// MaxOptionValue is the longest value of an option.
	MaxOptionValue = 150
	// MaxInputLength is the largest max_length of a plain_text_input.
	MaxInputLength = 3000
)

// responsePath is where the fake's response URLs live.
const responsePath = "/response/"

// jsonMethods are the Web API methods the fake takes as JSON bodies.
var jsonMethods = map[string]bool{"chat.postMessage": true, "views.open": true}

// botScopes are the scopes each JSON method needs of a bot token, and
// allBotScopes those a new bot token holds.
var (
	botScopes    = map[string]string{"chat.postMessage": "chat:write"}
	allBotScopes = []string{"chat:write", "im:write"}
)

// Messages returns the messages chat.postMessage accepted, oldest first.
func (s *Server) Messages() []PostedMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Views returns the modals views.open opened, oldest first.
func (s *Server) Views() []OpenedView {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.views)
}

// ResponseURL returns a new response URL on the fake, as Slack puts one in
// every interaction payload; Responses returns what is posted to it.
func (s *Server) ResponseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.responseURLs++
	return s.srv.URL + responsePath + strconv.Itoa(s.responseURLs)
}

// ResponseURLPrefix is what every URL ResponseURL returns starts with.
func (s *Server) ResponseURLPrefix() string { return s.srv.URL + responsePath }

// Responses returns the bodies posted to the fake's response URLs,
// oldest first.
func (s *Server) Responses() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.responses)
}

// serveJSON answers the Web API methods a bot calls with a JSON body.
func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if r.Method != http.MethodPost {
		s.t.Errorf("slacktest: %s %s: the app must POST", r.Method, method)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		s.t.Errorf("slacktest: %s sent Content-Type %q, want application/json; charset=utf-8", method, ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		s.t.Errorf("slacktest: %s: read the body: %v", method, err)
	}
	var args map[string]any
	jsonErr := json.Unmarshal(body, &args)
	form := url.Values{}
	for k, v := range args {
		if k == "token" {
			s.t.Errorf("slacktest: %s: the token was sent in the body; send it in the Authorization header", method)
		}
		if str, ok := v.(string); ok {
			form.Set(k, str)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: method, Form: form})
	if s.injectFailure(w) {
		return
	}
	switch auth := r.Header.Get("Authorization"); {
	case auth == "":
		writeJSON(w, http.StatusOK, fail("not_authed"))
		return
	case auth != "Bearer "+s.token:
		writeJSON(w, http.StatusOK, fail("invalid_auth"))
		return
	case jsonErr != nil:
		writeJSON(w, http.StatusOK, fail("invalid_json"))
		return
	}
	if need := botScopes[method]; need != "" && s.missing[need] {
		var have []string
		for _, sc := range allBotScopes {
			if !s.missing[sc] {
				have = append(have, sc)
			}
		}
		writeJSON(w, http.StatusOK, reply{"ok": false, "error": "missing_scope", "needed": need, "provided": strings.Join(have, ",")})
		return
	}
	if code := s.methodErrors[method]; code != "" {
		writeJSON(w, http.StatusOK, fail(code))
		return
	}
	if method == "views.open" {
		writeJSON(w, http.StatusOK, s.viewsOpen(body))
		return
	}
	writeJSON(w, http.StatusOK, s.chatPostMessage(body))
}

// chatPostMessage posts to a channel, or to the direct message of the
// app with a member named by id.
func (s *Server) chatPostMessage(body []byte) reply {
	var m struct {
		Channel string          `json:"channel"`
		Text    string          `json:"text"`
		Blocks  json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return fail("invalid_arguments")
	}
	channel := m.Channel
	switch {
	case channel == "":
		return fail("channel_not_found")
	case strings.HasPrefix(channel, "U"), strings.HasPrefix(channel, "W"):
		i := s.userIndex(channel)
		if i < 0 || s.users[i].Deleted {
			return fail("channel_not_found")
		}
		channel = "D" + channel[1:]
	}
	if len(m.Blocks) > 0 && string(m.Blocks) != "null" {
		if problems := checkBlocks(m.Blocks); len(problems) > 0 {
			return reply{"ok": false, "error": "invalid_blocks", "response_metadata": reply{"messages": problems}}
		}
	} else {
		m.Blocks = nil
	}
	if m.Text == "" && m.Blocks == nil {
		return fail("no_text")
	}
	ts := fmt.Sprintf("1700000000.%06d", len(s.messages)+1)
	s.messages = append(s.messages, PostedMessage{Channel: m.Channel, TS: ts, Text: m.Text, Blocks: m.Blocks})
	return reply{"ok": true, "channel": channel, "ts": ts, "message": reply{"type": "message", "text": m.Text, "bot_id": "B0GATEHOUSE", "ts": ts}}
}

// checkBlocks checks the limits of Slack's that a bot's message can hit.
func checkBlocks(raw json.RawMessage) []string {
	var blocks []struct {
		Type string `json:"type"`
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
		Elements []struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return []string{"[ERROR] blocks must be an array of objects"}
	}
	var problems []string
	for i, b := range blocks {
		switch {
		case b.Type == "":
			problems = append(problems, fmt.Sprintf("[ERROR] missing required field: type [json-pointer:/blocks/%d]", i))
		case b.Text != nil && len(b.Text.Text) > MaxSectionText:
			problems = append(problems, fmt.Sprintf("[ERROR] must be less than %d characters [json-pointer:/blocks/%d/text/text]", MaxSectionText+1, i))
		}
		for j, e := range b.Elements {
			if len(e.Value) > MaxButtonValue {
				problems = append(problems, fmt.Sprintf("[ERROR] must be less than %d characters [json-pointer:/blocks/%d/elements/%d/value]", MaxButtonValue+1, i, j))
			}
			if e.Type == "button" && (e.ActionID == "" || len(e.ActionID) > 255) {
				problems = append(problems, fmt.Sprintf("[ERROR] action_id must be 1 to 255 characters [json-pointer:/blocks/%d/elements/%d/action_id]", i, j))
			}
		}
	}
	return problems
}

// viewsOpen opens a modal for a trigger_id.
func (s *Server) viewsOpen(body []byte) reply {
	var a struct {
		TriggerID string          `json:"trigger_id"`
		View      json.RawMessage `json:"view"`
	}
	var v struct {
		Type  string `json:"type"`
		Title struct {
			Text string `json:"text"`
		} `json:"title"`
		Submit          *viewText   `json:"submit"`
		Close           *viewText   `json:"close"`
		CallbackID      string      `json:"callback_id"`
		PrivateMetadata string      `json:"private_metadata"`
		Blocks          []viewBlock `json:"blocks"`
	}
	if json.Unmarshal(body, &a) != nil || a.TriggerID == "" || json.Unmarshal(a.View, &v) != nil {
		return fail("invalid_arguments")
	}
	var problems []string
	if v.Type != "modal" {
		problems = append(problems, "[ERROR] must be modal [json-pointer:/view/type]")
	}
	if n := len([]rune(v.Title.Text)); n == 0 || n > MaxViewTitle {
		problems = append(problems, fmt.Sprintf("[ERROR] title must be 1 to %d characters [json-pointer:/view/title/text]", MaxViewTitle))
	}
	if len(v.PrivateMetadata) > MaxPrivateMetadata {
		problems = append(problems, fmt.Sprintf("[ERROR] must be less than %d characters [json-pointer:/view/private_metadata]", MaxPrivateMetadata+1))
	}
	if len(v.CallbackID) > 255 {
		problems = append(problems, "[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]")
	}
	if len(v.Blocks) == 0 {
		problems = append(problems, "[ERROR] no blocks [json-pointer:/view/blocks]")
	}
	for name, b := range map[string]*viewText{"submit": v.Submit, "close": v.Close} {
		if b != nil && (b.Type != "plain_text" || b.Text == "" || runes(b.Text) > MaxViewTitle) {
			problems = append(problems, fmt.Sprintf("[ERROR] must be plain_text of 1 to %d characters [json-pointer:/view/%s]", MaxViewTitle, name))
		}
	}
	problems = append(problems, checkViewBlocks(v.Blocks, v.Submit != nil)...)
	if len(problems) > 0 {
		return reply{"ok": false, "error": "invalid_arguments", "response_metadata": reply{"messages": problems}}
	}
	s.views = append(s.views, OpenedView{TriggerID: a.TriggerID, View: a.View})
	var view reply
	_ = json.Unmarshal(a.View, &view)
	view["id"] = fmt.Sprintf("V0VIEW%04d", len(s.views))
	view["team_id"] = s.team.ID
	view["state"] = reply{"values": reply{}}
	return reply{"ok": true, "view": view}
}

// viewText is a text object of a view.
type viewText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// viewBlock is the part of a view's block that Slack's limits concern.
type viewBlock struct {
	Type    string    `json:"type"`
	BlockID string    `json:"block_id"`
	Text    *viewText `json:"text"`
	Label   *viewText `json:"label"`
	Hint    *viewText `json:"hint"`
	Element *struct {
		Type        string    `json:"type"`
		ActionID    string    `json:"action_id"`
		Placeholder *viewText `json:"placeholder"`
		MaxLength   *int      `json:"max_length"`
		Options     []struct {
			Text  viewText `json:"text"`
			Value string   `json:"value"`
		} `json:"options"`
	} `json:"element"`
}

// checkViewBlocks checks the limits Slack documents for a modal's blocks
// (https://api.slack.com/reference/block-kit), as characters; submit
// says whether the view has a submit button, which input blocks need.
func checkViewBlocks(blocks []viewBlock, submit bool) []string {
	var problems []string
	bad := func(ptr, format string, a ...any) {
		problems = append(problems, "[ERROR] "+fmt.Sprintf(format, a...)+" [json-pointer:/view/blocks/"+ptr+"]")
	}
	if len(blocks) > MaxViewBlocks {
		bad("", "no more than %d blocks", MaxViewBlocks)
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		switch {
		case b.BlockID != "" && ids[b.BlockID]:
			bad(fmt.Sprintf("%d/block_id", i), "duplicate block_id %q", b.BlockID)
		case runes(b.BlockID) > MaxBlockID:
			bad(fmt.Sprintf("%d/block_id", i), "must be less than %d characters", MaxBlockID+1)
		}
		ids[b.BlockID] = true
		switch b.Type {
		case "":
			bad(fmt.Sprint(i), "missing required field: type")
		case "section":
			if b.Text == nil || b.Text.Text == "" || runes(b.Text.Text) > MaxSectionText {
				bad(fmt.Sprintf("%d/text", i), "must be 1 to %d characters", MaxSectionText)
			}
		case "input":
			if !submit {
				bad(fmt.Sprint(i), "a view with input blocks needs a submit button")
			}
			if b.Label == nil || b.Label.Type != "plain_text" || b.Label.Text == "" || runes(b.Label.Text) > MaxLabel {
				bad(fmt.Sprintf("%d/label", i), "must be plain_text of 1 to %d characters", MaxLabel)
			}
			if b.Hint != nil && (b.Hint.Type != "plain_text" || b.Hint.Text == "" || runes(b.Hint.Text) > MaxHint) {
				bad(fmt.Sprintf("%d/hint", i), "must be plain_text of 1 to %d characters", MaxHint)
			}
			problems = append(problems, checkElement(b, i)...)
		}
	}
	return problems
}

// checkElement checks an input block's element.
func checkElement(b viewBlock, i int) []string {
	var problems []string
	bad := func(ptr, format string, a ...any) {
		problems = append(problems, fmt.Sprintf("[ERROR] "+format+" [json-pointer:/view/blocks/%d/element%s]", append(a, i, ptr)...))
	}
	e := b.Element
	if e == nil {
		bad("", "missing required field: element")
		return problems
	}
	if e.ActionID == "" || runes(e.ActionID) > MaxBlockID {
		bad("/action_id", "action_id must be 1 to %d characters", MaxBlockID)
	}
	if e.Placeholder != nil && (e.Placeholder.Type != "plain_text" || runes(e.Placeholder.Text) > MaxPlaceholder) {
		bad("/placeholder", "must be plain_text of at most %d characters", MaxPlaceholder)
	}
	switch e.Type {
	case "plain_text_input":
		if e.MaxLength != nil && (*e.MaxLength < 1 || *e.MaxLength > MaxInputLength) {
			bad("/max_length", "must be 1 to %d", MaxInputLength)
		}
	case "static_select":
		if len(e.Options) == 0 || len(e.Options) > MaxOptions {
			bad("/options", "must hold 1 to %d options", MaxOptions)
		}
		values := map[string]bool{}
		for j, o := range e.Options {
			if o.Text.Type != "plain_text" || o.Text.Text == "" || runes(o.Text.Text) > MaxOptionText {
				bad(fmt.Sprintf("/options/%d/text", j), "must be plain_text of 1 to %d characters", MaxOptionText)
			}
			if o.Value == "" || runes(o.Value) > MaxOptionValue || values[o.Value] {
				bad(fmt.Sprintf("/options/%d/value", j), "must be 1 to %d characters, once", MaxOptionValue)
			}
			values[o.Value] = true
		}
	default:
		bad("/type", "unknown element type %q", e.Type)
	}
	return problems
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// serveResponse records what is posted to a response URL, which takes
// JSON and no token.
func (s *Server) serveResponse(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, responsePath))
	s.mu.Lock()
	issued := err == nil && n >= 1 && n <= s.responseURLs
	s.mu.Unlock()
	if !issued {
		http.Error(w, "no_such_url", http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost {
		s.t.Errorf("slacktest: %s %s: the app must POST to a response URL", r.Method, r.URL.Path)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		s.t.Errorf("slacktest: response URL got Content-Type %q, want application/json", ct)
	}
	if r.Header.Get("Authorization") != "" {
		s.t.Errorf("slacktest: a response URL was sent an Authorization header; it needs no token")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil || !json.Valid(body) {
		s.t.Errorf("slacktest: response URL got a body that is not JSON: %q (%v)", body, err)
		writeJSON(w, http.StatusBadRequest, fail("invalid_payload"))
		return
	}
	s.mu.Lock()
	s.responses = append(s.responses, string(body))
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, reply{"ok": true})
}
