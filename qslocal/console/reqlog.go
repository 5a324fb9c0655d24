package console

import (
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/qsgo/qsgo/qslocal"
)

// DefaultLogSize is the number of requests a RequestLog keeps by default.
const DefaultLogSize = 1000

// RequestLog keeps the last N request records of a server (a ring buffer)
// and counts every record in the console's metrics. Give its Observe method
// to qslocal.Options.Observe. It is safe for concurrent use.
type RequestLog struct {
	mu   sync.Mutex
	ring []qslocal.RequestRecord
	next int
	full bool

	m *requestMetrics
}

// NewRequestLog returns a log that keeps the last n records
// (DefaultLogSize if n <= 0).
func NewRequestLog(n int) *RequestLog {
	if n <= 0 {
		n = DefaultLogSize
	}
	return &RequestLog{ring: make([]qslocal.RequestRecord, n), m: newRequestMetrics()}
}

// Observe records one request; it has the signature of
// qslocal.Options.Observe.
func (l *RequestLog) Observe(rec qslocal.RequestRecord) {
	l.m.observe(&rec)
	l.mu.Lock()
	l.ring[l.next] = rec
	l.next++
	if l.next == len(l.ring) {
		l.next, l.full = 0, true
	}
	l.mu.Unlock()
}

// Filter selects records; zero fields match everything.
type Filter struct {
	// Status is an exact status ("401") or a class ("4xx").
	Status string
	// Code is a QingStor error code ("signature_not_matched"); "-" matches
	// successful requests only.
	Code string
	// Bucket is an exact bucket name.
	Bucket string
	// Console includes the console's own API calls (User-Agent
	// containing consoleAgent), which are left out otherwise.
	Console bool
}

func (f Filter) match(r *qslocal.RequestRecord) bool {
	if (f.Bucket != "" && r.Bucket != f.Bucket) || (!f.Console && strings.Contains(r.UserAgent, consoleAgent)) {
		return false
	}
	switch {
	case f.Code == "-" && r.Code != "":
		return false
	case f.Code != "" && f.Code != "-" && r.Code != f.Code:
		return false
	}
	st := strconv.Itoa(r.Status)
	if f.Status != "" {
		if c, ok := strings.CutSuffix(strings.ToLower(f.Status), "xx"); ok {
			return strings.HasPrefix(st, c)
		}
		return st == f.Status
	}
	return true
}

// Records returns the kept records that match f, newest first.
func (l *RequestLog) Records(f Filter) []qslocal.RequestRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.next
	if l.full {
		n = len(l.ring)
	}
	out := make([]qslocal.RequestRecord, 0, min(n, 200))
	for i := range n {
		r := &l.ring[(l.next-1-i+len(l.ring))%len(l.ring)]
		if f.match(r) {
			out = append(out, *r)
		}
	}
	return out
}

// Size is the number of records the log keeps.
func (l *RequestLog) Size() int { return len(l.ring) }

type logData struct {
	Filter  Filter
	Records []qslocal.RequestRecord
	Size    int
}

func (c *Console) logPage(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	f := Filter{Status: strings.TrimSpace(q.Get("status")), Code: strings.TrimSpace(q.Get("code")),
		Bucket: strings.TrimSpace(q.Get("bucket")), Console: q.Get("console") != ""}
	p := pageFor(s, "Request log")
	p.Data = logData{Filter: f, Records: c.opts.Log.Records(f), Size: c.opts.Log.Size()}
	c.render(w, http.StatusOK, "log", p)
}

// requestMetrics are the per-request Prometheus metrics.
type requestMetrics struct {
	requests *prometheus.CounterVec
	in, out  *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newRequestMetrics() *requestMetrics {
	op := []string{"operation"}
	return &requestMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "qslocal_requests_total",
			Help: "Requests answered, by operation and HTTP status."}, []string{"operation", "status"}),
		in: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "qslocal_received_bytes_total",
			Help: "Request body bytes read, by operation."}, op),
		out: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "qslocal_sent_bytes_total",
			Help: "Response body bytes written, by operation."}, op),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "qslocal_request_duration_seconds",
			Help: "Time to answer a request, by operation.", Buckets: prometheus.ExponentialBuckets(0.0005, 4, 10)}, op),
	}
}

func (m *requestMetrics) observe(r *qslocal.RequestRecord) {
	op := r.Operation
	if op == "" {
		op = "unrouted"
	}
	m.requests.WithLabelValues(op, strconv.Itoa(r.Status)).Inc()
	m.in.WithLabelValues(op).Add(float64(r.BytesIn))
	m.out.WithLabelValues(op).Add(float64(r.BytesOut))
	m.latency.WithLabelValues(op).Observe(r.Duration.Seconds())
}
