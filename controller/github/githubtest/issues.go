package githubtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	docListComments  = "https://docs.github.com/rest/issues/comments#list-issue-comments"
	docCreateComment = "https://docs.github.com/rest/issues/comments#create-an-issue-comment"
	docUpdateComment = "https://docs.github.com/rest/issues/comments#update-an-issue-comment"
	docListLabels    = "https://docs.github.com/rest/issues/labels#list-labels-for-an-issue"
	docAddLabels     = "https://docs.github.com/rest/issues/labels#add-labels-to-an-issue"
	docRemoveLabel   = "https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue"
)

// maxBody is the longest comment body GitHub accepts, in characters.
const maxBody = 65536

// listComments lists an issue's comments, oldest first, those updated at
// or after since when it is given.
func (s *Server) listComments(c *call) reply {
	o, r, p, fail := s.pull(c, "issue_number", docListComments)
	if p == nil {
		return fail
	}
	var since time.Time
	if v := c.r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return invalid("IssueComment", "since", docListComments)
		}
		since = t
	}
	out := []commentJSON{}
	for _, cm := range r.issueComments(p.number) {
		if !cm.updated.Before(since) {
			out = append(out, commentOf(c.url, o, r, cm))
		}
	}
	return page(c, out)
}

// commentBody reads and checks the body of a comment write.
func commentBody(c *call, doc string) (string, reply) {
	var in struct {
		Body *string `json:"body"`
	}
	if err := c.decode(&in); err != nil {
		return "", apiError(http.StatusBadRequest, err.Error(), doc)
	}
	if in.Body == nil || strings.TrimSpace(*in.Body) == "" || utf8.RuneCountInString(*in.Body) > maxBody {
		return "", invalid("IssueComment", "body", doc)
	}
	return *in.Body, reply{}
}

func (s *Server) createComment(c *call) reply {
	body, fail := commentBody(c, docCreateComment)
	if fail.status != 0 {
		return fail
	}
	o, r, p, fail := s.pull(c, "issue_number", docCreateComment)
	if p == nil {
		return fail
	}
	cm := r.newComment(s.st, p.number, s.viewerUser(), body)
	return reply{status: http.StatusCreated, body: commentOf(c.url, o, r, cm)}
}

// updateComment edits a comment's body. As with a GitHub App's
// installation token, the authenticated account may edit any comment.
func (s *Server) updateComment(c *call) reply {
	body, fail := commentBody(c, docUpdateComment)
	if fail.status != 0 {
		return fail
	}
	o, r, fail := s.repo(c, docUpdateComment)
	if r == nil {
		return fail
	}
	id, _ := strconv.ParseInt(c.path("comment_id"), 10, 64)
	cm := r.comments[id]
	if cm == nil {
		return notFound(docUpdateComment)
	}
	cm.body = body
	cm.updated = time.Now().UTC().Truncate(time.Second)
	cm.edits++
	return ok(commentOf(c.url, o, r, cm))
}

func (s *Server) listLabels(c *call) reply {
	o, r, p, fail := s.pull(c, "issue_number", docListLabels)
	if p == nil {
		return fail
	}
	return page(c, labelsOf(c.url, o, r, p.labels))
}

// addLabels adds labels to an issue, creating those the repository does
// not have, and answers every label the issue then has. The body is
// {"labels": ["a", ...]}, {"labels": [{"name": "a"}, ...]} or a bare
// list of names, as GitHub accepts.
func (s *Server) addLabels(c *call) reply {
	names, err := labelNames(c.body)
	if err != nil || len(names) == 0 {
		return invalid("Label", "labels", docAddLabels)
	}
	o, r, p, fail := s.pull(c, "issue_number", docAddLabels)
	if p == nil {
		return fail
	}
	r.addLabels(s.st, p, names)
	return ok(labelsOf(c.url, o, r, p.labels))
}

func labelNames(body []byte) ([]string, error) {
	var raw json.RawMessage = body
	var obj struct {
		Labels json.RawMessage `json:"labels"`
	}
	if err := json.Unmarshal(body, &obj); err == nil && obj.Labels != nil {
		raw = obj.Labels
	}
	var names []string
	if err := json.Unmarshal(raw, &names); err == nil {
		return names, nil
	}
	var named []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(raw, &named); err != nil {
		return nil, err
	}
	for _, n := range named {
		names = append(names, n.Name)
	}
	return names, nil
}

// removeLabel takes a label off an issue and answers the labels left;
// a label the issue does not have is 404.
func (s *Server) removeLabel(c *call) reply {
	o, r, p, fail := s.pull(c, "issue_number", docRemoveLabel)
	if p == nil {
		return fail
	}
	name := c.path("name")
	i := slices.IndexFunc(p.labels, func(l *label) bool { return strings.EqualFold(l.name, name) })
	if i < 0 {
		return apiError(http.StatusNotFound, "Label does not exist", docRemoveLabel)
	}
	p.labels = slices.Delete(p.labels, i, i+1)
	return ok(labelsOf(c.url, o, r, p.labels))
}
