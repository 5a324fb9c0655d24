package qslocal

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCopyMove(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		c.call("PUT", "/bkt-other", "", nil).want(t, 201, "")
		body := []byte("copy me")
		key := "src dir/中文 a+b.txt"
		c.put("bkt-test", key, body, withHeader("Content-Type", "text/plain"), withHeader("X-QS-Meta-A", "1"), withHeader("Cache-Control", "max-age=1"))
		src := "/bkt-test/" + strings.ReplaceAll(escapePath(key), "+", "%2B")
		// COPY (default): metadata copied
		r := c.put("bkt-other", "dst", nil, withHeader("X-QS-Copy-Source", src))
		if r.header.Get("ETag") != etagOf(body) {
			t.Fatalf("copy ETag %s", r.header.Get("ETag"))
		}
		h := c.call("GET", "/bkt-other/dst", "", nil).want(t, 200, "")
		if string(h.body) != "copy me" || h.header.Get("X-Qs-Meta-A") != "1" || h.header.Get("Content-Type") != "text/plain" || h.header.Get("Cache-Control") != "max-age=1" {
			t.Fatalf("copy: %q %v", h.body, h.header)
		}
		// the SDK sends ASCII keys unescaped; "+" stays a plus
		c.put("bkt-test", "plain+name", body)
		c.put("bkt-other", "dst-plus", nil, withHeader("X-QS-Copy-Source", "/bkt-test/plain+name"))
		// REPLACE (any case) takes this request's metadata; storage class changes in place
		c.put("bkt-test", key, nil, withHeader("X-QS-Copy-Source", src), withHeader("X-QS-Metadata-Directive", "replace"),
			withHeader("X-QS-Meta-B", "2"), withHeader("Content-Type", "text/html"), withHeader("X-QS-Storage-Class", "STANDARD_IA"))
		h = c.call("HEAD", "/bkt-test/"+key, "", nil).want(t, 200, "")
		if h.header.Get("X-Qs-Meta-A") != "" || h.header.Get("X-Qs-Meta-B") != "2" || h.header.Get("Content-Type") != "text/html" || h.header.Get("X-Qs-Storage-Class") != "STANDARD_IA" {
			t.Fatalf("replace: %v", h.header)
		}
		c.call("PUT", "/bkt-other/x", "", nil, withHeader("X-QS-Copy-Source", src), withHeader("X-QS-Metadata-Directive", "MERGE")).want(t, 400, "invalid_argument")
		// copy-source conditions
		c.call("PUT", "/bkt-other/x", "", nil, withHeader("X-QS-Copy-Source", src), withHeader("X-QS-Copy-Source-If-Match", `"nope"`)).want(t, 412, "precondition_failed")
		c.call("PUT", "/bkt-other/x", "", nil, withHeader("X-QS-Copy-Source", src), withHeader("X-QS-Copy-Source-If-None-Match", "%22"+strings.Trim(etagOf(body), `"`)+"%22")).want(t, 412, "precondition_failed")
		c.call("PUT", "/bkt-other/x", "", nil, withHeader("X-QS-Copy-Source", src), withHeader("X-QS-Copy-Source-If-Match", etagOf(body))).want(t, 201, "")
		// bad sources
		for _, s := range []string{"bkt-test/k", "/bkt-test", "/BAD/k", "/bkt-test/a//b", "/bkt-test/%zz"} {
			r := c.call("PUT", "/bkt-other/x", "", nil, withHeader("X-QS-Copy-Source", s))
			if r.status != 400 {
				t.Fatalf("source %q: %d", s, r.status)
			}
		}
		c.call("PUT", "/bkt-other/x", "", nil, withHeader("X-QS-Copy-Source", "/bkt-test/missing")).want(t, 404, "object_not_exists")
		c.call("PUT", "/bkt-other/x", "", nil, withHeader("X-QS-Copy-Source", "/bkt-nope/missing")).want(t, 404, "bucket_not_exists")
		c.call("PUT", "/bkt-nope/x", "", nil, withHeader("X-QS-Copy-Source", src)).want(t, 404, "bucket_not_exists")

		// move: keeps bytes and metadata, removes the source, overwrites the target
		c.put("bkt-other", "target", []byte("old target"))
		c.put("bkt-other", "target", nil, withHeader("X-QS-Move-Source", src))
		c.call("HEAD", "/bkt-test/"+key, "", nil).want(t, 404, "")
		h = c.call("GET", "/bkt-other/target", "", nil).want(t, 200, "")
		if string(h.body) != "copy me" || h.header.Get("X-Qs-Meta-B") != "2" {
			t.Fatalf("move: %q %v", h.body, h.header)
		}
		c.call("PUT", "/bkt-other/t2", "", nil, withHeader("X-QS-Move-Source", src)).want(t, 404, "object_not_exists")
		// move onto itself changes nothing
		c.put("bkt-other", "target", nil, withHeader("X-QS-Move-Source", "/bkt-other/target"))
		if got := c.get("bkt-other", "target"); string(got) != "copy me" {
			t.Fatalf("self move: %q", got)
		}
	})
}

func TestFetch(t *testing.T) {
	payload := randBytes(200 << 10)
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/file":
			w.Header().Set("Content-Type", "application/x-test")
			w.Header().Set("Content-Length", strconv.Itoa(len(payload)))
			w.Write(payload)
		case "/redirect":
			http.Redirect(w, r, "/file", http.StatusFound)
		case "/chunked":
			w.Write([]byte("a"))
			w.(http.Flusher).Flush()
			w.Write([]byte("b"))
		case "/fail":
			w.WriteHeader(500)
		default:
			http.NotFound(w, r)
		}
	}))
	defer src.Close()
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		c.put("bkt-test", "fetched", nil, withHeader("X-QS-Fetch-Source", src.URL+"/file"))
		r := c.call("GET", "/bkt-test/fetched", "", nil).want(t, 200, "")
		if !bytes.Equal(r.body, payload) || r.header.Get("ETag") != etagOf(payload) || r.header.Get("Content-Type") != "application/x-test" {
			t.Fatalf("fetched object differs: %v", r.header)
		}
		c.put("bkt-test", "redirected", nil, withHeader("X-QS-Fetch-Source", src.URL+"/redirect"))
		if got := c.get("bkt-test", "redirected"); !bytes.Equal(got, payload) {
			t.Fatal("redirected fetch differs")
		}
		c.call("PUT", "/bkt-test/f", "", nil, withHeader("X-QS-Fetch-Source", src.URL+"/missing")).want(t, 404, "object_not_exists")
		c.call("PUT", "/bkt-test/f", "", nil, withHeader("X-QS-Fetch-Source", src.URL+"/fail")).want(t, 503, "upstream_failed")
		c.call("PUT", "/bkt-test/f", "", nil, withHeader("X-QS-Fetch-Source", src.URL+"/chunked")).want(t, 503, "upstream_failed")
		c.call("PUT", "/bkt-test/f", "", nil, withHeader("X-QS-Fetch-Source", "ftp://example.com/x")).want(t, 400, "invalid_argument")
		// SSE-C headers are refused, never stored as plaintext.
		c.call("PUT", "/bkt-test/f", "", nil, append(sseHeaders(testKey), withHeader("X-QS-Fetch-Source", src.URL+"/file"))...).want(t, 400, "invalid_request")
		c.call("PUT", "/bkt-test/f", "", nil, withHeader("X-QS-Fetch-Source", src.URL+"/file"), withHeader("X-QS-Encryption-Customer-Key-MD5", "3I/h1kl+vSP1l12NKhxegQ==")).want(t, 400, "invalid_request")
		c.call("HEAD", "/bkt-test/f", "", nil).want(t, 404, "")
		past := time.Now().Add(-time.Hour).UTC().Format(timeFormat)
		c.call("PUT", "/bkt-test/fetched", "", nil, withHeader("X-QS-Fetch-Source", src.URL+"/file"), withHeader("X-QS-Fetch-If-Unmodified-Since", past)).want(t, 412, "precondition_failed")
	})
}

// TestCopyFromDamagedSourceIsInternal checks that a copy whose stored
// source is shorter than its metadata (a damaged data directory) is a
// server fault (500 internal_error), not the client's incomplete_body, and
// stores nothing.
func TestCopyFromDamagedSourceIsInternal(t *testing.T) {
	ts := StartTest(t)
	ts.CreateBucket("bkt-test")
	c := newTC(t, ts)
	c.put("bkt-test", "src", randBytes(1000)).want(t, 201, "")
	var blobs []string
	filepath.Walk(filepath.Join(ts.Server.opts.DataDir, "blobs"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			blobs = append(blobs, p)
		}
		return nil
	})
	if len(blobs) != 1 {
		t.Fatalf("%d blob files, want 1", len(blobs))
	}
	if err := os.Truncate(blobs[0], 500); err != nil {
		t.Fatal(err)
	}
	c.call("PUT", "/bkt-test/dst", "", nil, withHeader("X-QS-Copy-Source", "/bkt-test/src")).want(t, 500, "internal_error")
	c.call("HEAD", "/bkt-test/dst", "", nil).want(t, 404, "")
}
