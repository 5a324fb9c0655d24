// Package iowrap holds the io wrappers services use: limited and sectioned
// read-closers, seekable wrappers, byte-counting callbacks and an in-memory
// pipe with a fixed buffer.
package iowrap

import (
	"errors"
	"io"
)

// ReadAtCloser is an io.ReaderAt that can be closed.
type ReadAtCloser interface {
	io.Closer
	io.ReaderAt
}

// LimitedReadCloser reads at most a fixed number of bytes from a ReadCloser.
type LimitedReadCloser struct {
	r io.ReadCloser
	l *io.LimitedReader
}

// LimitReadCloser returns a reader giving at most n bytes of r; Close closes r.
func LimitReadCloser(r io.ReadCloser, n int64) *LimitedReadCloser {
	return &LimitedReadCloser{r: r, l: &io.LimitedReader{R: r, N: n}}
}

// Read reads from the underlying reader until the limit is reached, then returns io.EOF.
func (l *LimitedReadCloser) Read(p []byte) (int, error) { return l.l.Read(p) }

// Close closes the underlying reader.
func (l *LimitedReadCloser) Close() error { return l.r.Close() }

// SectionedReadCloser reads one section of a ReadAtCloser.
type SectionedReadCloser struct {
	r ReadAtCloser
	s *io.SectionReader
}

// SectionReadCloser returns a reader of the bytes [off, off+n) of r; Close closes r.
func SectionReadCloser(r ReadAtCloser, off, n int64) *SectionedReadCloser {
	return &SectionedReadCloser{r: r, s: io.NewSectionReader(r, off, n)}
}

// Read reads the next bytes of the section.
func (s *SectionedReadCloser) Read(p []byte) (int, error) { return s.s.Read(p) }

// Close closes the underlying reader.
func (s *SectionedReadCloser) Close() error { return s.r.Close() }

// SeekCloseableReader makes any reader an io.ReadSeekCloser.
type SeekCloseableReader struct {
	r    io.Reader
	size int64
}

// ReadSeekCloser wraps r; for a reader that cannot seek, Seek(0, io.SeekEnd) reports 0.
func ReadSeekCloser(r io.Reader) *SeekCloseableReader {
	return &SeekCloseableReader{r: r}
}

// SizedReadSeekCloser wraps r of the given size; for a reader that cannot seek,
// Seek(0, io.SeekEnd) reports size (what http.NewRequest needs for a length).
func SizedReadSeekCloser(r io.Reader, size int64) *SeekCloseableReader {
	return &SeekCloseableReader{r: r, size: size}
}

// Read reads from the wrapped reader.
func (s *SeekCloseableReader) Read(p []byte) (int, error) { return s.r.Read(p) }

// errWhence is returned by Seek for an unknown whence.
var errWhence = errors.New("iowrap: invalid whence")

// Seek delegates to the wrapped reader when it is an io.Seeker. Otherwise it
// does not move: io.SeekStart and io.SeekCurrent give 0, io.SeekEnd gives the
// size. An unknown whence is an error (go-storage panics).
func (s *SeekCloseableReader) Seek(offset int64, whence int) (int64, error) {
	if sk, ok := s.r.(io.Seeker); ok {
		return sk.Seek(offset, whence)
	}
	switch whence {
	case io.SeekStart, io.SeekCurrent:
		return 0, nil
	case io.SeekEnd:
		return s.size, nil
	default:
		return 0, errWhence
	}
}

// Close closes the wrapped reader if it is an io.Closer.
func (s *SeekCloseableReader) Close() error {
	if c, ok := s.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// CallbackifyReader calls a function with every chunk read.
type CallbackifyReader struct {
	r  io.Reader
	fn func([]byte)
}

// CallbackReader returns a reader calling fn with exactly the bytes of each Read of r.
func CallbackReader(r io.Reader, fn func([]byte)) *CallbackifyReader {
	return &CallbackifyReader{r: r, fn: fn}
}

// Read reads from r, then calls fn(p[:n]) (also when n is 0).
func (r *CallbackifyReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.fn(p[:n])
	return n, err
}

// CallbackifyReadCloser calls a function with every chunk read.
type CallbackifyReadCloser struct {
	r  io.ReadCloser
	fn func([]byte)
}

// CallbackReadCloser returns a read-closer calling fn with exactly the bytes of each Read of r.
func CallbackReadCloser(r io.ReadCloser, fn func([]byte)) *CallbackifyReadCloser {
	return &CallbackifyReadCloser{r: r, fn: fn}
}

// Read reads from r, then calls fn(p[:n]) (also when n is 0).
func (r *CallbackifyReadCloser) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.fn(p[:n])
	return n, err
}

// Close closes r.
func (r *CallbackifyReadCloser) Close() error { return r.r.Close() }

// CallbackifyWriter calls a function with every chunk written.
type CallbackifyWriter struct {
	w  io.Writer
	fn func([]byte)
}

// CallbackWriter returns a writer calling fn with exactly the bytes each Write of w accepted.
func CallbackWriter(w io.Writer, fn func([]byte)) *CallbackifyWriter {
	return &CallbackifyWriter{w: w, fn: fn}
}

// Write writes to w, then calls fn(p[:n]) (also when n is 0).
func (w *CallbackifyWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if n < 0 || n > len(p) {
		n = 0
	}
	w.fn(p[:n])
	return n, err
}
