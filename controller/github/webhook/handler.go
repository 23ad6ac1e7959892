package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxBody is the largest body the Handler reads when Options
// gives none: GitHub caps its payloads at 25 MB.
const DefaultMaxBody = 25 << 20

// DefaultRetryAfter is how long the Handler asks GitHub to wait before
// sending again a delivery it could not queue.
const DefaultRetryAfter = 30 * time.Second

// maxDeliveryID bounds X-GitHub-Delivery (a GUID) before it reaches the
// store.
const maxDeliveryID = 128

// Deliveries records webhook deliveries for replay protection;
// controller/store's Store satisfies it.
type Deliveries interface {
	// SeenDelivery records the delivery id as seen at time at and
	// reports whether it had been seen before.
	SeenDelivery(ctx context.Context, id string, at time.Time) (bool, error)
}

// Outcome is what the Handler made of one request, for metrics.
type Outcome string

// The outcomes of a request to the webhook endpoint.
const (
	OutcomeQueued           Outcome = "queued"
	OutcomeDuplicate        Outcome = "duplicate"
	OutcomeIgnored          Outcome = "ignored"
	OutcomePing             Outcome = "ping"
	OutcomeUnauthorized     Outcome = "unauthorized"
	OutcomeTooLarge         Outcome = "too_large"
	OutcomeBadRequest       Outcome = "bad_request"
	OutcomeMethodNotAllowed Outcome = "method_not_allowed"
	OutcomeQueueFull        Outcome = "queue_full"
	OutcomeError            Outcome = "error"
)

// Metrics receives the Handler's counts; the server backs it with
// Prometheus counters.
type Metrics interface {
	// Delivery counts one request by its event and outcome. event is
	// the X-GitHub-Event of a verified request when gatehouse handles
	// that kind ("pull_request", "ping", ...), "other" for the kinds it
	// ignores, and "" before the signature is verified, so an unsigned
	// request cannot invent label values.
	Delivery(event string, outcome Outcome)
}

// MetricsFunc adapts a function to Metrics.
type MetricsFunc func(event string, outcome Outcome)

// Delivery calls f(event, outcome).
func (f MetricsFunc) Delivery(event string, outcome Outcome) { f(event, outcome) }

// Options configure a Handler.
type Options struct {
	// Secret is the webhook's shared secret (GATEHOUSE_WEBHOOK_SECRET);
	// required.
	Secret []byte
	// Deliveries records delivery ids so that replays are ignored;
	// required.
	Deliveries Deliveries
	// Queue receives the events; required. Its Run does the work.
	Queue *Queue
	// MaxBody is the largest body read, in bytes; DefaultMaxBody when 0.
	MaxBody int64
	// RetryAfter is sent with a 503 when the queue is full;
	// DefaultRetryAfter when 0.
	RetryAfter time.Duration
	// Log receives a line per request; slog.Default() when nil.
	Log *slog.Logger
	// Now tells the time; time.Now when nil.
	Now func() time.Time
	// Metrics, when set, counts requests by event and outcome.
	Metrics Metrics
}

// Handler serves GitHub's webhook deliveries (POST /webhook): it verifies
// each one's signature before reading anything from it, ignores replays,
// and queues the events gatehouse acts on. See the package documentation.
type Handler struct {
	secret     []byte
	deliveries Deliveries
	queue      *Queue
	maxBody    int64
	retryAfter string
	log        *slog.Logger
	now        func() time.Time
	metrics    Metrics
}

// New returns a Handler for opts. It refuses an empty secret: without one
// anybody could post events.
func New(opts Options) (*Handler, error) {
	switch {
	case len(opts.Secret) == 0:
		return nil, errors.New("webhook handler: no webhook secret; set GATEHOUSE_WEBHOOK_SECRET to the secret configured on the GitHub webhook or App")
	case opts.Deliveries == nil:
		return nil, errors.New("webhook handler: no delivery store; replays could not be recognised")
	case opts.Queue == nil:
		return nil, errors.New("webhook handler: no queue for the events")
	case opts.MaxBody < 0:
		return nil, fmt.Errorf("webhook handler: maximum body size %d is negative; give a size in bytes or 0 for %d", opts.MaxBody, DefaultMaxBody)
	}
	h := &Handler{
		secret:     append([]byte(nil), opts.Secret...),
		deliveries: opts.Deliveries,
		queue:      opts.Queue,
		maxBody:    opts.MaxBody,
		log:        opts.Log,
		now:        opts.Now,
		metrics:    opts.Metrics,
	}
	if h.maxBody == 0 {
		h.maxBody = DefaultMaxBody
	}
	retry := opts.RetryAfter
	if retry <= 0 {
		retry = DefaultRetryAfter
	}
	h.retryAfter = strconv.Itoa(int((retry + time.Second - 1) / time.Second))
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.metrics == nil {
		h.metrics = MetricsFunc(func(string, Outcome) {})
	}
	return h, nil
}

// Signature returns the X-Hub-Signature-256 value GitHub sends with body
// for secret: "sha256=" and the hex HMAC-SHA256.
func Signature(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// ServeHTTP answers one delivery: 202 when queued or ignored, 200 for a
// ping or a replay, 401 for a missing or wrong signature, 400 for a
// signed request that is not a valid delivery, 405, 413 and 415 for the
// wrong method, size and content type, and 503 with Retry-After when the
// queue is full.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.answer(w, "", OutcomeMethodNotAllowed, http.StatusMethodNotAllowed, "use POST")
		return
	}
	// Only the SHA-256 signature counts: X-Hub-Signature (SHA-1) alone is
	// as good as none.
	signature := r.Header.Get("X-Hub-Signature-256")
	if signature == "" {
		h.unauthorized(w, r, "no X-Hub-Signature-256 header")
		return
	}
	if r.ContentLength > h.maxBody {
		h.tooLarge(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			h.tooLarge(w, r)
			return
		}
		h.log.Warn("webhook body unreadable", "remote", r.RemoteAddr, "err", err)
		h.answer(w, "", OutcomeBadRequest, http.StatusBadRequest, "could not read the body")
		return
	}
	if !h.verify(signature, body) {
		h.unauthorized(w, r, "signature does not match")
		return
	}

	// The request is GitHub's from here on.
	kind, delivery := r.Header.Get("X-GitHub-Event"), r.Header.Get("X-GitHub-Delivery")
	label := metricLabel(kind)
	if kind == "" || delivery == "" {
		h.log.Warn("webhook without X-GitHub-Event or X-GitHub-Delivery", "event", kind, "delivery", delivery)
		h.answer(w, label, OutcomeBadRequest, http.StatusBadRequest, "X-GitHub-Event and X-GitHub-Delivery are required")
		return
	}
	if len(delivery) > maxDeliveryID {
		h.answer(w, label, OutcomeBadRequest, http.StatusBadRequest, "X-GitHub-Delivery is too long")
		return
	}
	log := h.log.With("event", kind, "delivery", delivery)
	payload, err := payloadOf(r.Header.Get("Content-Type"), body)
	if err != nil {
		log.Warn("webhook payload unusable", "err", err)
		h.answer(w, label, OutcomeBadRequest, http.StatusUnsupportedMediaType, err.Error())
		return
	}
	if kind == "ping" {
		log.Info("webhook ping")
		h.answer(w, label, OutcomePing, http.StatusOK, "pong")
		return
	}
	now := h.now()
	ev, ignored, err := parse(kind, payload)
	switch {
	case err != nil:
		log.Warn("webhook payload invalid", "err", err)
		h.answer(w, label, OutcomeBadRequest, http.StatusBadRequest, err.Error())
		return
	case ignored != "":
		log.Info("webhook ignored", "action", ev.Action, "repo", ev.Repo, "reason", ignored)
		h.answer(w, label, OutcomeIgnored, http.StatusAccepted, "ignored: "+ignored)
		return
	}
	ev.DeliveryID, ev.ReceivedAt = delivery, now
	log = log.With("action", ev.Action, "repo", ev.Repo, "pr", ev.PR)

	// Room in the queue first: a delivery answered 503 must not be
	// recorded, or GitHub's redelivery would count as a replay.
	if err := h.queue.reserve(ev.Key()); err != nil {
		log.Warn("webhook not queued", "err", err)
		w.Header().Set("Retry-After", h.retryAfter)
		h.answer(w, label, OutcomeQueueFull, http.StatusServiceUnavailable, "busy: "+err.Error())
		return
	}
	seen, err := h.deliveries.SeenDelivery(r.Context(), delivery, now)
	switch {
	case err != nil:
		h.queue.cancel()
		log.Error("webhook delivery not recorded", "err", err)
		h.answer(w, label, OutcomeError, http.StatusInternalServerError, "could not record the delivery")
	case seen:
		h.queue.cancel()
		log.Info("webhook replay ignored")
		h.answer(w, label, OutcomeDuplicate, http.StatusOK, "duplicate delivery ignored")
	default:
		h.queue.commit(ev)
		log.Info("webhook queued", "sender", ev.Sender, "after", ev.After)
		h.answer(w, label, OutcomeQueued, http.StatusAccepted, "queued")
	}
}

// verify checks an X-Hub-Signature-256 value against body in constant
// time.
func (h *Handler) verify(signature string, body []byte) bool {
	digest, ok := strings.CutPrefix(signature, "sha256=")
	if !ok || len(digest) != 2*sha256.Size {
		return false
	}
	got, err := hex.DecodeString(digest)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, h.secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

func (h *Handler) unauthorized(w http.ResponseWriter, r *http.Request, why string) {
	h.log.Warn("webhook rejected", "remote", r.RemoteAddr, "reason", why)
	h.answer(w, "", OutcomeUnauthorized, http.StatusUnauthorized, "invalid signature")
}

func (h *Handler) tooLarge(w http.ResponseWriter, r *http.Request) {
	h.log.Warn("webhook body too large", "remote", r.RemoteAddr, "max_bytes", h.maxBody)
	h.answer(w, "", OutcomeTooLarge, http.StatusRequestEntityTooLarge, "body too large")
}

func (h *Handler) answer(w http.ResponseWriter, label string, outcome Outcome, status int, msg string) {
	h.metrics.Delivery(label, outcome)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	io.WriteString(w, msg+"\n")
}

// metricLabel bounds the event label of the metrics to the kinds
// gatehouse handles.
func metricLabel(kind string) string {
	switch Kind(kind) {
	case KindPullRequest, KindReview, KindComment, KindPush:
		return kind
	}
	if kind == "ping" {
		return kind
	}
	return "other"
}

// payloadOf returns the JSON payload of a body GitHub sent as JSON or as
// a form with a payload field, as a webhook's content type setting
// chooses.
func payloadOf(contentType string, body []byte) ([]byte, error) {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil && contentType != "" {
		return nil, fmt.Errorf("content type %q is not valid; configure the webhook with application/json", contentType)
	}
	switch mediaType {
	case "application/json":
		return body, nil
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("form body is not valid: %w", err)
		}
		return []byte(form.Get("payload")), nil
	}
	return nil, fmt.Errorf("content type %q is not supported; configure the webhook with application/json", contentType)
}
