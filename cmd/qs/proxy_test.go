package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/qsgo/qsgo/qslocal"
)

// testProxy stands between qs and a test server: it counts the request
// body bytes that reach the server and can hold requests back.
type testProxy struct {
	srv  *httptest.Server
	sent atomic.Int64 // request body bytes forwarded

	mu sync.Mutex
	// hold, when set, is asked about each request before it is forwarded;
	// a non-nil channel makes the request wait until it is closed.
	hold func(r *http.Request) <-chan struct{}
	// after, when set, is called once a forwarded request was answered.
	after func(r *http.Request)
}

// startProxy starts a proxy in front of ts and points qs's environment at
// it (see pointAt).
func startProxy(t *testing.T, ts *qslocal.TestServer) *testProxy {
	t.Helper()
	target, err := url.Parse("http://" + ts.Host + ":" + strconv.Itoa(ts.Port))
	if err != nil {
		t.Fatal(err)
	}
	p := &testProxy{}
	rp := httputil.NewSingleHostReverseProxy(target)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		hold, after := p.hold, p.after
		p.mu.Unlock()
		if hold != nil {
			if ch := hold(r); ch != nil {
				select {
				case <-ch:
				case <-r.Context().Done():
					return
				}
			}
		}
		r.Body = &countingBody{r: r.Body, n: &p.sent}
		rp.ServeHTTP(w, r)
		if after != nil {
			after(r)
		}
	}))
	t.Cleanup(p.srv.Close)
	pointAt(t, ts)
	u, _ := url.Parse(p.srv.URL)
	t.Setenv(envHost, u.Hostname())
	t.Setenv(envPort, u.Port())
	return p
}

// setHold replaces the proxy's hold function.
func (p *testProxy) setHold(f func(r *http.Request) <-chan struct{}) {
	p.mu.Lock()
	p.hold = f
	p.mu.Unlock()
}

// setAfter replaces the proxy's after function.
func (p *testProxy) setAfter(f func(r *http.Request)) {
	p.mu.Lock()
	p.after = f
	p.mu.Unlock()
}

type countingBody struct {
	r io.ReadCloser
	n *atomic.Int64
}

func (c *countingBody) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingBody) Close() error { return c.r.Close() }
