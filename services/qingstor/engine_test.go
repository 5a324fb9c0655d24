package qingstor

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
)

// tempFile returns a file holding data, open for reading and writing.
func tempFile(t *testing.T, data []byte) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	return f
}

// readAll reads name back through a sequential writer.
func readAll(t *testing.T, st *Storage, name string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := st.Read(name, &buf); err != nil {
		t.Fatalf("Read(%q): %v", name, err)
	}
	return buf.Bytes()
}

// TestWriteFromFile: a file is uploaded from its current offset by
// parallel sections; a part that fails on a transient error is re-read from
// the file and sent again; io_callback sees each byte once; the file's
// offset ends past the written bytes.
func TestWriteFromFile(t *testing.T) {
	st, rec := largeStore(t)
	data := randomData(3<<20 + 5)
	f := tempFile(t, data)
	if _, err := f.Seek(100, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rec.failOnce.Store(2 + 1) // part 2 fails once with 503
	var seen atomic.Int64
	size := int64(len(data) - 100)
	n, err := st.Write("file", f, size, ps.WithIoCallback(func(b []byte) { seen.Add(int64(len(b))) }))
	if err != nil || n != size {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if rec.failOnce.Load() != 0 {
		t.Fatal("the injected part failure was never hit")
	}
	if got := len(rec.partMD5); got != 12+1 { // 12 parts of 256 KiB (the last short)
		t.Errorf("%d part uploads, want 12 and one retry", got)
	}
	if seen.Load() != size {
		t.Errorf("io_callback saw %d bytes, want %d (each byte once, retry or not)", seen.Load(), size)
	}
	if off, _ := f.Seek(0, io.SeekCurrent); off != int64(len(data)) {
		t.Errorf("file offset %d after Write, want %d", off, len(data))
	}
	if !bytes.Equal(readAll(t, st, "file"), data[100:]) {
		t.Fatal("object differs from the file's bytes")
	}
	// A file shorter than size is refused before anything is sent.
	f.Seek(0, io.SeekStart)
	if _, err := st.Write("short", f, int64(len(data))+1); !errors.Is(err, ErrSizeInvalid) {
		t.Fatalf("Write of more than the file holds: %v", err)
	}
	assertNothingLeft(t, st, "short")
}

// TestWriteResume: Write with multipart_id keeps the parts of the upload
// whose MD5 matches the source, sends the others and completes; a failed
// attempt leaves the upload for the next one.
func TestWriteResume(t *testing.T) {
	st, rec := largeStore(t)
	const psz = 256 << 10
	data := randomData(4*psz + 999) // parts 0..4
	o, err := st.CreateMultipart("resumed")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := o.GetMultipartID()
	put := func(i int, b []byte) {
		sum := md5Sum(b)
		if _, _, err := st.WriteMultipart(o, bytes.NewReader(b), int64(len(b)), i, ps.WithContentMd5(base64.StdEncoding.EncodeToString(sum))); err != nil {
			t.Fatal(err)
		}
	}
	put(0, data[:psz])
	put(2, data[2*psz:3*psz])
	put(3, randomData(psz)) // not the source's bytes: must be replaced
	rec.set(func() { rec.partMD5 = nil; rec.failPart = 4 })
	_, err = st.Write("resumed", bytes.NewReader(data), int64(len(data)), ps.WithMultipartID(id))
	if err == nil {
		t.Fatal("Write with a failing part succeeded")
	}
	if _, err := st.Stat("resumed", ps.WithMultipartID(id)); err != nil {
		t.Fatalf("the upload named by multipart_id is gone after a failed attempt: %v", err)
	}
	rec.set(func() { rec.partMD5 = nil; rec.partNums = nil; rec.failPart = -1 })
	n, err := st.Write("resumed", bytes.NewReader(data), int64(len(data)), ps.WithMultipartID(id))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("resumed Write = %d, %v", n, err)
	}
	// Parts 0 and 2 were kept; the failed attempt may have stored 1 and 3
	// (it sends them with their MD5), never 4. Part numbers are counted, not
	// requests: a part request the failed attempt cancelled may still reach
	// the server after the recorder was reset, and a loaded machine may make
	// the client retry one.
	sent := map[string]bool{}
	rec.set(func() {
		for _, p := range rec.partNums {
			sent[p] = true
		}
	})
	if !sent["4"] || sent["0"] || sent["2"] || len(sent) > 3 {
		t.Errorf("parts %v sent on resume, want part 4 and at most 1 and 3 besides (0 and 2 kept)", sent)
	}
	for _, m := range rec.partMD5 {
		if m == "" {
			t.Error("a resumable part was sent without Content-MD5")
		}
	}
	if !bytes.Equal(readAll(t, st, "resumed"), data) {
		t.Fatal("resumed object differs from the source")
	}
}

func md5Sum(b []byte) []byte {
	h, _ := ReaderMD5(context.Background(), bytes.NewReader(b))
	return h
}

// TestReadIntoFile: Read into a file fetches parallel ranges (one GET for
// a small object), writes them at the file's offset, moves the offset and
// shows every byte once to io_callback; writers that cannot take writes by
// offset get a sequential copy.
func TestReadIntoFile(t *testing.T) {
	st, rec := largeStore(t)
	data := randomData(1<<20 + 77) // 5 ranges of 256 KiB
	if _, err := st.Write("obj", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	f := tempFile(t, []byte("head"))
	f.Seek(4, io.SeekStart)
	rec.ranged.Store(0)
	var seen atomic.Int64
	n, err := st.Read("obj", f, ps.WithIoCallback(func(b []byte) { seen.Add(int64(len(b))) }))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("Read = %d, %v", n, err)
	}
	if got := rec.ranged.Load(); got != 5 {
		t.Errorf("%d ranged GETs, want 5", got)
	}
	if seen.Load() != n {
		t.Errorf("io_callback saw %d bytes, want %d", seen.Load(), n)
	}
	if off, _ := f.Seek(0, io.SeekCurrent); off != 4+n {
		t.Errorf("offset %d after Read, want %d", off, 4+n)
	}
	got, _ := os.ReadFile(f.Name())
	if !bytes.Equal(got, append([]byte("head"), data...)) {
		t.Fatal("file content differs")
	}
	for name, body := range map[string]string{"small": "tiny", "empty": ""} {
		if _, err := st.Write(name, strings.NewReader(body), int64(len(body))); err != nil {
			t.Fatal(err)
		}
		g := tempFile(t, nil)
		rec.ranged.Store(0)
		if n, err := st.Read(name, g); err != nil || n != int64(len(body)) {
			t.Fatalf("Read(%s) = %d, %v", name, n, err)
		}
		if got, _ := os.ReadFile(g.Name()); string(got) != body {
			t.Fatalf("Read(%s) wrote %q", name, got)
		}
		if name == "small" && rec.ranged.Load() != 1 {
			t.Errorf("small object: %d ranged GETs, want 1", rec.ranged.Load())
		}
	}
	// A file opened for append cannot be written by offset: sequential.
	af, err := os.OpenFile(filepath.Join(t.TempDir(), "a"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer af.Close()
	rec.ranged.Store(0)
	if n, err := st.Read("obj", af); err != nil || n != int64(len(data)) {
		t.Fatalf("Read into an append-only file = %d, %v", n, err)
	}
	if rec.ranged.Load() != 0 {
		t.Errorf("append-only file: %d ranged GETs, want a plain GET", rec.ranged.Load())
	}
	// part_concurrency 1 reads sequentially too.
	rec.ranged.Store(0)
	if _, err := st.Read("obj", tempFile(t, nil), WithPartConcurrency(1)); err != nil || rec.ranged.Load() != 0 {
		t.Errorf("part_concurrency 1: %v, %d ranged GETs", err, rec.ranged.Load())
	}
	if _, err := st.Read("obj", f, WithPartConcurrency(-1)); !errors.Is(err, ErrSizeInvalid) {
		t.Errorf("part_concurrency -1: %v", err)
	}
}

// TestReadIntoFileFailures: a cancelled parallel read stops with the
// context's error; a missing object is ErrObjectNotExist.
func TestReadIntoFileFailures(t *testing.T) {
	st, _ := largeStore(t)
	data := randomData(1 << 20)
	if _, err := st.Write("obj", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var once atomic.Bool
	_, err := st.ReadWithContext(ctx, "obj", tempFile(t, nil), ps.WithIoCallback(func([]byte) {
		if once.CompareAndSwap(false, true) {
			cancel()
		}
	}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Read: %v", err)
	}
	if _, err := st.Read("missing", tempFile(t, nil)); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("Read of a missing object: %v", err)
	}
}

// onlyReader hides every method but Read.
type onlyReader struct{ io.Reader }

// TestWriteStream: a stream of unknown length is one request when it fits
// a part, multipart otherwise; verify_content gives the multipart object
// its MD5 as ETag; a failure leaves nothing.
func TestWriteStream(t *testing.T) {
	st, rec := largeStore(t)
	ctx := context.Background()
	for _, size := range []int{0, 5, 256 << 10} {
		data := randomData(size)
		n, err := st.WriteStream(ctx, "one", onlyReader{bytes.NewReader(data)}, WithPartSize(256<<10))
		if err != nil || n != int64(size) {
			t.Fatalf("WriteStream(%d bytes) = %d, %v", size, n, err)
		}
		if len(rec.partMD5) != 0 {
			t.Fatalf("a %d-byte stream went multipart", size)
		}
		if !bytes.Equal(readAll(t, st, "one"), data) {
			t.Fatalf("%d-byte stream stored wrong", size)
		}
	}
	data := randomData(1<<20 + 3)
	var seen atomic.Int64
	n, err := st.WriteStream(ctx, "long", onlyReader{bytes.NewReader(data)}, WithPartSize(256<<10), WithVerifyContent(),
		ps.WithIoCallback(func(b []byte) { seen.Add(int64(len(b))) }))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("WriteStream = %d, %v", n, err)
	}
	if len(rec.partMD5) != 5 || seen.Load() != n {
		t.Errorf("%d parts, io_callback saw %d bytes; want 5 and %d", len(rec.partMD5), seen.Load(), n)
	}
	if o, err := st.Stat("long"); err != nil {
		t.Fatal(err)
	} else if etag, _ := o.GetEtag(); strings.Trim(etag, `"`) != md5Hex(data) {
		t.Errorf("ETag %s, want the content's MD5", etag)
	}
	if !bytes.Equal(readAll(t, st, "long"), data) {
		t.Fatal("long stream stored wrong")
	}
	_, err = st.WriteStream(ctx, "broken", &failingReader{r: bytes.NewReader(data), n: 600 << 10}, WithPartSize(256<<10))
	if err == nil {
		t.Fatal("WriteStream of a failing reader succeeded")
	}
	assertNothingLeft(t, st, "broken")
}

// TestCopyFromOtherBucket: CopyFrom copies across buckets on the server,
// part by part above the single-request limit.
func TestCopyFromOtherBucket(t *testing.T) {
	src, rec, open := largeStores(t)
	dst := open("other-bucket")
	rec.set(func() { rec.tooLargeCopies = true })
	dst.upload.CopyPartSize = 256 << 10
	data := randomData(1<<20 + 1)
	if _, err := src.Write("huge-src", bytes.NewReader(data), int64(len(data)), WithVerifyContent()); err != nil {
		t.Fatal(err)
	}
	if err := dst.CopyFrom(context.Background(), src, "huge-src", "copy"); err != nil {
		t.Fatalf("CopyFrom: %v", err)
	}
	if got := rec.copiedParts.Load(); got != 5 {
		t.Errorf("%d parts copied, want 5", got)
	}
	var buf bytes.Buffer
	if _, err := dst.Read("copy", &buf, WithCheckMd5()); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("Read copy: %d bytes, %v", buf.Len(), err)
	}
	if err := dst.CopyFrom(context.Background(), src, "missing", "x"); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("CopyFrom of a missing source: %v", err)
	}
}

// cancelAt is a file-like source (io.ReaderAt and io.Seeker) that cancels a
// context once more than limit bytes were read from it by offset.
type cancelAt struct {
	*bytes.Reader
	read   atomic.Int64
	limit  int64
	cancel context.CancelFunc
}

func (c *cancelAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.Reader.ReadAt(p, off)
	if c.read.Add(int64(n)) > c.limit {
		c.cancel()
	}
	return n, err
}

// TestWriteFromFileCancelled: cancelling a write from a file source aborts
// the upload and leaves nothing.
func TestWriteFromFileCancelled(t *testing.T) {
	st, _ := largeStore(t)
	data := randomData(2 << 20)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &cancelAt{Reader: bytes.NewReader(data), limit: 600 << 10, cancel: cancel}
	if _, err := st.WriteWithContext(ctx, "cancelled", src, int64(len(data))); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Write: %v", err)
	}
	assertNothingLeft(t, st, "cancelled")
}

// TestWriteStreamPartLimit: a stream that fills the last allowed part
// exactly is stored; one byte more is refused and its upload aborted.
func TestWriteStreamPartLimit(t *testing.T) {
	st, _ := largeStore(t)
	defer func(n int) { streamPartsMaximum = n }(streamPartsMaximum)
	streamPartsMaximum = 3
	const psz = 64 << 10
	data := randomData(3*psz + 1)
	n, err := st.WriteStream(context.Background(), "full", onlyReader{bytes.NewReader(data[:3*psz])}, WithPartSize(psz))
	if err != nil || n != 3*psz {
		t.Fatalf("stream of exactly 3 parts: %d, %v", n, err)
	}
	_, err = st.WriteStream(context.Background(), "over", onlyReader{bytes.NewReader(data)}, WithPartSize(psz))
	if !errors.Is(err, ErrSizeInvalid) || !strings.Contains(err.Error(), "raise part_size") {
		t.Fatalf("stream of 3 parts and a byte: %v", err)
	}
	assertNothingLeft(t, st, "over")
}

// TestProgressReader: the progress wrapper keeps Seek when the body has it
// (so requests can be retried), shows rewound bytes once, and refuses Seek
// otherwise.
func TestProgressReader(t *testing.T) {
	var shown bytes.Buffer
	r := &progressReader{r: strings.NewReader("abcdef"), cb: func(b []byte) { shown.Write(b) }}
	b := make([]byte, 3)
	if n, _ := r.Read(b); n != 3 {
		t.Fatalf("read %d", n)
	}
	if pos, err := r.Seek(1, io.SeekStart); err != nil || pos != 1 {
		t.Fatalf("seek: %d %v", pos, err)
	}
	all, _ := io.ReadAll(r)
	if string(all) != "bcdef" || shown.String() != "abcdef" {
		t.Fatalf("after seek read %q, showed %q; want bcdef, abcdef", all, shown.String())
	}
	nr := &progressReader{r: onlyReader{strings.NewReader("x")}}
	if _, err := nr.Seek(0, io.SeekStart); !errors.Is(err, errNotSeeker) {
		t.Fatalf("seek on a stream: %v", err)
	}
}
