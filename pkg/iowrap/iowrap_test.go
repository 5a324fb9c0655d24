package iowrap

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/pkg/randbytes"
)

type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

type readAtCloser struct {
	*bytes.Reader
	closed bool
}

func (r *readAtCloser) Close() error { r.closed = true; return nil }

func TestLimitAndSection(t *testing.T) {
	cc := &closeCounter{Reader: strings.NewReader("hello world")}
	l := LimitReadCloser(cc, 5)
	got, err := io.ReadAll(l)
	if err != nil || string(got) != "hello" || l.Close() != nil || cc.closed != 1 {
		t.Fatalf("limit: %q %v", got, err)
	}
	ra := &readAtCloser{Reader: bytes.NewReader([]byte("0123456789"))}
	s := SectionReadCloser(ra, 3, 4)
	got, err = io.ReadAll(s)
	if err != nil || string(got) != "3456" || s.Close() != nil || !ra.closed {
		t.Fatalf("section: %q %v", got, err)
	}
}

func TestSeekCloseable(t *testing.T) {
	// A seeker is delegated to.
	r := ReadSeekCloser(strings.NewReader("abcdef"))
	if n, err := r.Seek(2, io.SeekStart); n != 2 || err != nil {
		t.Fatalf("seek: %d %v", n, err)
	}
	if b, _ := io.ReadAll(r); string(b) != "cdef" || r.Close() != nil {
		t.Fatalf("read %q", b)
	}
	// A plain reader reports 0 or its size and is closed if it is a Closer.
	cc := &closeCounter{Reader: io.MultiReader(strings.NewReader("xyz"))}
	s := SizedReadSeekCloser(cc, 3)
	if n, _ := s.Seek(0, io.SeekEnd); n != 3 {
		t.Fatalf("end %d", n)
	}
	if n, _ := s.Seek(0, io.SeekStart); n != 0 {
		t.Fatalf("start %d", n)
	}
	if n, _ := ReadSeekCloser(io.MultiReader()).Seek(0, io.SeekEnd); n != 0 {
		t.Fatalf("unsized end %d", n)
	}
	if _, err := s.Seek(0, 42); err == nil {
		t.Fatal("bad whence accepted")
	}
	if s.Close() != nil || cc.closed != 1 {
		t.Fatal("close not delegated")
	}
}

func TestCallbacks(t *testing.T) {
	var total, calls int
	fn := func(b []byte) { total += len(b); calls++ }
	data := make([]byte, 100000)
	randbytes.NewRand().Read(data)
	got, err := io.ReadAll(CallbackReader(bytes.NewReader(data), fn))
	if err != nil || !bytes.Equal(got, data) || total != len(data) {
		t.Fatalf("reader total %d", total)
	}
	total = 0
	cc := &closeCounter{Reader: bytes.NewReader(data)}
	rc := CallbackReadCloser(cc, fn)
	io.Copy(io.Discard, rc)
	if total != len(data) || rc.Close() != nil || cc.closed != 1 {
		t.Fatalf("read-closer total %d", total)
	}
	total = 0
	var buf bytes.Buffer
	if _, err := io.Copy(CallbackWriter(&buf, fn), bytes.NewReader(data)); err != nil || total != len(data) || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("writer total %d", total)
	}
	// The callback sees the zero-byte read at EOF too.
	calls = 0
	CallbackReader(strings.NewReader(""), fn).Read(make([]byte, 1))
	if calls != 1 {
		t.Fatalf("calls %d", calls)
	}
}

func TestPipeTransfersLargeStreams(t *testing.T) {
	r, w := Pipe()
	data := make([]byte, 5*pipeSize+123)
	randbytes.NewRand().Read(data)
	done := make(chan error, 1)
	go func() {
		// Writes of odd sizes wrap around the ring buffer.
		for off := 0; off < len(data); {
			end := min(off+7777, len(data))
			if _, err := w.Write(data[off:end]); err != nil {
				done <- err
				return
			}
			off = end
		}
		done <- w.Close()
	}()
	h := sha256.New()
	n, err := io.CopyBuffer(h, r, make([]byte, 1000))
	if err != nil || n != int64(len(data)) || <-done != nil {
		t.Fatalf("copied %d, %v", n, err)
	}
	want := sha256.Sum256(data)
	if !bytes.Equal(h.Sum(nil), want[:]) {
		t.Fatal("content differs")
	}
	if _, err := r.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("after drain: %v", err)
	}
}

func TestPipeCloseErrors(t *testing.T) {
	boom := errors.New("boom")
	r, w := Pipe()
	w.Write([]byte("ab"))
	w.CloseWithError(boom)
	w.CloseWithError(errors.New("second")) // only the first counts
	p := make([]byte, 10)
	if n, err := r.Read(p); n != 2 || err != nil {
		t.Fatalf("drain: %d %v", n, err)
	}
	if _, err := r.Read(p); err != boom {
		t.Fatalf("after drain: %v", err)
	}
	if _, err := w.Write([]byte("x")); err != io.ErrClosedPipe {
		t.Fatalf("write after close: %v", err)
	}

	r, w = Pipe()
	r.CloseWithError(boom)
	if _, err := r.Read(p); err != io.ErrClosedPipe {
		t.Fatalf("read after reader close: %v", err)
	}
	// A write that fits is buffered; one that must wait gets the reader's error.
	n, err := w.Write(make([]byte, pipeSize+10))
	if n != pipeSize || err != boom {
		t.Fatalf("write after reader close: %d %v", n, err)
	}
	if r.Close() != nil || w.Close() != nil {
		t.Fatal("Close must return nil")
	}
}

func TestPipeReaderUnblocksWriter(t *testing.T) {
	r, w := Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := w.Write(make([]byte, 3*pipeSize))
		done <- err
	}()
	// Read a little so the writer is certainly blocked or progressing, then close.
	io.ReadFull(r, make([]byte, 10))
	r.Close()
	if err := <-done; err != io.ErrClosedPipe {
		t.Fatalf("blocked writer got %v", err)
	}
}

func BenchmarkPipe(b *testing.B) {
	data := make([]byte, 1<<20)
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, w := Pipe()
		go func() { w.Write(data); w.Close() }()
		io.CopyBuffer(io.Discard, r, buf)
	}
}

func BenchmarkIoPipeBaseline(b *testing.B) {
	data := make([]byte, 1<<20)
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, w := io.Pipe()
		go func() { w.Write(data); w.Close() }()
		io.CopyBuffer(io.Discard, r, buf)
	}
}
