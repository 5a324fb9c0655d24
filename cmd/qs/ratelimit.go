package main

import (
	"context"
	"io"
	"os"
	"sync"
	"time"
)

// rateLimit is a token bucket shared by every transfer of one command, so
// that --rate-limit caps the command's total bytes per second, whatever the
// number of files and parts in flight. Transfers take tokens as bytes pass
// through the streams wrapped below (a local file, standard input or
// output), so the limit holds whichever engine moves the bytes.
//
// Each read or write passes at most chunk bytes, then waits until the
// bucket has paid for them; waits of concurrent transfers queue behind each
// other (the bucket goes into debt), which keeps the total at the rate. The
// bucket holds at most burst bytes, a quarter of a second of traffic.
type rateLimit struct {
	rate  float64 // bytes per second
	burst float64
	chunk int
	ctx   context.Context // a cancelled command stops waiting

	mu     sync.Mutex
	tokens float64
	last   time.Time

	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// newRateLimit returns a limit of bps bytes per second, or nil (no limit)
// for 0.
func newRateLimit(ctx context.Context, bps int64) *rateLimit {
	if bps <= 0 {
		return nil
	}
	burst := min(max(float64(bps)/4, 512), 4<<20)
	l := &rateLimit{rate: float64(bps), burst: burst, chunk: int(burst), ctx: ctx, now: time.Now, sleep: sleepCtx}
	l.last = l.now()
	l.tokens = burst
	return l
}

// sleepCtx sleeps for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// take pays for n bytes, waiting while the bucket is in debt.
func (l *rateLimit) take(n int) error {
	if l == nil || n <= 0 {
		return nil
	}
	l.mu.Lock()
	now := l.now()
	l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	l.last = now
	l.tokens -= float64(n)
	var wait time.Duration
	if l.tokens < 0 {
		wait = time.Duration(-l.tokens / l.rate * float64(time.Second))
	}
	l.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	return l.sleep(l.ctx, wait)
}

// cut shortens p to one chunk.
func (l *rateLimit) cut(p []byte) []byte {
	if l != nil && len(p) > l.chunk {
		return p[:l.chunk]
	}
	return p
}

// reader limits r (nil l: r itself).
func (l *rateLimit) reader(r io.Reader) io.Reader {
	if l == nil {
		return r
	}
	return &limitedReader{r: r, l: l}
}

// writer limits w (nil l: w itself).
func (l *rateLimit) writer(w io.Writer) io.Writer {
	if l == nil {
		return w
	}
	return &limitedWriter{w: w, l: l}
}

// file limits f, keeping what the transfer engine needs of a file: reads
// and writes by offset, and seeking.
func (l *rateLimit) file(f *os.File) fileLike {
	if l == nil {
		return f
	}
	return &limitedFile{f: f, l: l}
}

// fileLike is what transfers use of a local file.
type fileLike interface {
	io.Reader
	io.ReaderAt
	io.Writer
	io.WriterAt
	io.Seeker
}

type limitedReader struct {
	r io.Reader
	l *rateLimit
}

func (r *limitedReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(r.l.cut(p))
	if werr := r.l.take(n); werr != nil && err == nil {
		err = werr
	}
	return n, err
}

type limitedWriter struct {
	w io.Writer
	l *rateLimit
}

func (w *limitedWriter) Write(p []byte) (int, error) {
	return w.l.chunks(p, 0, func(c []byte, _ int64) (int, error) { return w.w.Write(c) })
}

// chunks applies op (a whole-buffer read or write at an offset) to p one
// chunk at a time, paying for each, until p is done or op fails.
func (l *rateLimit) chunks(p []byte, off int64, op func([]byte, int64) (int, error)) (int, error) {
	done := 0
	for done < len(p) {
		n, err := op(l.cut(p[done:]), off+int64(done))
		done += n
		if terr := l.take(n); err == nil {
			err = terr
		}
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

type limitedFile struct {
	f *os.File
	l *rateLimit
}

func (f *limitedFile) Read(p []byte) (int, error) {
	return (&limitedReader{r: f.f, l: f.l}).Read(p)
}

func (f *limitedFile) Write(p []byte) (int, error) {
	return (&limitedWriter{w: f.f, l: f.l}).Write(p)
}

func (f *limitedFile) Seek(off int64, whence int) (int64, error) { return f.f.Seek(off, whence) }

// ReadAt reads p whole (as io.ReaderAt demands), one chunk at a time.
func (f *limitedFile) ReadAt(p []byte, off int64) (int, error) { return f.l.chunks(p, off, f.f.ReadAt) }

// WriteAt writes p whole, one chunk at a time.
func (f *limitedFile) WriteAt(p []byte, off int64) (int, error) {
	return f.l.chunks(p, off, f.f.WriteAt)
}
