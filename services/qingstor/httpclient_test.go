package qingstor

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/pkg/httpclient"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// sent is one request as a RoundTripper saw it.
type sent struct {
	method, host, path, query string
	signed                    bool
}

// requestLog is a RoundTripper that records every request and passes it on.
type requestLog struct {
	base http.RoundTripper
	mu   sync.Mutex
	reqs []sent
}

func (r *requestLog) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, sent{method: req.Method, host: host, path: req.URL.EscapedPath(), query: req.URL.RawQuery,
		signed: req.Header.Get("Authorization") != ""})
	r.mu.Unlock()
	return r.base.RoundTrip(req)
}

// since returns the requests recorded after the first n.
func (r *requestLog) since(n int) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.reqs[n:]...)
}

func (r *requestLog) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// newRequestLog returns a requestLog over a fresh transport whose idle
// connections are closed when the test ends; dialTo, when not empty, is
// the address every connection goes to whatever the host name (a resolver
// for test host names).
func newRequestLog(t *testing.T, dialTo string) *requestLog {
	tr := &http.Transport{}
	if dialTo != "" {
		tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, dialTo)
		}
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &requestLog{base: tr}
}

// countingFront serves srv's handler on another loopback listener and counts
// the requests that reach it.
func countingFront(t *testing.T, srv *qslocal.TestServer) (ep string, count *atomic.Int64) {
	count = new(atomic.Int64)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		srv.Server.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	u, err := url.Parse(front.URL)
	if err != nil {
		t.Fatal(err)
	}
	return "http:" + u.Host, count
}

// storageOps runs Write, Read, Stat, List and Delete of one object in st
// and checks, op by op, that rec saw the op's requests (each signed, to
// host, with the method expected) and nothing else went past it.
func storageOps(t *testing.T, st types.Storager, rec *requestLog, host string) {
	t.Helper()
	ops := []struct {
		name, method string
		run          func() error
	}{
		{"Write", http.MethodPut, func() error { _, err := st.Write("obj", strings.NewReader("hello"), 5); return err }},
		{"Read", http.MethodGet, func() error {
			var buf bytes.Buffer
			if _, err := st.Read("obj", &buf); err != nil {
				return err
			}
			if buf.String() != "hello" {
				return errors.New("read " + buf.String())
			}
			return nil
		}},
		{"Stat", http.MethodHead, func() error { _, err := st.Stat("obj"); return err }},
		{"List", http.MethodGet, func() error {
			it, err := st.List("")
			if err != nil {
				return err
			}
			if objs := mustList(t, it); len(objs) != 1 || objs[0].Path != "obj" {
				return errors.New("listed something other than obj")
			}
			return nil
		}},
		{"Delete", http.MethodDelete, func() error { return st.Delete("obj") }},
	}
	for _, op := range ops {
		n := rec.len()
		if err := op.run(); err != nil {
			t.Fatalf("%s: %v", op.name, err)
		}
		got := rec.since(n)
		if len(got) == 0 {
			t.Fatalf("%s: the http_client saw no request", op.name)
		}
		if got[0].method != op.method {
			t.Errorf("%s: first request %s, want %s", op.name, got[0].method, op.method)
		}
		for _, r := range got {
			if r.host != host || !r.signed {
				t.Errorf("%s: request %+v, want a signed request to %s", op.name, r, host)
			}
		}
		if op.name == "List" && !strings.Contains(got[0].query, "limit=") {
			t.Errorf("List: request %+v is not an object listing", got[0])
		}
	}
}

// TestHTTPClientSeesEveryRequest: every request of a Storager built with
// http_client goes through that client, and so does every request of a
// Servicer and of the storages it makes; the server sees no other request.
// http_client wins over http_client_options.
func TestHTTPClientSeesEveryRequest(t *testing.T) {
	srv := localServer(t)
	ep, served := countingFront(t, srv)
	host := strings.TrimPrefix(ep, "http:")
	cred := ps.WithCredential("hmac:" + srv.AccessKeyID + ":" + srv.SecretAccessKey)

	t.Run("Storager", func(t *testing.T) {
		rec := newRequestLog(t, "")
		before := served.Load()
		st, err := NewStorager(cred, ps.WithEndpoint(ep), ps.WithName(testBucket), ps.WithWorkDir(uniqueDir("/hc/")),
			ps.WithHTTPClientOptions(&httpclient.Options{}), WithHTTPClient(&http.Client{Transport: rec}))
		if err != nil {
			t.Fatal(err)
		}
		storageOps(t, st, rec, host)
		if n := served.Load() - before; n != int64(rec.len()) {
			t.Errorf("the server got %d requests, the http_client saw %d", n, rec.len())
		}
	})

	t.Run("Servicer", func(t *testing.T) {
		rec := newRequestLog(t, "")
		before := served.Load()
		sv, err := NewServicer(cred, ps.WithEndpoint(ep), WithHTTPClient(&http.Client{Transport: rec}))
		if err != nil {
			t.Fatal(err)
		}
		it, err := sv.List()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for {
			s, err := it.Next()
			if err == types.IterateDone { //nolint:errorlint // the contract is the bare sentinel
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			found = found || s.Metadata().Name == testBucket
		}
		if !found {
			t.Fatal("List did not return the test bucket")
		}
		got := rec.since(0)
		if len(got) == 0 || got[0].method != http.MethodGet || got[0].path != "/" {
			t.Fatalf("Servicer List: the http_client saw %+v, want GET /", got)
		}
		// The storages Get and Create make send through the same client.
		st, err := sv.Get(testBucket, ps.WithWorkDir(uniqueDir("/hc/")))
		if err != nil {
			t.Fatal(err)
		}
		storageOps(t, st, rec, host)
		n := rec.len()
		made, err := sv.Create("hc-created-bucket", ps.WithLocation(srv.Zone))
		if err != nil {
			t.Fatal(err)
		}
		if got := rec.since(n); len(got) != 1 || got[0].method != http.MethodPut || got[0].path != "/hc-created-bucket" {
			t.Fatalf("Create: the http_client saw %+v", got)
		}
		storageOps(t, made, rec, host)
		if n := served.Load() - before; n != int64(rec.len()) {
			t.Errorf("the server got %d requests, the http_client saw %d", n, rec.len())
		}
	})

	t.Run("New", func(t *testing.T) {
		rec := newRequestLog(t, "")
		before := served.Load()
		sv, st, err := New(cred, ps.WithEndpoint(ep), ps.WithName(testBucket), ps.WithWorkDir(uniqueDir("/hc/")),
			WithHTTPClient(&http.Client{Transport: rec}))
		if err != nil {
			t.Fatal(err)
		}
		storageOps(t, st, rec, host)
		n := rec.len()
		it, err := sv.List()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := it.Next(); err != nil {
			t.Fatal(err)
		}
		if got := rec.since(n); len(got) != 1 || got[0].path != "/" {
			t.Errorf("the Servicer of New: the http_client saw %+v, want one GET /", got)
		}
		if n := served.Load() - before; n != int64(rec.len()) {
			t.Errorf("the server got %d requests, the http_client saw %d", n, rec.len())
		}
	})
}

// TestHTTPClientPairChecks: the pair has the schema type *http.Client, which
// no connection string can carry; a value of another type is refused; a nil
// client counts as absent.
func TestHTTPClientPairChecks(t *testing.T) {
	if typ := pairMap["http_client"]; typ != "*http.Client" {
		t.Fatalf("schema type of http_client %q", typ)
	}
	if typ := pairMap["enable_virtual_host_style"]; typ != "bool" {
		t.Fatalf("schema type of enable_virtual_host_style %q", typ)
	}
	srv := localServer(t)
	q := connQuery(srv)
	for _, cs := range []string{
		"qingstor://" + testBucket + "?" + q + "&http_client=x",
		"qingstor://" + testBucket + "?" + q + "&http_client",
	} {
		if _, err := services.NewStoragerFromString(cs); !errors.Is(err, services.ErrConnectionStringInvalid) {
			t.Errorf("NewStoragerFromString(%q) = %v, want ErrConnectionStringInvalid", cs, err)
		}
	}
	if _, err := services.NewServicerFromString("qingstor://?" + q + "&http_client=x"); !errors.Is(err, services.ErrConnectionStringInvalid) {
		t.Errorf("NewServicerFromString with http_client = %v, want ErrConnectionStringInvalid", err)
	}
	cred := ps.WithCredential("hmac:" + srv.AccessKeyID + ":" + srv.SecretAccessKey)
	ep := ps.WithEndpoint("http:" + srv.Host + ":" + itoa(srv.Port))
	bad := types.Pair{Key: "http_client", Value: http.DefaultTransport}
	if _, err := NewStorager(cred, ep, ps.WithName(testBucket), bad); !errors.Is(err, ps.ErrPairTypeMismatch) {
		t.Errorf("NewStorager with a RoundTripper as http_client = %v, want ErrPairTypeMismatch", err)
	}
	if _, err := NewServicer(cred, ep, bad); !errors.Is(err, ps.ErrPairTypeMismatch) {
		t.Errorf("NewServicer with a RoundTripper as http_client = %v, want ErrPairTypeMismatch", err)
	}
	st, err := NewStorager(cred, ep, ps.WithName(testBucket), ps.WithWorkDir(uniqueDir("/hc/")), WithHTTPClient(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write("a", strings.NewReader("x"), 1); err != nil {
		t.Fatalf("Write with a nil http_client: %v", err)
	}
}

// Programs that trace or log install a wrapper as http.DefaultTransport; a
// storage opened from a connection string without http_client must work
// there (it builds its own transport, so the wrapper sees nothing).
func TestWrappedDefaultTransport(t *testing.T) {
	srv := localServer(t)
	orig := http.DefaultTransport
	wrapper := &requestLog{base: orig}
	http.DefaultTransport = wrapper
	t.Cleanup(func() { http.DefaultTransport = orig })

	st := newStore(t, srv, uniqueDir("/wrapped/"))
	if _, err := st.Write("a", strings.NewReader("abc"), 3); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := st.Read("a", &buf); err != nil || buf.String() != "abc" {
		t.Fatalf("Read = %q, %v", buf.String(), err)
	}
	if n := wrapper.len(); n != 0 {
		t.Fatalf("the DefaultTransport wrapper sent %d requests", n)
	}
}
