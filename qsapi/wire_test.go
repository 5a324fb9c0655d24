package qsapi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestErrorJSON(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		jsonReply(w, 403, `{"code":"permission_denied","message":"nope","request_id":"body-rid","url":"http://docs/x","extra":[1]}`)
	})
	_, err := s.client().GetObject(ctx, "bkt", "k", nil)
	e, ok := AsError(err)
	if !ok {
		t.Fatal(err)
	}
	want := Error{Op: "GetObject", Resource: "bkt/k", StatusCode: 403, Code: "permission_denied", Message: "nope", RequestID: "rid-1", HelpURL: "http://docs/x"}
	if *e != want {
		t.Fatalf("%+v", e)
	}
	msg := err.Error()
	for _, part := range []string{"GetObject bkt/k", "403", "permission_denied", "nope", "rid-1"} {
		if !strings.Contains(msg, part) {
			t.Errorf("message %q lacks %q", msg, part)
		}
	}
	if strings.Contains(msg, testSK) || strings.Contains(msg, "QS "+testAK) {
		t.Fatal("error leaks credentials")
	}
	if !IsPermission(err) || IsNotFound(err) || IsThrottling(err) || IsServerFault(err) {
		t.Fatal("classification")
	}
}

func TestErrorRequestIDFromBody(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Qs-Request-Id", "")
		jsonReply(w, 404, `{"code":"object_not_exists","message":"m","request_id":"body-rid"}`)
	})
	// With no request id header, the one in the body is used.
	_, err := s.client().GetObject(ctx, "bkt", "k", nil)
	if e, _ := AsError(err); e == nil || e.RequestID != "body-rid" {
		t.Fatal(err)
	}
}

func TestErrorNonJSONBody(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(400)
		io.WriteString(w, "<html>bad things "+strings.Repeat("x", 10000)+"</html>")
	})
	_, err := s.client().ListObjects(ctx, "bkt", nil)
	e, ok := AsError(err)
	if !ok || e.StatusCode != 400 || e.Code != "" || !strings.HasPrefix(e.Body, "<html>bad things") || len(e.Body) > 4<<10 {
		t.Fatalf("%v", err)
	}
}

func TestErrorInsideOK(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		jsonReply(w, 200, `{"code":"internal_error","message":"oops","request_id":"r9"}`)
	})
	_, err := s.client().ListObjects(ctx, "bkt", nil)
	e, ok := AsError(err)
	if !ok || e.StatusCode != 200 || e.Code != "internal_error" || e.Message != "oops" || !IsServerFault(err) {
		t.Fatalf("%v", err)
	}
}

func TestErrorHelpers(t *testing.T) {
	cases := []struct {
		err                                   error
		notFound, perm, throttle, serverFault bool
	}{
		{&Error{StatusCode: 404}, true, false, false, false},
		{&Error{StatusCode: 400, Code: "upload_not_exists"}, true, false, false, false},
		{&Error{StatusCode: 404, Code: "bucket_not_exists"}, true, false, false, false},
		{&Error{StatusCode: 401, Code: "signature_not_matched"}, false, true, false, false},
		{&Error{StatusCode: 403}, false, true, false, false},
		{&Error{StatusCode: 429}, false, false, true, false},
		{&Error{StatusCode: 429, Code: "fetch_throttled"}, false, false, true, false},
		{&Error{StatusCode: 503, Code: "service_unavailable"}, false, false, false, true},
		{&Error{StatusCode: 500}, false, false, false, true},
		{fmt.Errorf("wrapped: %w", &Error{StatusCode: 404}), true, false, false, false},
		{errors.New("plain"), false, false, false, false},
		{nil, false, false, false, false},
	}
	for i, c := range cases {
		if IsNotFound(c.err) != c.notFound || IsPermission(c.err) != c.perm ||
			IsThrottling(c.err) != c.throttle || IsServerFault(c.err) != c.serverFault {
			t.Errorf("case %d (%v): got %v %v %v %v", i, c.err, IsNotFound(c.err), IsPermission(c.err), IsThrottling(c.err), IsServerFault(c.err))
		}
	}
}

// rawServer answers every connection with the bytes reply returns, then
// closes it. It listens on 127.0.0.1.
func rawServer(t *testing.T, reply func(req *http.Request) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				io.WriteString(conn, reply(req))
			}()
		}
	}()
	return ln.Addr().String()
}

func rawClient(t *testing.T, addr string) *Client {
	host, port, _ := net.SplitHostPort(addr)
	var p int
	fmt.Sscan(port, &p)
	return mustNew(t, Options{Protocol: "http", Host: host, Port: p, AccessKeyID: testAK, SecretAccessKey: testSK,
		Retry: RetryPolicy{MaxAttempts: 1}})
}

func TestTruncatedBody(t *testing.T) {
	addr := rawServer(t, func(*http.Request) string {
		return "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: application/json\r\n\r\n{\"keys\":[{\"key\":\"a\"}"
	})
	c := rawClient(t, addr)
	out, err := c.GetObject(ctx, "bkt", "k", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(out.Body)
	out.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("GetObject read err %v", err)
	}
	if _, err := c.ListObjects(ctx, "bkt", nil); err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("ListObjects err %v", err)
	}
}

func TestBodyLongerThanContentLength(t *testing.T) {
	addr := rawServer(t, func(r *http.Request) string {
		if r.URL.RawQuery == "stats" {
			return "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 12\r\nContent-Type: application/json\r\n\r\n{\"count\":42}GARBAGE{\"count\":1}"
		}
		return "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhelloEXTRA-BYTES"
	})
	c := rawClient(t, addr)
	out, err := c.GetObject(ctx, "bkt", "k", nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err != nil || string(data) != "hello" || out.ContentLength != 5 {
		t.Fatalf("%q %v", data, err)
	}
	// A JSON body is decoded from exactly Content-Length bytes, and the
	// extra bytes never leak into the next response.
	for i := 0; i < 2; i++ {
		st, err := c.GetBucketStatistics(ctx, "bkt")
		if err != nil || st.Count != 42 {
			t.Fatal(st, err)
		}
	}
}

func TestMalformedJSON(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) { jsonReply(w, 200, `{"keys":[`) })
	if _, err := s.client().ListObjects(ctx, "bkt", nil); err == nil {
		t.Fatal("malformed JSON accepted")
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)
	if got := parseTime("Sat, 28 Nov 2026 20:00:00 GMT"); !got.Equal(want) {
		t.Fatal(got)
	}
	if got := parseTime("Saturday, 28-Nov-26 20:00:00 GMT"); !got.Equal(want) {
		t.Fatal("RFC 850 form", got)
	}
	if got := parseTime("yesterday"); !got.IsZero() {
		t.Fatal(got)
	}
}

func TestKeepAliveReuse(t *testing.T) {
	var mu sync.Mutex
	addrs := map[string]bool{}
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		addrs[r.RemoteAddr] = true
		mu.Unlock()
		jsonReply(w, 200, `{"keys":[]}`)
	})
	c := s.client()
	for i := 0; i < 5; i++ {
		if _, err := c.ListObjects(ctx, "bkt", nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(addrs) != 1 {
		t.Fatalf("%d connections for 5 sequential requests", len(addrs))
	}
}

func TestHTTPS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !verifyHeaderSig(r) || r.TLS == nil {
			w.WriteHeader(401)
			return
		}
		w.WriteHeader(200)
	}))
	defer srv.Close()
	host, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	var port int
	fmt.Sscan(p, &port)
	c := mustNew(t, Options{Protocol: "https", Host: host, Port: port, AccessKeyID: testAK, SecretAccessKey: testSK,
		HTTPClient: srv.Client()})
	if _, err := c.HeadBucket(ctx, "bkt"); err != nil {
		t.Fatal(err)
	}
}

func TestErrorInsideOKWithoutBody(t *testing.T) {
	cases := []struct {
		name string
		code int
		call func(c *Client) error
	}{
		{"append", 200, func(c *Client) error {
			_, err := c.AppendObject(ctx, "bkt", "k", 0, nil, nil)
			return err
		}},
		{"put", 201, func(c *Client) error {
			_, err := c.PutObject(ctx, "bkt", "k", nil, nil)
			return err
		}},
		{"delete", 204, func(c *Client) error {
			_, err := c.DeleteObject(ctx, "bkt", "k")
			return err
		}},
	}
	for _, tc := range cases {
		s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
			jsonReply(w, tc.code, `{"code":"invalid_object_state","message":"not appendable"}`)
		})
		err := tc.call(s.client())
		e, ok := AsError(err)
		if tc.code == 204 {
			// A 204 carries no body by definition (net/http drops it).
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			continue
		}
		if !ok || e.Code != "invalid_object_state" || e.StatusCode != tc.code || e.RequestID != "rid-1" {
			t.Fatalf("%s: %v", tc.name, err)
		}
	}
}
