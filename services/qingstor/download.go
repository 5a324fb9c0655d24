package qingstor

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/qsgo/qsgo/pkg/iowrap"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
)

// Large reads. Read of a whole object (no offset, size or check_md5) into
// a writer that can be written by offset -- an io.WriterAt and io.Seeker
// whose WriteAt works at its current offset, such as an *os.File of a
// regular file -- fetches the object as parallel ranged GETs of part_size
// bytes (64 MiB by default), part_concurrency at a time, each written at its place. The first
// range is one GET that also tells the object's size, so a small object
// still costs one request; the other ranges carry If-Match with the first
// answer's ETag, so an object replaced meanwhile fails the read (412)
// instead of mixing two versions. A range whose body breaks is requested
// again from where it stopped (up to rangeAttempts times). On success the
// writer's offset is moved past the object, as a sequential copy would
// leave it. io_callback calls never overlap but may come in any order of
// offsets. Any other writer (a pipe, a terminal, a file opened for append,
// a bytes.Buffer) is written sequentially, and so is a read with check_md5
// (its digest needs the bytes in order).

// rangeAttempts is how many times one range of a parallel read is requested.
const rangeAttempts = 3

// writerAtSeeker is the destination of a parallel read.
type writerAtSeeker interface {
	io.WriterAt
	io.Seeker
}

// parallelTarget returns w and its current offset when the read can go in
// parallel ranges.
func parallelTarget(w io.Writer, opt pairStorageRead, p plan) (writerAtSeeker, int64, bool) {
	ws, ok := w.(writerAtSeeker)
	if !ok || p.concurrency < 2 || opt.HasOffset || opt.HasSize || opt.CheckMd5 {
		return nil, 0, false
	}
	pos, err := ws.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, 0, false
	}
	if _, err := ws.WriteAt(nil, pos); err != nil { // e.g. a file opened with O_APPEND
		return nil, 0, false
	}
	return ws, pos, true
}

// readParallel reads object k into w at pos in parallel ranges.
func (s *Storage) readParallel(ctx context.Context, k string, sse []byte, w writerAtSeeker, pos int64, cb func([]byte), p plan) (int64, error) {
	cb = serialised(cb)
	out, err := s.client.GetObject(ctx, s.name, k, &qsapi.GetObjectInput{SSECKey: sse, Range: "bytes=0-" + strconv.FormatInt(p.filePartSize-1, 10)})
	if qe, ok := qsapi.AsError(err); ok && qe.StatusCode == http.StatusRequestedRangeNotSatisfiable {
		// Only an empty object has no byte 0.
		out, err = s.client.GetObject(ctx, s.name, k, &qsapi.GetObjectInput{SSECKey: sse})
	}
	if err != nil {
		return 0, err
	}
	defer out.Body.Close()
	if err := checkObjectAnswer(&out.ObjectMeta); err != nil {
		return 0, err
	}
	total, err := objectSize(&out.ObjectMeta)
	if err != nil {
		return 0, err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.concurrency)
	r := &rangeRead{s: s, k: k, sse: sse, etag: out.ETag, w: w, pos: pos, cb: cb}
	g.Go(func() error { return r.get(gctx, 0, out.ContentLength, out.Body) })
	psz := growPartSize(p.filePartSize, total)
	for off := out.ContentLength; off < total && gctx.Err() == nil; off += psz {
		n := min(psz, total-off)
		g.Go(func() error { return r.get(gctx, off, n, nil) })
	}
	err = g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return 0, err
	}
	if _, err := w.Seek(pos+total, io.SeekStart); err != nil {
		return total, err
	}
	return total, nil
}

// objectSize returns the size of the whole object from the answer to a
// ranged GET: the total of its Content-Range (206), or its length (200, the
// range ignored or an empty object).
func objectSize(m *qsapi.ObjectMeta) (int64, error) {
	if m.StatusCode != http.StatusPartialContent {
		return m.ContentLength, nil
	}
	cr := m.ContentRange
	i := strings.LastIndexByte(cr, '/')
	total, err := strconv.ParseInt(cr[i+1:], 10, 64)
	if i < 0 || !strings.HasPrefix(cr, "bytes 0-") || err != nil || total < m.ContentLength {
		return 0, fmt.Errorf("%w: a 206 answer with Content-Range %q", services.ErrUnexpected, cr)
	}
	return total, nil
}

// rangeRead is one parallel read: what every range needs.
type rangeRead struct {
	s    *Storage
	k    string
	sse  []byte
	etag string
	w    io.WriterAt
	pos  int64
	cb   func([]byte)
}

// get copies n bytes of the object from offset off to w, from body when
// given (an answer already received) or from a ranged GET, requesting the
// rest again when a body breaks.
func (r *rangeRead) get(ctx context.Context, off, n int64, body io.ReadCloser) error {
	var done int64
	for attempt := 1; ; attempt++ {
		if body == nil {
			var err error
			if body, err = r.open(ctx, off+done, n-done); err != nil {
				return err
			}
		}
		dst := &offsetWriter{w: r.w, off: r.pos + off + done}
		var src io.Reader = io.LimitReader(body, n-done)
		if r.cb != nil {
			src = iowrap.CallbackReader(src, r.cb)
		}
		m, err := io.Copy(dst, src)
		body.Close()
		body = nil
		done += m
		switch {
		case dst.err != nil:
			return dst.err // the destination failed: no retry helps
		case err == nil && done == n:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case err == nil:
			err = fmt.Errorf("the body of bytes %d-%d ended after %d bytes", off, off+n-1, done)
		}
		if attempt >= rangeAttempts {
			return fmt.Errorf("read bytes %d-%d: %w", off, off+n-1, err)
		}
	}
}

// open sends the GET of n bytes from off, conditional on the object's ETag.
func (r *rangeRead) open(ctx context.Context, off, n int64) (io.ReadCloser, error) {
	rng, err := byteRange(off, n, true)
	if err != nil {
		return nil, err
	}
	out, err := r.s.client.GetObject(ctx, r.s.name, r.k, &qsapi.GetObjectInput{SSECKey: r.sse, Range: rng,
		Conditions: qsapi.Conditions{IfMatch: r.etag}})
	if err != nil {
		return nil, err
	}
	if out.StatusCode != http.StatusPartialContent || out.ContentLength != n {
		out.Body.Close()
		return nil, fmt.Errorf("%w: asked for bytes %d-%d, got status %d with %d bytes", services.ErrUnexpected, off, off+n-1, out.StatusCode, out.ContentLength)
	}
	return out.Body, nil
}

// offsetWriter writes sequentially into an io.WriterAt from off and keeps
// its own failure apart from the source's.
type offsetWriter struct {
	w   io.WriterAt
	off int64
	err error
}

func (o *offsetWriter) Write(p []byte) (int, error) {
	n, err := o.w.WriteAt(p, o.off)
	o.off += int64(n)
	if err != nil {
		o.err = err
	}
	return n, err
}
