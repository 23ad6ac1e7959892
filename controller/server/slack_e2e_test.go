package server

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/github/githubtest"
	"github.com/gatehouse-dev/gatehouse/controller/integration/slack"
	"github.com/gatehouse-dev/gatehouse/controller/integration/slack/slacktest"
)

const slackSecret = "e2e-slack-signing-secret"

// postSlack sends a Slack interaction payload to the controller, signed
// at time at (or not at all) as Slack signs: v0 HMAC-SHA256 of
// "v0:timestamp:body".
func (e *e2e) postSlack(payload string, at time.Time, sign bool) int {
	e.t.Helper()
	return e.postSlackForm("/slack/interactions", url.Values{"payload": {payload}}, at, sign)
}

// postSlackForm sends a form to the controller's Slack endpoint at path.
func (e *e2e) postSlackForm(path string, form url.Values, at time.Time, sign bool) int {
	e.t.Helper()
	body := form.Encode()
	req, _ := http.NewRequest(http.MethodPost, "http://"+e.addr+path, bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ts := strconv.FormatInt(at.Unix(), 10)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	if sign {
		m := hmac.New(sha256.New, []byte(slackSecret))
		m.Write([]byte("v0:" + ts + ":" + body))
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestS6SlackApprovalsAreSignedAgainstFakeSlackAndFakeGitHub runs gatehouse
// serve with the Slack app: carol is asked in Slack; an unsigned or stale
// click is refused with nothing counted (S6); her signed click approves
// the pull request.
func TestS6SlackApprovalsAreSignedAgainstFakeSlackAndFakeGitHub(t *testing.T) {
	slackFake := slacktest.New(t, "xoxb-e2e")
	for _, id := range []string{"U0ALICE", "U0CAROL", "U0SAM"} {
		slackFake.AddUser(slacktest.User{ID: id, Name: strings.ToLower(id[2:])})
	}
	e := startE2EWith(t, slackBase(), map[string]string{
		EnvSlackSigningSecret: slackSecret, EnvSlackBotToken: "xoxb-e2e", slack.EnvAPIURL: slackFake.URL,
	})
	head := e.push(7, e.main, samMember)
	n := e.fake.AddPullRequest("acme", "access", githubtest.PullRequest{Number: 7, Title: "Access request", Author: "sam",
		BaseRef: "master", BaseSHA: e.main.String(), HeadRef: "request", HeadSHA: head.String()})
	e.send("pull_request", prEvent("opened", n, head, "sam"), true)
	e.waitCheck(head, "action_required")

	deadline := time.Now().Add(20 * time.Second)
	for len(slackFake.Messages()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("carol was never asked in Slack")
		}
		time.Sleep(20 * time.Millisecond)
	}
	msg := slackFake.Messages()[0]
	if msg.Channel != "U0CAROL" {
		t.Fatalf("asked %s, want carol (U0CAROL)", msg.Channel)
	}
	ref := refIn(t, msg, "gatehouse.approve")
	refJSON, _ := json.Marshal(ref)
	value, _ := json.Marshal(string(refJSON))
	click := fmt.Sprintf(`{"type":"block_actions","user":{"id":"U0CAROL","username":"carol"},"trigger_id":"1.2.3","response_url":%q,`+
		`"actions":[{"type":"button","action_id":"gatehouse.approve","value":%s}]}`, slackFake.ResponseURL(), value)

	if code := e.postSlack(click, time.Now(), false); code != http.StatusUnauthorized {
		t.Errorf("an unsigned click: %d, want 401", code)
	}
	if code := e.postSlack(click, time.Now().Add(-6*time.Minute), true); code != http.StatusUnauthorized {
		t.Errorf("a click signed six minutes ago: %d, want 401", code)
	}
	time.Sleep(300 * time.Millisecond)
	if runs := e.fake.CheckRuns("acme", "access", head.String()); len(runs) > 0 && runs[len(runs)-1].Conclusion == "success" {
		t.Fatal("a refused click approved the pull request")
	}
	if code := e.postSlack(click, time.Now(), true); code != http.StatusOK {
		t.Fatalf("carol's signed click: %d, want 200", code)
	}
	e.waitCheck(head, "success")

	// The slash command that files requests: refused unsigned, and signed
	// it opens the request dialog with what sam may request.
	command := url.Values{"command": {"/gatehouse"}, "text": {"request"}, "user_id": {"U0SAM"}, "trigger_id": {"4.5.6"}, "response_url": {slackFake.ResponseURL()}}
	if code := e.postSlackForm("/slack/commands", command, time.Now(), false); code != http.StatusUnauthorized {
		t.Errorf("an unsigned slash command: %d, want 401", code)
	}
	if code := e.postSlackForm("/slack/commands", command, time.Now(), true); code != http.StatusOK {
		t.Errorf("a signed slash command: %d, want 200", code)
	}
	if views := slackFake.Views(); len(views) != 1 || !strings.Contains(string(views[0].View), "github") {
		t.Errorf("request dialogs opened: %+v", views)
	}
	res, err := http.Get("http://" + e.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(metrics), `gatehouse_slack_actions_total{kind="approve",result="ok"} 1`) {
		t.Errorf("the metrics do not count carol's approval from Slack")
	}
	if replies := slackFake.Responses(); len(replies) != 1 || !strings.Contains(replies[0], "Approved #7 as carol") {
		t.Errorf("carol was told %v", replies)
	}
}
