package server

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the controller's Prometheus metrics, on one registry.
type Metrics struct {
	Registry *prometheus.Registry

	// ReconcileRuns counts reconcile runs by result: ok, failed (an
	// action failed), skipped (the repo was invalid or unreadable).
	ReconcileRuns *prometheus.CounterVec
	// ReconcileActions counts actions by op (grant, revoke) and result
	// (done, failed, task).
	ReconcileActions *prometheus.CounterVec
	// ReconcileSeconds is how long runs take.
	ReconcileSeconds prometheus.Histogram
	// Requests is the number of requests in each lifecycle state,
	// unapproved-merge among them (S13).
	Requests *prometheus.GaugeVec
	// Drift is the number of entitlements each target holds that no
	// request grants.
	Drift *prometheus.GaugeVec
	// RevocationsStopped is 1 for a target whose revocations the safety
	// cap stopped in the last run (S8).
	RevocationsStopped *prometheus.GaugeVec
}

// NewMetrics registers gatehouse's metrics, with the Go and process
// collectors, on a new registry.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		ReconcileRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_reconcile_runs_total", Help: "Reconcile runs by result (ok, failed, skipped).",
		}, []string{"result"}),
		ReconcileActions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_reconcile_actions_total", Help: "Grants and revocations by result (done, failed, task).",
		}, []string{"op", "result"}),
		ReconcileSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "gatehouse_reconcile_duration_seconds", Help: "How long a reconcile run takes.",
			Buckets: prometheus.ExponentialBuckets(0.005, 4, 9),
		}),
		Requests: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gatehouse_requests", Help: "Access requests by lifecycle state (unapproved-merge: merged without an approved decision, held).",
		}, []string{"state"}),
		Drift: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gatehouse_drift_entitlements", Help: "Entitlements a target holds that no access request grants.",
		}, []string{"target"}),
		RevocationsStopped: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gatehouse_revocations_stopped", Help: "1 when the revocation cap stopped a target's revocations in the last run.",
		}, []string{"target"}),
	}
	reg.MustRegister(m.ReconcileRuns, m.ReconcileActions, m.ReconcileSeconds, m.Requests, m.Drift, m.RevocationsStopped,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}
