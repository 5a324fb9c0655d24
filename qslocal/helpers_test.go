package qslocal

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// tc is a hand-rolled signing client for tests: it builds requests the way
// the official SDK does (QS-escaped path, Content-Length always set, Date
// in the exact HTTP format) and signs them with qsapi/sign.
type tc struct {
	t      testing.TB
	ts     *TestServer
	hc     *http.Client
	ak, sk string
}

func newTC(t testing.TB, ts *TestServer) *tc {
	return &tc{t: t, ts: ts, hc: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		ak: ts.AccessKeyID, sk: ts.SecretAccessKey}
}

// reqOpt adjusts a request before signing.
type reqOpt func(*http.Request)

func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

func withHost(h string) reqOpt { return func(r *http.Request) { r.Host = h } }

func withMD5(body []byte) reqOpt {
	sum := md5.Sum(body)
	return withHeader("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
}

// newReq builds an unsigned request for path (decoded, "/bucket/key") and
// raw query.
func (c *tc) newReq(method, path, query string, body []byte, opts ...reqOpt) *http.Request {
	c.t.Helper()
	u := c.ts.Endpoint + sign.Escape(path)
	if query != "" {
		u += "?" + query
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r, err := http.NewRequest(method, u, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	r.ContentLength = int64(len(body))
	if body == nil {
		r.Header.Set("Content-Length", "0")
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// vhostBucket returns the bucket to pass to CanonicalURI for r.
func canonical(r *http.Request, vhostBucket string) string {
	return sign.CanonicalURI(r.URL.Path, vhostBucket)
}

// do signs (header form) and sends a request.
func (c *tc) do(method, path, query string, body []byte, opts ...reqOpt) *http.Response {
	c.t.Helper()
	r := c.newReq(method, path, query, body, opts...)
	sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
	return c.send(r)
}

func (c *tc) send(r *http.Request) *http.Response {
	c.t.Helper()
	resp, err := c.hc.Do(r)
	if err != nil {
		c.t.Fatalf("%s %s: %v", r.Method, r.URL, err)
	}
	return resp
}

// result is a fully read response.
type result struct {
	status int
	header http.Header
	body   []byte
}

func (c *tc) call(method, path, query string, body []byte, opts ...reqOpt) result {
	c.t.Helper()
	return read(c.t, c.do(method, path, query, body, opts...))
}

func read(t testing.TB, resp *http.Response) result {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: b}
}

// want checks the status (and for errors the JSON code).
func (r result) want(t testing.TB, status int, code string) result {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if code != "" {
		var e errorBody
		if err := json.Unmarshal(r.body, &e); err != nil {
			t.Fatalf("error body %q: %v", r.body, err)
		}
		if e.Code != code {
			t.Fatalf("code %q, want %q (%s)", e.Code, code, e.Message)
		}
		if e.RequestID == "" || e.RequestID != r.header.Get("X-Qs-Request-Id") || e.URL == "" || e.Message == "" {
			t.Fatalf("incomplete error body %s (request id header %q)", r.body, r.header.Get("X-Qs-Request-Id"))
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("error Content-Type %q", ct)
		}
	}
	return r
}

// wantBare checks a status-only reply: no body, Content-Length: 0, the
// request id header present (HEAD errors, 304 and 412 to GET).
func (r result) wantBare(t testing.TB, status int) result {
	t.Helper()
	r.want(t, status, "")
	cl := r.header.Get("Content-Length")
	if status == 304 && cl == "" {
		cl = "0" // net/http never sends Content-Length on 304 (it has no body by definition)
	}
	if len(r.body) != 0 || cl != "0" || r.header.Get("X-Qs-Request-Id") == "" {
		t.Fatalf("status %d: want no body, Content-Length 0 and a request id; got body %q, headers %v", status, r.body, r.header)
	}
	return r
}

func (r result) json(t testing.TB, v any) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (c *tc) put(bucket, key string, body []byte, opts ...reqOpt) result {
	c.t.Helper()
	return c.call("PUT", "/"+bucket+"/"+key, "", body, opts...).want(c.t, 201, "")
}

func (c *tc) get(bucket, key string, opts ...reqOpt) []byte {
	c.t.Helper()
	return c.call("GET", "/"+bucket+"/"+key, "", nil, opts...).want(c.t, 200, "").body
}

func qesc(s string) string { return url.QueryEscape(s) }

func etagOf(b []byte) string { s := md5.Sum(b); return quoteETag(s[:]) }
