package scimtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

const token = "fake-token"

// send makes one request to the fake and decodes its JSON answer.
func send(t *testing.T, s *Server, method, path, body, tok string) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", MediaType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("%s %s answered %s, not JSON: %v", method, path, data, err)
		}
	}
	return resp.StatusCode, resp.Header, out
}

// names returns the userNames or displayNames of a ListResponse.
func names(lr map[string]any) []string {
	var out []string
	rs, _ := lr["Resources"].([]any)
	for _, r := range rs {
		m := r.(map[string]any)
		if n, ok := m["userName"].(string); ok {
			out = append(out, n)
		} else {
			out = append(out, m["displayName"].(string))
		}
	}
	return out
}

func TestFakeSCIMRequiresTheToken(t *testing.T) {
	s := New(t, token)
	for _, tok := range []string{"", "wrong"} {
		status, h, body := send(t, s, http.MethodGet, "/Users", "", tok)
		if status != http.StatusUnauthorized || body["status"] != "401" || !slices.Equal(toStrings(body["schemas"]), []string{SchemaError}) || h.Get("Www-Authenticate") == "" {
			t.Errorf("token %q: %d %v, want a SCIM 401", tok, status, body)
		}
	}
	if status, _, _ := send(t, s, http.MethodGet, "/Users", "", token); status != http.StatusOK {
		t.Errorf("with the token: %d, want 200", status)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestFakeSCIMPagesAndFilters(t *testing.T) {
	s := New(t, token)
	for _, u := range []string{"a@x", "Bob@X", "c@x", "d@x", "e@x"} {
		s.AddUser(u)
	}
	s.AddGroup("Employees", "a@x")
	tests := []struct {
		name, query string
		status      int
		total       float64
		want        []string
		scimType    string
	}{
		{"first page", "", 200, 5, []string{"a@x", "Bob@X"}, ""},
		{"from 2, count capped", "?startIndex=2&count=10", 200, 5, []string{"Bob@X", "c@x"}, ""},
		{"last page", "?startIndex=5&count=2", 200, 5, []string{"e@x"}, ""},
		{"past the end", "?startIndex=9", 200, 5, nil, ""},
		{"count 0", "?count=0", 200, 5, nil, ""},
		{"startIndex below 1", "?startIndex=-4&count=1", 200, 5, []string{"a@x"}, ""},
		{"filter, any case", `?filter=userName%20eq%20%22bob@x%22`, 200, 1, []string{"Bob@X"}, ""},
		{"filter, attribute any case", `?filter=USERNAME%20EQ%20%22c@x%22`, 200, 1, []string{"c@x"}, ""},
		{"filter, no match", `?filter=userName%20eq%20%22zed@x%22`, 200, 0, nil, ""},
		{"filter, unescaped quote", `?filter=userName%20eq%20%22o%22brien%22`, 400, 0, nil, "invalidFilter"},
		{"filter, other attribute", `?filter=displayName%20eq%20%22a%22`, 400, 0, nil, "invalidFilter"},
		{"bad count", "?count=many", 400, 0, nil, "invalidValue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := send(t, s, http.MethodGet, "/Users"+tc.query, "", token)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, body)
			}
			if tc.scimType != "" {
				if body["scimType"] != tc.scimType {
					t.Errorf("scimType %v, want %s", body["scimType"], tc.scimType)
				}
				return
			}
			if body["totalResults"] != tc.total || !slices.Equal(names(body), tc.want) || body["itemsPerPage"] != float64(len(tc.want)) {
				t.Errorf("answer %v, want %v of %v", body, tc.want, tc.total)
			}
			if !slices.Equal(toStrings(body["schemas"]), []string{SchemaListResponse}) {
				t.Errorf("schemas %v", body["schemas"])
			}
		})
	}
	_, _, body := send(t, s, http.MethodGet, `/Groups?filter=displayName%20eq%20%22employees%22`, "", token)
	if !slices.Equal(names(body), []string{"Employees"}) {
		t.Errorf("group filter answered %v", body)
	}
}

func TestFakeSCIMCreatesUsers(t *testing.T) {
	s := New(t, token)
	user := `{"schemas":["` + SchemaUser + `"],"userName":"bob@x","emails":[{"value":"bob@x","primary":true}],"active":true}`
	status, h, body := send(t, s, http.MethodPost, "/Users", user, token)
	if status != http.StatusCreated || body["userName"] != "bob@x" || body["id"] == "" || h.Get("Location") != s.URL+"/Users/"+body["id"].(string) {
		t.Fatalf("create: %d %v %v", status, h, body)
	}
	for name, c := range map[string]struct {
		body, scimType string
		status         int
	}{
		"duplicate in another case": {strings.Replace(user, "bob@x", "BOB@x", 1), "uniqueness", http.StatusConflict},
		"no schemas":                {`{"userName":"carol@x"}`, "invalidSyntax", http.StatusBadRequest},
		"no userName":               {`{"schemas":["` + SchemaUser + `"]}`, "invalidValue", http.StatusBadRequest},
	} {
		status, _, body := send(t, s, http.MethodPost, "/Users", c.body, token)
		if status != c.status || body["scimType"] != c.scimType {
			t.Errorf("%s: %d %v, want %d %s", name, status, body, c.status, c.scimType)
		}
	}
	if n := len(s.Users()); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
	if n := s.Writes(); n != 4 {
		t.Errorf("Writes = %d, want 4", n)
	}
}

func TestFakeSCIMPatchesUsersAndGroups(t *testing.T) {
	s := New(t, token)
	a, b := s.AddUser("a@x"), s.AddUser("b@x")
	g := s.AddGroup("Employees")
	patch := func(ops string) string { return `{"schemas":["` + SchemaPatchOp + `"],"Operations":[` + ops + `]}` }
	steps := []struct {
		name, path, body string
		status           int
		scimType         string
		want             []string
	}{
		{"add", "/Groups/" + g, patch(`{"op":"add","path":"members","value":[{"value":"` + a + `"},{"value":"` + b + `"}]}`), 204, "", []string{"a@x", "b@x"}},
		{"add again", "/Groups/" + g, patch(`{"op":"Add","path":"members","value":[{"value":"` + a + `"}]}`), 204, "", []string{"a@x", "b@x"}},
		{"add unknown", "/Groups/" + g, patch(`{"op":"add","path":"members","value":[{"value":"nobody"}]}`), 400, "invalidValue", []string{"a@x", "b@x"}},
		{"remove by filter", "/Groups/" + g, patch(`{"op":"remove","path":"members[value eq \"` + a + `\"]"}`), 204, "", []string{"b@x"}},
		{"remove by filter again", "/Groups/" + g, patch(`{"op":"remove","path":"members[value eq \"` + a + `\"]"}`), 400, "noTarget", []string{"b@x"}},
		{"remove by value", "/Groups/" + g, patch(`{"op":"remove","path":"members","value":[{"value":"` + b + `"}]}`), 204, "", []string{}},
		{"replace", "/Groups/" + g, patch(`{"op":"replace","path":"members","value":[{"value":"` + a + `"}]}`), 204, "", []string{"a@x"}},
		{"unknown path", "/Groups/" + g, patch(`{"op":"add","path":"owners","value":[]}`), 400, "invalidPath", []string{"a@x"}},
		{"not a PatchOp", "/Groups/" + g, `{"Operations":[]}`, 400, "invalidSyntax", []string{"a@x"}},
		{"no group", "/Groups/nope", patch(`{"op":"add","path":"members","value":[]}`), 404, "", []string{"a@x"}},
	}
	for _, st := range steps {
		status, _, body := send(t, s, http.MethodPatch, st.path, st.body, token)
		if status != st.status || (st.scimType != "" && body["scimType"] != st.scimType) {
			t.Errorf("%s: %d %v, want %d %s", st.name, status, body, st.status, st.scimType)
		}
		if got := s.Members("Employees"); !slices.Equal(got, st.want) {
			t.Errorf("%s: members %v, want %v", st.name, got, st.want)
		}
	}
	for _, body := range []string{patch(`{"op":"replace","path":"active","value":false}`), patch(`{"op":"replace","value":{"active":false}}`)} {
		s.SetActive("a@x", true)
		status, _, out := send(t, s, http.MethodPatch, "/Users/"+a, body, token)
		if u, _ := s.User("a@x"); status != 200 || u.Active || out["active"] != false {
			t.Errorf("deactivate with %s: %d %v", body, status, out)
		}
	}
	if status, _, _ := send(t, s, http.MethodDelete, "/Users/"+a, "", token); status != http.StatusMethodNotAllowed {
		t.Errorf("DELETE answered %d, want 405", status)
	}
}

func TestFakeSCIMFailsTheNextRequests(t *testing.T) {
	s := New(t, token)
	s.FailNext(1, Failure{Method: http.MethodPatch, Status: 503})
	s.FailNext(2, Failure{Status: 429, RetryAfter: "3", SCIMType: "tooMany", Detail: "slow down"})
	for i, want := range []int{429, 429, 200} {
		status, h, body := send(t, s, http.MethodGet, "/Groups", "", token)
		if status != want {
			t.Fatalf("request %d: %d, want %d", i+1, status, want)
		}
		if want == 429 && (h.Get("Retry-After") != "3" || body["detail"] != "slow down" || body["status"] != "429") {
			t.Errorf("request %d: %v %v", i+1, h, body)
		}
	}
	if n := s.PendingFailures(); n != 1 {
		t.Errorf("%d failures pending, want the PATCH one", n)
	}
	if n := len(s.Requests()); n != 3 {
		t.Errorf("%d requests logged, want 3", n)
	}
}
