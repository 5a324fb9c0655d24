package qslocal_test

// Security tests for qslocal: every route refuses every kind of bad
// authentication with the right error and changes nothing; hostile keys
// never reach outside the data directory; SSE-C keys never reach the disk,
// the log or a response; request size caps hold.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
	"github.com/qsgo/qsgo/qslocal"
)

// secClient signs requests for a test server.
type secClient struct {
	t      *testing.T
	ts     *qslocal.TestServer
	hc     *http.Client
	ak, sk string
}

func newSecClient(t *testing.T, ts *qslocal.TestServer) *secClient {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &secClient{t: t, ts: ts, ak: ts.AccessKeyID, sk: ts.SecretAccessKey,
		hc: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// secRoute is one request shape: method, decoded path, raw query, body and
// extra headers.
type secRoute struct {
	name    string
	method  string
	path    string
	query   string
	body    []byte
	headers map[string]string
}

// build returns the unsigned request for rt.
func (c *secClient) build(rt secRoute) *http.Request {
	c.t.Helper()
	u := c.ts.Endpoint + sign.Escape(rt.path)
	if rt.query != "" {
		u += "?" + rt.query
	}
	r, err := http.NewRequest(rt.method, u, bytes.NewReader(rt.body))
	if err != nil {
		c.t.Fatal(err)
	}
	r.ContentLength = int64(len(rt.body))
	if len(rt.body) == 0 {
		r.Body = http.NoBody
	}
	for k, v := range rt.headers {
		r.Header.Set(k, v)
	}
	// Every route carries an x-qs- header, so that tampering with one is
	// possible on every route.
	r.Header.Set("X-Qs-Meta-Probe", "original")
	return r
}

func (c *secClient) signed(rt secRoute) *http.Request {
	r := c.build(rt)
	sign.SignRequest(r, c.ak, c.sk, sign.CanonicalURI(r.URL.Path, ""))
	return r
}

type secReply struct {
	status int
	code   string
	body   []byte
	header http.Header
}

func (c *secClient) send(r *http.Request) secReply {
	c.t.Helper()
	resp, err := c.hc.Do(r)
	if err != nil {
		c.t.Fatalf("%s %s: %v", r.Method, r.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read: %v", r.Method, r.URL, err)
	}
	rep := secReply{status: resp.StatusCode, body: b, header: resp.Header}
	var e struct{ Code string }
	if json.Unmarshal(b, &e) == nil {
		rep.code = e.Code
	}
	return rep
}

func (c *secClient) ok(rt secRoute, want int) secReply {
	c.t.Helper()
	rep := c.send(c.signed(rt))
	if rep.status != want {
		c.t.Fatalf("%s: status %d, want %d: %s", rt.name, rep.status, want, rep.body)
	}
	return rep
}

func secMD5(b []byte) string { s := md5.Sum(b); return base64.StdEncoding.EncodeToString(s[:]) }

const (
	secBucket = "sec-bucket"
	secEmpty  = "sec-empty-bucket"
)

// secFixture creates the state every route refers to and returns the id of
// an unfinished multipart upload of "mp" (with part 0 uploaded).
func secFixture(c *secClient) string {
	c.ts.CreateBucket(secBucket)
	c.ts.CreateBucket(secEmpty)
	c.ok(secRoute{name: "put obj", method: "PUT", path: "/" + secBucket + "/obj", body: []byte("object body")}, 201)
	c.ok(secRoute{name: "put app", method: "POST", path: "/" + secBucket + "/app", query: "append&position=0", body: []byte("app")}, 200)
	rep := c.ok(secRoute{name: "initiate", method: "POST", path: "/" + secBucket + "/mp", query: "uploads"}, 200)
	var init struct {
		UploadID string `json:"upload_id"`
	}
	if err := json.Unmarshal(rep.body, &init); err != nil || init.UploadID == "" {
		c.t.Fatalf("initiate: %s", rep.body)
	}
	c.ok(secRoute{name: "part", method: "PUT", path: "/" + secBucket + "/mp", query: "part_number=0&upload_id=" + init.UploadID, body: []byte("part zero")}, 201)
	return init.UploadID
}

// snapshot renders the whole observable state through signed reads.
func (c *secClient) snapshot(uploadID string) string {
	c.t.Helper()
	var b strings.Builder
	for _, rt := range []secRoute{
		{name: "buckets", method: "GET", path: "/"},
		{name: "objects", method: "GET", path: "/" + secBucket, query: "limit=1000"},
		{name: "empty", method: "GET", path: "/" + secEmpty, query: "limit=1000"},
		{name: "uploads", method: "GET", path: "/" + secBucket, query: "uploads"},
		{name: "parts", method: "GET", path: "/" + secBucket + "/mp", query: "upload_id=" + uploadID},
		{name: "obj", method: "GET", path: "/" + secBucket + "/obj"},
		{name: "app", method: "GET", path: "/" + secBucket + "/app"},
	} {
		rep := c.send(c.signed(rt))
		fmt.Fprintf(&b, "%s %d %s %s %s\n", rt.name, rep.status, rep.header.Get("Etag"), rep.header.Get("X-Qs-Meta-Probe"), rep.body)
	}
	return b.String()
}

// secRoutes is every route qslocal serves, each aimed at the fixture.
func secRoutes(uploadID string) []secRoute {
	del := []byte(`{"quiet":false,"objects":[{"key":"obj"}]}`)
	complete := []byte(`{"object_parts":[{"part_number":0}]}`)
	o := "/" + secBucket + "/"
	return []secRoute{
		{name: "ListBuckets", method: "GET", path: "/"},
		{name: "PutBucket", method: "PUT", path: "/sec-new-bucket"},
		{name: "HeadBucket", method: "HEAD", path: "/" + secBucket},
		{name: "DeleteBucket", method: "DELETE", path: "/" + secEmpty},
		{name: "ListObjects", method: "GET", path: "/" + secBucket, query: "prefix=o"},
		{name: "ListUploads", method: "GET", path: "/" + secBucket, query: "uploads"},
		{name: "BucketStats", method: "GET", path: "/" + secBucket, query: "stats"},
		{name: "DeleteMultiple", method: "POST", path: "/" + secBucket, query: "delete", body: del, headers: map[string]string{"Content-MD5": secMD5(del), "Content-Type": "application/json"}},
		{name: "PutObject", method: "PUT", path: o + "obj", body: []byte("replaced!")},
		{name: "CopyObject", method: "PUT", path: o + "copied", headers: map[string]string{"X-Qs-Copy-Source": "/" + secBucket + "/obj"}},
		{name: "MoveObject", method: "PUT", path: o + "moved", headers: map[string]string{"X-Qs-Move-Source": "/" + secBucket + "/obj"}},
		{name: "FetchObject", method: "PUT", path: o + "fetched", headers: map[string]string{"X-Qs-Fetch-Source": "http://127.0.0.1:1/x"}},
		{name: "GetObject", method: "GET", path: o + "obj"},
		{name: "HeadObject", method: "HEAD", path: o + "obj"},
		{name: "DeleteObject", method: "DELETE", path: o + "obj"},
		{name: "AppendObject", method: "POST", path: o + "app", query: "append&position=3", body: []byte("more")},
		{name: "InitiateMultipart", method: "POST", path: o + "mp2", query: "uploads"},
		{name: "UploadPart", method: "PUT", path: o + "mp", query: "part_number=1&upload_id=" + uploadID, body: []byte("part one")},
		{name: "ListParts", method: "GET", path: o + "mp", query: "upload_id=" + uploadID},
		{name: "CompleteMultipart", method: "POST", path: o + "mp", query: "upload_id=" + uploadID, body: complete, headers: map[string]string{"Content-Type": "application/json"}},
		{name: "AbortMultipart", method: "DELETE", path: o + "mp", query: "upload_id=" + uploadID},
	}
}

// secAttack turns a route into a bad request and names the expected reply.
type secAttack struct {
	name   string
	status int
	code   string
	make   func(c *secClient, rt secRoute) *http.Request
}

func secAttacks() []secAttack {
	canon := func(r *http.Request) string { return sign.CanonicalURI(r.URL.Path, "") }
	return []secAttack{
		{"no-auth", 403, "permission_denied", func(c *secClient, rt secRoute) *http.Request {
			r := c.build(rt)
			r.Header.Set("Date", time.Now().UTC().Format(sign.TimeFormat))
			return r
		}},
		{"unknown-key", 401, "invalid_access_key_id", func(c *secClient, rt secRoute) *http.Request {
			r := c.build(rt)
			sign.SignRequest(r, "AKUNKNOWNUNKNOWN0000", c.sk, canon(r))
			return r
		}},
		{"wrong-signature", 401, "signature_not_matched", func(c *secClient, rt secRoute) *http.Request {
			r := c.build(rt)
			sign.SignRequest(r, c.ak, c.sk+"x", canon(r))
			return r
		}},
		{"tampered-query", 401, "signature_not_matched", func(c *secClient, rt secRoute) *http.Request {
			r := c.signed(rt)
			// A signed sub-resource added after signing (one no route uses).
			if r.URL.RawQuery != "" {
				r.URL.RawQuery += "&"
			}
			r.URL.RawQuery += "acl"
			return r
		}},
		{"tampered-query-value", 401, "signature_not_matched", func(c *secClient, rt secRoute) *http.Request {
			r := c.signed(rt)
			// Change the value of a signed sub-resource the route uses, or
			// add one with a value where it uses none.
			q := r.URL.RawQuery
			for _, k := range []string{"upload_id=", "position=", "part_number="} {
				if i := strings.Index(q, k); i >= 0 {
					r.URL.RawQuery = q[:i+len(k)] + "9" + q[i+len(k):]
					return r
				}
			}
			if q != "" {
				q += "&"
			}
			r.URL.RawQuery = q + "response-content-type=text%2Fhtml"
			return r
		}},
		{"tampered-header", 401, "signature_not_matched", func(c *secClient, rt secRoute) *http.Request {
			r := c.signed(rt)
			r.Header.Set("X-Qs-Meta-Probe", "tampered")
			return r
		}},
		{"expired-presigned", 403, "request_expired", func(c *secClient, rt secRoute) *http.Request {
			r := c.build(rt)
			sign.PresignRequest(r, c.ak, c.sk, canon(r), time.Now().Add(-time.Minute).Unix())
			return r
		}},
		{"skewed-date", 403, "request_expired", func(c *secClient, rt secRoute) *http.Request {
			r := c.build(rt)
			r.Header.Set("Date", time.Now().Add(20*time.Minute).UTC().Format(sign.TimeFormat))
			sign.SignRequest(r, c.ak, c.sk, canon(r))
			return r
		}},
	}
}

func TestSecurityAuthTable(t *testing.T) {
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.MinPartSize = 1 })
	c := newSecClient(t, ts)
	uploadID := secFixture(c)
	before := c.snapshot(uploadID)
	for _, rt := range secRoutes(uploadID) {
		for _, at := range secAttacks() {
			rep := c.send(at.make(c, rt))
			if rep.status != at.status {
				t.Errorf("%s / %s: status %d, want %d (%s)", rt.name, at.name, rep.status, at.status, rep.body)
				continue
			}
			if rt.method != http.MethodHead && rep.code != at.code {
				t.Errorf("%s / %s: code %q, want %q", rt.name, at.name, rep.code, at.code)
			}
		}
		if after := c.snapshot(uploadID); after != before {
			t.Fatalf("refused %s requests changed the state:\nbefore:\n%s\nafter:\n%s", rt.name, before, after)
		}
	}
	// The same routes, signed properly, do work (so the refusals above are
	// about authentication and nothing else): spot-check a reader and a writer.
	c.ok(secRoutes(uploadID)[12], 200)
	c.ok(secRoutes(uploadID)[8], 201)
}

// listFiles returns every path under dir (relative), with file sizes.
func listFiles(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		var size int64
		if info, err := d.Info(); err == nil && !d.IsDir() {
			size = info.Size()
		}
		out[rel] = size
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawRequest sends a request line and headers verbatim (no client-side path
// cleaning or escaping) and returns the status.
func rawRequest(t *testing.T, addr, target string, hdr http.Header, body []byte) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var b bytes.Buffer
	fmt.Fprintf(&b, "PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\nConnection: close\r\n", target, addr, len(body))
	hdr.Write(&b)
	b.WriteString("\r\n")
	b.Write(body)
	if _, err := conn.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("raw %s: %v", target, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSecurityHostileKeysStayInDataDir(t *testing.T) {
	parent := t.TempDir()
	dataDir := filepath.Join(parent, "data")
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.DataDir = dataDir })
	ts.CreateBucket(secBucket)
	c := newSecClient(t, ts)
	outsideBefore := listFiles(t, parent)
	keys := []string{"../../x", "a/../../b", "%2e%2e/", "%2e%2e/%2e%2e/x", "..", "./x", "a/./b", "nul\x00key", "\x00",
		"/etc/passwd", "..\\..\\x", strings.Repeat("k", 4096), strings.Repeat("a/", 600) + "x", "blobs/../../meta.db", "tmp/x"}
	stored := map[string]bool{}
	for _, key := range keys {
		body := []byte("hostile:" + key)
		rep := c.send(c.signed(secRoute{name: "put", method: "PUT", path: "/" + secBucket + "/" + key, body: body}))
		switch {
		case rep.status == 201:
			stored[key] = true
			got := c.send(c.signed(secRoute{name: "get", method: "GET", path: "/" + secBucket + "/" + key}))
			if got.status != 200 || !bytes.Equal(got.body, body) {
				t.Errorf("key %q stored but reads back %d %q", key, got.status, got.body)
			}
		case rep.status == 400 && (rep.code == "invalid_object_name" || rep.code == "invalid_argument"):
		default:
			t.Errorf("key %.40q: status %d code %q, want 201 or 400 invalid_object_name", key, rep.status, rep.code)
		}
	}
	// The same attempts on the wire without escaping: the server must not
	// resolve dot segments against the file system either.
	hdr := http.Header{}
	hdr.Set("Date", time.Now().UTC().Format(sign.TimeFormat))
	for _, target := range []string{"/" + secBucket + "/../../x", "/" + secBucket + "/%2e%2e/%2e%2e/x", "/" + secBucket + "/a/%2E%2E/%2E%2E/%2E%2E/y", "/../" + secBucket + "/z"} {
		st := rawRequest(t, ts.Host+":"+fmt.Sprint(ts.Port), target, hdr, []byte("raw"))
		if st < 400 || st >= 500 {
			t.Errorf("raw unsigned PUT %s: status %d, want a 4xx", target, st)
		}
	}
	// Nothing appeared next to the data directory, and no file inside it is
	// named after a key.
	outsideAfter := listFiles(t, parent)
	for p := range outsideAfter {
		if _, ok := outsideBefore[p]; !ok && p != "data" && !strings.HasPrefix(p, "data"+string(filepath.Separator)) {
			t.Errorf("file %s appeared outside the data directory", p)
		}
	}
	for p := range listFiles(t, dataDir) {
		base := filepath.Base(p)
		for _, key := range keys {
			// (meta.db is the store's own file; that key only aims at it.)
			if last := key[strings.LastIndexByte(key, '/')+1:]; len(last) > 1 && base == last && base != "meta.db" {
				t.Errorf("data dir holds a file named after key %.40q: %s", key, p)
			}
		}
	}
	// Listing shows exactly the stored keys.
	rep := c.ok(secRoute{name: "list", method: "GET", path: "/" + secBucket, query: "limit=1000"}, 200)
	var l struct {
		Keys []struct{ Key string }
	}
	if err := json.Unmarshal(rep.body, &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Keys) != len(stored) {
		t.Errorf("listing has %d keys, %d were stored", len(l.Keys), len(stored))
	}
	for _, k := range l.Keys {
		if !stored[k.Key] {
			t.Errorf("listing shows %.40q, which was never stored", k.Key)
		}
	}
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestSecuritySSECKeyNeverStoredLoggedOrEchoed(t *testing.T) {
	dataDir := t.TempDir()
	logs := &syncBuffer{}
	ts := qslocal.StartTest(t, func(o *qslocal.Options) {
		o.DataDir = dataDir
		o.MinPartSize = 1
		o.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ts.CreateBucket(secBucket)
	c := newSecClient(t, ts)
	key := []byte("0123456789abcdefSECRETKEYSECRET!")
	other := []byte("ANOTHERKEYANOTHERKEYANOTHERKEY!!")
	sse := func(prefix string, k []byte) map[string]string {
		return map[string]string{prefix + "Algorithm": "AES256", prefix + "Key": base64.StdEncoding.EncodeToString(k), prefix + "Key-Md5": secMD5(k)}
	}
	with := func(a, b map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range a {
			m[k] = v
		}
		for k, v := range b {
			m[k] = v
		}
		return m
	}
	enc := sse("X-Qs-Encryption-Customer-", key)
	plain := bytes.Repeat([]byte("plaintext that must not be on disk either "), 100)
	var replies []secReply
	do := func(rt secRoute) secReply {
		rep := c.send(c.signed(rt))
		replies = append(replies, rep)
		return rep
	}
	o := "/" + secBucket + "/"
	if rep := do(secRoute{method: "PUT", path: o + "enc", body: plain, headers: enc}); rep.status != 201 {
		t.Fatalf("encrypted put: %d %s", rep.status, rep.body)
	}
	if rep := do(secRoute{method: "GET", path: o + "enc", headers: enc}); rep.status != 200 || !bytes.Equal(rep.body, plain) {
		t.Fatalf("encrypted get: %d", rep.status)
	}
	do(secRoute{method: "GET", path: o + "enc", headers: sse("X-Qs-Encryption-Customer-", other)})
	do(secRoute{method: "GET", path: o + "enc"})
	do(secRoute{method: "HEAD", path: o + "enc", headers: enc})
	bad := with(enc, map[string]string{"X-Qs-Encryption-Customer-Key-Md5": secMD5(other)})
	do(secRoute{method: "PUT", path: o + "bad", body: []byte("x"), headers: bad})
	short := with(enc, map[string]string{"X-Qs-Encryption-Customer-Key": base64.StdEncoding.EncodeToString(key[:31])})
	do(secRoute{method: "PUT", path: o + "short", body: []byte("x"), headers: short})
	// (A copy without target key headers is stored in plaintext by design,
	// so the copy here is encrypted with the same key.)
	do(secRoute{method: "PUT", path: o + "copy", headers: with(with(sse("X-Qs-Copy-Source-Encryption-Customer-", key), enc), map[string]string{"X-Qs-Copy-Source": "/" + secBucket + "/enc"})})
	do(secRoute{method: "PUT", path: o + "copy-wrong", headers: with(sse("X-Qs-Copy-Source-Encryption-Customer-", other), map[string]string{"X-Qs-Copy-Source": "/" + secBucket + "/enc"})})
	rep := do(secRoute{method: "POST", path: o + "mp", query: "uploads", headers: enc})
	var init struct {
		UploadID string `json:"upload_id"`
	}
	json.Unmarshal(rep.body, &init)
	do(secRoute{method: "PUT", path: o + "mp", query: "part_number=0&upload_id=" + init.UploadID, body: plain, headers: enc})
	do(secRoute{method: "PUT", path: o + "mp", query: "part_number=1&upload_id=" + init.UploadID, body: plain, headers: sse("X-Qs-Encryption-Customer-", other)})
	do(secRoute{method: "POST", path: o + "mp", query: "upload_id=" + init.UploadID, body: []byte(`{"object_parts":[{"part_number":0}]}`), headers: enc})
	if rep := do(secRoute{method: "GET", path: o + "mp", headers: enc}); rep.status != 200 || !bytes.Equal(rep.body, plain) {
		t.Fatalf("encrypted multipart get: %d", rep.status)
	}
	do(secRoute{method: "POST", path: o + "app", query: "append&position=0", body: []byte("x"), headers: enc})

	// Stop the server so that everything is flushed to disk, then grep.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	forms := func(k []byte) map[string][]byte {
		return map[string][]byte{
			"raw":          k,
			"base64":       []byte(base64.StdEncoding.EncodeToString(k)),
			"base64url":    []byte(base64.URLEncoding.EncodeToString(k)),
			"hex":          []byte(hex.EncodeToString(k)),
			"HEX":          []byte(strings.ToUpper(hex.EncodeToString(k))),
			"json-escaped": mustJSON(base64.StdEncoding.EncodeToString(k)),
		}
	}
	for _, k := range [][]byte{key, other} {
		for form, needle := range forms(k) {
			filepath.WalkDir(dataDir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Contains(b, needle) {
					t.Errorf("SSE-C key (%s) found on disk in %s", form, p)
				}
				return nil
			})
			if strings.Contains(logs.String(), string(needle)) {
				t.Errorf("SSE-C key (%s) found in the log", form)
			}
			for i, rep := range replies {
				if bytes.Contains(rep.body, needle) {
					t.Errorf("SSE-C key (%s) in response %d: %s", form, i, rep.body)
				}
				for h, vs := range rep.header {
					for _, v := range vs {
						if strings.Contains(v, string(needle)) {
							t.Errorf("SSE-C key (%s) in response %d header %s", form, i, h)
						}
					}
				}
			}
		}
	}
	// Plaintext of encrypted objects is not on disk either.
	filepath.WalkDir(dataDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, plain[:64]) {
				t.Errorf("plaintext of an SSE-C object found on disk in %s", p)
			}
		}
		return nil
	})
	// The secret access key never reaches the log.
	if strings.Contains(logs.String(), ts.SecretAccessKey) {
		t.Error("secret access key found in the log")
	}
	if !strings.Contains(logs.String(), "request") {
		t.Fatal("no request was logged: the log capture does not work")
	}
}

func mustJSON(s string) []byte { b, _ := json.Marshal(s); return bytes.Trim(b, `"`) }

// countingReader yields n zero bytes and counts what was read.
type countingReader struct {
	mu   sync.Mutex
	n    int64
	read int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.read >= r.n {
		return 0, io.EOF
	}
	k := int64(len(p))
	if k > r.n-r.read {
		k = r.n - r.read
	}
	clear(p[:k])
	r.read += k
	return int(k), nil
}

func (r *countingReader) Read64() int64 { r.mu.Lock(); defer r.mu.Unlock(); return r.read }

func TestSecurityRequestSizeCaps(t *testing.T) {
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.Memory = true })
	ts.CreateBucket(secBucket)
	c := newSecClient(t, ts)
	o := "/" + secBucket + "/"

	// A single PUT declared above 5 GiB is refused without reading the body.
	big := &countingReader{n: 6 << 30}
	r := c.build(secRoute{method: "PUT", path: o + "huge"})
	r.Body, r.ContentLength = io.NopCloser(big), big.n
	sign.SignRequest(r, c.ak, c.sk, sign.CanonicalURI(r.URL.Path, ""))
	resp, err := c.hc.Do(r)
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), "entity_too_large") {
			t.Errorf("6 GiB PUT: %d %s", resp.StatusCode, b)
		}
	}
	if n := big.Read64(); n > 64<<20 {
		t.Errorf("the server read %d bytes of a body it refused", n)
	}

	for _, tc := range []struct {
		name   string
		rt     secRoute
		status int
		code   string
	}{
		{"json body over 4 MiB", secRoute{method: "POST", path: "/" + secBucket, query: "delete",
			body: append([]byte(`{"objects":[`), bytes.Repeat([]byte(`{"key":"aaaaaaaaaaaaaaaa"},`), 200000)...)}, 400, ""},
		{"1001 keys", secRoute{method: "POST", path: "/" + secBucket, query: "delete", body: manyKeys(1001)}, 400, "too_many_objects"},
		{"metadata over 2 KiB", secRoute{method: "PUT", path: o + "meta", body: []byte("x"),
			headers: map[string]string{"X-Qs-Meta-Big": strings.Repeat("v", 2100)}}, 400, "metadata_too_large"},
		{"key over 1024 bytes", secRoute{method: "PUT", path: o + strings.Repeat("k", 1025), body: []byte("x")}, 400, "invalid_object_name"},
		{"content type over 255", secRoute{method: "PUT", path: o + "ct", body: []byte("x"),
			headers: map[string]string{"Content-Type": strings.Repeat("t", 300)}}, 400, "invalid_argument"},
	} {
		if tc.rt.query == "delete" {
			if tc.rt.headers == nil {
				tc.rt.headers = map[string]string{}
			}
			tc.rt.headers["Content-MD5"] = secMD5(tc.rt.body)
		}
		rep := c.send(c.signed(tc.rt))
		if rep.status != tc.status || (tc.code != "" && rep.code != tc.code) {
			t.Errorf("%s: %d %q, want %d %q", tc.name, rep.status, rep.code, tc.status, tc.code)
		}
	}
	// Headers beyond net/http's limit are refused by the server itself.
	r = c.build(secRoute{method: "GET", path: o + "x"})
	for i := 0; i < 40; i++ {
		r.Header.Set(fmt.Sprintf("X-Filler-%d", i), strings.Repeat("f", 32<<10))
	}
	sign.SignRequest(r, c.ak, c.sk, sign.CanonicalURI(r.URL.Path, ""))
	if resp, err := c.hc.Do(r); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("1.25 MiB of headers: status %d, want 431", resp.StatusCode)
		}
	}
	// Nothing was stored by any refused request.
	rep := c.ok(secRoute{method: "GET", path: "/" + secBucket, query: "limit=1000"}, 200)
	if bytes.Contains(rep.body, []byte(`"key"`)) {
		t.Errorf("refused requests left objects: %s", rep.body)
	}
}

func manyKeys(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"objects":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"key":"k%d"}`, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// TestSecuritySignatureMismatchNamesStringToSign checks the diagnostic of a
// bad signature, header-signed and presigned: the error message quotes the
// string to sign the server computed (the same as the client's), with SSE-C
// key values redacted, and the debug log carries it; neither holds the
// secret key, the signature or the SSE-C key.
func TestSecuritySignatureMismatchNamesStringToSign(t *testing.T) {
	logs := &syncBuffer{}
	ts := qslocal.StartTest(t, func(o *qslocal.Options) {
		o.Memory = true
		o.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ts.CreateBucket(secBucket)
	c := newSecClient(t, ts)
	key := base64.StdEncoding.EncodeToString([]byte("0123456789abcdefSECRETKEYSECRET!"))
	rt := secRoute{method: "PUT", path: "/" + secBucket + "/diag key", query: "x=1", body: []byte("x"),
		headers: map[string]string{"Content-Type": "text/plain", "X-Qs-Encryption-Customer-Key": key}}
	var secrets []string
	for _, presigned := range []bool{false, true} {
		r := c.build(rt)
		uri := sign.CanonicalURI(r.URL.Path, "")
		var want string
		if presigned {
			exp := time.Now().Unix() + 60
			want = sign.QueryStringToSign(r, uri, exp)
			sign.PresignRequest(r, c.ak, "wrong-secret", uri, exp)
			secrets = append(secrets, r.URL.Query().Get("signature"))
		} else {
			sign.SignRequest(r, c.ak, "wrong-secret", uri)
			want = sign.StringToSign(r, uri)
			secrets = append(secrets, strings.SplitN(r.Header.Get("Authorization"), ":", 2)[1])
		}
		want = strings.Replace(want, key, "<redacted>", 1)
		if !strings.Contains(want, "x-qs-encryption-customer-key:<redacted>\n") {
			t.Fatalf("test set-up: string to sign %q", want)
		}
		rep := c.send(r)
		var body struct{ Code, Message string }
		if err := json.Unmarshal(rep.body, &body); err != nil || rep.status != 401 || body.Code != "signature_not_matched" {
			t.Fatalf("presigned=%v: %d %s", presigned, rep.status, rep.body)
		}
		if quoted := fmt.Sprintf("%q", want); !strings.Contains(body.Message, quoted) {
			t.Errorf("presigned=%v: message %q does not quote the string to sign %s", presigned, body.Message, quoted)
		}
		var wantLog bytes.Buffer
		enc := json.NewEncoder(&wantLog)
		enc.SetEscapeHTML(false) // as slog's JSON handler
		enc.Encode(want)
		if !strings.Contains(logs.String(), `"string_to_sign":`+strings.TrimSpace(wantLog.String())) {
			t.Errorf("presigned=%v: debug log lacks the string to sign %s:\n%s", presigned, wantLog.String(), logs.String())
		}
		for _, s := range append(secrets, c.sk, key) {
			if strings.Contains(string(rep.body), s) || strings.Contains(logs.String(), s) {
				t.Errorf("presigned=%v: secret %q in the reply or log", presigned, s)
			}
		}
	}
}

// TestSecurityRepeatedSignedKeys sends validly signed requests in which a
// signed sub-resource or a presigned parameter appears twice (the string to
// sign concatenates the values): each is refused with 400 before anything
// changes.
func TestSecurityRepeatedSignedKeys(t *testing.T) {
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.Memory = true; o.MinPartSize = 1 })
	c := newSecClient(t, ts)
	id := secFixture(c)
	before := c.snapshot(id)
	o := "/" + secBucket + "/"
	for _, rt := range []secRoute{
		{method: "PUT", path: o + "mp", query: "part_number=1&part_number=2&upload_id=" + id, body: []byte("p")},
		{method: "PUT", path: o + "mp", query: "part_number=1&upload_id=" + id + "&upload_id=" + id, body: []byte("p")},
		{method: "POST", path: o + "app", query: "append&position=3&position=0", body: []byte("more")},
		{method: "POST", path: o + "app", query: "append&append&position=3", body: []byte("more")},
		{method: "DELETE", path: o + "mp", query: "upload_id=" + id + "&upload_id=x"},
		{method: "GET", path: o + "obj", query: "response-content-type=a&response-content-type=b"},
	} {
		rt.name = rt.method + " ?" + rt.query
		rep := c.send(c.signed(rt))
		if rep.status != 400 || rep.code != "invalid_request" {
			t.Errorf("%s: %d %s, want 400 invalid_request", rt.name, rep.status, rep.body)
		}
	}
	// A presigned URL with a second signature (or expiry) appended.
	r := c.build(secRoute{method: "GET", path: o + "obj"})
	sign.PresignRequest(r, c.ak, c.sk, sign.CanonicalURI(r.URL.Path, ""), time.Now().Unix()+60)
	for _, extra := range []string{"&signature=AAAA", "&expires=1"} {
		r2 := r.Clone(t.Context())
		r2.URL.RawQuery += extra
		if rep := c.send(r2); rep.status != 400 || rep.code != "invalid_request" {
			t.Errorf("presigned GET with %s: %d %s", extra, rep.status, rep.body)
		}
	}
	if after := c.snapshot(id); after != before {
		t.Errorf("state changed:\nbefore %s\nafter  %s", before, after)
	}
}

// TestSecurityQSHeaderCap: a signed request with more x-qs- headers than
// the cap (2048) is refused with 400 before any signing work, while a valid
// request with a thousand metadata headers (near the 2 KiB metadata limit)
// still passes.
func TestSecurityQSHeaderCap(t *testing.T) {
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.Memory = true })
	ts.CreateBucket(secBucket)
	c := newSecClient(t, ts)
	hdrs := func(prefix string, n int) map[string]string {
		m := map[string]string{}
		for i := 0; i < n; i++ {
			m[fmt.Sprintf("%s%02s", prefix, strconv.FormatInt(int64(i), 36))] = ""
		}
		return m
	}
	o := "/" + secBucket + "/"
	// 2048 junk headers plus the X-Qs-Meta-Probe every secRoute carries.
	rep := c.send(c.signed(secRoute{method: "PUT", path: o + "many", body: []byte("x"), headers: hdrs("X-Qs-Junk-", 2048)}))
	if rep.status != 400 || rep.code != "invalid_request" || !strings.Contains(string(rep.body), "x-qs- headers") {
		t.Errorf("2049 x-qs- headers: %d %s", rep.status, rep.body)
	}
	c.ok(secRoute{method: "GET", path: o + "many"}, 404)
	rep = c.ok(secRoute{name: "1000 metadata headers", method: "PUT", path: o + "meta", body: []byte("x"), headers: hdrs("X-Qs-Meta-", 1000)}, 201)
	if rep := c.send(c.signed(secRoute{method: "HEAD", path: o + "meta"})); len(rep.header) < 1000 {
		t.Errorf("HEAD of the object with 1000 metadata entries: %d headers", len(rep.header))
	}
}

// TestSecurityDeleteMultipleInvalidUTF8: a Delete Multiple body whose key
// holds bytes that are not UTF-8, or an unpaired surrogate escape, would
// decode to U+FFFD and name another object; the whole request is refused
// and nothing is deleted. A valid surrogate pair still names its object.
func TestSecurityDeleteMultipleInvalidUTF8(t *testing.T) {
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.Memory = true })
	ts.CreateBucket(secBucket)
	c := newSecClient(t, ts)
	o := "/" + secBucket + "/"
	for _, k := range []string{"\ufffd\ufffd", "\ufffd", "ok", "\U0001F600"} {
		c.ok(secRoute{method: "PUT", path: o + k, body: []byte("keep " + k)}, 201)
	}
	del := func(body string) secReply {
		return c.send(c.signed(secRoute{method: "POST", path: "/" + secBucket, query: "delete", body: []byte(body),
			headers: map[string]string{"Content-MD5": secMD5([]byte(body))}}))
	}
	for _, body := range []string{
		`{"objects":[{"key":"ok"},{"key":"` + "\xff\xfe" + `"}]}`,
		`{"objects":[{"key":"ok"},{"key":"\ud800\udbff"}]}`,
		`{"objects":[{"key":"\udc00"},{"key":"ok"}]}`,
		`{"objects":[{"key":"\\\ud800"},{"key":"ok"}]}`,
		`{"objects":[{"key":"ok"},{"key":"\ud800"}]}`,
	} {
		if rep := del(body); rep.status != 400 || rep.code != "invalid_json" {
			t.Errorf("%q: %d %s, want 400 invalid_json", body, rep.status, rep.body)
		}
	}
	for _, k := range []string{"\ufffd\ufffd", "\ufffd", "ok", "\U0001F600"} {
		c.ok(secRoute{method: "HEAD", path: o + k}, 200)
	}
	if rep := del(`{"objects":[{"key":"\ud83d\ude00"},{"key":"\\\\ud800"}]}`); rep.status != 200 || !strings.Contains(string(rep.body), "\U0001F600") {
		t.Errorf("valid surrogate pair: %d %s", rep.status, rep.body)
	}
	c.ok(secRoute{method: "HEAD", path: o + "\U0001F600"}, 404)
}

// TestSecurityAppendSignedWithoutPosition: an append whose signature leaves
// position out (as the official JavaScript SDK signs) is accepted once per
// position: a replay at a position it was used at is refused, the same
// signature at the object's new end works (the SDK's second append within
// one second), and position-less
// presigned URLs that outlive 15 minutes. Position-signed appends and other
// operations are unaffected.
func TestSecurityAppendSignedWithoutPosition(t *testing.T) {
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.Memory = true })
	ts.CreateBucket(secBucket)
	c := newSecClient(t, ts)
	o := "/" + secBucket + "/"
	// build signs an append of body without position, then sets position.
	build := func(body string, pos int, presignFor time.Duration) *http.Request {
		r := c.build(secRoute{method: "POST", path: o + "js", query: "append", body: []byte(body)})
		uri := sign.CanonicalURI(r.URL.Path, "")
		if presignFor > 0 {
			sign.PresignRequest(r, c.ak, c.sk, uri, time.Now().Add(presignFor).Unix())
		} else {
			sign.SignRequest(r, c.ak, c.sk, uri)
		}
		r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "append", fmt.Sprintf("append&position=%d", pos), 1)
		return r
	}
	first := build("abc", 0, 0)
	again := first.Clone(t.Context())
	if rep := c.send(first); rep.status != 200 {
		t.Fatalf("append signed without position: %d %s", rep.status, rep.body)
	}
	replay := again.Clone(t.Context())
	replay.Body = io.NopCloser(strings.NewReader("abc"))
	if rep := c.send(replay); rep.status != 403 || rep.code != "request_expired" {
		t.Errorf("replay at position 0: %d %s", rep.status, rep.body)
	}
	again.URL.RawQuery = strings.Replace(again.URL.RawQuery, "position=0", "position=3", 1)
	again.Body = io.NopCloser(strings.NewReader("xyz"))
	if rep := c.send(again); rep.status != 200 {
		t.Errorf("same signature at the new end, position 3: %d %s", rep.status, rep.body)
	}
	if rep := c.send(build("def", 6, 10*time.Minute)); rep.status != 200 {
		t.Errorf("presigned append without position: %d %s", rep.status, rep.body)
	}
	if rep := c.send(build("ghi", 9, time.Hour)); rep.status != 403 || rep.code != "request_expired" {
		t.Errorf("hour-long presigned append without position: %d %s", rep.status, rep.body)
	}
	c.ok(secRoute{method: "POST", path: o + "js", query: "append&position=9", body: []byte("ghi")}, 200)
	if rep := c.ok(secRoute{method: "GET", path: o + "js"}, 200); string(rep.body) != "abcxyzdefghi" {
		t.Errorf("object holds %q", rep.body)
	}
	// Only append drops position: an upload part signed without
	// part_number is refused.
	rep := c.ok(secRoute{method: "POST", path: o + "mp", query: "uploads"}, 200)
	var init struct {
		UploadID string `json:"upload_id"`
	}
	json.Unmarshal(rep.body, &init)
	r := c.build(secRoute{method: "PUT", path: o + "mp", query: "upload_id=" + init.UploadID, body: []byte("p")})
	sign.SignRequest(r, c.ak, c.sk, sign.CanonicalURI(r.URL.Path, ""))
	r.URL.RawQuery += "&part_number=0"
	if rep := c.send(r); rep.status != 401 {
		t.Errorf("part signed without part_number: %d %s", rep.status, rep.body)
	}
}

// TestSecurityDiskFull: with every disk write failing with ENOSPC, each
// writing operation answers 507 insufficient_storage, leaves no file or
// metadata behind, and reads keep working; once space is back, writes work.
func TestSecurityDiskFull(t *testing.T) {
	dataDir := t.TempDir()
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.DataDir = dataDir; o.MinPartSize = 1 })
	c := newSecClient(t, ts)
	id := secFixture(c)
	before := c.snapshot(id)
	files := listFiles(t, dataDir)
	full := func() error { return &fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC} }
	ts.Server.Store().SetWriteFault(full)
	o := "/" + secBucket + "/"
	complete := []byte(`{"object_parts":[{"part_number":0}]}`)
	for _, rt := range []secRoute{
		{method: "PUT", path: o + "new", body: bytes.Repeat([]byte("x"), 3<<20)},
		{method: "PUT", path: o + "obj", body: []byte("overwrite")},
		{method: "POST", path: o + "app", query: "append&position=3", body: []byte("more")},
		{method: "PUT", path: o + "copy", headers: map[string]string{"X-Qs-Copy-Source": o + "obj"}},
		{method: "POST", path: o + "mp2", query: "uploads"},
		{method: "PUT", path: o + "mp", query: "part_number=1&upload_id=" + id, body: []byte("part one")},
		{method: "POST", path: o + "mp", query: "upload_id=" + id, body: complete, headers: map[string]string{"Content-MD5": secMD5(complete)}},
		{method: "PUT", path: "/sec-new-bucket"},
		{method: "DELETE", path: o + "obj"},
	} {
		rep := c.send(c.signed(rt))
		if rep.status != 507 || rep.code != "insufficient_storage" || !strings.Contains(string(rep.body), "full") {
			t.Errorf("%s %s?%s on a full disk: %d %s", rt.method, rt.path, rt.query, rep.status, rep.body)
		}
	}
	if after := c.snapshot(id); after != before {
		t.Errorf("a full disk changed the state (reads must keep working):\nbefore %s\nafter  %s", before, after)
	}
	if after := listFiles(t, dataDir); fmt.Sprint(after) != fmt.Sprint(files) {
		t.Errorf("files before %d, after %d: %v", len(files), len(after), after)
	}
	ts.Server.Store().SetWriteFault(nil)
	c.ok(secRoute{method: "PUT", path: o + "new", body: []byte("space again")}, 201)
}

// openFilesUnder counts this process's descriptors that point into dir
// (Linux /proc; -1 elsewhere).
func openFilesUnder(dir string) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && strings.HasPrefix(l, dir) {
			n++
		}
	}
	return n
}

// regularFiles lists the files (not directories) under dir.
func regularFiles(t *testing.T, dir string) []string {
	var out []string
	for p, size := range listFiles(t, dir) {
		if fi, err := os.Stat(filepath.Join(dir, p)); err == nil && !fi.IsDir() {
			out = append(out, fmt.Sprintf("%s (%d bytes)", p, size))
		}
	}
	return out
}

// await polls cond until it holds or 10 s pass (the bound of a broken
// server, not a pace of the test).
func await(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(end) {
			t.Fatalf("still not true after 10 s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// slowServer starts a disk-backed server whose transfer windows are short:
// 300 ms, at least 3 KiB in each.
func slowServer(t *testing.T) (*qslocal.TestServer, string) {
	dataDir := t.TempDir()
	ts := qslocal.StartTest(t, func(o *qslocal.Options) {
		o.DataDir = dataDir
		o.TransferWindow = 300 * time.Millisecond
		o.MinTransferRate = 10 << 10
	})
	ts.CreateBucket(secBucket)
	return ts, dataDir
}

// TestSecuritySlowUploadsAreCut: signed PUTs whose bodies trickle at one
// byte per 20 ms are cut after a transfer window, and their temporary files
// and descriptors are released.
func TestSecuritySlowUploadsAreCut(t *testing.T) {
	ts, dataDir := slowServer(t)
	c := newSecClient(t, ts)
	const uploads = 20
	var wg sync.WaitGroup
	results := make(chan string, uploads)
	for i := 0; i < uploads; i++ {
		r := c.signed(secRoute{method: "PUT", path: fmt.Sprintf("/%s/slow-%d", secBucket, i), body: make([]byte, 10000)})
		conn, err := net.Dial("tcp", r.URL.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		pr, pw := io.Pipe()
		r.Body = pr
		wg.Add(2)
		go func() { // the client: one byte per 20 ms, for at most 5 s
			defer wg.Done()
			defer pw.Close()
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for end := time.Now().Add(5 * time.Second); time.Now().Before(end); <-tick.C {
				if _, err := pw.Write([]byte("x")); err != nil {
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			r.Write(conn)
			pr.CloseWithError(io.ErrClosedPipe)
		}()
		go func() {
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), r)
			if err != nil {
				results <- "no response: " + err.Error()
				pr.CloseWithError(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			results <- fmt.Sprintf("%d %s", resp.StatusCode, b)
			pr.CloseWithError(io.ErrClosedPipe)
		}()
	}
	// Cut means a 400 incomplete_body, or the connection closed (the reply
	// may be lost to the reset the client's further bytes provoke); a
	// server that waits answers nothing until the client's 10 s deadline.
	for i := 0; i < uploads; i++ {
		res := <-results
		cut := strings.HasPrefix(res, "400 ") && strings.Contains(res, "incomplete_body") ||
			strings.HasPrefix(res, "no response") && !strings.Contains(res, "timeout")
		if !cut {
			t.Errorf("trickled upload: %s", res)
		}
	}
	wg.Wait()
	// The handlers returned before answering, so their files are gone.
	if tmp := regularFiles(t, filepath.Join(dataDir, "tmp")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	if n := openFilesUnder(dataDir + "/tmp"); n > 0 {
		t.Errorf("%d descriptors still open under the temporary directory", n)
	}
}

// TestSecurityStalledReaderReleasesBlob: a GET whose client stops reading is
// cut after a transfer window, so the blob of an object deleted meanwhile
// leaves the disk and its descriptor is closed.
func TestSecurityStalledReaderReleasesBlob(t *testing.T) {
	ts, dataDir := slowServer(t)
	c := newSecClient(t, ts)
	o := "/" + secBucket + "/"
	big := bytes.Repeat([]byte("0123456789abcdef"), 2<<20) // 32 MiB
	c.ok(secRoute{method: "PUT", path: o + "big", body: big}, 201)
	r := c.signed(secRoute{method: "GET", path: o + "big"})
	conn, err := net.Dial("tcp", r.URL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(4096)
	if err := r.Write(conn); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), r)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET: %v %v", resp, err)
	}
	// The client reads nothing more; the object is deleted meanwhile.
	c.ok(secRoute{method: "DELETE", path: o + "big"}, 204)
	blobs := filepath.Join(dataDir, "blobs")
	await(t, "the deleted blob leaves the disk", func() bool { return len(regularFiles(t, blobs)) == 0 })
	await(t, "the blob's descriptor is closed", func() bool { return openFilesUnder(blobs) <= 0 })
}
