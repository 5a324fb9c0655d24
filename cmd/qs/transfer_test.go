package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/memory"
	"github.com/qsgo/qsgo/types"
)

// testPartSize is the part size of the transfer tests (the server's
// minimum is lowered to it).
const testPartSize = 256 << 10

// testStorage starts qslocal and opens a storage on a fresh bucket.
func testStorage(t testing.TB) types.Storager {
	t.Helper()
	// Small parts keep these tests quick under -race; the multipart logic
	// is the same at any size.
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.MinPartSize = testPartSize })
	ts.CreateBucket("xfer-bucket")
	return testStorageOn(t, ts, "xfer-bucket")
}

// testStorageOn opens bucket of ts through a connection string.
func testStorageOn(t testing.TB, ts *qslocal.TestServer, bucket string) types.Storager {
	t.Helper()
	s, err := services.NewStoragerFromString(fmt.Sprintf("qingstor://%s/?credential=hmac:%s:%s&endpoint=http:%s:%d&location=%s",
		bucket, ts.AccessKeyID, ts.SecretAccessKey, ts.Host, ts.Port, ts.Zone))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// cancelReader cancels after limit bytes of a stream.
type cancelReader struct {
	r      io.Reader
	read   int64
	limit  int64
	cancel context.CancelFunc
}

func (c *cancelReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	if c.read > c.limit {
		c.cancel()
	}
	return n, err
}

// assertNoUpload checks that key does not exist and no multipart upload
// is left in the bucket.
func assertNoUpload(t *testing.T, s types.Storager, key string) {
	t.Helper()
	if _, err := s.Stat(key); !errors.Is(err, services.ErrObjectNotExist) {
		t.Errorf("stat %s: %v, want ErrObjectNotExist", key, err)
	}
	assertNoUploads(t, s)
}

func randData(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStreamCancelAbortsMultipart: the same for a stream from stdin.
func TestStreamCancelAbortsMultipart(t *testing.T) {
	s := testStorage(t)
	data := randData(t, 18*testPartSize/4)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &cancelReader{r: bytes.NewReader(data), limit: 9 * testPartSize / 4, cancel: cancel}
	x := &xfer{partSize: testPartSize, concurrency: 2}
	_, err := uploadStream(ctx, s, "stream.bin", r, x, "stdin")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("upload error %v, want context.Canceled", err)
	}
	assertNoUpload(t, s, "stream.bin")
}

// TestUploadDownloadRoundTrip covers the multipart upload and the parallel
// ranged download, including a size that is not a multiple of the part.
func TestUploadDownloadRoundTrip(t *testing.T) {
	s := testStorage(t)
	dir := t.TempDir()
	data := randData(t, 13*testPartSize/4+12345)
	src := filepath.Join(dir, "src.bin")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	x := &xfer{partSize: testPartSize, concurrency: 3}
	if n, err := uploadFile(context.Background(), s, "rt.bin", src, x); err != nil || n != int64(len(data)) {
		t.Fatalf("upload: %d, %v", n, err)
	}
	dst := filepath.Join(dir, "sub", "dst.bin")
	if n, err := downloadFile(context.Background(), s, "rt.bin", dst, x, true); err != nil || n != int64(len(data)) {
		t.Fatalf("download: %d, %v", n, err)
	}
	got, err := os.ReadFile(dst)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("downloaded file differs (%d bytes, %v)", len(got), err)
	}
	o, err := s.Stat("rt.bin")
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(dst)
	if mt, _ := o.GetLastModified(); !fi.ModTime().Equal(mt) {
		t.Errorf("local mtime %v, want the object's %v", fi.ModTime(), mt)
	}
	entries, _ := os.ReadDir(filepath.Dir(dst))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// cancelOnRead is a storage whose reads cancel the context after their
// first write to the destination (Ctrl-C in the middle of a download).
type cancelOnRead struct {
	types.Storager
	cancel context.CancelFunc
}

func (c cancelOnRead) ReadWithContext(ctx context.Context, path string, w io.Writer, ps ...types.Pair) (int64, error) {
	return c.Storager.ReadWithContext(ctx, path, &cancelWriter{w: w, cancel: c.cancel}, ps...)
}

type cancelWriter struct {
	w      io.Writer
	cancel context.CancelFunc
}

func (c *cancelWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.cancel()
	return n, err
}

// TestDownloadCancelLeavesNothing: an interrupted download removes its
// temporary file and creates no destination.
func TestDownloadCancelLeavesNothing(t *testing.T) {
	s := testStorage(t)
	data := randData(t, 9*testPartSize/4)
	if _, err := s.Write("d.bin", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	for _, conc := range []int{1, 2} {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		_, err := downloadFile(ctx, cancelOnRead{s, cancel}, "d.bin", filepath.Join(dir, "d.bin"), &xfer{partSize: testPartSize, concurrency: conc}, false)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("concurrency %d: download error %v, want context.Canceled", conc, err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("concurrency %d: files left after a cancelled download: %v", conc, entries)
		}
	}
}

// BenchmarkUpload compares qs's parallel multipart upload of a 48 MiB file
// (4 MiB parts, 4 in flight) with one plain Write of the same file, the
// baseline, against qslocal in the same run: compare the MB/s of the two.
func BenchmarkUpload(b *testing.B) {
	s := testStorage(b)
	data := randData(b, 48<<20)
	src := filepath.Join(b.TempDir(), "src.bin")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("baseline-single-write", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			f, err := os.Open(src)
			if err != nil {
				b.Fatal(err)
			}
			_, err = s.Write("single.bin", f, int64(len(data)))
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("qs-multipart", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		x := &xfer{partSize: 4 << 20, concurrency: 4}
		for b.Loop() {
			if _, err := uploadFile(context.Background(), s, "multi.bin", src, x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestUploadSetsMD5ETag: with verify (--verify, sync --checksum), a file
// uploaded in parts gets its MD5 as ETag, which QingStor computes only
// for single uploads; without it the ETag is not that MD5.
func TestUploadSetsMD5ETag(t *testing.T) {
	s := testStorage(t)
	data := randData(t, 3*testPartSize+5)
	src := filepath.Join(t.TempDir(), "src.bin")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%x", md5.Sum(data))
	for _, verify := range []bool{false, true} {
		x := &xfer{partSize: testPartSize, concurrency: 2, verify: verify}
		key := fmt.Sprintf("dir/md5-%v.bin", verify)
		if _, err := uploadFile(context.Background(), s, key, src, x); err != nil {
			t.Fatal(err)
		}
		o, err := s.Stat(key)
		if err != nil {
			t.Fatal(err)
		}
		etag, _ := o.GetEtag()
		if got := strings.Trim(etag, `"`) == want; got != verify {
			t.Errorf("verify: %v; ETag %s, file MD5 %s", verify, etag, want)
		}
		var back bytes.Buffer
		if _, err := s.Read(key, &back); err != nil || !bytes.Equal(back.Bytes(), data) {
			t.Errorf("read back %d bytes, %v", back.Len(), err)
		}
	}
	assertNoUploads(t, s)
}

// plainStorage hides every capability of a storage but types.Storager.
type plainStorage struct{ types.Storager }

// TestStreamWithoutMultipartFinishesBar checks that a stream refused for
// want of multipart uploads still finishes its progress bar, so that the
// progress display's wait returns.
func TestStreamWithoutMultipartFinishesBar(t *testing.T) {
	_, mem, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	x := &xfer{partSize: 4, concurrency: 1, prog: newProgress(context.Background(), io.Discard, true)}
	_, err = uploadStream(context.Background(), plainStorage{mem}, "s.bin", strings.NewReader("longer than a part"), x, "stdin")
	if err == nil || !strings.Contains(err.Error(), "cannot take a stream longer than") {
		t.Fatalf("upload error %v, want the service's limit", err)
	}
	waited := make(chan struct{})
	go func() { x.prog.wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(30 * time.Second):
		t.Fatal("progress wait did not return: the stream's bar was left unfinished")
	}
}
