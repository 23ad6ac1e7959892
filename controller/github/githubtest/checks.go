package githubtest

import (
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

const (
	docListCheckRuns  = "https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference"
	docCreateCheckRun = "https://docs.github.com/rest/checks/runs#create-a-check-run"
	docUpdateCheckRun = "https://docs.github.com/rest/checks/runs#update-a-check-run"
)

// maxOutput is the longest check-run summary or text GitHub accepts, in
// characters.
const maxOutput = 65535

var (
	checkStatuses    = []string{"queued", "in_progress", "completed", "waiting", "requested", "pending"}
	checkConclusions = []string{"action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"}
)

// listCheckRuns lists the check runs of a commit, named by its SHA or a
// branch: the latest of each name (filter=latest, the default) or all,
// optionally of one name (check_name) or status, newest first, inside
// {"total_count", "check_runs"}.
func (s *Server) listCheckRuns(c *call) reply {
	o, r, fail := s.repo(c, docListCheckRuns)
	if r == nil {
		return fail
	}
	sha := c.path("ref")
	if b, ok := r.branches[sha]; ok {
		sha = b
	}
	if !r.commits[sha] {
		return apiError(http.StatusUnprocessableEntity, "No commit found for SHA: "+c.path("ref"), docListCheckRuns)
	}
	q := c.r.URL.Query()
	filter := q.Get("filter")
	if filter == "" {
		filter = "latest"
	}
	if filter != "latest" && filter != "all" {
		return invalid("CheckRun", "filter", docListCheckRuns)
	}
	if st := q.Get("status"); st != "" && !slices.Contains(checkStatuses, st) {
		return invalid("CheckRun", "status", docListCheckRuns)
	}
	var runs []*checkRun
	seen := map[string]bool{}
	for _, cr := range slices.Backward(r.checkRuns) {
		if cr.headSHA != sha || (q.Get("check_name") != "" && cr.name != q.Get("check_name")) || (q.Get("status") != "" && cr.status != q.Get("status")) {
			continue
		}
		if filter == "latest" && seen[cr.name] {
			continue
		}
		seen[cr.name] = true
		runs = append(runs, cr)
	}
	out := make([]checkRunJSON, 0, len(runs))
	for _, cr := range runs {
		out = append(out, checkRunOf(c.url, o, r, cr))
	}
	items, header := paginate(c, out)
	return reply{status: http.StatusOK, body: map[string]any{"total_count": len(out), "check_runs": items}, header: header}
}

// checkRunInput is the body of a check run's creation or update.
type checkRunInput struct {
	Name        *string `json:"name"`
	HeadSHA     *string `json:"head_sha"`
	DetailsURL  *string `json:"details_url"`
	ExternalID  *string `json:"external_id"`
	Status      *string `json:"status"`
	Conclusion  *string `json:"conclusion"`
	StartedAt   *string `json:"started_at"`
	CompletedAt *string `json:"completed_at"`
	Output      *struct {
		Title   *string `json:"title"`
		Summary *string `json:"summary"`
		Text    *string `json:"text"`
	} `json:"output"`
}

// apply checks the input and writes it to cr; a conclusion completes the
// run, as on GitHub.
func (in *checkRunInput) apply(cr *checkRun, doc string) reply {
	now := time.Now().UTC().Truncate(time.Second)
	switch {
	case in.Name != nil && *in.Name == "":
		return invalid("CheckRun", "name", doc)
	case in.Status != nil && !slices.Contains(checkStatuses, *in.Status):
		return invalid("CheckRun", "status", doc)
	case in.Conclusion != nil && !slices.Contains(checkConclusions, *in.Conclusion):
		return invalid("CheckRun", "conclusion", doc)
	case in.Status != nil && *in.Status == "completed" && in.Conclusion == nil && cr.conclusion == "":
		return invalid("CheckRun", "conclusion", doc)
	}
	if o := in.Output; o != nil {
		switch {
		case o.Title == nil || *o.Title == "":
			return invalid("CheckRun", "output.title", doc)
		case o.Summary == nil || *o.Summary == "" || utf8.RuneCountInString(*o.Summary) > maxOutput:
			return invalid("CheckRun", "output.summary", doc)
		case o.Text != nil && utf8.RuneCountInString(*o.Text) > maxOutput:
			return invalid("CheckRun", "output.text", doc)
		}
		cr.title, cr.summary, cr.text = *o.Title, *o.Summary, ""
		if o.Text != nil {
			cr.text = *o.Text
		}
	}
	if in.Name != nil {
		cr.name = *in.Name
	}
	if in.DetailsURL != nil {
		cr.detailsURL = *in.DetailsURL
	}
	if in.ExternalID != nil {
		cr.externalID = *in.ExternalID
	}
	if in.Status != nil {
		cr.status = *in.Status
	}
	if cr.status == "" {
		cr.status = "queued"
	}
	if cr.started.IsZero() {
		cr.started = now
	}
	if in.Conclusion != nil {
		cr.status, cr.conclusion, cr.completed = "completed", *in.Conclusion, now
	}
	return reply{}
}

// createCheckRun creates a check run on a commit of the repository, as
// the authenticated account (which GitHub requires to be an App).
func (s *Server) createCheckRun(c *call) reply {
	var in checkRunInput
	if err := c.decode(&in); err != nil {
		return apiError(http.StatusBadRequest, err.Error(), docCreateCheckRun)
	}
	o, r, fail := s.repo(c, docCreateCheckRun)
	if r == nil {
		return fail
	}
	switch {
	case in.Name == nil:
		return invalid("CheckRun", "name", docCreateCheckRun)
	case in.HeadSHA == nil || !r.commits[*in.HeadSHA]:
		return invalid("CheckRun", "head_sha", docCreateCheckRun)
	}
	cr := &checkRun{id: s.st.id(), headSHA: *in.HeadSHA, app: s.viewerUser()}
	if fail := in.apply(cr, docCreateCheckRun); fail.status != 0 {
		return fail
	}
	r.checkRuns = append(r.checkRuns, cr)
	return reply{status: http.StatusCreated, body: checkRunOf(c.url, o, r, cr)}
}

func (s *Server) updateCheckRun(c *call) reply {
	var in checkRunInput
	if err := c.decode(&in); err != nil {
		return apiError(http.StatusBadRequest, err.Error(), docUpdateCheckRun)
	}
	o, r, fail := s.repo(c, docUpdateCheckRun)
	if r == nil {
		return fail
	}
	id, _ := strconv.ParseInt(c.path("check_run_id"), 10, 64)
	i := slices.IndexFunc(r.checkRuns, func(cr *checkRun) bool { return cr.id == id })
	if i < 0 {
		return notFound(docUpdateCheckRun)
	}
	// Validate on a copy: a refused update changes nothing.
	cr := *r.checkRuns[i]
	if fail := in.apply(&cr, docUpdateCheckRun); fail.status != 0 {
		return fail
	}
	*r.checkRuns[i] = cr
	return ok(checkRunOf(c.url, o, r, &cr))
}
