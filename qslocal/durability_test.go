package qslocal

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// startOn starts a disk server on dir with fixed credentials.
func startOn(t *testing.T, dir string) *Running {
	t.Helper()
	rn, err := Start(context.Background(), Options{DataDir: dir, Addr: "127.0.0.1:0", MinPartSize: testMinPart,
		Credentials: map[string]string{"AKRESTART": "SKRESTART"}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return rn
}

func stop(t *testing.T, rn *Running) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rn.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestRestartKeepsData(t *testing.T) {
	dir := t.TempDir()
	rn := startOn(t, dir)
	c := newTC(t, &TestServer{Running: rn, tb: t})
	c.call("PUT", "/bkt-test", "", nil).want(t, 201, "")
	body := randBytes(1<<20 + 7)
	c.put("bkt-test", "obj", body, withHeader("X-QS-Meta-K", "v"))
	c.put("bkt-test", "enc", body[:1000], sseHeaders(testKey)...)
	c.call("POST", "/bkt-test/app", "append&position=0", []byte("abc")).want(t, 200, "")
	id := initiate(t, c, "mp")
	p0 := randBytes(testMinPart)
	uploadPart(t, c, "mp", id, 0, p0)
	stop(t, rn)

	rn = startOn(t, dir)
	defer stop(t, rn)
	c = newTC(t, &TestServer{Running: rn, tb: t})
	r := c.call("GET", "/bkt-test/obj", "", nil).want(t, 200, "")
	if !bytes.Equal(r.body, body) || r.header.Get("X-Qs-Meta-K") != "v" {
		t.Fatal("object differs after restart")
	}
	if got := c.get("bkt-test", "enc", sseHeaders(testKey)...); !bytes.Equal(got, body[:1000]) {
		t.Fatal("encrypted object differs after restart")
	}
	c.call("POST", "/bkt-test/app", "append&position=3", []byte("def")).want(t, 200, "")
	if got := c.get("bkt-test", "app"); string(got) != "abcdef" {
		t.Fatalf("append after restart: %q", got)
	}
	// the upload survived too and completes
	uploadPart(t, c, "mp", id, 1, []byte("tail"))
	c.call("POST", "/bkt-test/mp", "upload_id="+id, []byte(`{"object_parts":[{"part_number":0},{"part_number":1}]}`)).want(t, 201, "")
	if got := c.get("bkt-test", "mp"); !bytes.Equal(got, append(p0, "tail"...)) {
		t.Fatal("multipart across restart differs")
	}
}

// countFiles counts the files under dir/sub.
func countFiles(dir, sub string) int {
	n := 0
	filepath.Walk(filepath.Join(dir, sub), func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// sendPartial writes the headers of a signed PUT with Content-Length
// len(body) and only half the body, then closes the connection.
func sendPartial(t *testing.T, ts *TestServer, c *tc, key string, body []byte) {
	t.Helper()
	r := c.newReq("PUT", "/bkt-test/"+key, "", body)
	sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
	conn, err := net.Dial("tcp", net.JoinHostPort(ts.Host, strconv.Itoa(ts.Port)))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PUT /bkt-test/%s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\nDate: %s\r\nAuthorization: %s\r\n\r\n",
		key, r.Host, len(body), r.Header.Get("Date"), r.Header.Get("Authorization"))
	conn.Write(body[:len(body)/2])
	conn.Close()
}

func TestInterruptedUpload(t *testing.T) {
	done := make(chan string, 10)
	ts := StartTest(t, func(o *Options) {
		o.onDone = func(method, key, code string) {
			if method == "PUT" && (key == "existing" || key == "fresh") {
				done <- key + ":" + code
			}
		}
	})
	ts.CreateBucket("bkt-test")
	c := newTC(t, ts)
	old := []byte("the old object")
	c.put("bkt-test", "existing", old)
	if got := <-done; got != "existing:" {
		t.Fatalf("setup PUT: %s", got)
	}
	big := randBytes(4 << 20)
	sendPartial(t, ts, c, "existing", big)
	sendPartial(t, ts, c, "fresh", big)
	// While the handlers run, readers see the old object or none.
	if got := c.get("bkt-test", "existing"); !bytes.Equal(got, old) {
		t.Fatalf("interrupted overwrite changed the object: %d bytes", len(got))
	}
	results := map[string]bool{}
	for i := 0; i < 2; i++ {
		select {
		case r := <-done:
			results[r] = true
		case <-time.After(30 * time.Second):
			t.Fatal("interrupted uploads never finished")
		}
	}
	if !results["existing:incomplete_body"] || !results["fresh:incomplete_body"] {
		t.Fatalf("handler outcomes %v", results)
	}
	if got := c.get("bkt-test", "existing"); !bytes.Equal(got, old) {
		t.Fatalf("interrupted overwrite changed the object: %d bytes", len(got))
	}
	c.call("GET", "/bkt-test/fresh", "", nil).want(t, 404, "object_not_exists")
	if n := countFiles(ts.Server.opts.DataDir, "tmp"); n != 0 {
		t.Fatalf("%d temporary files left", n)
	}
	if n := countFiles(ts.Server.opts.DataDir, "blobs"); n != 1 {
		t.Fatalf("%d blob files, want 1", n)
	}
}

func TestSweepAtStartup(t *testing.T) {
	dir := t.TempDir()
	rn := startOn(t, dir)
	c := newTC(t, &TestServer{Running: rn, tb: t})
	c.call("PUT", "/bkt-test", "", nil).want(t, 201, "")
	c.put("bkt-test", "k", []byte("stay"))
	stop(t, rn)
	// leftovers of a crash: a temporary file and an unreferenced blob
	os.WriteFile(filepath.Join(dir, "tmp", "0123.tmp"), []byte("partial"), 0o600)
	os.MkdirAll(filepath.Join(dir, "blobs", "ab"), 0o700)
	os.WriteFile(filepath.Join(dir, "blobs", "ab", "ab000000000000000000000000000000"), []byte("orphan"), 0o600)
	rn = startOn(t, dir)
	defer stop(t, rn)
	if countFiles(dir, "tmp") != 0 || countFiles(dir, "blobs") != 1 {
		t.Fatalf("sweep left tmp=%d blobs=%d", countFiles(dir, "tmp"), countFiles(dir, "blobs"))
	}
	c = newTC(t, &TestServer{Running: rn, tb: t})
	if got := c.get("bkt-test", "k"); string(got) != "stay" {
		t.Fatalf("referenced object lost: %q", got)
	}
}

// TestNoBlobLeaks checks that overwrites, deletes, aborts, completes and
// moves leave exactly the referenced blobs.
func TestNoBlobLeaks(t *testing.T) {
	ts := StartTest(t, func(o *Options) { o.MinPartSize = 1 })
	ts.CreateBucket("bkt-test")
	c := newTC(t, ts)
	for i := 0; i < 3; i++ {
		c.put("bkt-test", "k", randBytes(100))
	}
	c.put("bkt-test", "gone", randBytes(100))
	c.call("DELETE", "/bkt-test/gone", "", nil).want(t, 204, "")
	id := initiate(t, c, "mp")
	uploadPart(t, c, "mp", id, 0, []byte("a"))
	uploadPart(t, c, "mp", id, 0, []byte("b"))
	uploadPart(t, c, "mp", id, 1, []byte("c"))
	uploadPart(t, c, "mp", id, 2, []byte("unused"))
	c.call("POST", "/bkt-test/mp", "upload_id="+id, []byte(`{"object_parts":[{"part_number":0},{"part_number":1}]}`)).want(t, 201, "")
	id2 := initiate(t, c, "ab")
	uploadPart(t, c, "ab", id2, 0, []byte("x"))
	c.call("DELETE", "/bkt-test/ab", "upload_id="+id2, nil).want(t, 204, "")
	c.put("bkt-test", "moved", nil, withHeader("X-QS-Move-Source", "/bkt-test/k"))
	if got := c.get("bkt-test", "mp"); string(got) != "bc" {
		t.Fatalf("mp = %q", got)
	}
	// referenced: moved (1) + mp (2)
	if n := countFiles(ts.Server.opts.DataDir, "blobs"); n != 3 {
		t.Fatalf("%d blob files, want 3", n)
	}
}

// TestEmptyBodiesStoreNoBlob checks that empty bodies (PUT, copy, an upload
// part, an append) commit no blob file: size-0 objects and parts reference
// none, and read back empty.
func TestEmptyBodiesStoreNoBlob(t *testing.T) {
	ts := StartTest(t, func(o *Options) { o.MinPartSize = 1 })
	ts.CreateBucket("bkt-test")
	c := newTC(t, ts)
	c.put("bkt-test", "empty", nil).want(t, 201, "")
	c.put("bkt-test", "copied", nil, withHeader("X-QS-Copy-Source", "/bkt-test/empty")).want(t, 201, "")
	c.call("POST", "/bkt-test/app", "append&position=0", []byte{}).want(t, 200, "")
	id := initiate(t, c, "mp")
	uploadPart(t, c, "mp", id, 0, nil)
	if n := countFiles(ts.Server.opts.DataDir, "blobs"); n != 0 {
		t.Fatalf("%d blob files for empty bodies, want 0", n)
	}
	c.call("POST", "/bkt-test/mp", "upload_id="+id, []byte(`{"object_parts":[{"part_number":0}]}`)).want(t, 201, "")
	for _, k := range []string{"empty", "copied", "app", "mp"} {
		if got := c.call("GET", "/bkt-test/"+k, "", nil).want(t, 200, ""); len(got.body) != 0 {
			t.Fatalf("%s: %d bytes, want 0", k, len(got.body))
		}
	}
	if n := countFiles(ts.Server.opts.DataDir, "tmp") + countFiles(ts.Server.opts.DataDir, "blobs"); n != 0 {
		t.Fatalf("%d files left", n)
	}
}
