package iowrap

import (
	"io"
	"sync"
)

// pipeSize is the fixed buffer size of a Pipe.
const pipeSize = 64 << 10

// pipe is the state shared by the two ends of a Pipe: a ring buffer.
type pipe struct {
	mu   sync.Mutex
	cond sync.Cond
	buf  [pipeSize]byte
	head int // index of the first buffered byte
	n    int // number of buffered bytes
	rerr error
	werr error
}

// PipeReader is the read end of a Pipe.
type PipeReader struct{ p *pipe }

// PipeWriter is the write end of a Pipe.
type PipeWriter struct{ p *pipe }

// Pipe returns a synchronous in-memory pipe with a fixed 64 KiB buffer:
// writes block while the buffer is full. Each end is for one goroutine at a
// time (no concurrent readers, no concurrent writers).
func Pipe() (r *PipeReader, w *PipeWriter) {
	p := &pipe{}
	p.cond.L = &p.mu
	return &PipeReader{p}, &PipeWriter{p}
}

// Read reads buffered bytes, waiting for some if the buffer is empty. After
// the writer closed, it drains the buffer then returns the writer's error
// (io.EOF by default); after the reader closed, it returns io.ErrClosedPipe.
func (r *PipeReader) Read(p []byte) (n int, err error) {
	pp := r.p
	pp.mu.Lock()
	defer pp.mu.Unlock()
	for {
		if pp.rerr != nil {
			return 0, io.ErrClosedPipe
		}
		if pp.n > 0 {
			break
		}
		if len(p) == 0 {
			return 0, nil
		}
		if pp.werr != nil {
			return 0, pp.werr
		}
		pp.cond.Wait()
	}
	for n < len(p) && pp.n > 0 {
		end := min(pp.head+pp.n, pipeSize)
		c := copy(p[n:], pp.buf[pp.head:end])
		n += c
		pp.head = (pp.head + c) % pipeSize
		pp.n -= c
	}
	pp.cond.Broadcast()
	return n, nil
}

// Close closes the reader; it always returns nil.
func (r *PipeReader) Close() error {
	r.CloseWithError(nil)
	return nil
}

// CloseWithError closes the reader: writes that must wait then fail with err
// (io.ErrClosedPipe if nil). Only the first close counts.
func (r *PipeReader) CloseWithError(err error) {
	if err == nil {
		err = io.ErrClosedPipe
	}
	pp := r.p
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if pp.rerr == nil {
		pp.rerr = err
	}
	pp.cond.Broadcast()
}

// Write copies p into the buffer, waiting while it is full. It fails with
// io.ErrClosedPipe after the writer closed, and with the reader's error when it
// must wait after the reader closed.
func (w *PipeWriter) Write(p []byte) (n int, err error) {
	pp := w.p
	pp.mu.Lock()
	defer pp.mu.Unlock()
	for n < len(p) {
		if pp.werr != nil {
			return n, io.ErrClosedPipe
		}
		if pp.n == pipeSize {
			if pp.rerr != nil {
				return n, pp.rerr
			}
			pp.cond.Wait()
			continue
		}
		tail := (pp.head + pp.n) % pipeSize
		end := pipeSize
		if tail < pp.head {
			end = pp.head
		}
		c := copy(pp.buf[tail:end], p[n:])
		n += c
		pp.n += c
		pp.cond.Broadcast()
	}
	return n, nil
}

// Close closes the writer; it always returns nil.
func (w *PipeWriter) Close() error {
	w.CloseWithError(nil)
	return nil
}

// CloseWithError closes the writer: reads return err (io.EOF if nil) once the
// buffer is drained. Only the first close counts.
func (w *PipeWriter) CloseWithError(err error) {
	if err == nil {
		err = io.EOF
	}
	pp := w.p
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if pp.werr == nil {
		pp.werr = err
	}
	pp.cond.Broadcast()
}
