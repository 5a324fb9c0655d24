package qsapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// scripted answers attempt i of every request with script[i] (the last step
// repeats): a status like "503", "429 7" (status and Retry-After), "reset"
// (TCP RST before any response) or "eof" (close before any response).
type scripted struct {
	mu     sync.Mutex
	script []string
	n      int
	bodies []string
}

func (sc *scripted) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	sc.mu.Lock()
	step := sc.script[min(sc.n, len(sc.script)-1)]
	sc.n++
	sc.bodies = append(sc.bodies, string(body))
	sc.mu.Unlock()
	f := strings.Fields(step)
	switch f[0] {
	case "reset", "eof":
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		if f[0] == "reset" {
			_ = conn.(*net.TCPConn).SetLinger(0)
		}
		conn.Close()
		return
	}
	code, _ := strconv.Atoi(f[0])
	if len(f) > 1 {
		w.Header().Set("Retry-After", f[1])
	}
	if code >= 400 {
		jsonReply(w, code, `{"code":"x","message":"scripted"}`)
		return
	}
	w.WriteHeader(code)
}

func (sc *scripted) attempts() (int, []string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.n, append([]string(nil), sc.bodies...)
}

// onlyReader hides every interface but io.Reader (a non-seekable body).
type onlyReader struct{ io.Reader }

func TestRetryTable(t *testing.T) {
	type bodyKind int
	const (
		noBody bodyKind = iota
		seekable
		nonSeekable
		withGetBody
	)
	cases := []struct {
		name     string
		script   []string
		body     bodyKind
		attempts int
		wantErr  int // 0: success; else the status of the *Error; -1: transport error
		waits    []time.Duration
	}{
		{"ok first", []string{"201"}, seekable, 1, 0, nil},
		{"503 then ok", []string{"503", "201"}, seekable, 2, 0, []time.Duration{100 * time.Millisecond}},
		{"each retryable status", []string{"408", "429", "500", "502", "504", "201"}, noBody, 6, 0,
			[]time.Duration{100, 200, 400, 800, 800}},
		{"gives up after max", []string{"500"}, seekable, 4, 500, []time.Duration{100, 200, 400}},
		{"retry-after honoured", []string{"429 2", "201"}, seekable, 2, 0, []time.Duration{2 * time.Second}},
		{"retry-after capped", []string{"503 3600", "201"}, seekable, 2, 0, []time.Duration{5 * time.Second}},
		{"400 never retried", []string{"400", "201"}, seekable, 1, 400, nil},
		{"403 never retried", []string{"403", "201"}, seekable, 1, 403, nil},
		{"404 never retried", []string{"404", "201"}, noBody, 1, 404, nil},
		{"409 never retried", []string{"409", "201"}, seekable, 1, 409, nil},
		{"507 (disk full) never retried", []string{"507", "201"}, seekable, 1, 507, nil},
		{"reset then ok", []string{"reset", "201"}, seekable, 2, 0, []time.Duration{100}},
		{"eof then ok", []string{"eof", "eof", "201"}, noBody, 3, 0, []time.Duration{100, 200}},
		{"getbody replays", []string{"502", "reset", "201"}, withGetBody, 3, 0, []time.Duration{100, 200}},
		{"non-seekable sent once on 503", []string{"503", "201"}, nonSeekable, 1, 503, nil},
		{"non-seekable sent once on reset", []string{"reset", "201"}, nonSeekable, 1, -1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := &scripted{script: tc.script}
			s := newStub(t, sc.handle)
			var waits []time.Duration
			c := s.client(func(o *Options) {
				o.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
				o.Retry = RetryPolicy{
					MaxAttempts: 4, BaseDelay: 100, MaxDelay: 800, MaxRetryAfter: 5 * time.Second,
					Jitter: func(max time.Duration) time.Duration { return max },
					Sleep: func(ctx context.Context, d time.Duration) error {
						waits = append(waits, d)
						return ctx.Err()
					},
				}
				if tc.name == "each retryable status" {
					o.Retry.MaxAttempts = 6
				}
				if strings.HasPrefix(tc.name, "retry-after") || tc.name == "503 then ok" {
					o.Retry.BaseDelay, o.Retry.MaxDelay = 100*time.Millisecond, time.Second
				}
			})
			const payload = "payload-bytes"
			var body io.Reader
			in := &PutObjectInput{ContentLength: int64(len(payload))}
			switch tc.body {
			case noBody:
				in.ContentLength = 0
			case seekable:
				body = bytes.NewReader([]byte(payload))
			case nonSeekable:
				body = onlyReader{strings.NewReader(payload)}
			case withGetBody:
				body = onlyReader{strings.NewReader(payload)}
				in.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(payload)), nil }
			}
			_, err := c.PutObject(ctx, "bkt", "k", body, in)
			n, bodies := sc.attempts()
			if n != tc.attempts {
				t.Fatalf("attempts %d, want %d (err %v)", n, tc.attempts, err)
			}
			switch {
			case tc.wantErr == 0 && err != nil:
				t.Fatalf("err %v", err)
			case tc.wantErr > 0:
				e, ok := AsError(err)
				if !ok || e.StatusCode != tc.wantErr {
					t.Fatalf("err %v, want status %d", err, tc.wantErr)
				}
			case tc.wantErr < 0:
				if _, ok := AsError(err); ok || err == nil {
					t.Fatalf("err %v, want transport error", err)
				}
			}
			if tc.body != noBody {
				for i, b := range bodies {
					if b != payload && !(tc.script[min(i, len(tc.script)-1)] == "reset") {
						t.Fatalf("attempt %d body %q", i, b)
					}
				}
			}
			if len(waits) != len(tc.waits) {
				t.Fatalf("waits %v, want %v", waits, tc.waits)
			}
			for i := range waits {
				if waits[i] != tc.waits[i] {
					t.Fatalf("waits %v, want %v", waits, tc.waits)
				}
			}
		})
	}
}

func TestRetryConnectionRefused(t *testing.T) {
	sc := &scripted{script: []string{"201"}}
	s := newStub(t, sc.handle)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		if dials.Add(1) == 1 {
			return d.DialContext(ctx, network, closed) // refused
		}
		return d.DialContext(ctx, network, addr)
	}}
	c := s.client(func(o *Options) { o.HTTPClient = &http.Client{Transport: tr} })
	if _, err := c.PutObject(ctx, "bkt", "k", strings.NewReader("x"), &PutObjectInput{ContentLength: 1}); err != nil {
		t.Fatal(err)
	}
	if dials.Load() != 2 {
		t.Fatalf("dials %d", dials.Load())
	}
}

func TestRetryContextCancelDuringBackoff(t *testing.T) {
	sc := &scripted{script: []string{"503"}}
	s := newStub(t, sc.handle)
	cctx, cancel := context.WithCancel(context.Background())
	c := s.client(func(o *Options) {
		o.Retry.Sleep = func(ctx context.Context, d time.Duration) error {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}
	})
	_, err := c.HeadBucket(cctx, "bkt")
	if err != context.Canceled {
		t.Fatalf("err %v, want context.Canceled itself", err)
	}
	if n, _ := sc.attempts(); n != 1 {
		t.Fatalf("attempts %d", n)
	}
}

func TestRetryContextCancelInFlight(t *testing.T) {
	arrived := make(chan struct{})
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	})
	cctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	_, err := s.client().GetObject(cctx, "bkt", "k", nil)
	if err != context.Canceled {
		t.Fatalf("err %v", err)
	}
	if len(s.requests()) != 1 {
		t.Fatal("retried after cancel")
	}
}

func TestDefaultBackoffJitterBounds(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	if p.MaxAttempts < 3 {
		t.Fatal("default attempts < 3")
	}
	for n := 1; n < 10; n++ {
		ceil := min(p.BaseDelay<<(n-1), p.MaxDelay)
		for i := 0; i < 50; i++ {
			if d := p.backoff(n, nil); d < 0 || d >= ceil {
				t.Fatalf("retry %d: %v outside [0,%v)", n, d, ceil)
			}
		}
	}
	if err := sleepCtx(canceledCtx(), time.Hour); err != context.Canceled {
		t.Fatal(err)
	}
}

func canceledCtx() context.Context {
	c, cancel := context.WithCancel(context.Background())
	cancel()
	return c
}

func TestRetryAfterParse(t *testing.T) {
	if d, ok := retryAfter("7"); !ok || d != 7*time.Second {
		t.Fatal(d, ok)
	}
	if d, ok := retryAfter(time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)); !ok || d < 59*time.Minute {
		t.Fatal(d, ok)
	}
	for _, bad := range []string{"", "-1", "soon"} {
		if _, ok := retryAfter(bad); ok {
			t.Fatal(bad)
		}
	}
}

func TestRetryableErr(t *testing.T) {
	if retryableErr(errors.New("x")) || retryableErr(&net.OpError{Op: "read", Err: errors.New("x")}) {
		t.Fatal("non-retryable reported retryable")
	}
	for _, err := range []error{
		&net.OpError{Op: "dial", Err: errors.New("x")}, io.ErrUnexpectedEOF,
		&net.OpError{Op: "write", Err: net.ErrClosed},
	} {
		if !retryableErr(err) {
			t.Fatalf("%v reported non-retryable", err)
		}
	}
}

// A response-header timeout (whose error also answers
// errors.Is(err, context.DeadlineExceeded)) is retried while the caller's
// context is alive.
func TestRetryResponseHeaderTimeout(t *testing.T) {
	var n atomic.Int32
	release := make(chan struct{})
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			<-release // slow headers on the first attempt
		}
		w.WriteHeader(201)
	})
	defer close(release)
	c := s.client(func(o *Options) {
		o.HTTPClient = &http.Client{Transport: &http.Transport{ResponseHeaderTimeout: 100 * time.Millisecond}}
	})
	if _, err := c.PutObject(ctx, "bkt", "k", strings.NewReader("abc"), &PutObjectInput{ContentLength: 3}); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 {
		t.Fatalf("%d attempts", n.Load())
	}
}
