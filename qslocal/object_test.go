package qslocal

import (
	"bytes"
	"crypto/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// eachStore runs f against a disk server and a memory server.
func eachStore(t *testing.T, f func(t *testing.T, ts *TestServer, c *tc)) {
	for _, mem := range []bool{false, true} {
		name := "disk"
		if mem {
			name = "memory"
		}
		t.Run(name, func(t *testing.T) {
			ts := StartTest(t, func(o *Options) { o.Memory = mem })
			ts.CreateBucket("bkt-test")
			f(t, ts, newTC(t, ts))
		})
	}
}

func TestPutGetHeadDelete(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		body := randBytes(300 << 10)
		r := c.put("bkt-test", "dir/obj 1+x.bin", body, withMD5(body), withHeader("Content-Type", "image/png"),
			withHeader("X-QS-Meta-Color", "blue"), withHeader("X-QS-Storage-Class", "STANDARD_IA"),
			withHeader("Cache-Control", "no-cache"))
		if got := r.header.Get("ETag"); got != etagOf(body) {
			t.Fatalf("ETag %s, want %s", got, etagOf(body))
		}
		if got := c.get("bkt-test", "dir/obj 1+x.bin"); !bytes.Equal(got, body) {
			t.Fatal("GET returned different bytes")
		}
		h := c.call("HEAD", "/bkt-test/dir/obj 1+x.bin", "", nil).want(t, 200, "")
		if len(h.body) != 0 {
			t.Fatal("HEAD has a body")
		}
		checks := map[string]string{"Content-Length": "307200", "Content-Type": "image/png", "ETag": etagOf(body),
			"X-Qs-Meta-Color": "blue", "X-Qs-Storage-Class": "STANDARD_IA", "Cache-Control": "no-cache", "Server": "QingStor"}
		for k, v := range checks {
			if got := h.header.Get(k); got != v {
				t.Errorf("HEAD %s = %q, want %q", k, got, v)
			}
		}
		lm := h.header.Get("Last-Modified")
		if _, err := time.Parse(timeFormat, lm); err != nil || !strings.HasSuffix(lm, " GMT") {
			t.Errorf("Last-Modified %q not in the exact HTTP date format", lm)
		}
		if _, err := time.Parse(timeFormat, h.header.Get("Date")); err != nil {
			t.Errorf("Date %q not in the exact HTTP date format", h.header.Get("Date"))
		}
		// hex Content-MD5 is accepted too
		sum := etagOf([]byte("hello"))
		c.put("bkt-test", "hex", []byte("hello"), withHeader("Content-MD5", strings.Trim(sum, `"`)))
		// default content type
		if ct := c.call("HEAD", "/bkt-test/hex", "", nil).header.Get("Content-Type"); ct != "application/octet-stream" {
			t.Errorf("default Content-Type %q", ct)
		}
		c.call("DELETE", "/bkt-test/dir/obj 1+x.bin", "", nil).want(t, 204, "")
		c.call("DELETE", "/bkt-test/dir/obj 1+x.bin", "", nil).want(t, 204, "")
		c.call("GET", "/bkt-test/dir/obj 1+x.bin", "", nil).want(t, 404, "object_not_exists")
		hr := c.call("HEAD", "/bkt-test/dir/obj 1+x.bin", "", nil).want(t, 404, "")
		if len(hr.body) != 0 || hr.header.Get("Content-Length") != "0" {
			t.Fatalf("HEAD error has a body %q / Content-Length %q", hr.body, hr.header.Get("Content-Length"))
		}
		c.call("DELETE", "/no-such-bucket/k", "", nil).want(t, 404, "bucket_not_exists")
		c.call("PUT", "/no-such-bucket/k", "", []byte("x")).want(t, 404, "bucket_not_exists")
		// empty object
		c.put("bkt-test", "empty", []byte{})
		if got := c.get("bkt-test", "empty"); len(got) != 0 {
			t.Fatal("empty object not empty")
		}
	})
}

func TestBadDigestKeepsOldObject(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		old := []byte("old contents")
		c.put("bkt-test", "k", old)
		c.call("PUT", "/bkt-test/k", "", []byte("new contents"), withMD5([]byte("something else"))).want(t, 400, "bad_digest")
		c.call("PUT", "/bkt-test/k", "", []byte("new contents"), withHeader("Content-MD5", "zz")).want(t, 400, "invalid_argument")
		if got := c.get("bkt-test", "k"); !bytes.Equal(got, old) {
			t.Fatalf("object changed to %q after a failed overwrite", got)
		}
		c.call("PUT", "/bkt-test/k2", "", []byte("x"), withMD5([]byte("y"))).want(t, 400, "bad_digest")
		c.call("GET", "/bkt-test/k2", "", nil).want(t, 404, "object_not_exists")
	})
}

func TestRangeAndConditional(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		body := []byte("0123456789")
		c.put("bkt-test", "r", body)
		cases := []struct {
			rng    string
			status int
			want   string
			cr     string
		}{
			{"bytes=0-3", 206, "0123", "bytes 0-3/10"},
			{"bytes=5-", 206, "56789", "bytes 5-9/10"},
			{"bytes=-3", 206, "789", "bytes 7-9/10"},
			{"bytes=-30", 206, "0123456789", "bytes 0-9/10"},
			{"bytes=8-100", 206, "89", "bytes 8-9/10"},
			{"bytes=10-", 416, "", ""},
			{"bytes=3-1", 416, "", ""},
			{"bytes=a-b", 416, "", ""},
			{"bytes=0-1,3-4", 416, "", ""},
			{"items=0-1", 416, "", ""},
			{"bytes=-0", 416, "", ""},
		}
		for _, tt := range cases {
			r := c.call("GET", "/bkt-test/r", "", nil, withHeader("Range", tt.rng))
			if tt.status == 416 {
				r.want(t, 416, "invalid_range")
				continue
			}
			r.want(t, tt.status, "")
			if string(r.body) != tt.want || r.header.Get("Content-Range") != tt.cr {
				t.Errorf("Range %s: got %q %q", tt.rng, r.body, r.header.Get("Content-Range"))
			}
		}
		// HEAD is 200 only: Range is ignored, even a malformed one
		for _, rng := range []string{"bytes=0-3", "bytes=99-"} {
			h := c.call("HEAD", "/bkt-test/r", "", nil, withHeader("Range", rng)).want(t, 200, "")
			if h.header.Get("Content-Length") != "10" || h.header.Get("Content-Range") != "" {
				t.Errorf("HEAD with Range %s: %v", rng, h.header)
			}
		}
		etag := etagOf(body)
		future := time.Now().Add(time.Hour).UTC().Format(timeFormat)
		past := time.Now().Add(-time.Hour).UTC().Format(timeFormat)
		// 304 answers with the status only; 412 carries the JSON error body
		// on GET (every error does, as documented) and nothing on HEAD.
		for _, m := range []string{"GET", "HEAD"} {
			want412 := func(r result) {
				t.Helper()
				if m == "HEAD" {
					r.wantBare(t, 412)
				} else {
					r.want(t, 412, "precondition_failed")
				}
			}
			c.call(m, "/bkt-test/r", "", nil, withHeader("If-None-Match", etag)).wantBare(t, 304)
			c.call(m, "/bkt-test/r", "", nil, withHeader("If-None-Match", `"other", `+etag)).wantBare(t, 304)
			want412(c.call(m, "/bkt-test/r", "", nil, withHeader("If-Match", `"nope"`)))
			c.call(m, "/bkt-test/r", "", nil, withHeader("If-Modified-Since", future)).wantBare(t, 304)
			want412(c.call(m, "/bkt-test/r", "", nil, withHeader("If-Unmodified-Since", past)))
			// If-Match wins over If-Unmodified-Since (RFC 7232 order)
			c.call(m, "/bkt-test/r", "", nil, withHeader("If-Match", etag), withHeader("If-Unmodified-Since", past)).want(t, 200, "")
			c.call(m, "/bkt-test/r", "", nil, withHeader("If-Modified-Since", past)).want(t, 200, "")
			c.call(m, "/bkt-test/r", "", nil, withHeader("If-None-Match", `"other"`)).want(t, 200, "")
		}
		if got := c.call("GET", "/bkt-test/r", "", nil, withHeader("If-Match", etag)).want(t, 200, "").body; string(got) != string(body) {
			t.Fatalf("If-Match GET body %q", got)
		}
		// response-* overrides are signed sub-resources
		r := c.call("GET", "/bkt-test/r", "response-content-type=text/plain&response-content-disposition="+qesc(`attachment; filename="a b.txt"`)+"&response-cache-control=max-age%3D5", nil).want(t, 200, "")
		if r.header.Get("Content-Type") != "text/plain" || r.header.Get("Content-Disposition") != `attachment; filename="a b.txt"` || r.header.Get("Cache-Control") != "max-age=5" {
			t.Errorf("overrides not applied: %v", r.header)
		}
		r = c.call("GET", "/bkt-test/r", "response-expires="+qesc("Thu, 01 Jan 2037 00:00:00 GMT")+"&response-content-language=de&response-content-encoding=identity", nil).want(t, 200, "")
		if r.header.Get("Expires") != "Thu, 01 Jan 2037 00:00:00 GMT" || r.header.Get("Content-Language") != "de" || r.header.Get("Content-Encoding") != "identity" || string(r.body) != string(body) {
			t.Errorf("overrides not applied: %v", r.header)
		}
		// an override is a signed sub-resource: adding one after signing breaks the signature
		req := c.newReq("GET", "/bkt-test/r", "", nil)
		sign.SignRequest(req, c.ak, c.sk, canonical(req, ""))
		req.URL.RawQuery = "response-content-type=text/html"
		read(t, c.send(req)).want(t, 401, "signature_not_matched")
	})
}

func TestConcurrentPutsSameKey(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		const n = 8
		bodies := make([][]byte, n)
		for i := range bodies {
			bodies[i] = bytes.Repeat([]byte{byte('a' + i)}, 200<<10+i)
		}
		var wg sync.WaitGroup
		stop := make(chan struct{})
		// readers run while writers overwrite: every read is one whole body
		readErr := make(chan string, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			rc := newTC(t, ts)
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp := rc.do("GET", "/bkt-test/same", "", nil)
				r := result{status: resp.StatusCode}
				buf := new(bytes.Buffer)
				buf.ReadFrom(resp.Body)
				resp.Body.Close()
				if r.status == 404 {
					continue
				}
				b := buf.Bytes()
				if len(b) < 200<<10 || !bytes.Equal(b, bytes.Repeat(b[:1], len(b))) || len(b) != 200<<10+int(b[0]-'a') {
					select {
					case readErr <- "torn or partial read":
					default:
					}
					return
				}
			}
		}()
		var ww sync.WaitGroup
		for i := 0; i < n; i++ {
			ww.Add(1)
			go func(i int) {
				defer ww.Done()
				wc := newTC(t, ts)
				r := read(t, wc.do("PUT", "/bkt-test/same", "", bodies[i]))
				if r.status != 201 {
					t.Errorf("PUT %d: %d %s", i, r.status, r.body)
				}
			}(i)
		}
		ww.Wait()
		close(stop)
		wg.Wait()
		select {
		case e := <-readErr:
			t.Fatal(e)
		default:
		}
		got := c.get("bkt-test", "same")
		found := false
		for _, b := range bodies {
			found = found || bytes.Equal(b, got)
		}
		if !found {
			t.Fatal("final object is none of the bodies written")
		}
	})
}
