package qsapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

func mustNew(t *testing.T, o Options) *Client {
	t.Helper()
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewValidates(t *testing.T) {
	bad := []Options{
		{Protocol: "ftp"},
		{Host: "http://qingstor.com"},
		{Host: "qingstor.com/x"},
		{Host: "qingstor.com:443"},
		{Port: 70000},
		{Port: -1},
		{Zone: "pek3a.evil"},
	}
	for _, o := range bad {
		if _, err := New(o); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("New(%+v) err = %v, want ErrInvalidOptions", o, err)
		}
	}
	c := mustNew(t, Options{})
	if c.protocol != "https" || c.host != "qingstor.com" || c.port != 443 {
		t.Fatalf("defaults: %+v", c)
	}
	if c := mustNew(t, Options{Protocol: "HTTP"}); c.port != 80 {
		t.Fatalf("http default port %d", c.port)
	}
}

func TestAddressing(t *testing.T) {
	cases := []struct {
		name      string
		o         Options
		req       Request
		wantURL   string
		wantCanon string
	}{
		{"path object", Options{Zone: "PEK3A"}, Request{Bucket: "bkt", Key: "a b/c+d"},
			"https://pek3a.qingstor.com:443/bkt/a%20b/c%2Bd", "/bkt/a%20b/c%2Bd"},
		{"path bucket", Options{Zone: "pek3a"}, Request{Bucket: "bkt"},
			"https://pek3a.qingstor.com:443/bkt", "/bkt"},
		{"service", Options{Zone: "pek3a"}, Request{},
			"https://qingstor.com:443/", "/"},
		{"vhost object", Options{Zone: "pek3a", VirtualHostStyle: true}, Request{Bucket: "bkt", Key: "k"},
			"https://bkt.pek3a.qingstor.com:443/k", "/bkt/k"},
		{"vhost bucket", Options{Zone: "pek3a", VirtualHostStyle: true}, Request{Bucket: "bkt", Query: []Param{{Key: "acl", Flag: true}}},
			"https://bkt.pek3a.qingstor.com:443/?acl", "/bkt/"},
		{"vhost service", Options{Zone: "pek3a", VirtualHostStyle: true}, Request{},
			"https://qingstor.com:443/", "/"},
		{"global detect", Options{Zone: "pek3a", VirtualHostStyle: true}, Request{Bucket: "bkt", Global: true},
			"https://qingstor.com:443/bkt", "/bkt"},
		{"ip no zone no vhost", Options{Protocol: "http", Host: "127.0.0.1", Port: 9000, Zone: "pek3a", VirtualHostStyle: true},
			Request{Bucket: "bkt", Key: "k"}, "http://127.0.0.1:9000/bkt/k", "/bkt/k"},
		{"ipv6", Options{Protocol: "http", Host: "::1", Port: 9000, Zone: "z"},
			Request{Bucket: "bkt", Key: "k"}, "http://[::1]:9000/bkt/k", "/bkt/k"},
		{"localhost", Options{Protocol: "http", Host: "localhost", Port: 9000, Zone: "pek3a", VirtualHostStyle: true},
			Request{Bucket: "bkt", Key: "k"}, "http://localhost:9000/bkt/k", "/bkt/k"},
		{"clean slashes", Options{}, Request{Bucket: "bkt", Key: "/a//b///c/"},
			"https://qingstor.com:443/bkt/a/b/c/", "/bkt/a/b/c/"},
		{"no cleaning", Options{DisableURICleaning: true}, Request{Bucket: "bkt", Key: "/a//b"},
			"https://qingstor.com:443/bkt//a//b", "/bkt//a//b"},
		{"unicode and reserved", Options{}, Request{Bucket: "bkt", Key: "中文?#%&=~"},
			"https://qingstor.com:443/bkt/%E4%B8%AD%E6%96%87%3F%23%25%26=~", "/bkt/%E4%B8%AD%E6%96%87%3F%23%25%26=~"},
		{"query order and flags", Options{}, Request{Bucket: "bkt", Key: "k", Query: []Param{{Key: "append", Flag: true}, {Key: "position", Value: "7"}}},
			"https://qingstor.com:443/bkt/k?append&position=7", "/bkt/k"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := mustNew(t, tc.o)
			r := tc.req
			r.Op, r.Method = "Test", http.MethodGet
			b, err := c.BuildRequest(context.Background(), &r, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := b.HTTP.URL.String(); got != tc.wantURL {
				t.Errorf("URL %q, want %q", got, tc.wantURL)
			}
			if b.CanonicalURI != tc.wantCanon {
				t.Errorf("canonical %q, want %q", b.CanonicalURI, tc.wantCanon)
			}
			// The server rebuilds the canonical URI from the decoded path
			// (plus the bucket from Host in vhost style) and must agree.
			bucket := ""
			if c.useVhost(r.Bucket) && !r.Global {
				bucket = r.Bucket
			}
			if got := sign.CanonicalURI(b.HTTP.URL.Path, bucket); got != b.CanonicalURI {
				t.Errorf("server canonical %q != client %q", got, b.CanonicalURI)
			}
			if ua := b.HTTP.Header.Get("User-Agent"); !strings.HasPrefix(ua, "qsgo/"+Version) {
				t.Errorf("User-Agent %q", ua)
			}
		})
	}
}

func TestUserAgentAndAnonymous(t *testing.T) {
	c := mustNew(t, Options{UserAgent: "myapp/1.2"})
	b, err := c.BuildRequest(context.Background(), &Request{Op: "T", Method: "GET"}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.HTTP.Header.Get("User-Agent"); got != "qsgo/"+Version+" myapp/1.2" {
		t.Fatalf("User-Agent %q", got)
	}
	if b.HTTP.Header.Get("Authorization") != "" {
		t.Fatal("anonymous client signed a request")
	}
	c = mustNew(t, Options{AccessKeyID: "AK", SecretAccessKey: "SK"})
	b, _ = c.BuildRequest(context.Background(), &Request{Op: "T", Method: "GET"}, nil, 0)
	if !strings.HasPrefix(b.HTTP.Header.Get("Authorization"), "QS AK:") || b.HTTP.Header.Get("Date") == "" {
		t.Fatalf("signed headers %v", b.HTTP.Header)
	}
}

func TestCustomHTTPClientNoRedirect(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusMovedPermanently)
	})
	hc := &http.Client{}
	c := s.client(func(o *Options) { o.HTTPClient = hc })
	if hc.CheckRedirect != nil {
		t.Fatal("caller's client was modified")
	}
	_, err := c.HeadBucket(context.Background(), "bkt")
	e, ok := AsError(err)
	if !ok || e.StatusCode != http.StatusMovedPermanently {
		t.Fatalf("err = %v", err)
	}
	if n := len(s.requests()); n != 1 {
		t.Fatalf("%d requests: redirect followed", n)
	}
}

func TestWithZone(t *testing.T) {
	c := mustNew(t, Options{Zone: "pek3a"})
	z := c.WithZone("SH1A")
	if c.Zone() != "pek3a" || z.Zone() != "sh1a" || z.HTTPClient() != c.HTTPClient() {
		t.Fatal("WithZone")
	}
}

func TestBuiltInTransportTimeouts(t *testing.T) {
	tr := func(c *Client) *http.Transport { return c.HTTPClient().Transport.(*http.Transport) }
	def := tr(mustNew(t, Options{}))
	if def.TLSHandshakeTimeout != 10*time.Second || def.ResponseHeaderTimeout != 60*time.Second ||
		def.DisableKeepAlives || def.MaxIdleConnsPerHost < 2 || def.Proxy == nil {
		t.Fatalf("default transport: tls %v, headers %v, keep-alive off %v, idle/host %d",
			def.TLSHandshakeTimeout, def.ResponseHeaderTimeout, def.DisableKeepAlives, def.MaxIdleConnsPerHost)
	}
	set := tr(mustNew(t, Options{TLSHandshakeTimeout: 3 * time.Second, ResponseHeaderTimeout: 4 * time.Second}))
	if set.TLSHandshakeTimeout != 3*time.Second || set.ResponseHeaderTimeout != 4*time.Second {
		t.Fatalf("configured transport: tls %v, headers %v", set.TLSHandshakeTimeout, set.ResponseHeaderTimeout)
	}

	// A server that never sends response headers: the built-in transport
	// gives up after ResponseHeaderTimeout (the handler is released when the
	// client closes the connection), and the error says it was a timeout.
	released := make(chan struct{})
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		close(released)
	})
	c := s.client(func(o *Options) {
		o.ResponseHeaderTimeout = 50 * time.Millisecond
		o.Retry.MaxAttempts = 1
	})
	_, err := c.HeadBucket(context.Background(), "bkt")
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
	<-released
}

// wrappedTransport stands for what tracing and logging packages install as
// http.DefaultTransport: a RoundTripper around the original.
type wrappedTransport struct {
	next  http.RoundTripper
	calls atomic.Int64
}

func (w *wrappedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	w.calls.Add(1)
	return w.next.RoundTrip(r)
}

// wrapDefaultTransport replaces http.DefaultTransport with a wrapper until
// the test ends. Tests using it must not run in parallel.
func wrapDefaultTransport(t *testing.T) *wrappedTransport {
	t.Helper()
	orig := http.DefaultTransport
	w := &wrappedTransport{next: orig}
	http.DefaultTransport = w
	t.Cleanup(func() { http.DefaultTransport = orig })
	return w
}

func TestWrappedDefaultTransport(t *testing.T) {
	s := newStub(t, status(http.StatusOK))
	w := wrapDefaultTransport(t)
	c := s.client(func(o *Options) { o.ResponseHeaderTimeout = 7 * time.Second })
	tr, ok := c.HTTPClient().Transport.(*http.Transport)
	if !ok {
		t.Fatalf("built-in transport is a %T", c.HTTPClient().Transport)
	}
	// The documented defaults of net/http's transport, plus our timeouts.
	if tr.Proxy == nil || !tr.ForceAttemptHTTP2 || tr.ExpectContinueTimeout != time.Second ||
		tr.ResponseHeaderTimeout != 7*time.Second || tr.TLSHandshakeTimeout != 10*time.Second {
		t.Fatalf("transport built without DefaultTransport: %+v", tr)
	}
	if _, err := c.HeadBucket(context.Background(), "bkt"); err != nil {
		t.Fatal(err)
	}
	if n := len(s.requests()); n != 1 {
		t.Fatalf("%d requests reached the server, want 1", n)
	}
	if n := w.calls.Load(); n != 0 {
		t.Fatalf("the wrapper sent %d requests; the client's own transport should have", n)
	}
}

func TestCollapseSlashes(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "/": "/", "//": "/", "a": "a", "/a//b///c/": "/a/b/c/", "///x": "/x", "a/b": "a/b",
	} {
		if got := CollapseSlashes(in); got != want {
			t.Errorf("CollapseSlashes(%q) = %q, want %q", in, got, want)
		}
	}
}
