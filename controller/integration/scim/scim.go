package scim

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

// DefaultPageSize is how many resources List asks for a page (the
// service may return fewer).
const DefaultPageSize = 100

// DefaultTimeout bounds each HTTP request of the default client.
const DefaultTimeout = 30 * time.Second

// maxPages stops a list that never ends (a service that keeps raising
// totalResults).
const maxPages = 100_000

// ErrGroupMissing reports a Grant of a group the SCIM service does not
// have: gatehouse never creates groups.
var ErrGroupMissing = errors.New("no such group")

// Integration provisions users and group memberships through one SCIM 2.0
// service. It is safe for concurrent use.
type Integration struct {
	base     string // the SCIM root, without a trailing slash
	host     string // the base URL's host, for messages
	token    Token
	client   *http.Client
	retry    RetryPolicy
	pageSize int
	sleep    func(context.Context, time.Duration) error
}

var _ reconcile.Integration = (*Integration)(nil)

// Option adjusts an Integration made by New.
type Option func(*Integration)

// WithHTTPClient sends requests through c instead of a client with
// DefaultTimeout. New uses a copy of c that follows no redirects, so that
// the token never travels to another address.
func WithHTTPClient(c *http.Client) Option {
	return func(in *Integration) {
		if c != nil {
			in.client = c
		}
	}
}

// WithRetry bounds retries by p instead of DefaultRetryPolicy.
func WithRetry(p RetryPolicy) Option { return func(in *Integration) { in.retry = p } }

// WithPageSize asks for n resources a page instead of DefaultPageSize.
func WithPageSize(n int) Option {
	return func(in *Integration) {
		if n > 0 {
			in.pageSize = n
		}
	}
}

// New returns the integration of the SCIM service at settings.BaseURL
// (the SCIM root, such as https://hr.example.com/scim/v2), authenticated
// by token. The base URL must be https, except for localhost, 127.0.0.1
// and [::1], and must not carry credentials. A zero token gives an error
// wrapping reconcile.ErrNotConfigured. New makes no request.
func New(settings model.SCIMIntegration, token Token, opts ...Option) (*Integration, error) {
	base, host, err := parseBaseURL(settings.BaseURL)
	if err != nil {
		return nil, err
	}
	if token.IsZero() {
		return nil, fmt.Errorf("scim %s: no token; set it in the controller's environment (see TokenFromEnv): %w", host, reconcile.ErrNotConfigured)
	}
	in := &Integration{
		base:     base,
		host:     host,
		token:    token,
		client:   &http.Client{Timeout: DefaultTimeout},
		retry:    DefaultRetryPolicy,
		pageSize: DefaultPageSize,
		sleep:    sleep,
	}
	for _, o := range opts {
		o(in)
	}
	c := *in.client
	c.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		return fmt.Errorf("%w: set scim.baseURL to the final address (it redirected to %s)", errRedirect, req.URL.Redacted())
	}
	in.client = &c
	return in, nil
}

// parseBaseURL checks the base URL and returns it without a trailing
// slash, with its host.
func parseBaseURL(raw string) (base, host string, err error) {
	const hint = "set scim.baseURL in gatehouse.yaml to the service's SCIM root, such as https://hr.example.com/scim/v2"
	if strings.TrimSpace(raw) == "" {
		return "", "", fmt.Errorf("scim: no baseURL; %s", hint)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which might hold credentials
		}
		return "", "", fmt.Errorf("scim: scim.baseURL is not a URL (%v); %s", err, hint)
	}
	switch {
	case u.User != nil:
		return "", "", fmt.Errorf("scim: scim.baseURL %s carries credentials: remove them; the token comes from the controller's environment (GATEHOUSE_SCIM_<NAME>_TOKEN), never from the access repo", u.Redacted())
	case u.Host == "" || u.Hostname() == "":
		return "", "", fmt.Errorf("scim: scim.baseURL %s names no host; %s", u.Redacted(), hint)
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", "", fmt.Errorf("scim: scim.baseURL %s has a query or fragment; %s", u.Redacted(), hint)
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return "", "", fmt.Errorf("scim: scim.baseURL %s is not https: gatehouse sends its token only over TLS (plain http only to localhost); use https://", u.Redacted())
	}
	return u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"), u.Host, nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Capabilities reports that the integration lists, grants and revokes.
func (in *Integration) Capabilities() reconcile.Capabilities {
	return reconcile.Capabilities{List: true, Grant: true, Revoke: true}
}

// AccountFor returns the person's email in lower case: their SCIM
// userName, which SCIM compares without regard to case.
func (in *Integration) AccountFor(p *model.Person) (string, error) {
	if p == nil {
		return "", errors.New("scim: no person given")
	}
	where := p.Where()
	email := strings.TrimSpace(p.Email)
	if email == "" {
		return "", fmt.Errorf("scim: %s has no email: add `email: ...` to %s", p.Name, where)
	}
	at := strings.IndexByte(email, '@')
	if at <= 0 || at == len(email)-1 || strings.IndexFunc(email, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "", fmt.Errorf("scim: %s's email %q is not an address: fix `email:` in %s", p.Name, email, where)
	}
	return strings.ToLower(email), nil
}

// user is the part of a SCIM User resource gatehouse reads.
type user struct {
	ID       string `json:"id"`
	UserName string `json:"userName"`
	// Active is optional in RFC 7643; absent means active.
	Active *bool `json:"active"`
}

func (u *user) active() bool { return u.Active == nil || *u.Active }

// member is one value of a Group's members.
type member struct {
	Value string `json:"value"`
	// Type is "User" or "Group" (a nested group, which gatehouse does not
	// expand); empty when the service does not say.
	Type string `json:"type,omitempty"`
}

// group is the part of a SCIM Group resource gatehouse reads.
type group struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	// Members is nil when the answer left them out: a service may omit
	// an empty list, or every list, and then gatehouse asks for the
	// group itself.
	Members *[]member `json:"members"`
}

// has reports whether the group's members are known and include the
// user with id; known is false when the answer left them out.
func (g *group) has(id string) (has, known bool) {
	if g.Members == nil {
		return false, false
	}
	return slices.ContainsFunc(*g.Members, func(m member) bool { return m.Value == id }), true
}

// listResponse is a SCIM ListResponse (RFC 7644 §3.4.2).
type listResponse[T any] struct {
	TotalResults int `json:"totalResults"`
	ItemsPerPage int `json:"itemsPerPage"`
	StartIndex   int `json:"startIndex"`
	Resources    []T `json:"Resources"`
}

// newUser is the body that creates a user.
type newUser struct {
	Schemas  []string `json:"schemas"`
	UserName string   `json:"userName"`
	Emails   []email  `json:"emails"`
	Active   bool     `json:"active"`
}

type email struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary"`
}

// patch is a SCIM PatchOp message (RFC 7644 §3.5.2).
type patch struct {
	Schemas    []string  `json:"schemas"`
	Operations []patchOp `json:"Operations"`
}

type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

func patchOf(ops ...patchOp) patch {
	return patch{Schemas: []string{schemaPatchOp}, Operations: ops}
}

// ready refuses calls on an Integration New did not make.
func (in *Integration) ready() error {
	if in.client == nil {
		return fmt.Errorf("scim: %w: the integration was not set up with New", reconcile.ErrNotConfigured)
	}
	return nil
}

// List returns every user of the service with the displayNames of the
// groups they are a direct member of, sorted, by userName in lower case.
// Users in no group are listed too, with no entitlements, and so are
// inactive users: they hold nothing while inactive. Every group is
// reported, whatever scope says.
func (in *Integration) List(ctx context.Context, scope []string) ([]reconcile.Account, error) {
	if err := in.ready(); err != nil {
		return nil, err
	}
	users, err := listAll[user](ctx, in, "/Users", nil)
	if err != nil {
		return nil, in.wrap("list users", err)
	}
	groups, err := in.groupsWithMembers(ctx)
	if err != nil {
		return nil, in.wrap("list groups", err)
	}
	byID := make(map[string]*user, len(users))
	held := map[string]map[string]bool{}
	for i := range users {
		u := &users[i]
		name := strings.ToLower(u.UserName)
		if u.ID == "" || name == "" {
			continue
		}
		byID[u.ID] = u
		if held[name] == nil {
			held[name] = map[string]bool{}
		}
	}
	for _, g := range groups {
		for _, m := range *g.Members {
			u := byID[m.Value]
			if u == nil || !u.active() || (m.Type != "" && !strings.EqualFold(m.Type, "User")) {
				continue
			}
			held[strings.ToLower(u.UserName)][g.DisplayName] = true
		}
	}
	return reconcile.AccountsOf(held), nil
}

// groupsWithMembers lists every group with its members, asking for a
// group by itself when the list left its members out.
func (in *Integration) groupsWithMembers(ctx context.Context) ([]group, error) {
	groups, err := listAll[group](ctx, in, "/Groups", nil)
	if err != nil {
		return nil, err
	}
	for i := range groups {
		if err := in.members(ctx, &groups[i]); err != nil {
			return nil, err
		}
	}
	return groups, nil
}

// members fills in g's members when the answer that gave g left them
// out; a group whose members stay unknown has none.
func (in *Integration) members(ctx context.Context, g *group) error {
	if g.Members != nil {
		return nil
	}
	if g.ID != "" {
		var full group
		if err := in.do(ctx, request{method: http.MethodGet, path: "/Groups/" + url.PathEscape(g.ID)}, &full); err != nil {
			return fmt.Errorf("read group %q: %w", g.DisplayName, err)
		}
		g.Members = full.Members
	}
	if g.Members == nil {
		g.Members = &[]member{}
	}
	return nil
}

// listAll follows every page of a list (RFC 7644 §3.4.2.4): startIndex
// from 1, count a page, until totalResults are read. A service that
// returns fewer than it announced is an error, not a shorter list:
// missing accounts would look like missing grants.
func listAll[T any](ctx context.Context, in *Integration, path string, query url.Values) ([]T, error) {
	var all []T
	start := 1
	for range maxPages {
		q := url.Values{}
		maps.Copy(q, query)
		q.Set("startIndex", strconv.Itoa(start))
		q.Set("count", strconv.Itoa(in.pageSize))
		var page listResponse[T]
		if err := in.do(ctx, request{method: http.MethodGet, path: path, query: q}, &page); err != nil {
			return nil, err
		}
		if page.StartIndex != 0 && page.StartIndex != start {
			return nil, fmt.Errorf("asked for %s from startIndex %d, the SCIM service answered from %d: it does not page as RFC 7644 §3.4.2.4 says", path, start, page.StartIndex)
		}
		all = append(all, page.Resources...)
		start += len(page.Resources)
		if start > page.TotalResults {
			return all, nil
		}
		if len(page.Resources) == 0 {
			return nil, fmt.Errorf("the SCIM service reported %d resources at %s but returned only %d; try again, or ask its vendor why its pages end early", page.TotalResults, path, len(all))
		}
	}
	return nil, fmt.Errorf("%s has more than %d pages; set a larger page size", path, maxPages)
}

// findUser returns the user whose userName is account (case-insensitive,
// as SCIM compares userNames), or nil.
func (in *Integration) findUser(ctx context.Context, account string) (*user, error) {
	users, err := listAll[user](ctx, in, "/Users", url.Values{"filter": {filterEq("userName", account)}})
	if err != nil {
		return nil, fmt.Errorf("find the user: %w", err)
	}
	var found []user
	for _, u := range users {
		if strings.ToLower(u.UserName) == account && u.ID != "" {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return &found[0], nil
	}
	return nil, fmt.Errorf("%d users have the userName %q: merge or rename them in the SCIM service", len(found), account)
}

// findGroup returns the group whose displayName is exactly name, with its
// members, or nil and the displayName of a group that differs only in
// case.
func (in *Integration) findGroup(ctx context.Context, name string) (g *group, near string, err error) {
	groups, err := listAll[group](ctx, in, "/Groups", url.Values{"filter": {filterEq("displayName", name)}})
	if err != nil {
		return nil, "", fmt.Errorf("find the group: %w", err)
	}
	var found []group
	for _, g := range groups {
		switch {
		case g.DisplayName == name && g.ID != "":
			found = append(found, g)
		case strings.EqualFold(g.DisplayName, name):
			near = g.DisplayName
		}
	}
	switch len(found) {
	case 0:
		return nil, near, nil
	case 1:
		if err := in.members(ctx, &found[0]); err != nil {
			return nil, "", err
		}
		return &found[0], "", nil
	}
	return nil, "", fmt.Errorf("%d groups are called %q: rename all but one in the SCIM service", len(found), name)
}

// Grant makes account a member of the group whose displayName is
// entitlement. A user that does not exist is created (userName and
// primary email account, active); an inactive one is re-activated, and
// first taken out of the groups it was left in, which List reported it
// did not hold. A member already is success and writes nothing. A group
// the service does not have is an error wrapping ErrGroupMissing:
// gatehouse never creates groups.
func (in *Integration) Grant(ctx context.Context, account, entitlement string) error {
	account, err := in.check(account, entitlement)
	if err != nil {
		return in.wrap(fmt.Sprintf("grant %q to %q", entitlement, account), err)
	}
	op := fmt.Sprintf("grant %q to %s", entitlement, account)
	g, near, err := in.findGroup(ctx, entitlement)
	if err != nil {
		return in.wrap(op, err)
	}
	if g == nil {
		if near != "" {
			return in.wrap(op, fmt.Errorf("%w: there is %q, but entitlements must match a group's displayName exactly: fix the access level's entitlement", ErrGroupMissing, near))
		}
		return in.wrap(op, fmt.Errorf("%w: create group %q in the SCIM service, or fix the entitlement of the access level that names it", ErrGroupMissing, entitlement))
	}
	u, err := in.findUser(ctx, account)
	if err != nil {
		return in.wrap(op, err)
	}
	if u == nil {
		if u, err = in.createUser(ctx, account); err != nil {
			return in.wrap(op, err)
		}
	}
	if !u.active() {
		if err := in.reactivate(ctx, u, g); err != nil {
			return in.wrap(op, err)
		}
	}
	if has, _ := g.has(u.ID); has {
		return nil
	}
	err = in.do(ctx, request{method: http.MethodPatch, path: "/Groups/" + url.PathEscape(g.ID),
		body: patchOf(patchOp{Op: "add", Path: "members", Value: []member{{Value: u.ID}}})}, nil)
	if err != nil {
		return in.wrap(op, fmt.Errorf("add the user to the group: %w", err))
	}
	return nil
}

// createUser creates an active user called account. A uniqueness error
// (a request that timed out but went through, or another writer) is
// settled by looking the user up again.
func (in *Integration) createUser(ctx context.Context, account string) (*user, error) {
	body := newUser{
		Schemas:  []string{schemaUser},
		UserName: account,
		Emails:   []email{{Value: account, Type: "work", Primary: true}},
		Active:   true,
	}
	var u user
	err := in.do(ctx, request{method: http.MethodPost, path: "/Users", body: body}, &u)
	if statusOf(err) == http.StatusConflict {
		found, ferr := in.findUser(ctx, account)
		switch {
		case ferr != nil:
			return nil, ferr
		case found == nil:
			return nil, fmt.Errorf("create the user: %w; yet no user has the userName %s: another user may hold the email, resolve it in the SCIM service", err, account)
		}
		return found, nil
	}
	if err != nil {
		return nil, fmt.Errorf("create the user: %w", err)
	}
	if u.ID == "" {
		return nil, errors.New("create the user: the SCIM service's answer has no id")
	}
	if u.Active == nil {
		u.Active = new(true)
	}
	return &u, nil
}

// reactivate takes an inactive user out of every group but keep, then
// sets it active. List reports that an inactive user holds nothing, so
// the memberships it was left with were never seen as held; they would
// come back unapproved if it were re-activated with them.
func (in *Integration) reactivate(ctx context.Context, u *user, keep *group) error {
	groups, err := in.groupsWithMembers(ctx)
	if err != nil {
		return fmt.Errorf("list the groups of inactive user %s: %w", u.UserName, err)
	}
	for _, g := range groups {
		if has, _ := g.has(u.ID); !has || g.ID == keep.ID {
			continue
		}
		if err := in.removeMember(ctx, &g, u.ID); err != nil {
			return fmt.Errorf("take inactive user %s out of group %q before re-activating it: %w", u.UserName, g.DisplayName, err)
		}
	}
	err = in.do(ctx, request{method: http.MethodPatch, path: "/Users/" + url.PathEscape(u.ID),
		body: patchOf(patchOp{Op: "replace", Path: "active", Value: true})}, nil)
	if err != nil {
		return fmt.Errorf("re-activate the user: %w", err)
	}
	u.Active = new(true)
	return nil
}

// Revoke takes account out of the group whose displayName is
// entitlement. A user, group or membership that does not exist is
// success and writes nothing. Users are never deleted or deactivated.
func (in *Integration) Revoke(ctx context.Context, account, entitlement string) error {
	account, err := in.check(account, entitlement)
	if err != nil {
		return in.wrap(fmt.Sprintf("revoke %q from %q", entitlement, account), err)
	}
	op := fmt.Sprintf("revoke %q from %s", entitlement, account)
	u, err := in.findUser(ctx, account)
	if err != nil || u == nil {
		return in.wrap(op, err)
	}
	g, _, err := in.findGroup(ctx, entitlement)
	if err != nil || g == nil {
		return in.wrap(op, err)
	}
	return in.wrap(op, in.removeMember(ctx, g, u.ID))
}

// removeMember takes the user with id out of g unless g's members are
// known not to include it. A noTarget answer means it was not there.
func (in *Integration) removeMember(ctx context.Context, g *group, id string) error {
	if has, known := g.has(id); known && !has {
		return nil
	}
	err := in.do(ctx, request{method: http.MethodPatch, path: "/Groups/" + url.PathEscape(g.ID),
		body: patchOf(patchOp{Op: "remove", Path: "members[" + filterEq("value", id) + "]"})}, nil)
	if statusOf(err) == http.StatusBadRequest && scimTypeOf(err) == "noTarget" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove the user from group %q: %w", g.DisplayName, err)
	}
	return nil
}

// check refuses an empty account or entitlement, or one with control
// characters, and returns account in lower case.
func (in *Integration) check(account, entitlement string) (string, error) {
	if err := in.ready(); err != nil {
		return account, err
	}
	bad := func(s string) bool { return strings.IndexFunc(s, unicode.IsControl) >= 0 }
	switch {
	case strings.TrimSpace(account) == "":
		return account, errors.New("no account given")
	case strings.TrimSpace(entitlement) == "":
		return account, errors.New("no group given: set the access level's entitlement to a SCIM group's displayName")
	case bad(account) || bad(entitlement):
		return account, errors.New("the account or group contains a control character")
	}
	return strings.ToLower(account), nil
}

// wrap names the service and the operation, and says what to check for
// the errors an admin can fix.
func (in *Integration) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var hint string
	switch status := statusOf(err); {
	case errors.Is(err, reconcile.ErrNotConfigured):
		return err
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		hint = fmt.Sprintf("; check the token in %s: the SCIM service must accept it and let it read and write users and groups", in.token.Source())
	case status == http.StatusNotFound && strings.HasPrefix(op, "list"):
		hint = "; check scim.baseURL in gatehouse.yaml: it must be the SCIM root, under which /Users and /Groups are found"
	case status == http.StatusNotImplemented || scimTypeOf(err) == "invalidFilter":
		hint = "; gatehouse needs a SCIM service that supports filters (eq on userName and displayName) and PATCH (RFC 7644)"
	}
	return fmt.Errorf("scim %s: %s: %w%s", in.host, op, err, hint)
}
