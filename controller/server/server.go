// Package server is gatehouse's HTTP side: health and readiness probes,
// Prometheus metrics, and the handlers the controller mounts (the GitHub
// webhook), with a graceful shutdown that finishes requests in flight.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server serves gatehouse's endpoints:
//
//	GET /healthz   200 while the process runs
//	GET /readyz    200 once Ready reports nil, 503 with the reason before
//	GET /metrics   Prometheus metrics of Gatherer
//
// plus any handler in Handlers (POST /webhook).
type Server struct {
	// Addr is where to listen, e.g. "127.0.0.1:8080".
	Addr string
	// Ready reports why the controller cannot serve yet, or nil.
	Ready func() error
	// Gatherer is the registry /metrics exposes.
	Gatherer prometheus.Gatherer
	// Handlers are extra routes, by pattern ("POST /webhook").
	Handlers map[string]http.Handler
	// Log receives start, stop and errors.
	Log *slog.Logger
	// OnListen, when set, is told the address the server listens on.
	OnListen func(addr string)
	// ShutdownTimeout bounds the wait for requests in flight on stop
	// (default 30 s).
	ShutdownTimeout time.Duration
}

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if s.Ready != nil {
			if err := s.Ready(); err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = fmt.Fprintf(w, "not ready: %v\n", err)
				return
			}
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	if s.Gatherer != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{}))
	}
	for pattern, h := range s.Handlers {
		mux.Handle(pattern, h)
	}
	return mux
}

// Run listens and serves until ctx ends, then stops accepting and waits
// for requests in flight (up to ShutdownTimeout).
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w; choose another address with --listen", s.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "address", ln.Addr().String())
	if s.OnListen != nil {
		s.OnListen(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	timeout := s.ShutdownTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	log.Info("shutting down: finishing requests in flight", "timeout", timeout.String())
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
