package qslocal

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/qsgo/qsgo/qslocal/store"
)

// Defaults.
const (
	// DefaultZone is the zone buckets live in unless Options.Zone says otherwise.
	DefaultZone = "pek3b"
	// DefaultBaseDomain is the base of zone and virtual-host names.
	DefaultBaseDomain = "qingstor.com"
)

// Options configures a Server. The zero value is usable except for
// Credentials, which must hold at least one key.
type Options struct {
	// DataDir holds the data (bbolt metadata, object files). Empty with
	// Memory unset is an error for New.
	DataDir string
	// Memory keeps everything in memory (tests); DataDir is then ignored.
	Memory bool
	// Credentials maps access key ids to secret access keys.
	Credentials map[string]string
	// Zone is the default zone (DefaultZone if empty): the zone of buckets
	// created through an IP, localhost or global host.
	Zone string
	// Zones are zone names host parsing accepts besides Zone. Labels shaped
	// like QingStor zone ids (pek3b, sh1a, gd2) are zones anyway; list here
	// only zone names of another shape.
	Zones []string
	// BaseDomain is the base of host names (DefaultBaseDomain if empty), see
	// parseHost for the accepted forms.
	BaseDomain string
	// Logger receives one structured line per request, with its request id
	// (nothing is logged if nil: the library does not print on its own).
	// Secrets, signatures and SSE-C keys are never logged.
	Logger *slog.Logger
	// Now returns the current time (time.Now if nil); tests move the clock.
	Now func() time.Time
	// MinPartSize is the minimum size of every multipart part but the last
	// (4 MiB if zero); tests lower it.
	MinPartSize int64
	// FetchClient downloads fetch sources (a client with a 10-minute
	// timeout if nil). It follows redirects, as QingStor does.
	FetchClient *http.Client
	// TransferWindow and MinTransferRate (bytes per second) bound slow
	// clients: in each TransferWindow a request body must deliver, and a
	// response must accept, at least MinTransferRate × TransferWindow
	// bytes, or the connection is closed and the request releases its
	// files (see pace.go). Zero means DefaultTransferWindow and
	// DefaultMinTransferRate; a negative TransferWindow disables the bound.
	TransferWindow  time.Duration
	MinTransferRate int64
	// Addr is the listen address used by Start ("127.0.0.1:9000" if empty;
	// "127.0.0.1:0" picks a free port).
	Addr string

	// Observe, when set, receives the record of every answered request,
	// after its answer was written, on the request's goroutine: it must be
	// quick and safe for concurrent use (qslocal/console's request log and
	// metrics are one).
	Observe func(RequestRecord)

	// onDone, when set (tests), is called after each request with its
	// method, key and error code ("" on success).
	onDone func(method, key, code string)
}

// Server is the QingStor-compatible http.Handler. It is safe for
// concurrent use. Close it to release the store.
type Server struct {
	opts  Options
	st    *store.Store
	log   *slog.Logger
	zones map[string]bool
	bases []string
	now   func() time.Time
	fetch *http.Client
	// appendOnce holds the append signatures without position already used.
	appendOnce onceSet
}

// New opens the store described by opts and returns the server.
func New(opts Options) (*Server, error) {
	if len(opts.Credentials) == 0 {
		return nil, errors.New("qslocal: no credentials configured")
	}
	for ak, sk := range opts.Credentials {
		if ak == "" || sk == "" || strings.ContainsAny(ak, ": ") {
			return nil, errors.New("qslocal: credentials need a non-empty access key id without ':' or space and a non-empty secret")
		}
	}
	if opts.Zone == "" {
		opts.Zone = DefaultZone
	}
	opts.Zone = strings.ToLower(opts.Zone)
	if opts.BaseDomain == "" {
		opts.BaseDomain = DefaultBaseDomain
	}
	if opts.TransferWindow == 0 {
		opts.TransferWindow = DefaultTransferWindow
	}
	if opts.MinTransferRate <= 0 {
		opts.MinTransferRate = DefaultMinTransferRate
	}
	if opts.MinPartSize <= 0 {
		opts.MinPartSize = defaultMinPart
	}
	s := &Server{opts: opts, log: opts.Logger, now: opts.Now, fetch: opts.FetchClient,
		zones: map[string]bool{opts.Zone: true},
		bases: []string{strings.ToLower(strings.Trim(opts.BaseDomain, ".")), "localhost"}}
	for _, z := range opts.Zones {
		s.zones[strings.ToLower(z)] = true
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.fetch == nil {
		s.fetch = &http.Client{Timeout: 10 * time.Minute}
	}
	var err error
	switch {
	case opts.Memory:
		s.st = store.OpenMemory()
	case opts.DataDir != "":
		s.st, err = store.Open(opts.DataDir)
	default:
		err = errors.New("qslocal: neither DataDir nor Memory set")
	}
	if err != nil {
		return nil, fmt.Errorf("qslocal: open store: %w", err)
	}
	return s, nil
}

// Store returns the server's store (tests inspect it).
func (s *Server) Store() *store.Store { return s.st }

// Close closes the store. Call it after the HTTP server stopped.
func (s *Server) Close() error { return s.st.Close() }

// CreateBucket creates a bucket in the default zone directly in the store,
// without a request (test and demo set-up).
func (s *Server) CreateBucket(name string) error {
	if !validBucketName(name) {
		return fmt.Errorf("qslocal: invalid bucket name %q", name)
	}
	return s.st.CreateBucket(store.Bucket{Name: name, Zone: s.opts.Zone, Created: s.now().UTC()})
}

// request is the per-request state handlers work on.
type request struct {
	w      *statusWriter
	r      *http.Request
	id     string
	host   hostInfo
	bucket string
	key    string
	query  map[string][]string
	// vhost is set when the bucket came from the Host header.
	vhost bool
	// op is the routed operation's name (empty until routed).
	op string
	// accessKey is the access key id the request was signed with, once
	// authenticated.
	accessKey string
}

func (q *request) has(flag string) bool { _, ok := q.query[flag]; return ok }

func (q *request) get(k string) string {
	if v := q.query[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter records the status and byte count for the access log. It
// forwards ReadFrom so GET bodies from files still go out with sendfile.
type statusWriter struct {
	http.ResponseWriter
	status int
	n      int64
	pace   *pacer // nil: no transfer windows
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.pace != nil {
		n, err := w.pace.write(w.ResponseWriter, p)
		w.n += int64(n)
		return n, err
	}
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.pace != nil {
		n, err := w.pace.readFrom(w.ResponseWriter, r)
		w.n += n
		return n, err
	}
	n, err := io.Copy(w.ResponseWriter, r)
	w.n += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush forwards to the underlying writer.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ServeHTTP routes, authenticates and answers one request, then logs it
// and hands its record to Options.Observe.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := s.now()
	w := &statusWriter{ResponseWriter: rw, pace: s.newPacer(rw)}
	in := &countingBody{ReadCloser: w.pace.body(r.Body)}
	if r.Body != nil {
		r.Body = in
	}
	defer w.pace.finish(in.ReadCloser)
	q := &request{w: w, r: r, id: newRequestID()}
	h := w.Header()
	h.Set("X-Qs-Request-Id", q.id)
	h.Set("Server", "QingStor")
	h.Set("Date", start.UTC().Format(timeFormat))
	err := s.serveRecover(q)
	if err != nil {
		writeError(w, r, q.id, err)
	}
	rec := s.record(q, start, in, err)
	if s.opts.onDone != nil {
		s.opts.onDone(r.Method, q.key, rec.Code)
	}
	if err != nil && err.Status >= 500 {
		s.log.Error("request", rec.logAttrs()...)
	} else {
		s.log.Info("request", rec.logAttrs()...)
	}
	if s.opts.Observe != nil {
		s.opts.Observe(rec)
	}
}

// serveRecover runs serve and turns a panic (a bug: nothing should panic
// on input) into a logged internal_error instead of a dropped connection.
func (s *Server) serveRecover(q *request) (e *apiError) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic in handler", "request_id", q.id, "panic", fmt.Sprint(v))
			if q.w.status != 0 {
				panic(http.ErrAbortHandler) // headers are out: drop the connection
			}
			e = errInternal
		}
	}()
	return s.serve(q)
}

// timeFormat is the only HTTP date layout QingStor clients parse.
const timeFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// internal logs an unexpected error under the request id and returns the
// generic internal_error (the details stay in the log), or errDiskFull when
// the data directory's file system is full.
func (s *Server) internal(q *request, err error) *apiError {
	if isDiskFull(err) {
		s.log.Error("disk full", "request_id", q.id, "err", err)
		return errDiskFull
	}
	s.log.Error("internal error", "request_id", q.id, "err", err)
	return errInternal
}

// storeErr maps store errors to QingStor errors.
func (s *Server) storeErr(q *request, err error) *apiError {
	var ae *apiError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, store.ErrNoSuchBucket):
		return errNoSuchBucket
	case errors.Is(err, store.ErrNoSuchObject):
		return errNoSuchObject
	case errors.Is(err, store.ErrNoSuchUpload):
		return errNoSuchUpload
	case errors.Is(err, store.ErrBucketExists):
		return errBucketExists
	case errors.Is(err, store.ErrBucketNotEmpty):
		return errBucketNotEmpty
	}
	return s.internal(q, err)
}
