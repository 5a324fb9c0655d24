package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/types"
)

// Transfer limits (QingStor's multipart rules).
const (
	minPartSize     = 4 << 20
	maxPartSize     = 5 << 30
	maxParts        = 10000
	defaultPartSize = 64 << 20
	defaultConc     = 4
	abortTimeout    = 30 * time.Second
)

// errNotSeekable is returned by Seek on a counting reader over a stream.
var errNotSeekable = errors.New("body cannot be rewound")

// xfer are the knobs of one transfer command.
type xfer struct {
	partSize    int64
	concurrency int
	// copyPartSize is the part size of server-side part copies
	// (defaultCopyPartSize if zero; tests lower it).
	copyPartSize int64
	// completeMD5, when set, completes multipart file uploads instead of
	// the storage, giving the object the file's MD5 as its ETag (QingStor
	// computes none for multipart objects); sync --checksum sets it.
	completeMD5 completeFunc
	prog        *progress
}

// completeFunc completes the multipart upload id of key from parts with
// etag (quoted hex MD5) as the object's ETag.
type completeFunc func(ctx context.Context, key, id string, parts []*types.Part, etag string) error

// check validates the flags that set x.
func (x *xfer) check() error {
	if x.partSize < minPartSize || x.partSize > maxPartSize {
		return usagef("--part-size %d: must be between 4 MiB (%d) and 5 GiB", x.partSize, minPartSize)
	}
	if x.concurrency < 1 || x.concurrency > 256 {
		return usagef("--concurrency %d: must be between 1 and 256", x.concurrency)
	}
	return nil
}

// partSizeFor returns the part size for an object of size bytes: x's part
// size, raised (to whole MiB) when the object would need more than 10000
// parts.
func (x *xfer) partSizeFor(size int64) int64 {
	return fitParts(x.partSize, size)
}

// fitParts returns ps, or the smallest whole number of MiB that cuts size
// bytes into at most 10000 parts when ps would need more.
func fitParts(ps, size int64) int64 {
	if size > ps*maxParts {
		ps = (size + maxParts - 1) / maxParts
		ps = (ps + 1<<20 - 1) &^ (1<<20 - 1)
	}
	return ps
}

// abortCtx returns a context for cleanup that survives the cancellation of
// ctx (Ctrl-C) but not forever.
func abortCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
}

// uploadFile copies the local file path to key. Files larger than the part
// size go multipart, parts read straight from the file by offset (no
// buffering) and sent in parallel.
func uploadFile(ctx context.Context, s types.Storager, key, path string, x *xfer) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if !fi.Mode().IsRegular() {
		return 0, fmt.Errorf("%s is not a regular file", path)
	}
	size := fi.Size()
	b := x.prog.file(path, size)
	n, err := uploadSized(ctx, s, key, f, size, x, b)
	b.done(err)
	return n, err
}

// uploadSized uploads size bytes of ra (read by offset) to key.
func uploadSized(ctx context.Context, s types.Storager, key string, ra io.ReaderAt, size int64, x *xfer, b *bar) (int64, error) {
	ps := x.partSizeFor(size)
	mp, ok := s.(types.Multiparter)
	if size <= ps || !ok {
		return s.WriteWithContext(ctx, key, &countingReader{r: io.NewSectionReader(ra, 0, size), bar: b}, size)
	}
	o, err := mp.CreateMultipartWithContext(ctx, key)
	if err != nil {
		return 0, err
	}
	nparts := int((size + ps - 1) / ps)
	parts := make([]*types.Part, nparts)
	g, gctx := errgroup.WithContext(ctx)
	var sum chan md5Result
	hctx, stopHash := context.WithCancel(ctx)
	defer stopHash()
	if x.completeMD5 != nil {
		// One sequential pass beside the parallel parts.
		sum = make(chan md5Result, 1)
		go func() { sum <- readerMD5(hctx, io.NewSectionReader(ra, 0, size)) }()
	}
	g.SetLimit(x.concurrency)
	for i := range nparts {
		off := int64(i) * ps
		n := min(ps, size-off)
		g.Go(func() error {
			r := &countingReader{r: io.NewSectionReader(ra, off, n), bar: b}
			_, p, err := mp.WriteMultipartWithContext(gctx, o, r, n, i)
			parts[i] = p
			return err
		})
	}
	err = g.Wait()
	if err != nil {
		stopHash()
	}
	var etag md5Result
	if sum != nil {
		etag = <-sum
	}
	if err == nil {
		err = etag.err
	}
	if err != nil {
		return 0, abortUpload(ctx, s, key, o, err)
	}
	if sum != nil {
		id, _ := o.GetMultipartID()
		err = x.completeMD5(ctx, key, id, parts, `"`+etag.hex+`"`)
	} else {
		err = mp.CompleteMultipartWithContext(ctx, o, parts)
	}
	if err != nil {
		return 0, abortUpload(ctx, s, key, o, err)
	}
	return size, nil
}

// md5Result is the hex MD5 of a body, or why it could not be read.
type md5Result struct {
	hex string
	err error
}

// readerMD5 hashes r, stopping early when ctx is done.
func readerMD5(ctx context.Context, r io.Reader) md5Result {
	h := md5.New()
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return md5Result{err: err}
		}
		n, err := r.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			return md5Result{hex: hex.EncodeToString(h.Sum(nil))}
		}
		if err != nil {
			return md5Result{err: fmt.Errorf("read for MD5: %w", err)}
		}
	}
}

// abortUpload aborts the multipart upload o after cause, even when ctx is
// cancelled, and returns cause (plus the abort's own failure, if any).
func abortUpload(ctx context.Context, s types.Storager, key string, o *types.Object, cause error) error {
	id, _ := o.GetMultipartID()
	actx, cancel := abortCtx(ctx)
	defer cancel()
	if err := s.DeleteWithContext(actx, key, pairs.WithMultipartID(id)); err != nil {
		return fmt.Errorf("%w (and aborting multipart upload %s failed: %v)", cause, id, err)
	}
	return cause
}

// uploadStream copies r, of unknown length, to key. Up to one part is read
// first: a short stream is written in one request; a longer one goes
// multipart, holding at most concurrency part buffers.
func uploadStream(ctx context.Context, s types.Storager, key string, r io.Reader, x *xfer, name string) (int64, error) {
	b := x.prog.file(name, -1)
	n, err := uploadStreamBar(ctx, s, key, r, x, b)
	b.done(err)
	return n, err
}

// uploadStreamBar does the work of uploadStream, counting bytes on b.
func uploadStreamBar(ctx context.Context, s types.Storager, key string, r io.Reader, x *xfer, b *bar) (int64, error) {
	ps := x.partSize
	first := make([]byte, ps)
	n, err := io.ReadFull(r, first)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return s.WriteWithContext(ctx, key, &countingReader{r: bytes.NewReader(first[:n]), bar: b}, int64(n))
	}
	if err != nil {
		return 0, err
	}
	// A stream of exactly one part is still one plain write.
	var peek [1]byte
	pn, perr := io.ReadFull(r, peek[:])
	if pn == 0 && perr == io.EOF {
		return s.WriteWithContext(ctx, key, &countingReader{r: bytes.NewReader(first), bar: b}, int64(len(first)))
	}
	if perr != nil {
		return 0, perr
	}
	r = io.MultiReader(bytes.NewReader(peek[:]), r)
	mp, ok := s.(types.Multiparter)
	if !ok {
		return 0, fmt.Errorf("the service cannot take a stream longer than %d bytes (no multipart upload)", ps)
	}
	return streamParts(ctx, s, mp, key, first, r, x, b)
}

// streamParts uploads first and then r, part by part, with a pool of
// concurrency buffers.
func streamParts(ctx context.Context, s types.Storager, mp types.Multiparter, key string, first []byte, r io.Reader, x *xfer, b *bar) (int64, error) {
	o, err := mp.CreateMultipartWithContext(ctx, key)
	if err != nil {
		return 0, err
	}
	pool := make(chan []byte, x.concurrency)
	pool <- first
	for range x.concurrency - 1 {
		pool <- nil // allocated on demand
	}
	var (
		mu    sync.Mutex
		parts []*types.Part
	)
	g, gctx := errgroup.WithContext(ctx)
	var total int64
	for i := 0; ; i++ {
		var buf []byte
		select {
		case buf = <-pool:
		case <-gctx.Done():
		}
		if gctx.Err() != nil {
			break
		}
		n := len(buf)
		if i > 0 || buf == nil {
			if buf == nil {
				buf = make([]byte, x.partSize)
			}
			var rerr error
			n, rerr = io.ReadFull(r, buf)
			if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
				g.Wait()
				return 0, abortUpload(ctx, s, key, o, fmt.Errorf("read input: %w", rerr))
			}
			if n == 0 && i > 0 {
				break
			}
		}
		// Checked once the stream has shown it has more: a stream that
		// fills the last allowed part exactly fits.
		if i >= maxParts {
			g.Wait()
			return 0, abortUpload(ctx, s, key, o, fmt.Errorf("the stream needs more than %d parts; raise --part-size", maxParts))
		}
		total += int64(n)
		mu.Lock()
		parts = append(parts, nil)
		mu.Unlock()
		g.Go(func() error {
			defer func() { pool <- buf }()
			_, p, err := mp.WriteMultipartWithContext(gctx, o, &countingReader{r: bytes.NewReader(buf[:n]), bar: b}, int64(n), i)
			mu.Lock()
			parts[i] = p
			mu.Unlock()
			return err
		})
		if n < len(buf) {
			break
		}
	}
	if err := g.Wait(); err != nil {
		return 0, abortUpload(ctx, s, key, o, err)
	}
	if err := ctx.Err(); err != nil {
		return 0, abortUpload(ctx, s, key, o, err)
	}
	if err := mp.CompleteMultipartWithContext(ctx, o, parts); err != nil {
		return 0, abortUpload(ctx, s, key, o, err)
	}
	return total, nil
}

// downloadFile copies key to the local file path through a temporary file
// in the same directory, renamed into place on success (so an interrupted
// download leaves nothing behind). Objects larger than a part are fetched
// as parallel ranged reads written at their offsets. With setMtime the
// file gets the object's last-modified time (sync relies on it).
func downloadFile(ctx context.Context, s types.Storager, key, path string, x *xfer, setMtime bool) (int64, error) {
	o, err := s.StatWithContext(ctx, key)
	if err != nil {
		return 0, err
	}
	size, _ := o.GetContentLength()
	dir := filepath.Dir(path) // never empty: "." at the least
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".qs-*")
	if err != nil {
		return 0, err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	b := x.prog.file(path, size)
	n, err := downloadRanges(ctx, s, key, tmp, size, x, b)
	if err == nil {
		// Interrupted as the last bytes arrived: still leave nothing.
		err = ctx.Err()
	}
	b.done(err)
	if err != nil {
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, err
	}
	ok = true
	if mt, has := o.GetLastModified(); has && setMtime {
		if err := os.Chtimes(path, mt, mt); err != nil {
			return n, err
		}
	}
	return n, nil
}

// downloadRanges reads size bytes of key into f, in parallel ranges when
// the object is larger than a part.
func downloadRanges(ctx context.Context, s types.Storager, key string, f *os.File, size int64, x *xfer, b *bar) (int64, error) {
	ps := x.partSizeFor(size)
	if size <= ps || x.concurrency == 1 {
		return s.ReadWithContext(ctx, key, &countingWriter{w: f, bar: b})
	}
	if err := f.Truncate(size); err != nil {
		return 0, err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(x.concurrency)
	for off := int64(0); off < size; off += ps {
		n := min(ps, size-off)
		g.Go(func() error {
			w := &countingWriter{w: io.NewOffsetWriter(f, off), bar: b}
			got, err := s.ReadWithContext(gctx, key, w, pairs.WithOffset(off), pairs.WithSize(n))
			if err == nil && got != n {
				err = fmt.Errorf("read %d bytes at offset %d, want %d (object changed?)", got, off, n)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return size, nil
}

// downloadStream copies key to w sequentially (stdout).
func downloadStream(ctx context.Context, s types.Storager, key string, w io.Writer, x *xfer) (int64, error) {
	b := x.prog.file(key, -1)
	n, err := s.ReadWithContext(ctx, key, &countingWriter{w: w, bar: b})
	b.done(err)
	return n, err
}
