package slacktest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const token = "xoxp-fake-slack-token"

// post calls a Web API method of the fake as the slack integration does.
func post(t *testing.T, s *Server, auth, method string, form url.Values) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+method, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if resp.Header.Get("Content-Type") == "application/json; charset=utf-8" {
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, resp.Header, out
}

func TestFakeSlackChecksTheToken(t *testing.T) {
	s := New(t, token)
	for _, c := range []struct {
		name, auth, want string
	}{
		{name: "none", want: "not_authed"},
		{name: "wrong", auth: "xoxp-other", want: "invalid_auth"},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, _, out := post(t, s, c.auth, "auth.test", nil)
			if status != http.StatusOK || out["ok"] != false || out["error"] != c.want {
				t.Errorf("auth.test = %d %v, want HTTP 200 with ok false and %s", status, out, c.want)
			}
		})
	}
	_, _, out := post(t, s, token, "auth.test", nil)
	if out["ok"] != true || out["user_id"] != SelfID || out["team_id"] != DefaultTeam.EnterpriseID || out["is_enterprise_install"] != true {
		t.Errorf("auth.test = %v, want the organisation's install as %s", out, SelfID)
	}
}

func TestFakeSlackPagesUsers(t *testing.T) {
	s := New(t, token)
	for _, id := range []string{"U1", "U2", "U3"} {
		s.AddUser(User{ID: id, Name: strings.ToLower(id)})
	}
	var ids []string
	cursor := ""
	for range 10 {
		form := url.Values{"team_id": {DefaultTeam.ID}, "limit": {"200"}}
		if cursor != "" {
			form.Set("cursor", cursor)
		}
		_, _, out := post(t, s, token, "users.list", form)
		if out["ok"] != true {
			t.Fatalf("users.list = %v", out)
		}
		members := out["members"].([]any)
		if len(members) > DefaultPageSize {
			t.Errorf("a page of %d users, want at most %d", len(members), DefaultPageSize)
		}
		for _, m := range members {
			ids = append(ids, m.(map[string]any)["id"].(string))
		}
		cursor = out["response_metadata"].(map[string]any)["next_cursor"].(string)
		if cursor == "" {
			break
		}
		if raw, err := base64.StdEncoding.DecodeString(cursor); err != nil || !strings.HasPrefix(string(raw), "user:") {
			t.Errorf("cursor %q is not shaped as Slack's (base64 of user:ID)", cursor)
		}
	}
	if got := strings.Join(ids, ","); got != "USLACKBOT,U0GATEHOUSE,U1,U2,U3" {
		t.Errorf("users.list pages hold %s", got)
	}
	if _, _, out := post(t, s, token, "users.list", url.Values{"team_id": {DefaultTeam.ID}, "cursor": {"bogus"}}); out["error"] != "invalid_cursor" {
		t.Errorf("users.list with a bogus cursor = %v, want invalid_cursor", out)
	}
	if _, _, out := post(t, s, token, "users.list", nil); out["error"] != "missing_argument" {
		t.Errorf("users.list without team_id on an organisation's token = %v, want missing_argument", out)
	}
}

func TestFakeSlackInjectsFailures(t *testing.T) {
	s := New(t, token)
	s.RateLimitNext(1, 3)
	s.FailNext(1, http.StatusServiceUnavailable)
	s.RemoveScope("team:read")
	s.FailMethod("users.info", "fatal_error")
	if status, h, _ := post(t, s, token, "auth.test", nil); status != http.StatusTooManyRequests || h.Get("Retry-After") != "3" {
		t.Errorf("first call = %d, Retry-After %q; want 429 with 3", status, h.Get("Retry-After"))
	}
	if status, _, _ := post(t, s, token, "auth.test", nil); status != http.StatusServiceUnavailable {
		t.Errorf("second call = %d, want 503", status)
	}
	if _, _, out := post(t, s, token, "team.info", url.Values{"team": {DefaultTeam.ID}}); out["error"] != "missing_scope" || out["needed"] != "team:read" {
		t.Errorf("team.info without team:read = %v, want missing_scope naming it", out)
	}
	if _, _, out := post(t, s, token, "users.info", url.Values{"user": {SelfID}}); out["error"] != "fatal_error" {
		t.Errorf("users.info = %v, want the injected fatal_error", out)
	}
	if s.Writes() != 0 || s.Calls("") != 4 {
		t.Errorf("%d writes in %d calls, want none in 4", s.Writes(), s.Calls(""))
	}
}

func TestFakeSlackKeepsAUserInEveryGroup(t *testing.T) {
	s := New(t, token)
	s.AddUser(User{ID: "U1"})
	id := s.AddUserGroup(UserGroup{Handle: "ops", Users: []string{"U1"}})
	for _, c := range []struct {
		users, want string
	}{
		{users: "", want: "no_users_provided"},
		{users: "U404", want: "invalid_users"},
	} {
		if _, _, out := post(t, s, token, "usergroups.users.update", url.Values{"team_id": {DefaultTeam.ID}, "usergroup": {id}, "users": {c.users}}); out["error"] != c.want {
			t.Errorf("usergroups.users.update with %q = %v, want %s", c.users, out, c.want)
		}
	}
	if g, _ := s.UserGroup("ops"); len(g.Users) != 1 || s.Writes() != 2 {
		t.Errorf("@ops = %v after %d writes, want U1 alone after 2 refused writes", g.Users, s.Writes())
	}
}

// openView calls views.open on the fake with view, as the Slack app does.
func openView(t *testing.T, s *Server, view string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"views.open", strings.NewReader(`{"trigger_id":"t1","view":`+view+`}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFakeSlackChecksViewLimits(t *testing.T) {
	s := New(t, token)
	view := func(blocks string) string {
		return `{"type":"modal","title":{"type":"plain_text","text":"Request access"},"submit":{"type":"plain_text","text":"Request"},"blocks":[` + blocks + `]}`
	}
	input := func(element string) string {
		return `{"type":"input","block_id":"b","label":{"type":"plain_text","text":"System"},"element":` + element + `}`
	}
	option := func(text, value string) string {
		return `{"text":{"type":"plain_text","text":"` + text + `"},"value":"` + value + `"}`
	}
	options := func(n int) string {
		o := make([]string, n)
		for i := range o {
			o[i] = option("system", "s"+strings.Repeat("x", i))
		}
		return strings.Join(o, ",")
	}
	for _, c := range []struct {
		name, view, want string
	}{
		{name: "a valid select", view: view(input(`{"type":"static_select","action_id":"a","options":[` + options(100) + `]}`))},
		{name: "a valid text input", view: view(input(`{"type":"plain_text_input","action_id":"a","max_length":3000}`))},
		{name: "101 options", view: view(input(`{"type":"static_select","action_id":"a","options":[` + options(101) + `]}`)), want: "/element/options"},
		{name: "option text of 76", view: view(input(`{"type":"static_select","action_id":"a","options":[` + option(strings.Repeat("é", 76), "v") + `]}`)), want: "/options/0/text"},
		{name: "option value of 151", view: view(input(`{"type":"static_select","action_id":"a","options":[` + option("t", strings.Repeat("v", 151)) + `]}`)), want: "/options/0/value"},
		{name: "duplicate option values", view: view(input(`{"type":"static_select","action_id":"a","options":[` + option("t", "v") + "," + option("u", "v") + `]}`)), want: "/options/1/value"},
		{name: "hint of 2001", view: view(`{"type":"input","block_id":"b","label":{"type":"plain_text","text":"L"},"hint":{"type":"plain_text","text":"` + strings.Repeat("h", 2001) + `"},"element":{"type":"plain_text_input","action_id":"a"}}`), want: "/hint"},
		{name: "label of 2001", view: view(`{"type":"input","block_id":"b","label":{"type":"plain_text","text":"` + strings.Repeat("l", 2001) + `"},"element":{"type":"plain_text_input","action_id":"a"}}`), want: "/label"},
		{name: "placeholder of 151", view: view(input(`{"type":"plain_text_input","action_id":"a","placeholder":{"type":"plain_text","text":"` + strings.Repeat("p", 151) + `"}}`)), want: "/placeholder"},
		{name: "max_length over 3000", view: view(input(`{"type":"plain_text_input","action_id":"a","max_length":3001}`)), want: "/max_length"},
		{name: "duplicate block ids", view: view(input(`{"type":"plain_text_input","action_id":"a"}`) + "," + input(`{"type":"plain_text_input","action_id":"a"}`)), want: "/blocks/1/block_id"},
		{name: "input without submit", view: `{"type":"modal","title":{"type":"plain_text","text":"T"},"blocks":[` + input(`{"type":"plain_text_input","action_id":"a"}`) + `]}`, want: "submit button"},
		{name: "submit of 25", view: `{"type":"modal","title":{"type":"plain_text","text":"T"},"submit":{"type":"plain_text","text":"` + strings.Repeat("s", 25) + `"},"blocks":[` + input(`{"type":"plain_text_input","action_id":"a"}`) + `]}`, want: "/view/submit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := openView(t, s, c.view)
			if c.want == "" {
				if out["ok"] != true {
					t.Errorf("views.open = %v, want ok", out)
				}
				return
			}
			msgs, _ := json.Marshal(out["response_metadata"])
			if out["ok"] != false || out["error"] != "invalid_arguments" || !strings.Contains(string(msgs), c.want) {
				t.Errorf("views.open = %v, want invalid_arguments about %s", out, c.want)
			}
		})
	}
}
