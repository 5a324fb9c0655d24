package qingstor

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// recorder wraps qslocal and records what large writes send.
type recorder struct {
	h        http.Handler
	mu       sync.Mutex
	partMD5  []string // Content-MD5 of every part upload
	inFlight atomic.Int64
	maxSeen  atomic.Int64
	// failPart, when >= 0, makes that part number fail with 400.
	failPart int
	// badETag makes GETs answer a wrong ETag.
	badETag bool
}

// etagWriter replaces the ETag of a response.
type etagWriter struct{ http.ResponseWriter }

func (w etagWriter) WriteHeader(code int) {
	w.Header().Set("Etag", `"00000000000000000000000000000000"`)
	w.ResponseWriter.WriteHeader(code)
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	if req.Method == http.MethodPut && q.Has("upload_id") {
		n := r.inFlight.Add(1)
		defer r.inFlight.Add(-1)
		for {
			m := r.maxSeen.Load()
			if n <= m || r.maxSeen.CompareAndSwap(m, n) {
				break
			}
		}
		r.mu.Lock()
		r.partMD5 = append(r.partMD5, req.Header.Get("Content-Md5"))
		r.mu.Unlock()
		if q.Get("part_number") == itoa(r.failPart) {
			io.Copy(io.Discard, req.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"code":"bad_digest","message":"injected"}`)
			return
		}
	}
	if r.badETag && req.Method == http.MethodGet {
		w = etagWriter{w}
	}
	r.h.ServeHTTP(w, req)
}

// largeStore returns a storage over a recording qslocal, with large writes
// above 1 MiB in parts of 256 KiB, 3 in flight.
func largeStore(t *testing.T) (*Storage, *recorder) {
	ak, sk := qslocal.GenerateCredentials()
	ls, err := qslocal.New(qslocal.Options{Memory: true, Credentials: map[string]string{ak: sk}, MinPartSize: 64 << 10,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	if err := ls.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{h: ls, failPart: -1}
	hs := httptest.NewServer(rec)
	t.Cleanup(hs.Close)
	u, _ := url.Parse(hs.URL)
	st, err := NewStorager(ps.WithCredential("hmac:"+ak+":"+sk), ps.WithEndpoint("http:"+u.Host), ps.WithName(testBucket), ps.WithLocation("pek3b"))
	if err != nil {
		t.Fatal(err)
	}
	s := st.(*Storage)
	s.upload = uploadConfig{Threshold: 1 << 20, PartSize: 256 << 10, Concurrency: 3}
	return s, rec
}

func randomData(n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(int64(n))).Read(b)
	return b
}

func TestLargeWrite(t *testing.T) {
	st, rec := largeStore(t)
	data := randomData(3<<20 + 12345) // 13 parts of 256 KiB + a tail
	var seen int64
	n, err := st.Write("big", bytes.NewReader(data), int64(len(data)), ps.WithIoCallback(func(b []byte) { seen += int64(len(b)) }),
		ps.WithContentType("application/x-big"))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if seen != int64(len(data)) {
		t.Errorf("io_callback saw %d bytes", seen)
	}
	if len(rec.partMD5) != 13 {
		t.Fatalf("%d parts uploaded, want 13", len(rec.partMD5))
	}
	for i, m := range rec.partMD5 {
		if b, err := base64.StdEncoding.DecodeString(m); err != nil || len(b) != md5.Size {
			t.Fatalf("part %d Content-MD5 %q", i, m)
		}
	}
	if m := rec.maxSeen.Load(); m > 3 {
		t.Errorf("%d parts in flight, want at most 3", m)
	}
	var buf bytes.Buffer
	if _, err := st.Read("big", &buf, WithCheckMd5()); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("Read back: %d bytes, %v", buf.Len(), err)
	}
	o, err := st.Stat("big")
	if err != nil {
		t.Fatal(err)
	}
	if ct, _ := o.GetContentType(); ct != "application/x-big" {
		t.Errorf("content type %q", ct)
	}
	// SSE-C reaches every part.
	key := bytes.Repeat([]byte("e"), 32)
	if _, err := st.Write("big-enc", bytes.NewReader(data), int64(len(data)), WithEncryptionCustomerKey(key)); err != nil {
		t.Fatalf("encrypted large Write: %v", err)
	}
	if _, err := st.Read("big-enc", io.Discard); !errors.Is(err, services.ErrPermissionDenied) {
		t.Fatalf("Read of the encrypted object without its key: %v", err)
	}
	buf.Reset()
	if _, err := st.Read("big-enc", &buf, WithEncryptionCustomerKey(key)); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("Read with the key: %d bytes, %v", buf.Len(), err)
	}
	rec.badETag = true
	if _, err := st.Read("big", io.Discard, WithCheckMd5()); !errors.Is(err, ErrContentMD5Mismatch) {
		t.Fatalf("Read with check_md5 of a corrupted answer: %v", err)
	}
	if _, err := st.Read("big", io.Discard); err != nil {
		t.Fatalf("Read without check_md5: %v", err)
	}
	rec.badETag = false
	// content_md5 of the whole object is checked before completing.
	bad := md5.Sum([]byte("other"))
	_, err = st.Write("big2", bytes.NewReader(data), int64(len(data)), ps.WithContentMd5(base64.StdEncoding.EncodeToString(bad[:])))
	if !errors.Is(err, ErrContentMD5Mismatch) {
		t.Fatalf("Write with a wrong content_md5: %v", err)
	}
	assertNothingLeft(t, st, "big2")
}

// assertNothingLeft checks that name does not exist and no upload remains.
func assertNothingLeft(t *testing.T, st *Storage, name string) {
	t.Helper()
	if _, err := st.Stat(name); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("Stat(%q): %v, want ErrObjectNotExist", name, err)
	}
	it, err := st.List("", ps.WithListMode(types.ListModePart))
	if err != nil {
		t.Fatal(err)
	}
	if ups := mustList(t, it); len(ups) != 0 {
		t.Fatalf("%d uploads left, want none (aborted)", len(ups))
	}
}

// failingReader fails after n bytes.
type failingReader struct {
	r io.Reader
	n int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk on fire")
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

func TestLargeWriteFailures(t *testing.T) {
	st, rec := largeStore(t)
	data := randomData(2 << 20)
	size := int64(len(data))

	_, err := st.Write("broken-reader", &failingReader{r: bytes.NewReader(data), n: 1 << 20}, size)
	if err == nil {
		t.Fatal("Write from a failing reader succeeded")
	}
	assertNothingLeft(t, st, "broken-reader")

	_, err = st.Write("short-reader", bytes.NewReader(data[:1<<20+5]), size)
	if !errors.Is(err, ErrSizeInvalid) {
		t.Fatalf("Write from a short reader: %v", err)
	}
	assertNothingLeft(t, st, "short-reader")

	rec.failPart = 3
	_, err = st.Write("part-fails", bytes.NewReader(data), size)
	if !errors.Is(err, services.ErrUnexpected) {
		t.Fatalf("Write with a failing part: %v", err)
	}
	rec.failPart = -1
	assertNothingLeft(t, st, "part-fails")

	ctx, cancel := context.WithCancel(context.Background())
	cr := &cancelReader{r: bytes.NewReader(data), after: 600 << 10, cancel: cancel}
	_, err = st.WriteWithContext(ctx, "cancelled", cr, size)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Write: %v", err)
	}
	assertNothingLeft(t, st, "cancelled")
}

// cancelReader cancels its context after reading `after` bytes.
type cancelReader struct {
	r      io.Reader
	after  int
	read   int
	cancel func()
}

func (c *cancelReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	if c.read >= c.after {
		c.cancel()
	}
	return n, err
}

func TestPartSizeGrowsForHugeObjects(t *testing.T) {
	var c uploadConfig
	if p := c.partSize(100 << 20); p != defaultPartSize {
		t.Fatalf("part size for 100 MiB: %d", p)
	}
	huge := int64(maxObjectSize)
	p := c.partSize(huge)
	if (huge+p-1)/p > multipartNumberMaximum || p%(1<<20) != 0 {
		t.Fatalf("part size %d needs %d parts", p, (huge+p-1)/p)
	}
}
