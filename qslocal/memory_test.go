package qslocal

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// TestMemoryPerRequestIsBounded measures the bytes allocated (server and
// client together, in this process) by a PUT plus a GET of 1 MiB and of
// 64 MiB, plain and SSE-C encrypted, on the disk store. A server that
// buffered bodies would allocate at least the 63 MiB difference; the
// streaming one allocates the same few buffers whatever the size, so the
// difference must stay under an eighth of it.
func TestMemoryPerRequestIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 130 MiB through the server")
	}
	ts := StartTest(t)
	ts.CreateBucket("bkt-mem")
	c := newTC(t, ts)
	transfer := func(key string, size int64, opts ...reqOpt) {
		t.Helper()
		r := c.newReq("PUT", "/bkt-mem/"+key, "", nil, opts...)
		r.Body = io.NopCloser(&repeatReader{block: benchBlock, n: size})
		r.ContentLength = size
		sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
		read(t, c.send(r)).want(t, 201, "")
		g := c.newReq("GET", "/bkt-mem/"+key, "", nil, opts...)
		sign.SignRequest(g, c.ak, c.sk, canonical(g, ""))
		resp := c.send(g)
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != size || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d, %d bytes, %v", key, resp.StatusCode, n, err)
		}
	}
	allocated := func(key string, size int64, opts ...reqOpt) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		transfer(key, size, opts...)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	const small, large = 1 << 20, 64 << 20
	for _, tt := range []struct {
		name string
		opts []reqOpt
	}{{"plain", nil}, {"sse-c", sseHeaders(testKey)}} {
		transfer("warm-"+tt.name, small, tt.opts...) // fill buffer pools and connections
		a := allocated("small-"+tt.name, small, tt.opts...)
		b := allocated("large-"+tt.name, large, tt.opts...)
		t.Logf("%s: PUT+GET of 1 MiB allocated %d KiB, of 64 MiB %d KiB", tt.name, a>>10, b>>10)
		if b > a && b-a > (large-small)/8 {
			t.Errorf("%s: 64 MiB allocated %d KiB more than 1 MiB: memory per request grows with the object", tt.name, (b-a)>>10)
		}
	}
}

// TestFetchMemoryIsBounded: fetch streams the source to disk; fetching
// 64 MiB allocates about what fetching 1 MiB does (source server included).
func TestFetchMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 65 MiB through the server")
	}
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/"), 10, 64)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		io.Copy(w, &repeatReader{block: benchBlock, n: n})
	}))
	defer src.Close()
	ts := StartTest(t)
	ts.CreateBucket("bkt-mem")
	c := newTC(t, ts)
	fetch := func(size int64) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		c.call("PUT", "/bkt-mem/f", "", nil, withHeader("X-QS-Fetch-Source", src.URL+"/"+strconv.FormatInt(size, 10))).want(t, 201, "")
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	const small, large = 1 << 20, 64 << 20
	fetch(small) // warm pools and connections
	a, b := fetch(small), fetch(large)
	t.Logf("fetch of 1 MiB allocated %d KiB, of 64 MiB %d KiB", a>>10, b>>10)
	if b > a && b-a > (large-small)/8 {
		t.Errorf("fetching 64 MiB allocated %d KiB more than 1 MiB: fetch buffers the source", (b-a)>>10)
	}
	if h := c.call("HEAD", "/bkt-mem/f", "", nil).want(t, 200, ""); h.header.Get("Content-Length") != strconv.Itoa(large) {
		t.Fatalf("fetched size %s", h.header.Get("Content-Length"))
	}
}
