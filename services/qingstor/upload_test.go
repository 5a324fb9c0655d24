package qingstor

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// recorder wraps qslocal and records what large writes send.
type recorder struct {
	h        http.Handler
	mu       sync.Mutex
	partMD5  []string // Content-MD5 of every part upload
	partNums []string // part_number of every part upload, in arrival order
	inFlight atomic.Int64
	maxSeen  atomic.Int64
	// failPart, when >= 0, makes that part number fail with 400.
	failPart int
	// badETag makes GETs answer a wrong ETag.
	badETag bool
	// tooLargeCopies makes single-request copies of keys containing "huge"
	// fail as QingStor fails copies of sources above 5 GiB.
	tooLargeCopies bool
	copiedParts    atomic.Int64
	// failOnce, when > 0, makes the next upload of part failOnce-1 fail
	// with 503 after its body was read (a transient failure).
	failOnce atomic.Int64
	// ranged counts GETs with a Range header.
	ranged atomic.Int64
	// beforePart, when set, runs when a part (upload or copy) arrives.
	beforePart func()
	// beforeComplete, when set, runs when a Complete request arrives,
	// before qslocal handles it.
	beforeComplete func()
}

// etagWriter replaces the ETag of a response.
type etagWriter struct{ http.ResponseWriter }

func (w etagWriter) WriteHeader(code int) {
	w.Header().Set("Etag", `"00000000000000000000000000000000"`)
	w.ResponseWriter.WriteHeader(code)
}

// set changes the recorder's knobs under its lock: handlers of requests a
// failed or cancelled call left in flight may still be reading them.
func (r *recorder) set(change func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	change()
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	r.mu.Lock()
	failPart, badETag, tooLarge := r.failPart, r.badETag, r.tooLargeCopies
	beforePart, beforeComplete := r.beforePart, r.beforeComplete
	r.mu.Unlock()
	if src := req.Header.Get("X-Qs-Copy-Source"); src != "" && req.Method == http.MethodPut {
		if q.Has("upload_id") {
			r.copiedParts.Add(1)
		} else if tooLarge && strings.Contains(src, "huge") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"code":"entity_too_large","message":"injected: the copy source is above 5 GiB"}`)
			return
		}
	}
	if req.Method == http.MethodPut && q.Has("upload_id") {
		if beforePart != nil {
			beforePart()
		}
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
		r.partNums = append(r.partNums, q.Get("part_number"))
		r.mu.Unlock()
		if f := r.failOnce.Load(); f > 0 && q.Get("part_number") == itoa(int(f-1)) && r.failOnce.CompareAndSwap(f, 0) {
			io.Copy(io.Discard, req.Body)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if q.Get("part_number") == itoa(failPart) {
			io.Copy(io.Discard, req.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"code":"bad_digest","message":"injected"}`)
			return
		}
	}
	if req.Method == http.MethodPost && q.Has("upload_id") && beforeComplete != nil {
		beforeComplete()
	}
	if req.Method == http.MethodGet && req.Header.Get("Range") != "" {
		r.ranged.Add(1)
	}
	if badETag && req.Method == http.MethodGet {
		w = etagWriter{w}
	}
	r.h.ServeHTTP(w, req)
}

// largeStore returns a storage over a recording qslocal, with large writes
// above 1 MiB in parts of 256 KiB, 3 in flight.
func largeStore(t *testing.T) (*Storage, *recorder) {
	st, rec, _ := largeStores(t)
	return st, rec
}

// largeStores is largeStore that can also open (creating it) another
// bucket of the same server, with the same settings.
func largeStores(t *testing.T) (*Storage, *recorder, func(bucket string) *Storage) {
	ak, sk := qslocal.GenerateCredentials()
	ls, err := qslocal.New(qslocal.Options{Memory: true, Credentials: map[string]string{ak: sk}, MinPartSize: 64 << 10,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	rec := &recorder{h: ls, failPart: -1}
	hs := httptest.NewServer(rec)
	t.Cleanup(hs.Close)
	u, _ := url.Parse(hs.URL)
	open := func(bucket string) *Storage {
		if err := ls.CreateBucket(bucket); err != nil {
			t.Fatal(err)
		}
		st, err := NewStorager(ps.WithCredential("hmac:"+ak+":"+sk), ps.WithEndpoint("http:"+u.Host), ps.WithName(bucket), ps.WithLocation("pek3b"))
		if err != nil {
			t.Fatal(err)
		}
		s := st.(*Storage)
		s.upload = uploadConfig{Threshold: 1 << 20, PartSize: 256 << 10, Concurrency: 3}
		return s
	}
	return open(testBucket), rec, open
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
		ps.WithContentType("application/x-big"), WithVerifyContent())
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
	rec.set(func() { rec.badETag = true })
	if _, err := st.Read("big", io.Discard, WithCheckMd5()); !errors.Is(err, ErrContentMD5Mismatch) {
		t.Fatalf("Read with check_md5 of a corrupted answer: %v", err)
	}
	if _, err := st.Read("big", io.Discard); err != nil {
		t.Fatalf("Read without check_md5: %v", err)
	}
	rec.set(func() { rec.badETag = false })
	// content_md5 of the whole object is checked before completing.
	bad := md5.Sum([]byte("other"))
	_, err = st.Write("big2", bytes.NewReader(data), int64(len(data)), ps.WithContentMd5(base64.StdEncoding.EncodeToString(bad[:])))
	if !errors.Is(err, ErrContentMD5Mismatch) {
		t.Fatalf("Write with a wrong content_md5: %v", err)
	}
	assertNothingLeft(t, st, "big2")
}

// TestLargeWriteHashing: by default a large write hashes nothing (no part
// carries Content-MD5, the ETag is not the content's MD5); verify_content
// gives the object the MD5 of its content as ETag.
func TestLargeWriteHashing(t *testing.T) {
	st, rec := largeStore(t)
	data := randomData(1<<20 + 99)
	for _, verify := range []bool{false, true} {
		rec.set(func() { rec.partMD5 = nil })
		var extra []types.Pair
		if verify {
			extra = append(extra, WithVerifyContent())
		}
		if _, err := st.Write("obj", bytes.NewReader(data), int64(len(data)), extra...); err != nil {
			t.Fatal(err)
		}
		for i, m := range rec.partMD5 {
			if (m != "") != verify {
				t.Errorf("verify_content %v: part %d sent Content-MD5 %q", verify, i, m)
			}
		}
		o, err := st.Stat("obj")
		if err != nil {
			t.Fatal(err)
		}
		if etag, _ := o.GetEtag(); (strings.Trim(etag, `"`) == md5Hex(data)) != verify {
			t.Errorf("verify_content %v: ETag %s, content MD5 %s", verify, etag, md5Hex(data))
		}
	}
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

	rec.set(func() { rec.failPart = 3 })
	_, err = st.Write("part-fails", bytes.NewReader(data), size)
	if !errors.Is(err, services.ErrUnexpected) {
		t.Fatalf("Write with a failing part: %v", err)
	}
	rec.set(func() { rec.failPart = -1 })
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
	if p := c.copyPartSize(10 << 30); p != defaultCopyPartSize {
		t.Fatalf("copy part size for 10 GiB: %d", p)
	}
	if p := c.copyPartSize(huge); (huge+p-1)/p > multipartNumberMaximum || p > qsapi.MaxPartSize {
		t.Fatalf("copy part size %d for the largest object", p)
	}
}

// TestLargeWriteInvisibleUntilComplete: while a large write is under way the
// key still shows what it held before (here: a small old object), up to the
// very moment the upload is completed.
func TestLargeWriteInvisibleUntilComplete(t *testing.T) {
	st, rec := largeStore(t)
	if _, err := st.Write("obj", strings.NewReader("old"), 3); err != nil {
		t.Fatal(err)
	}
	checked, current := 0, ""
	beforeCompleteHook := func() {
		checked++
		switch current {
		case "obj":
			var buf bytes.Buffer
			if _, err := st.Read("obj", &buf); err != nil || buf.String() != "old" {
				t.Errorf("before Complete the key reads %d bytes, %v; want the old object", buf.Len(), err)
			}
		case "new":
			if _, err := st.Stat("new"); !errors.Is(err, services.ErrObjectNotExist) {
				t.Errorf("before Complete a new key stats as %v, want ErrObjectNotExist", err)
			}
		}
	}
	rec.set(func() { rec.beforeComplete = beforeCompleteHook })
	data := randomData(2<<20 + 7)
	for _, name := range []string{"obj", "new"} {
		current = name
		if _, err := st.Write(name, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
	}
	if checked != 2 {
		t.Fatalf("%d Complete requests seen, want 2", checked)
	}
	var buf bytes.Buffer
	if _, err := st.Read("obj", &buf); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("after Complete: %d bytes, %v", buf.Len(), err)
	}
}

// patternReader yields size bytes of a fixed pattern without holding them
// and counts what it has handed out.
type patternReader struct {
	left int64
	read atomic.Int64
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.left)]
	off := p.read.Load()
	for i := range b {
		b[i] = byte((off + int64(i)) * 7)
	}
	p.left -= int64(len(b))
	p.read.Add(int64(len(b)))
	return len(b), nil
}

// sinkServer is a minimal multipart endpoint that checks each part's
// Content-MD5 and throws the bytes away, counting them as they arrive.
type sinkServer struct {
	received atomic.Int64
	badMD5   atomic.Int64
	withMD5  atomic.Int64
	parts    atomic.Int64
	// reader and maxHeld: the most bytes the reader had handed out that
	// had not reached the server yet.
	reader  atomic.Pointer[patternReader]
	maxHeld atomic.Int64
}

func (s *sinkServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodPost && q.Has("uploads"):
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"upload_id":"u1","bucket":"b","key":"k"}`)
	case r.Method == http.MethodPut && q.Has("upload_id"):
		h := md5.New()
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Body.Read(buf)
			h.Write(buf[:n])
			s.received.Add(int64(n))
			if pr := s.reader.Load(); pr != nil {
				// Load read before received: bytes other requests receive
				// in between can only lower the measure, never raise it
				// (with received loaded first, a part read meanwhile
				// counted as held).
				read := pr.read.Load()
				if held := read - s.received.Load(); held > s.maxHeld.Load() {
					s.maxHeld.Store(held) // races between requests only lower the max
				}
			}
			if err != nil {
				break
			}
		}
		if m := r.Header.Get("Content-Md5"); m != "" {
			s.withMD5.Add(1)
			if m != base64.StdEncoding.EncodeToString(h.Sum(nil)) {
				s.badMD5.Add(1)
			}
		}
		s.parts.Add(1)
		w.Header().Set("Etag", `"`+hex.EncodeToString(h.Sum(nil))+`"`)
		w.WriteHeader(http.StatusCreated)
	case r.Method == http.MethodPost && q.Has("upload_id"):
		w.WriteHeader(http.StatusCreated)
	case r.Method == http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusNotImplemented)
	}
}

// TestLargeWriteMemoryBounded: the memory of a large write is bounded by
// part size x concurrency, whatever the object size. Two measures, both
// independent of timing: the bytes the reader has handed out that have not
// reached the server never exceed part size x concurrency, and the bytes
// allocated for a 64 MiB object are far below its size and grow with the
// number of parts only (not with the bytes) compared with a 16 MiB one.
func TestLargeWriteMemoryBounded(t *testing.T) {
	sink := &sinkServer{}
	hs := httptest.NewServer(sink)
	defer hs.Close()
	u, _ := url.Parse(hs.URL)
	st, err := NewStorager(ps.WithCredential("hmac:ak:sk"), ps.WithEndpoint("http:"+u.Host), ps.WithName(testBucket), ps.WithLocation("pek3b"))
	if err != nil {
		t.Fatal(err)
	}
	s := st.(*Storage)
	const partSize, conc = 1 << 20, 2
	s.upload = uploadConfig{Threshold: 4 << 20, PartSize: partSize, Concurrency: conc}

	write := func(size int64) (allocated uint64) {
		pr := &patternReader{left: size}
		sink.reader.Store(pr)
		sink.received.Store(0)
		sink.maxHeld.Store(0)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		n, err := s.Write("big", pr, size, WithVerifyContent())
		runtime.ReadMemStats(&after)
		if err != nil || n != size {
			t.Fatalf("Write(%d) = %d, %v", size, n, err)
		}
		if got := sink.received.Load(); got != size {
			t.Fatalf("server received %d bytes of %d", got, size)
		}
		if held := sink.maxHeld.Load(); held > partSize*conc {
			t.Errorf("Write(%d MiB): %d bytes read but not yet sent, more than part size x concurrency (%d)", size>>20, held, partSize*conc)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := write(16<<20), write(64<<20)
	t.Logf("allocated: 16 MiB object %d KiB, 64 MiB object %d KiB (part %d KiB x %d)", small>>10, large>>10, partSize>>10, conc)
	if large > 16<<20 {
		t.Errorf("a 64 MiB write allocated %d MiB: more than a quarter of the object", large>>20)
	}
	// 48 MiB more data is 48 more parts; whole-object buffering would add 48 MiB.
	if large > small && large-small > 12<<20 {
		t.Errorf("allocation grew by %d MiB from 16 to 64 MiB objects", (large-small)>>20)
	}
	if w := sink.withMD5.Load(); w != 16+64 {
		t.Errorf("%d parts carried Content-MD5 with verify_content, want all 80", w)
	}
	if b := sink.badMD5.Load(); b != 0 {
		t.Errorf("%d parts arrived with a Content-MD5 that does not match their bytes", b)
	}
	if p := sink.parts.Load(); p != 16+64 {
		t.Errorf("%d parts uploaded, want 80", p)
	}
}

// md5Hex is the hex MD5 of b.
func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}
