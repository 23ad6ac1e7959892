// Package scimtest is a fake SCIM 2.0 service (RFC 7643, RFC 7644) on
// httptest, for the tests of the SCIM integration and of anything that
// drives it.
//
// The fake keeps users and groups in memory and answers as RFC 7644 says:
// ListResponses paged by startIndex and count, with a small page size
// (DefaultPageSize) so that every client test pages; filters of the form
// `userName eq "..."` and `displayName eq "..."`, compared without regard
// to case (both attributes are caseExact false in RFC 7643); POST /Users
// with a 409 uniqueness error for a taken userName; PATCH of a user's
// active flag and of a group's members, including the
// `members[value eq "id"]` path; SCIM error bodies; and 401 to a request
// without the right bearer token. It can fail the next requests with a
// status of the test's choosing (429 with Retry-After, 503, ...), and it
// logs every request and counts the writes.
//
//	srv := scimtest.New(t, "token")
//	srv.AddUser("bob@acme.example")
//	srv.AddGroup("Employees", "bob@acme.example")
//	srv.FailNext(1, scimtest.Failure{Status: 429, RetryAfter: "2"})
package scimtest

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// BasePath is where the fake serves SCIM: URL ends with it.
const BasePath = "/scim/v2"

// DefaultPageSize is the most resources a page of the fake holds, small
// so that pagination is always exercised.
const DefaultPageSize = 2

// URNs of RFC 7643 and RFC 7644.
const (
	SchemaUser         = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaGroup        = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	SchemaPatchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SchemaError        = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// MediaType is SCIM's media type, which the fake answers with.
const MediaType = "application/scim+json"

// Server is a fake SCIM service. Its methods are safe for concurrent use
// by the code under test and the test itself.
type Server struct {
	// URL is the SCIM root, such as http://127.0.0.1:40123/scim/v2: the
	// integration's baseURL.
	URL string

	t   testing.TB // seeding mistakes fail the test
	srv *httptest.Server

	mu       sync.Mutex
	token    string
	pageSize int
	users    []*user // in creation order, the order of lists
	groups   []*group
	nextID   int
	failures []Failure
	writes   int
	log      []Request
}

// User is a user of the fake as tests see it.
type User struct {
	ID       string
	UserName string
	Active   bool
	Emails   []string
}

// Group is a group of the fake as tests see it.
type Group struct {
	ID          string
	DisplayName string
	// Members are the userNames of the group's members, sorted.
	Members []string
}

// Failure is an error answer the fake gives instead of serving a request.
type Failure struct {
	// Method limits the failure to requests of this method ("PATCH");
	// empty fails any request.
	Method string
	// Status is the HTTP status: 429, 500, 503, 400...
	Status int
	// RetryAfter is the Retry-After header's value, none when empty.
	RetryAfter string
	// SCIMType and Detail go into the SCIM error body.
	SCIMType, Detail string
}

// Request is one request the fake received.
type Request struct {
	Method string
	// Path is the URL's path below BasePath: "/Users", "/Groups/g-1".
	Path  string
	Query url.Values
	// ContentType and Accept are the request's headers.
	ContentType, Accept string
	// Body is the request's body.
	Body []byte
	// Status is the status the fake answered with.
	Status int
}

type user struct {
	id, userName string
	active       bool
	emails       []string
}

type group struct {
	id, displayName string
	members         []string // user ids, in the order they were added
}

// New starts a fake SCIM service that accepts token as its bearer token
// and stops when the test ends.
func New(t testing.TB, token string) *Server {
	t.Helper()
	s := &Server{t: t, token: token, pageSize: DefaultPageSize}
	mux := http.NewServeMux()
	for pattern, h := range map[string]func(*call) reply{
		"GET /Users":          s.listUsers,
		"POST /Users":         s.createUser,
		"GET /Users/{id}":     s.getUser,
		"PATCH /Users/{id}":   s.patchUser,
		"GET /Groups":         s.listGroups,
		"GET /Groups/{id}":    s.getGroup,
		"PATCH /Groups/{id}":  s.patchGroup,
		"/":                   notFound,
		"DELETE /Users/{id}":  notAllowed,
		"DELETE /Groups/{id}": notAllowed,
	} {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.serve(h, w, r) })
	}
	s.srv = httptest.NewServer(http.StripPrefix(BasePath, mux))
	s.URL = s.srv.URL + BasePath
	t.Cleanup(s.srv.Close)
	return s
}

// Close stops the fake before the test ends, to see what a client does
// when the service cannot be reached.
func (s *Server) Close() { s.srv.Close() }

// SetPageSize sets the most resources a page holds.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = max(n, 1)
}

// AddUser adds an active user with userName as its userName and primary
// email and returns its id. A taken userName fails the test: seeding is
// the test's own mistake.
func (s *Server) AddUser(userName string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userByName(userName) != nil {
		s.t.Fatalf("scimtest: user %q exists", userName)
	}
	return s.addUser(userName, true, []string{userName}).id
}

// SetActive sets the active flag of the user called userName.
func (s *Server) SetActive(userName string, active bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustUser(userName).active = active
}

// AddGroup adds a group with the users called members and returns its id.
func (s *Server) AddGroup(displayName string, members ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groupByName(displayName) != nil {
		s.t.Fatalf("scimtest: group %q exists", displayName)
	}
	s.nextID++
	g := &group{id: fmt.Sprintf("g-%d", s.nextID), displayName: displayName}
	for _, m := range members {
		g.members = append(g.members, s.mustUser(m).id)
	}
	s.groups = append(s.groups, g)
	return g.id
}

// AddMember adds the user called userName to the group called
// displayName.
func (s *Server) AddMember(displayName, userName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, u := s.mustGroup(displayName), s.mustUser(userName)
	if !slices.Contains(g.members, u.id) {
		g.members = append(g.members, u.id)
	}
}

// User returns the user whose userName is userName (compared without
// regard to case).
func (s *Server) User(userName string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByName(userName)
	if u == nil {
		return User{}, false
	}
	return User{ID: u.id, UserName: u.userName, Active: u.active, Emails: slices.Clone(u.emails)}, true
}

// Users returns every user, in creation order.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, User{ID: u.id, UserName: u.userName, Active: u.active, Emails: slices.Clone(u.emails)})
	}
	return out
}

// Group returns the group whose displayName is displayName.
func (s *Server) Group(displayName string) (Group, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groupByName(displayName)
	if g == nil {
		return Group{}, false
	}
	return s.groupOf(g), true
}

// Members returns the userNames of the members of the group called
// displayName, sorted; nil when there is no such group.
func (s *Server) Members(displayName string) []string {
	g, ok := s.Group(displayName)
	if !ok {
		return nil
	}
	return g.Members
}

// FailNext makes the next n requests (of f.Method, when set) fail with f
// instead of being served. Failures queue up in the order given.
func (s *Server) FailNext(n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, f)
	}
}

// PendingFailures returns how many queued failures have not been used.
func (s *Server) PendingFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.failures)
}

// Writes returns how many write requests (POST, PUT, PATCH, DELETE) the
// fake received, answered or failed.
func (s *Server) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

// Requests returns every request the fake received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// ResetLog forgets the requests received so far and zeroes the write
// count, so that a test can look at what one call does.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log, s.writes = nil, 0
}

// call is one request being served.
type call struct {
	r    *http.Request
	body []byte
}

// reply is what a handler answers.
type reply struct {
	status int
	header http.Header
	body   any
}

// serve authenticates, logs and injects failures around a handler.
func (s *Server) serve(h func(*call) reply, w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.writes++
	}
	c := &call{r: r, body: body}
	rep := s.answer(h, c)
	s.log = append(s.log, Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
		ContentType: r.Header.Get("Content-Type"), Accept: r.Header.Get("Accept"),
		Body: body, Status: rep.status,
	})
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	data, err := json.Marshal(rep.body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", MediaType)
	w.WriteHeader(rep.status)
	w.Write(data)
}

// answer picks the reply: an injected failure, 401, a bad body, or the
// handler's.
func (s *Server) answer(h func(*call) reply, c *call) reply {
	if i := slices.IndexFunc(s.failures, func(f Failure) bool { return f.Method == "" || f.Method == c.r.Method }); i >= 0 {
		f := s.failures[i]
		s.failures = slices.Delete(s.failures, i, i+1)
		detail := f.Detail
		if detail == "" {
			detail = "injected failure: " + http.StatusText(f.Status)
		}
		rep := scimError(f.Status, f.SCIMType, detail)
		if f.RetryAfter != "" {
			rep.header = http.Header{"Retry-After": {f.RetryAfter}}
		}
		return rep
	}
	want := "Bearer " + s.token
	if got := c.r.Header.Get("Authorization"); s.token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		rep := scimError(http.StatusUnauthorized, "", "Authorization failure: the bearer token is missing or not valid")
		rep.header = http.Header{"Www-Authenticate": {`Bearer realm="scimtest"`}}
		return rep
	}
	if len(c.body) > 0 {
		mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
		if err != nil || (mt != MediaType && mt != "application/json") {
			return scimError(http.StatusUnsupportedMediaType, "", "send the body as "+MediaType)
		}
	}
	return h(c)
}

// scimError is an RFC 7644 §3.12 error answer; status is a string there.
func scimError(status int, scimType, detail string) reply {
	body := map[string]any{"schemas": []string{SchemaError}, "status": strconv.Itoa(status), "detail": detail}
	if scimType != "" {
		body["scimType"] = scimType
	}
	return reply{status: status, body: body}
}

func notFound(c *call) reply {
	return scimError(http.StatusNotFound, "", "no resource at "+c.r.URL.Path)
}

func notAllowed(c *call) reply {
	return scimError(http.StatusMethodNotAllowed, "", c.r.Method+" is not served by the fake")
}

func (s *Server) addUser(userName string, active bool, emails []string) *user {
	s.nextID++
	u := &user{id: fmt.Sprintf("u-%d", s.nextID), userName: userName, active: active, emails: emails}
	s.users = append(s.users, u)
	return u
}

func (s *Server) userByName(name string) *user {
	for _, u := range s.users {
		if strings.EqualFold(u.userName, name) {
			return u
		}
	}
	return nil
}

func (s *Server) userByID(id string) *user {
	for _, u := range s.users {
		if u.id == id {
			return u
		}
	}
	return nil
}

func (s *Server) groupByName(name string) *group {
	for _, g := range s.groups {
		if strings.EqualFold(g.displayName, name) {
			return g
		}
	}
	return nil
}

func (s *Server) groupByID(id string) *group {
	for _, g := range s.groups {
		if g.id == id {
			return g
		}
	}
	return nil
}

func (s *Server) mustUser(name string) *user {
	u := s.userByName(name)
	if u == nil {
		s.t.Fatalf("scimtest: no user %q", name)
	}
	return u
}

func (s *Server) mustGroup(name string) *group {
	g := s.groupByName(name)
	if g == nil {
		s.t.Fatalf("scimtest: no group %q", name)
	}
	return g
}

func (s *Server) groupOf(g *group) Group {
	out := Group{ID: g.id, DisplayName: g.displayName, Members: []string{}}
	for _, id := range g.members {
		if u := s.userByID(id); u != nil {
			out.Members = append(out.Members, u.userName)
		}
	}
	slices.Sort(out.Members)
	return out
}

// userJSON is a User resource as RFC 7643 §4.1 shapes it.
func (s *Server) userJSON(u *user) map[string]any {
	emails := make([]map[string]any, 0, len(u.emails))
	for i, e := range u.emails {
		emails = append(emails, map[string]any{"value": e, "type": "work", "primary": i == 0})
	}
	var groups []map[string]any
	for _, g := range s.groups {
		if slices.Contains(g.members, u.id) {
			groups = append(groups, map[string]any{"value": g.id, "display": g.displayName, "$ref": s.URL + "/Groups/" + g.id, "type": "direct"})
		}
	}
	out := map[string]any{
		"schemas":  []string{SchemaUser},
		"id":       u.id,
		"userName": u.userName,
		"active":   u.active,
		"emails":   emails,
		"meta":     map[string]any{"resourceType": "User", "location": s.URL + "/Users/" + u.id},
	}
	if len(groups) > 0 {
		out["groups"] = groups
	}
	return out
}

// groupJSON is a Group resource as RFC 7643 §4.2 shapes it; an empty
// members list is left out, as many services do.
func (s *Server) groupJSON(g *group) map[string]any {
	out := map[string]any{
		"schemas":     []string{SchemaGroup},
		"id":          g.id,
		"displayName": g.displayName,
		"meta":        map[string]any{"resourceType": "Group", "location": s.URL + "/Groups/" + g.id},
	}
	var members []map[string]any
	for _, id := range g.members {
		if u := s.userByID(id); u != nil {
			members = append(members, map[string]any{"value": u.id, "display": u.userName, "$ref": s.URL + "/Users/" + u.id, "type": "User"})
		}
	}
	if len(members) > 0 {
		out["members"] = members
	}
	return out
}

// filterRE reads the one filter form the fake serves: ATTR eq "VALUE",
// the value a JSON string.
var filterRE = regexp.MustCompile(`(?i)^\s*([A-Za-z][A-Za-z0-9_$-]*)\s+eq\s+(".*")\s*$`)

// parseFilter returns a filter's attribute and value, or an error reply.
func parseFilter(f, attr string) (string, *reply) {
	m := filterRE.FindStringSubmatch(f)
	var value string
	if m == nil || json.Unmarshal([]byte(m[2]), &value) != nil {
		r := scimError(http.StatusBadRequest, "invalidFilter", fmt.Sprintf("the fake serves only filters of the form %s eq \"value\", the value a JSON string; got %s", attr, f))
		return "", &r
	}
	if !strings.EqualFold(m[1], attr) {
		r := scimError(http.StatusBadRequest, "invalidFilter", fmt.Sprintf("the fake filters only on %s, not %s", attr, m[1]))
		return "", &r
	}
	return value, nil
}

// page serves one page of a ListResponse (RFC 7644 §3.4.2.4): startIndex
// from 1 (less is 1), count at most the page size (negative is 0).
func (s *Server) page(c *call, all []map[string]any) reply {
	q := c.r.URL.Query()
	start, count := 1, s.pageSize
	if v := q.Get("startIndex"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return scimError(http.StatusBadRequest, "invalidValue", "startIndex is not an integer: "+v)
		}
		start = max(n, 1)
	}
	if v := q.Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return scimError(http.StatusBadRequest, "invalidValue", "count is not an integer: "+v)
		}
		count = min(max(n, 0), s.pageSize)
	}
	from := min(start-1, len(all))
	items := all[from:min(from+count, len(all))]
	body := map[string]any{
		"schemas":      []string{SchemaListResponse},
		"totalResults": len(all),
		"startIndex":   start,
		"itemsPerPage": len(items),
	}
	if len(items) > 0 {
		body["Resources"] = items
	}
	return reply{status: http.StatusOK, body: body}
}

func (s *Server) listUsers(c *call) reply {
	var want string
	if f := c.r.URL.Query().Get("filter"); f != "" {
		v, bad := parseFilter(f, "userName")
		if bad != nil {
			return *bad
		}
		want = v
	}
	all := []map[string]any{}
	for _, u := range s.users {
		if want == "" || strings.EqualFold(u.userName, want) {
			all = append(all, s.userJSON(u))
		}
	}
	return s.page(c, all)
}

func (s *Server) listGroups(c *call) reply {
	var want string
	if f := c.r.URL.Query().Get("filter"); f != "" {
		v, bad := parseFilter(f, "displayName")
		if bad != nil {
			return *bad
		}
		want = v
	}
	all := []map[string]any{}
	for _, g := range s.groups {
		if want == "" || strings.EqualFold(g.displayName, want) {
			all = append(all, s.groupJSON(g))
		}
	}
	return s.page(c, all)
}

func (s *Server) getUser(c *call) reply {
	u := s.userByID(c.r.PathValue("id"))
	if u == nil {
		return scimError(http.StatusNotFound, "", "no user "+c.r.PathValue("id"))
	}
	return reply{status: http.StatusOK, body: s.userJSON(u)}
}

func (s *Server) getGroup(c *call) reply {
	g := s.groupByID(c.r.PathValue("id"))
	if g == nil {
		return scimError(http.StatusNotFound, "", "no group "+c.r.PathValue("id"))
	}
	return reply{status: http.StatusOK, body: s.groupJSON(g)}
}

// createUser serves POST /Users (RFC 7644 §3.3).
func (s *Server) createUser(c *call) reply {
	var in struct {
		Schemas  []string `json:"schemas"`
		UserName string   `json:"userName"`
		Active   *bool    `json:"active"`
		Emails   []struct {
			Value   string `json:"value"`
			Primary bool   `json:"primary"`
		} `json:"emails"`
	}
	if err := json.Unmarshal(c.body, &in); err != nil {
		return scimError(http.StatusBadRequest, "invalidSyntax", "the body is not a User: "+err.Error())
	}
	switch {
	case !slices.Contains(in.Schemas, SchemaUser):
		return scimError(http.StatusBadRequest, "invalidSyntax", "schemas must include "+SchemaUser)
	case strings.TrimSpace(in.UserName) == "":
		return scimError(http.StatusBadRequest, "invalidValue", "userName is required")
	case s.userByName(in.UserName) != nil:
		return scimError(http.StatusConflict, "uniqueness", "User with userName "+in.UserName+" already exists")
	}
	var emails []string
	for _, e := range in.Emails {
		if e.Primary {
			emails = append([]string{e.Value}, emails...)
		} else {
			emails = append(emails, e.Value)
		}
	}
	u := s.addUser(in.UserName, in.Active == nil || *in.Active, emails)
	return reply{status: http.StatusCreated, header: http.Header{"Location": {s.URL + "/Users/" + u.id}}, body: s.userJSON(u)}
}

// patchBody is a PatchOp message (RFC 7644 §3.5.2).
type patchBody struct {
	Schemas    []string `json:"schemas"`
	Operations []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	} `json:"Operations"`
}

func readPatch(c *call) (*patchBody, *reply) {
	var p patchBody
	if err := json.Unmarshal(c.body, &p); err != nil {
		r := scimError(http.StatusBadRequest, "invalidSyntax", "the body is not a PatchOp: "+err.Error())
		return nil, &r
	}
	if !slices.Contains(p.Schemas, SchemaPatchOp) || len(p.Operations) == 0 {
		r := scimError(http.StatusBadRequest, "invalidSyntax", "a PatchOp needs schemas ["+SchemaPatchOp+"] and Operations")
		return nil, &r
	}
	return &p, nil
}

// patchUser serves PATCH /Users/{id}: replace of active, with a path or
// as {"active": bool}.
func (s *Server) patchUser(c *call) reply {
	u := s.userByID(c.r.PathValue("id"))
	if u == nil {
		return scimError(http.StatusNotFound, "", "no user "+c.r.PathValue("id"))
	}
	p, bad := readPatch(c)
	if bad != nil {
		return *bad
	}
	active := u.active
	for _, op := range p.Operations {
		if !strings.EqualFold(op.Op, "replace") {
			return scimError(http.StatusBadRequest, "invalidSyntax", "the fake patches users only with replace")
		}
		switch {
		case strings.EqualFold(op.Path, "active"):
			if err := json.Unmarshal(op.Value, &active); err != nil {
				return scimError(http.StatusBadRequest, "invalidValue", "active must be true or false")
			}
		case op.Path == "":
			var v struct {
				Active *bool `json:"active"`
			}
			if err := json.Unmarshal(op.Value, &v); err != nil || v.Active == nil {
				return scimError(http.StatusBadRequest, "invalidValue", "the fake replaces only active")
			}
			active = *v.Active
		default:
			return scimError(http.StatusBadRequest, "invalidPath", "the fake replaces only active, not "+op.Path)
		}
	}
	u.active = active
	return reply{status: http.StatusOK, body: s.userJSON(u)}
}

// memberFilterRE reads the path members[value eq "id"].
var memberFilterRE = regexp.MustCompile(`(?i)^members\[\s*value\s+eq\s+(".*")\s*\]$`)

// patchGroup serves PATCH /Groups/{id}: add, remove and replace of
// members, all operations or none applied. A remove whose filter matches
// no member is 400 noTarget, as RFC 7644 §3.12 says.
func (s *Server) patchGroup(c *call) reply {
	g := s.groupByID(c.r.PathValue("id"))
	if g == nil {
		return scimError(http.StatusNotFound, "", "no group "+c.r.PathValue("id"))
	}
	p, bad := readPatch(c)
	if bad != nil {
		return *bad
	}
	members := slices.Clone(g.members)
	values := func(raw json.RawMessage) ([]string, *reply) {
		var vs []struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(raw, &vs); err != nil {
			r := scimError(http.StatusBadRequest, "invalidValue", "members must be a list of {\"value\": id}")
			return nil, &r
		}
		ids := make([]string, 0, len(vs))
		for _, v := range vs {
			if s.userByID(v.Value) == nil {
				r := scimError(http.StatusBadRequest, "invalidValue", "no user "+v.Value)
				return nil, &r
			}
			ids = append(ids, v.Value)
		}
		return ids, nil
	}
	for _, op := range p.Operations {
		m := memberFilterRE.FindStringSubmatch(op.Path)
		switch o := strings.ToLower(op.Op); {
		case (o == "add" || o == "replace") && strings.EqualFold(op.Path, "members"):
			ids, bad := values(op.Value)
			if bad != nil {
				return *bad
			}
			if o == "replace" {
				members = nil
			}
			for _, id := range ids {
				if !slices.Contains(members, id) {
					members = append(members, id)
				}
			}
		case o == "remove" && m != nil:
			var id string
			if json.Unmarshal([]byte(m[1]), &id) != nil {
				return scimError(http.StatusBadRequest, "invalidFilter", "the value in "+op.Path+" is not a JSON string")
			}
			if !slices.Contains(members, id) {
				return scimError(http.StatusBadRequest, "noTarget", "no member matches "+op.Path)
			}
			members = slices.DeleteFunc(members, func(v string) bool { return v == id })
		case o == "remove" && strings.EqualFold(op.Path, "members"):
			if len(op.Value) == 0 {
				members = nil
				continue
			}
			ids, bad := values(op.Value)
			if bad != nil {
				return *bad
			}
			members = slices.DeleteFunc(members, func(v string) bool { return slices.Contains(ids, v) })
		default:
			return scimError(http.StatusBadRequest, "invalidPath", fmt.Sprintf("the fake does not serve op %q on path %q", op.Op, op.Path))
		}
	}
	g.members = members
	return reply{status: http.StatusNoContent}
}
