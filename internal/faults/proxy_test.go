package faults

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// upstream is an httptest server that serves a fixed body on GET and
// records what PUT bodies it received (and how their reading ended).
type upstream struct {
	*httptest.Server
	body []byte

	mu    sync.Mutex
	hits  int
	puts  []putRecord
	putCh chan putRecord
}

type putRecord struct {
	n   int
	err error
}

func newUpstream(t *testing.T) *upstream {
	u := &upstream{body: bytes.Repeat([]byte("0123456789"), 1000), putCh: make(chan putRecord, 16)}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.hits++
		u.mu.Unlock()
		switch r.Method {
		case http.MethodPut:
			b, err := io.ReadAll(r.Body)
			rec := putRecord{len(b), err}
			u.mu.Lock()
			u.puts = append(u.puts, rec)
			u.mu.Unlock()
			u.putCh <- rec
			if err != nil {
				return
			}
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(http.StatusCreated)
		case http.MethodHead:
			w.Header().Set("Content-Length", "10000")
			w.Header().Set("Etag", `"x"`)
		default:
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(u.body)
		}
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) hitCount() int { u.mu.Lock(); defer u.mu.Unlock(); return u.hits }

func newProxy(t *testing.T, up string, rules ...Rule) *Proxy {
	t.Helper()
	p, err := New(up)
	if err != nil {
		t.Fatal(err)
	}
	p.Add(rules...)
	t.Cleanup(func() { p.Close() })
	return p
}

func client(t *testing.T) *http.Client {
	tr := &http.Transport{DisableKeepAlives: false}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func get(t *testing.T, hc *http.Client, url string) (*http.Response, []byte, error) {
	t.Helper()
	resp, err := hc.Get(url)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestPassForwardsBothWays(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u.URL)
	hc := client(t)
	for i := 0; i < 3; i++ { // keep-alive: several requests on one connection
		resp, b, err := get(t, hc, p.URL()+"/obj")
		if err != nil || resp.StatusCode != 200 || !bytes.Equal(b, u.body) {
			t.Fatalf("GET %d: err %v status %v len %d", i, err, resp, len(b))
		}
	}
	req, _ := http.NewRequest(http.MethodPut, p.URL()+"/obj", bytes.NewReader(u.body))
	resp, err := hc.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("PUT: %v %v", err, resp)
	}
	resp.Body.Close()
	if rec := <-u.putCh; rec.n != len(u.body) || rec.err != nil {
		t.Fatalf("upstream got %+v", rec)
	}
	hr, err := hc.Head(p.URL() + "/obj")
	if err != nil || hr.ContentLength != 10000 || hr.Header.Get("Etag") != `"x"` {
		t.Fatalf("HEAD: %v %+v", err, hr)
	}
	hr.Body.Close()
	if n := len(p.Events()); n != 5 || p.Injected() != 0 {
		t.Fatalf("events %d injected %d", n, p.Injected())
	}
}

func TestStatusTimesThenPass(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u.URL, Rule{Match: Method(http.MethodGet), Faults: Times(2, Fault{Kind: Status, Code: 503})})
	hc := client(t)
	for i := 0; i < 2; i++ {
		resp, b, err := get(t, hc, p.URL()+"/obj")
		if err != nil || resp.StatusCode != 503 || !strings.Contains(string(b), `"code":"service_unavailable"`) ||
			resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("attempt %d: %v %v %s", i, err, resp, b)
		}
	}
	if u.hitCount() != 0 {
		t.Fatalf("injected statuses reached the upstream %d times", u.hitCount())
	}
	resp, b, err := get(t, hc, p.URL()+"/obj")
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(b, u.body) {
		t.Fatalf("third: %v %v", err, resp)
	}
	ev := p.Events()
	if len(ev) != 3 || ev[0].Fault.String() != "status 503" || ev[2].Fault.Kind != Pass || ev[2].Seq != 3 {
		t.Fatalf("events %+v", ev)
	}
}

func TestSkipAndMatchers(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u.URL,
		Rule{Match: And(Method(http.MethodGet), HasQuery("part_number"), PathHasPrefix("/b/")), Skip: 1, Faults: []Fault{{Kind: Status, Code: 500}}},
		Rule{Match: Not(Method(http.MethodGet)), Faults: []Fault{{Kind: Status, Code: 429}}},
	)
	hc := client(t)
	codes := []int{}
	for _, path := range []string{"/b/k?part_number=1", "/c/k?part_number=1", "/b/k?part_number=2", "/b/k?part_number=3", "/b/k"} {
		resp, _, err := get(t, hc, p.URL()+path)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, resp.StatusCode)
	}
	if want := []int{200, 200, 500, 200, 200}; !equalInts(codes, want) {
		t.Fatalf("codes %v, want %v", codes, want)
	}
	hr, err := hc.Head(p.URL() + "/b/k")
	if err != nil || hr.StatusCode != 429 || hr.ContentLength != 0 {
		t.Fatalf("HEAD: %v %+v", err, hr)
	}
	hr.Body.Close()
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestResetOnRequest(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u.URL, Rule{Faults: []Fault{{Kind: ResetOnRequest}}})
	hc := client(t)
	if _, _, err := get(t, hc, p.URL()+"/obj"); err == nil {
		t.Fatal("GET through a reset succeeded")
	}
	// The transport may retry an idempotent request on a fresh connection
	// by itself; that one passes. Either way the reset reached nobody.
	if ev := p.Events(); ev[0].Fault.Kind != ResetOnRequest {
		t.Fatalf("events %+v", ev)
	}
}

func TestResetMidRequestBodyTruncatesUpstream(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u.URL, Rule{Faults: []Fault{{Kind: ResetMidRequestBody, Bytes: 100}}})
	hc := client(t)
	req, _ := http.NewRequest(http.MethodPut, p.URL()+"/obj", bytes.NewReader(u.body))
	resp, err := hc.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("PUT through a mid-body reset succeeded: %d", resp.StatusCode)
	}
	rec := <-u.putCh
	if rec.err == nil || rec.n > 100 {
		t.Fatalf("upstream read %d bytes, err %v; want a truncated body of at most 100", rec.n, rec.err)
	}
}

func TestResetBeforeResponseAfterServerApplied(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u.URL, Rule{Faults: []Fault{{Kind: ResetBeforeResponse}}})
	hc := client(t)
	req, _ := http.NewRequest(http.MethodPut, p.URL()+"/obj", bytes.NewReader(u.body))
	resp, err := hc.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("PUT succeeded although its response was reset")
	}
	if rec := <-u.putCh; rec.err != nil || rec.n != len(u.body) {
		t.Fatalf("upstream got %+v, want the whole body", rec)
	}
}

func TestResetMidResponseBody(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u.URL, Rule{Faults: []Fault{{Kind: ResetMidResponseBody, Bytes: 1234}}})
	hc := client(t)
	resp, b, err := get(t, hc, p.URL()+"/obj")
	if err == nil {
		t.Fatalf("read through a mid-body reset ended cleanly with %d bytes", len(b))
	}
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(u.body)) || len(b) > 1234 || !bytes.Equal(b, u.body[:len(b)]) {
		t.Fatalf("status %d length %d read %d", resp.StatusCode, resp.ContentLength, len(b))
	}
}

func TestShortBody(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u.URL, Rule{Faults: []Fault{{Kind: ShortBody, Bytes: 7}}})
	hc := client(t)
	resp, b, err := get(t, hc, p.URL()+"/obj")
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err %v, want unexpected EOF", err)
	}
	if resp.ContentLength != int64(len(u.body)) || len(b) != len(u.body)-7 {
		t.Fatalf("length %d, read %d", resp.ContentLength, len(b))
	}
}

func TestSlowHeadersEndsWithClientDeadline(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u.URL, Rule{Faults: []Fault{{Kind: SlowHeaders}}})
	hc := client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL()+"/obj", nil)
	_, err := hc.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want deadline exceeded", err)
	}
	if u.hitCount() != 0 {
		t.Fatal("slow-headers request reached the upstream")
	}
	// The next request passes.
	if resp, b, err := get(t, hc, p.URL()+"/obj"); err != nil || resp.StatusCode != 200 || len(b) != len(u.body) {
		t.Fatalf("after slow headers: %v", err)
	}
}

func TestSlowHeadersRelease(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u.URL, Rule{Faults: []Fault{{Kind: SlowHeaders}}})
	hc := client(t)
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPut, p.URL()+"/obj", strings.NewReader("x"))
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	if err := p.WaitRequests(context.Background(), 1); err != nil { // the request is being held
		t.Fatal(err)
	}
	p.Release()
	if err := <-errc; err == nil {
		t.Fatal("released slow request got a response")
	}
}

func TestOKErrorBody(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u.URL, Rule{Faults: []Fault{{Kind: OKErrorBody}}})
	resp, b, err := get(t, client(t), p.URL()+"/obj")
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" ||
		!strings.Contains(string(b), `"code":"internal_error"`) {
		t.Fatalf("%v %v %s", err, resp, b)
	}
}

func TestCloseEndsEverything(t *testing.T) {
	u := newUpstream(t)
	p, err := New(u.URL)
	if err != nil {
		t.Fatal(err)
	}
	p.Add(Rule{Faults: []Fault{{Kind: SlowHeaders}}})
	errc := make(chan error, 1)
	go func() {
		_, _, err := get(t, client(t), p.URL()+"/obj")
		errc <- err
	}()
	if err := p.WaitRequests(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Fatal("request held by a closed proxy succeeded")
	}
	if err := p.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
}

func TestNewRejectsBadUpstream(t *testing.T) {
	for _, up := range []string{"", "ftp://x", "http://", "://"} {
		if p, err := New(up); err == nil {
			p.Close()
			t.Errorf("New(%q) accepted", up)
		}
	}
}

func TestFaultString(t *testing.T) {
	for f, want := range map[Fault]string{
		{Kind: Status}:                         "status 500",
		{Kind: ShortBody, Bytes: 3}:            "short-body 3",
		{Kind: OKErrorBody}:                    "200-error-body",
		{Kind: ResetMidRequestBody, Bytes: 10}: "reset-mid-request-body 10",
		{Kind: Kind(99)}:                       "kind(99)",
	} {
		if got := f.String(); got != want {
			t.Errorf("%#v: %q, want %q", f, got, want)
		}
	}
}
