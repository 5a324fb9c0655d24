package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

// Transfers go through the storage: the QingStor storage's transfer
// engine (services/qingstor) uploads files by parallel parts read straight
// from the file, streams with bounded part buffers, downloads into files by
// parallel ranged reads, and copies above 5 GiB part by part on the server;
// qs only hands it the settings of the command line. Other services get
// one plain Write or Read per file.

// Transfer limits (QingStor's multipart rules) and defaults.
const (
	minPartSize     = 4 << 20
	maxPartSize     = 5 << 30
	defaultPartSize = 64 << 20
	defaultConc     = 4
)

// xfer are the knobs of one transfer command.
type xfer struct {
	partSize    int64
	concurrency int
	// verify turns on full verification of uploads (--verify, sync
	// --checksum): parts carry their Content-MD5 and multipart objects get
	// the content's MD5 as their ETag.
	verify bool
	// copyPartSize is the part size of server-side copies between buckets
	// above 5 GiB (0: the storage's, 1 GiB; tests lower it).
	copyPartSize int64
	// meta is what uploads store besides the bytes (content type...).
	meta *objectMeta
	prog *progress
	// resume, when set, makes file uploads resumable (cp --resume).
	resume *resumer
	// limit caps the bytes per second of local reads and writes (nil: none).
	limit *rateLimit
}

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

// progressPairs shows the bytes a Read or Write moves on b (none for a nil
// b): the io_callback pair, which every service takes and which shows each
// byte once even when a request is retried.
func progressPairs(b *bar) []types.Pair {
	if b == nil {
		return nil
	}
	return []types.Pair{pairs.WithIoCallback(func(p []byte) { b.add(len(p)) })}
}

// readPairs are the pairs of a QingStor Read: x's parts and b's progress.
func (x *xfer) readPairs(b *bar) []types.Pair {
	ps := []types.Pair{qingstor.WithPartSize(x.partSize), qingstor.WithPartConcurrency(x.concurrency)}
	return append(ps, progressPairs(b)...)
}

// writePairs are the pairs of a QingStor Write: readPairs plus verification.
func (x *xfer) writePairs(b *bar) []types.Pair {
	ps := x.readPairs(b)
	if x.verify {
		ps = append(ps, qingstor.WithVerifyContent())
	}
	return ps
}

// uploadFile copies the local file path to key. On QingStor, files larger
// than the part size go multipart, parts read straight from the file by
// offset and sent in parallel.
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
	var n int64
	qs, ok := s.(*qingstor.Storage)
	switch {
	case ok && x.resume != nil && size > x.partSize:
		n, err = x.resume.upload(ctx, qs, key, f, fi, x, b)
	case ok:
		n, err = qs.WriteWithContext(ctx, key, x.limit.file(f), size, append(x.writePairs(b), x.meta.pairs(s, key)...)...)
	default:
		n, err = s.WriteWithContext(ctx, key, x.limit.file(f), size, append(progressPairs(b), x.meta.pairs(s, key)...)...)
	}
	b.done(err)
	return n, err
}

// uploadStream copies r, of unknown length, to key. On QingStor a stream
// longer than a part goes multipart, holding at most concurrency part
// buffers; other services take streams of up to one part.
func uploadStream(ctx context.Context, s types.Storager, key string, r io.Reader, x *xfer, name string) (int64, error) {
	b := x.prog.file(name, -1)
	var n int64
	var err error
	r = x.limit.reader(r)
	if qs, ok := s.(*qingstor.Storage); ok {
		n, err = qs.WriteStream(ctx, key, r, append(x.writePairs(b), x.meta.pairs(s, key)...)...)
	} else {
		n, err = writeBuffered(ctx, s, key, r, x.partSize, b, x.meta.pairs(s, key)...)
	}
	b.done(err)
	return n, err
}

// writeBuffered writes a stream of at most limit bytes with one Write.
func writeBuffered(ctx context.Context, s types.Storager, key string, r io.Reader, limit int64, b *bar, ps ...types.Pair) (int64, error) {
	buf, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return 0, err
	}
	if int64(len(buf)) > limit {
		return 0, fmt.Errorf("the service cannot take a stream longer than %d bytes (--part-size)", limit)
	}
	return s.WriteWithContext(ctx, key, bytes.NewReader(buf), int64(len(buf)), append(progressPairs(b), ps...)...)
}

// downloadFile copies key to the local file path through a temporary file
// in the same directory, renamed into place on success (so an interrupted
// download leaves nothing behind). On QingStor, objects larger than a part
// are fetched as parallel ranged reads written at their offsets. With
// setMtime the file gets the object's last-modified time (sync relies on it).
func downloadFile(ctx context.Context, s types.Storager, key, path string, x *xfer, setMtime bool) (int64, error) {
	n, err := downloadTemp(ctx, s, key, path, x, setMtime)
	return n, onTarget(err, path)
}

// downloadTemp does the work of downloadFile.
func downloadTemp(ctx context.Context, s types.Storager, key, path string, x *xfer, setMtime bool) (int64, error) {
	o, err := s.StatWithContext(ctx, key)
	if err != nil {
		return 0, err
	}
	size, _ := o.GetContentLength()
	dir := filepath.Dir(path) // never empty: "." at the least
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(dir, tempPrefix+tempBase(path)+"-*")
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
	var n int64
	if qs, isQS := s.(*qingstor.Storage); isQS {
		n, err = qs.ReadWithContext(ctx, key, x.limit.file(tmp), x.readPairs(b)...)
	} else {
		n, err = s.ReadWithContext(ctx, key, &countingWriter{w: x.limit.file(tmp), bar: b})
	}
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

// tempPrefix starts the names of downloads in progress: .qs-<name>-<random>.
const tempPrefix = ".qs-"

// tempBase is the part of the target's name a temporary file carries: at
// most 100 bytes, so that the temporary name stays a valid file name
// whenever the target's is.
func tempBase(path string) string {
	b := filepath.Base(path)
	if len(b) > 100 {
		b = b[:100]
	}
	return b
}

// onTarget returns err as a failure on path when it is a failure on one of
// path's temporary files (users named path and never saw the temporary
// name).
func onTarget(err error, path string) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.HasPrefix(filepath.Base(pe.Path), tempPrefix) {
		return &fs.PathError{Op: pe.Op, Path: path, Err: pe.Err}
	}
	var le *os.LinkError
	if errors.As(err, &le) && strings.HasPrefix(filepath.Base(le.Old), tempPrefix) {
		return &fs.PathError{Op: le.Op, Path: path, Err: le.Err}
	}
	return err
}

// downloadStream copies key to w sequentially (stdout).
func downloadStream(ctx context.Context, s types.Storager, key string, w io.Writer, x *xfer) (int64, error) {
	b := x.prog.file(key, -1)
	n, err := s.ReadWithContext(ctx, key, &countingWriter{w: x.limit.writer(w), bar: b})
	b.done(err)
	return n, err
}
