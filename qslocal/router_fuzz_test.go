package qslocal_test

// Fuzz targets for the server's request router and header handling, driven
// through ServeHTTP exactly as net/http would call it: the request is
// serialized and parsed back with http.ReadRequest, so only requests that
// can arrive on the wire are tried. Bad input must get a clean 4xx with a
// QingStor JSON error body, never a panic or a 500, and an SSE-C key sent
// with a request never comes back in a response.

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
	"github.com/qsgo/qsgo/qslocal"
)

const (
	fuzzAK     = "AKFUZZROUTER"
	fuzzSK     = "SKFUZZROUTER"
	fuzzBucket = "fuzz-bucket"
)

var fuzzNow = time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)

func newFuzzServer(f *testing.F) *qslocal.Server {
	s, err := qslocal.New(qslocal.Options{Memory: true, Credentials: map[string]string{fuzzAK: fuzzSK},
		Now: func() time.Time { return fuzzNow }, MinPartSize: 1,
		// Fetch sources come from fuzz input: never go to the network.
		FetchClient: &http.Client{Transport: refuseTransport{}},
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	if err := s.CreateBucket(fuzzBucket); err != nil {
		f.Fatal(err)
	}
	return s
}

// serveWire round-trips req through its wire form and serves it; it
// returns nil when the wire form does not parse (net/http would refuse it).
func serveWire(s http.Handler, wire []byte) *httptest.ResponseRecorder {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(wire)))
	if err != nil {
		return nil
	}
	req.RemoteAddr = "127.0.0.1:1"
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// checkReply applies the invariants every reply must satisfy.
func checkReply(t *testing.T, method string, rec *httptest.ResponseRecorder, secrets ...string) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("status %d for bad input: %s", rec.Code, rec.Body.Bytes())
	}
	if rec.Header().Get("X-Qs-Request-Id") == "" {
		t.Fatalf("reply without X-Qs-Request-Id (status %d)", rec.Code)
	}
	if rec.Code >= 400 && method != http.MethodHead {
		var e struct {
			Code, Message string
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || e.Message == "" {
			t.Fatalf("error reply %d is not a QingStor JSON error: %q", rec.Code, rec.Body.Bytes())
		}
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if bytes.Contains(rec.Body.Bytes(), []byte(s)) {
			t.Fatalf("secret %q echoed in the body %q", s, rec.Body.Bytes())
		}
		for k, vs := range rec.Header() {
			for _, v := range vs {
				if strings.Contains(v, s) {
					t.Fatalf("secret echoed in header %s: %q", k, v)
				}
			}
		}
	}
}

// FuzzRouterRaw feeds raw request bytes to the server. Routing, host and
// query parsing and the global-host redirect run before authentication, so
// unsigned input reaches all of them.
func FuzzRouterRaw(f *testing.F) {
	s := newFuzzServer(f)
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
		"GET /fuzz-bucket?uploads&prefix=a HTTP/1.1\r\nHost: 127.0.0.1:9000\r\n\r\n",
		"HEAD /fuzz-bucket/a%2F..%2Fb HTTP/1.1\r\nHost: fuzz-bucket.qingstor.com\r\n\r\n",
		"PUT /fuzz-bucket/k?part_number=x&upload_id= HTTP/1.1\r\nHost: pek3b.qingstor.com\r\nContent-Length: 3\r\n\r\nabc",
		"POST /fuzz-bucket?delete HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nAuthorization: QS a:b\r\n\r\n{}",
		"DELETE /%2e%2e/x?upload_id=1 HTTP/1.1\r\nHost: qingstor.com\r\n\r\n",
		"GET /fuzz-bucket/k?signature=a&expires=99999999999&access_key_id=AKFUZZROUTER HTTP/1.1\r\nHost: localhost\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, wire []byte) {
		rec := serveWire(s, wire)
		if rec == nil {
			return
		}
		req, _ := http.ReadRequest(bufio.NewReader(bytes.NewReader(wire)))
		checkReply(t, req.Method, rec)
	})
}

var fuzzMethods = []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodOptions, "PATCH"}

// FuzzRouterSigned builds correctly signed requests from fuzz input (method,
// key, query, one header, body), so that every handler and its header and
// body parsing are reached past authentication. An SSE-C key derived from
// the input is attached when keyed is set; it must never be echoed.
func FuzzRouterSigned(f *testing.F) {
	s := newFuzzServer(f)
	add := func(m uint8, key, q, hn, hv string, body string, keyed bool) {
		f.Add(m, key, q, hn, hv, []byte(body), keyed)
	}
	add(2, "obj", "", "X-Qs-Meta-A", "b", "hello", false)
	add(2, "enc", "", "Content-Type", "text/plain", "secret data", true)
	add(0, "enc", "", "Range", "bytes=2-", "", true)
	add(0, "obj", "response-content-type=text%2Fx", "Range", "bytes=-3", "", false)
	add(1, "obj", "", "If-None-Match", `"x"`, "", false)
	add(3, "app", "append&position=0", "Content-Md5", "XUFAKrxLKna5cZ2REBfFkg==", "hello", false)
	add(3, "mp", "uploads", "X-Qs-Storage-Class", "STANDARD_IA", "", false)
	add(3, "mp", "upload_id=abc", "Content-Type", "application/json", `{"object_parts":[{"part_number":0}]}`, false)
	add(2, "mp", "part_number=0&upload_id=abc", "Content-Length", "5", "hello", false)
	add(2, "copy", "", "X-Qs-Copy-Source", "/fuzz-bucket/obj", "", false)
	add(2, "moved", "", "X-Qs-Move-Source", "/fuzz-bucket/obj", "", false)
	add(3, "", "delete", "Content-Md5", "", `{"objects":[{"key":"obj"}]}`, false)
	add(0, "", "limit=1&marker=a&delimiter=/&prefix=", "X-Qs-Date", "bad", "", false)
	add(4, "", "", "", "", "", false)
	add(4, "mp", "upload_id=abc", "", "", "", false)
	add(2, "fetched", "", "X-Qs-Fetch-Source", "ftp://x", "", false)
	f.Fuzz(func(t *testing.T, m uint8, key, rawQuery, hname, hvalue string, body []byte, keyed bool) {
		method := fuzzMethods[int(m)%len(fuzzMethods)]
		path := "/" + fuzzBucket
		if key != "" {
			path += "/" + key
		}
		if len(body) > 1<<16 || strings.ContainsAny(rawQuery, "# \r\n") {
			return
		}
		req, err := http.NewRequest(method, "http://127.0.0.1:9000"+sign.Escape(path), bytes.NewReader(body))
		if err != nil {
			return
		}
		req.URL.RawQuery = rawQuery
		if hname != "" {
			req.Header.Set(hname, hvalue)
		}
		var secrets []string
		if keyed {
			k := bytes.Repeat([]byte(key+"k"), 32)[:32]
			k64 := base64.StdEncoding.EncodeToString(k)
			req.Header.Set("X-Qs-Encryption-Customer-Algorithm", "AES256")
			req.Header.Set("X-Qs-Encryption-Customer-Key", k64)
			req.Header.Set("X-Qs-Encryption-Customer-Key-Md5", fuzzMD5b64(k))
			secrets = append(secrets, k64)
		}
		req.Header.Set("Date", fuzzNow.Format(sign.TimeFormat))
		sign.SignRequest(req, fuzzAK, fuzzSK, sign.CanonicalURI(req.URL.Path, ""))
		var wire bytes.Buffer
		if err := req.Write(&wire); err != nil {
			return
		}
		rec := serveWire(s, wire.Bytes())
		if rec == nil {
			return
		}
		checkReply(t, method, rec, secrets...)
	})
}

func fuzzMD5b64(b []byte) string { s := md5.Sum(b); return base64.StdEncoding.EncodeToString(s[:]) }

// refuseTransport fails every request (fetches must not leave the process).
type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("fuzz: fetch disabled")
}
