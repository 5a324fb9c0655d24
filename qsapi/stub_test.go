package qsapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

const (
	testAK = "TESTAKID"
	testSK = "test-secret-key"
)

// seen is what a stub server recorded about one request.
type seen struct {
	Method   string
	Path     string // decoded
	RawPath  string // as on the wire
	RawQuery string
	Query    url.Values
	Header   http.Header
	Body     []byte
	Host     string
	SigOK    bool
}

// stub is an httptest server on 127.0.0.1 that records requests, checks
// their signature with qsapi/sign and answers with handler.
type stub struct {
	t   *testing.T
	srv *httptest.Server
	mu  sync.Mutex
	req []seen
}

func newStub(t *testing.T, handler http.HandlerFunc) *stub {
	t.Helper()
	s := &stub{t: t}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := seen{
			Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
			Query: r.URL.Query(), Header: r.Header.Clone(), Body: body, Host: r.Host,
			SigOK: verifyHeaderSig(r),
		}
		s.mu.Lock()
		s.req = append(s.req, rec)
		n := len(s.req)
		s.mu.Unlock()
		w.Header().Set("X-Qs-Request-Id", "rid-"+strconv.Itoa(n))
		handler(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// verifyHeaderSig checks a header-signed request the way a server would.
func verifyHeaderSig(r *http.Request) bool {
	ak, sig, err := sign.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil || ak != testAK {
		return false
	}
	want := sign.Signature(testSK, sign.StringToSign(r, sign.CanonicalURI(r.URL.Path, "")))
	return sign.Equal(sig, want)
}

func (s *stub) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.req...)
}

func (s *stub) last() seen {
	s.t.Helper()
	rs := s.requests()
	if len(rs) == 0 {
		s.t.Fatal("no request reached the stub")
	}
	return rs[len(rs)-1]
}

// client returns a Client for the stub with fast, recorded retries.
func (s *stub) client(mod ...func(*Options)) *Client {
	s.t.Helper()
	u, _ := url.Parse(s.srv.URL)
	port, _ := strconv.Atoi(u.Port())
	o := Options{
		Protocol: "http", Host: u.Hostname(), Port: port, Zone: "pek3a",
		AccessKeyID: testAK, SecretAccessKey: testSK,
		Retry: RetryPolicy{Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }},
	}
	for _, m := range mod {
		m(&o)
	}
	c, err := New(o)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// jsonReply writes a JSON body with status.
func jsonReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }
}
