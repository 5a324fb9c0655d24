package qingstor

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/types"
)

// The transfer engine: large writes, large reads (download.go) and large
// copies (partcopy.go) of this package, which the qs command uses too.
//
// Large writes. Write of more than uploadConfig.threshold() bytes (or of
// more than part_size bytes when that pair is given) uploads the object as a
// multipart upload, part_concurrency parts at a time, completed only when
// every part is stored, so readers never see a partial object. Any failure,
// cancellation of the context included, aborts the upload (except an upload
// the caller named with multipart_id, which is left for the next attempt).
//
//   - A source that can be read by offset (io.ReaderAt and io.Seeker, e.g.
//     *os.File or *bytes.Reader) is uploaded from its current offset: every
//     part (64 MiB unless part_size says otherwise) is an io.SectionReader of
//     the source, sent as it is read, with no per-part buffer, so memory
//     stays a few MiB whatever the size; a part
//     that fails on a transient error is re-read from the source and sent
//     again. On success the source's offset is moved past the written bytes,
//     as a sequential read would leave it.
//   - Any other reader is read sequentially into at most part_concurrency
//     buffers of part_size bytes (16 MiB by default), each sent while the
//     next is read (a retry re-sends the buffer). Memory is bounded by
//     part_size x part_concurrency.
//
// Hashing (decision). By default large writes hash nothing on the client: a
// client MD5 costs more CPU than the whole upload (the streaming PUT it is
// measured against hashes nothing either), and the transport (TCP, TLS) and
// the server, which computes each part's MD5 as it stores it, already
// protect the bytes in transit. The object's ETag is then whatever the
// server gives a multipart object (not an MD5 of the content).
// verify_content turns on full verification: every part is sent with its
// Content-MD5 (hashed in the part's own goroutine, so the parts' hashing
// runs in parallel) and the object is completed with the MD5 of the whole
// content as its ETag, which Read with check_md5 and comparisons such as
// qs sync --checksum then verify. MD5 cannot be combined from the digests of
// parts, so the whole-object digest is one sequential pass of its own over
// the source, in a goroutine overlapping the uploads; each digest sees each
// byte once. content_md5 makes the whole-object pass run too (its digest is
// checked before completing), and multipart_id makes the parts carry their
// Content-MD5 (the server's part ETag is then the part's MD5, which is how a
// resumed upload recognises the parts it can keep).
//
// Resuming (multipart_id on Write). Write with multipart_id continues that
// upload of the same path: it lists the parts the server holds, keeps each
// part whose size and ETag match the MD5 of the same range of the source,
// uploads the others and completes. Start such an upload with
// CreateMultipart and pass its id to every attempt with the same part_size;
// a failed attempt leaves the upload in place. Parts uploaded by other
// clients without Content-MD5 may not be recognised; they are then sent again.
const (
	// defaultUploadThreshold: objects above 64 MiB go multipart.
	defaultUploadThreshold = 64 << 20
	// defaultPartSize is the part size of large writes from streams (each
	// part a buffer), grown when an object needs more than 10000 parts.
	defaultPartSize = 16 << 20
	// defaultFilePartSize is the part size of writes from sources read by
	// offset and of reads into files: their parts cost no memory, so they
	// are larger, for fewer requests (measured: 64 ranges of 16 MiB read a
	// 1 GiB object slower than one GET, 16 of 64 MiB faster).
	defaultFilePartSize = 64 << 20
	// defaultUploadConcurrency is the number of parts in flight.
	defaultUploadConcurrency = 4
	// maxPartConcurrency bounds part_concurrency.
	maxPartConcurrency = 256
	// abortTimeout bounds the abort sent after a failure.
	abortTimeout = 30 * time.Second
)

// uploadConfig tunes large transfers; zero fields mean the defaults.
type uploadConfig struct {
	Threshold   int64
	PartSize    int64
	Concurrency int
	// CopyPartSize is the part size of copies of sources above 5 GiB.
	CopyPartSize int64
}

func (c uploadConfig) threshold() int64 {
	if c.Threshold > 0 {
		return c.Threshold
	}
	return defaultUploadThreshold
}

// partSize returns the part size for an object of size bytes: the
// configured size, grown (in whole MiB) so that at most 10000 parts are needed.
func (c uploadConfig) partSize(size int64) int64 {
	p := int64(defaultPartSize)
	if c.PartSize > 0 {
		p = c.PartSize
	}
	return growPartSize(p, size)
}

// growPartSize returns p, or when size needs more than 10000 parts of p,
// the smallest whole number of MiB that fits size in 10000 parts.
func growPartSize(p, size int64) int64 {
	if need := (size + multipartNumberMaximum - 1) / multipartNumberMaximum; need > p {
		p = (need + 1<<20 - 1) &^ (1<<20 - 1)
	}
	return p
}

func (c uploadConfig) concurrency() int {
	if c.Concurrency > 0 {
		return c.Concurrency
	}
	return defaultUploadConcurrency
}

// plan is the part sizes (before growth) and concurrency of one transfer.
type plan struct {
	partSize     int64 // of streams: each part is a buffer
	filePartSize int64 // of sources and destinations written by offset: parts cost no memory
	concurrency  int
	custom       bool // part_size was given
}

// plan applies the part_size and part_concurrency pairs (0 = default) to c.
func (c uploadConfig) plan(hasSize bool, size int64, hasConc bool, conc int) (plan, error) {
	p := plan{partSize: c.partSize(0), filePartSize: defaultFilePartSize, concurrency: c.concurrency()}
	if c.PartSize > 0 {
		p.filePartSize = c.PartSize
	}
	if hasSize && (size < 0 || size > qsapi.MaxPartSize) {
		return p, fmt.Errorf("%w: part_size %d is outside 0..%d", ErrSizeInvalid, size, int64(qsapi.MaxPartSize))
	}
	if hasConc && (conc < 0 || conc > maxPartConcurrency) {
		return p, fmt.Errorf("%w: part_concurrency %d is outside 0..%d", ErrSizeInvalid, conc, maxPartConcurrency)
	}
	if hasSize && size > 0 {
		p.partSize, p.filePartSize, p.custom = size, size, true
	}
	if hasConc && conc > 0 {
		p.concurrency = conc
	}
	return p, nil
}

// largeWrite are the options of a large write.
type largeWrite struct {
	contentType        string
	cacheControl       string
	contentDisposition string
	metadata           map[string]string // user_metadata
	storageClass       string
	sseKey             []byte
	callback           func([]byte)
	wantMD5            []byte // content_md5 of the whole object, checked before completing
	verify             bool   // verify_content
	uploadID           string // multipart_id: resume this upload
	plan               plan
}

// upload is one multipart upload being filled.
type upload struct {
	s        *Storage
	key, id  string
	lw       largeWrite
	owned    bool                   // started here: aborted on failure
	existing map[int]qsapi.PartInfo // parts already on the server (resume)
	cb       func([]byte)           // io_callback, serialised; nil for none
	partMD5  bool                   // parts carry Content-MD5
	wholeMD5 bool                   // the whole content is hashed
}

// partsResult is what uploading the parts produced.
type partsResult struct {
	parts []qsapi.CompletedPart
	whole []byte // MD5 of the content, when hashed
	size  int64
}

// startUpload initiates the upload of key k, or with lw.uploadID lists the
// parts the server already holds for it.
func (s *Storage) startUpload(ctx context.Context, k string, lw largeWrite) (*upload, error) {
	u := &upload{s: s, key: k, lw: lw, cb: serialised(lw.callback),
		partMD5: lw.verify || lw.uploadID != "", wholeMD5: lw.verify || lw.wantMD5 != nil}
	if lw.uploadID != "" {
		u.id = lw.uploadID
		u.existing = map[int]qsapi.PartInfo{}
		for page, err := range s.client.PartPages(ctx, s.name, k, u.id, qsapi.ListPartsInput{}) {
			if err != nil {
				return nil, err
			}
			for _, p := range page.Parts {
				u.existing[p.PartNumber] = p
			}
		}
		if p0, ok := u.existing[0]; ok && !lw.plan.custom {
			// Part 0 is whole unless the object is one part: the size an
			// earlier attempt cut the source with.
			u.lw.plan.partSize, u.lw.plan.filePartSize = p0.Size, p0.Size
		}
		return u, nil
	}
	init, err := s.client.InitiateMultipartUpload(ctx, s.name, k, &qsapi.InitiateMultipartUploadInput{
		ContentType: lw.contentType, CacheControl: lw.cacheControl, ContentDisposition: lw.contentDisposition,
		Metadata: lw.metadata, StorageClass: lw.storageClass, SSECKey: lw.sseKey,
	})
	if err != nil {
		return nil, err
	}
	u.id, u.owned = init.UploadID, true
	return u, nil
}

// serialised returns cb made safe for parallel parts (calls never overlap),
// or nil for a nil cb.
func serialised(cb func([]byte)) func([]byte) {
	if cb == nil {
		return nil
	}
	var mu sync.Mutex
	return func(b []byte) {
		mu.Lock()
		defer mu.Unlock()
		cb(b)
	}
}

// writeLarge uploads size bytes of r to key k as a parallel multipart upload.
func (s *Storage) writeLarge(ctx context.Context, k string, r io.Reader, size int64, lw largeWrite) (int64, error) {
	src, start, err := sectionOf(r, size)
	if err != nil {
		return 0, err
	}
	u, err := s.startUpload(ctx, k, lw)
	if err != nil {
		return 0, err
	}
	var res partsResult
	if src != nil {
		res, err = u.fromSection(ctx, src)
	} else {
		res, err = u.fromStream(ctx, nil, r, size)
	}
	if err == nil {
		err = u.complete(ctx, res)
	}
	if err != nil {
		return 0, u.fail(ctx, err)
	}
	if src != nil {
		// Leave the source where a sequential read would have.
		if _, err := r.(io.Seeker).Seek(start+size, io.SeekStart); err != nil {
			return size, err
		}
	}
	return size, nil
}

// sectionOf returns the size bytes of r from its current offset as a
// section, when r can be read by offset (io.ReaderAt and io.Seeker); nil
// otherwise. A source with fewer than size bytes left is ErrSizeInvalid.
func sectionOf(r io.Reader, size int64) (*io.SectionReader, int64, error) {
	ra, ok := r.(io.ReaderAt)
	rs, ok2 := r.(io.Seeker)
	if !ok || !ok2 {
		return nil, 0, nil
	}
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, 0, nil // not seekable after all (a pipe): read it as a stream
	}
	end, err := rs.Seek(0, io.SeekEnd)
	if _, err2 := rs.Seek(start, io.SeekStart); err == nil {
		err = err2
	}
	if err != nil {
		return nil, 0, err
	}
	if end-start < size {
		return nil, 0, fmt.Errorf("%w: the reader has %d bytes left, fewer than size %d", ErrSizeInvalid, end-start, size)
	}
	return io.NewSectionReader(ra, start, size), start, nil
}

// complete assembles the parts, with the whole content's MD5 as the ETag
// when it was computed (after checking content_md5 against it).
func (u *upload) complete(ctx context.Context, res partsResult) error {
	if u.lw.wantMD5 != nil && !bytes.Equal(res.whole, u.lw.wantMD5) {
		return fmt.Errorf("%w: the %d bytes written do not hash to content_md5", ErrContentMD5Mismatch, res.size)
	}
	in := &qsapi.CompleteMultipartUploadInput{}
	if res.whole != nil {
		in.ETag = `"` + hex.EncodeToString(res.whole) + `"`
	}
	_, err := u.s.client.CompleteMultipartUpload(ctx, u.s.name, u.key, u.id, res.parts, in)
	return err
}

// fail aborts the upload after err when it was started here (a resumed
// upload stays for the next attempt) and returns err.
func (u *upload) fail(ctx context.Context, err error) error {
	if u.owned {
		u.s.abortUpload(ctx, u.key, u.id)
	}
	return err
}

// abortUpload abandons upload id of key k after a failure. The caller's
// context may be done, so the abort gets a fresh one (bounded by
// abortTimeout); its own failure is dropped in favour of the first error.
func (s *Storage) abortUpload(ctx context.Context, k, id string) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	_, _ = s.client.AbortMultipartUpload(actx, s.name, k, id)
}

// sendPart uploads part num: size bytes of body (re-sent on a transient
// failure when body is an io.Seeker). sum is the part's MD5 when hashed; a
// part the server already holds with that size and MD5 is kept instead.
func (u *upload) sendPart(ctx context.Context, num int, body io.Reader, size int64, sum []byte) (qsapi.CompletedPart, error) {
	if p, ok := u.existing[num]; ok && sum != nil && p.Size == size && plainMD5(p.ETag) == hex.EncodeToString(sum) {
		return qsapi.CompletedPart{PartNumber: num, ETag: p.ETag}, nil
	}
	out, err := u.s.client.UploadPart(ctx, u.s.name, u.key, u.id, num, body,
		&qsapi.UploadPartInput{ContentLength: size, ContentMD5: sum, SSECKey: u.lw.sseKey})
	if err != nil {
		return qsapi.CompletedPart{}, err
	}
	return qsapi.CompletedPart{PartNumber: num, ETag: out.ETag}, nil
}

// fromSection uploads src part by part, each part read straight from src
// by offset, concurrency parts at a time.
func (u *upload) fromSection(ctx context.Context, src *io.SectionReader) (partsResult, error) {
	size := src.Size()
	psz := growPartSize(u.lw.plan.filePartSize, size)
	n := int((size + psz - 1) / psz)
	res := partsResult{parts: make([]qsapi.CompletedPart, n), size: size}
	hctx, stopHash := context.WithCancel(ctx)
	defer stopHash()
	var whole chan md5Result
	if u.wholeMD5 {
		// One sequential pass beside the parallel parts.
		whole = make(chan md5Result, 1)
		go func() { whole <- readerMD5(hctx, io.NewSectionReader(src, 0, size)) }()
	}
	slots := hashSlots(u.wholeMD5)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(u.lw.plan.concurrency)
	for i := 0; i < n && gctx.Err() == nil; i++ { // stop starting parts once one failed
		off := int64(i) * psz
		m := min(psz, size-off)
		g.Go(func() error {
			body := &progressReader{r: io.NewSectionReader(src, off, m), cb: u.cb}
			var sum []byte
			if u.partMD5 {
				var err error
				if sum, err = partMD5(gctx, body, slots); err != nil {
					return fmt.Errorf("read part %d for its MD5: %w", i, err)
				}
			}
			p, err := u.sendPart(gctx, i, body, m, sum)
			res.parts[i] = p
			return err
		})
	}
	err := g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		stopHash()
	}
	if whole != nil {
		w := <-whole
		if err == nil {
			err = w.err
		}
		res.whole = w.sum
	}
	return res, err
}

// hashSlots returns the semaphore of part hashing: with the whole-object
// pass running, the parts hash at most GOMAXPROCS-1 at a time (at least
// one), so that the sequential pass, the longest chain of the transfer,
// keeps a processor instead of sharing it with every part. Without it the
// parts hash as they come (nil).
func hashSlots(whole bool) chan struct{} {
	if !whole {
		return nil
	}
	return make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1))
}

// partMD5 hashes body (a part section, rewound afterwards), holding one of
// slots (when not nil) meanwhile.
func partMD5(ctx context.Context, body io.ReadSeeker, slots chan struct{}) ([]byte, error) {
	if slots != nil {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	h := md5.New()
	if _, err := io.Copy(h, body); err != nil {
		return nil, err
	}
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// md5Result is the MD5 of a body, or why it could not be read.
type md5Result struct {
	sum []byte
	err error
}

// readerMD5 hashes r, stopping early when ctx is done.
func readerMD5(ctx context.Context, r io.Reader) md5Result {
	h := md5.New()
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return md5Result{err: err}
		}
		n, err := r.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			return md5Result{sum: h.Sum(nil)}
		}
		if err != nil {
			return md5Result{err: fmt.Errorf("read for MD5: %w", err)}
		}
	}
}

// ReaderMD5 returns the MD5 of everything r yields, reading until io.EOF;
// it stops with ctx.Err() once ctx is done. It is the digest Write with
// verify_content gives a multipart object as its ETag (quoted hex).
func ReaderMD5(ctx context.Context, r io.Reader) ([]byte, error) {
	res := readerMD5(ctx, r)
	return res.sum, res.err
}

// fromStream uploads a stream part by part: first (when not nil) is part 0,
// already read; the rest is read from r into at most concurrency buffers.
// With size >= 0 exactly size bytes are read in all (a shorter stream is
// ErrSizeInvalid); with size -1 the stream is read to its end.
func (u *upload) fromStream(ctx context.Context, first []byte, r io.Reader, size int64) (partsResult, error) {
	psz := u.lw.plan.partSize
	if size >= 0 {
		psz = growPartSize(psz, size)
	}
	st := &streamState{u: u, psz: psz, size: size, free: make(chan []byte, u.lw.plan.concurrency)}
	for range u.lw.plan.concurrency {
		st.free <- nil // allocated on first use
	}
	if u.wholeMD5 {
		st.whole = md5.New()
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(cctx)
	readErr := st.readParts(gctx, g, first, r)
	if readErr != nil {
		cancel() // stop the parts in flight
	}
	err := g.Wait()
	if readErr != nil {
		return partsResult{}, readErr
	}
	if err == nil {
		err = ctx.Err()
	}
	res := partsResult{parts: st.parts, size: st.total}
	if st.whole != nil {
		res.whole = st.whole.Sum(nil)
	}
	return res, err
}

// streamPartsMaximum is the most parts of a stream: a variable so tests can
// lower it.
var streamPartsMaximum = multipartNumberMaximum

// streamState is the reading side of fromStream.
type streamState struct {
	u     *upload
	psz   int64
	size  int64 // -1: to the end
	free  chan []byte
	whole hash.Hash
	total int64
	mu    sync.Mutex
	parts []qsapi.CompletedPart
}

// readParts reads parts until the stream (or size) ends and starts their
// uploads on g. It returns the read failure, if any; upload failures are g's.
func (st *streamState) readParts(gctx context.Context, g *errgroup.Group, first []byte, r io.Reader) error {
	for i := 0; ; i++ {
		var buf []byte
		select {
		case buf = <-st.free:
		case <-gctx.Done():
			return nil // the failing upload reports the error
		}
		data := first
		if i > 0 || first == nil {
			want := st.psz
			if st.size >= 0 {
				want = min(st.psz, st.size-st.total)
			}
			if buf == nil {
				buf = make([]byte, want)
			}
			var err error
			if data, err = st.readPart(r, buf[:want]); err != nil {
				return err
			}
			if len(data) == 0 && (i > 0 || st.size > 0) {
				return nil // the end, on a part boundary
			}
		} else {
			buf = first
			st.hashed(first)
		}
		if i >= streamPartsMaximum {
			return fmt.Errorf("%w: the stream needs more than %d parts of %d bytes; raise part_size", ErrSizeInvalid, streamPartsMaximum, st.psz)
		}
		st.total += int64(len(data))
		st.startPart(gctx, g, i, buf, data)
		if st.size >= 0 && st.total == st.size || st.size < 0 && int64(len(data)) < st.psz {
			return nil
		}
	}
}

// readPart fills buf from r, feeding the whole-object hash and the callback.
// With a known size a reader that ends early is ErrSizeInvalid; with an
// unknown size the part ends with the stream.
func (st *streamState) readPart(r io.Reader, buf []byte) ([]byte, error) {
	n, err := io.ReadFull(r, buf)
	st.hashed(buf[:n])
	if st.u.cb != nil && n > 0 {
		st.u.cb(buf[:n])
	}
	switch {
	case (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) && st.size >= 0:
		return nil, fmt.Errorf("%w: the reader ended after fewer bytes than size", ErrSizeInvalid)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return buf[:n], nil
	case err != nil:
		return nil, fmt.Errorf("read input: %w", err)
	}
	return buf[:n], nil
}

func (st *streamState) hashed(b []byte) {
	if st.whole != nil {
		st.whole.Write(b)
	}
}

// startPart uploads data (in buf, returned to the pool afterwards) as part i.
func (st *streamState) startPart(gctx context.Context, g *errgroup.Group, i int, buf, data []byte) {
	st.mu.Lock()
	st.parts = append(st.parts, qsapi.CompletedPart{})
	st.mu.Unlock()
	g.Go(func() error {
		defer func() { st.free <- buf }()
		var sum []byte
		if st.u.partMD5 {
			s := md5.Sum(data)
			sum = s[:]
		}
		p, err := st.u.sendPart(gctx, i, bytes.NewReader(data), int64(len(data)), sum)
		st.mu.Lock()
		st.parts[i] = p
		st.mu.Unlock()
		return err
	})
}

// WriteStream writes everything r yields, up to its io.EOF, to path, and
// returns the number of bytes written: for a stream whose length is not
// known in advance (standard input, a pipe), which Write cannot take. It
// takes the pairs of Write. Up to part_size bytes are read first: a stream
// that ends within them is stored with one request; a longer one goes
// multipart with at most part_concurrency buffers of part_size bytes, and
// fails (aborted, nothing stored) if it needs more than 10000 parts.
// Failures and cancellation leave nothing, as with Write. With
// multipart_id the stream resumes that upload (see Write).
func (s *Storage) WriteStream(ctx context.Context, path string, r io.Reader, pairs ...types.Pair) (n int64, err error) {
	defer func() {
		if err != nil {
			err = s.formatError("write", err, path)
		}
	}()
	pairs = append(pairs[:len(pairs):len(pairs)], s.defaultPairs.Write...)
	opt, err := s.parsePairStorageWrite(pairs)
	if err != nil {
		return 0, err
	}
	if r == nil {
		return 0, fmt.Errorf("%w: nil reader", ErrSizeInvalid)
	}
	k, lw, err := s.writeOptions(strings.ReplaceAll(path, "\\", "/"), opt)
	if err != nil {
		return 0, err
	}
	var first []byte
	if lw.uploadID == "" {
		var one bool
		if first, one, err = readFirstPart(r, lw.plan.partSize, lw.callback); err != nil {
			return 0, err
		}
		if one {
			return s.putOne(ctx, k, bytes.NewReader(first), int64(len(first)), lw)
		}
		r = io.MultiReader(bytes.NewReader(first[len(first)-1:]), r) // the peeked byte
		first = first[:len(first)-1]
	}
	u, err := s.startUpload(ctx, k, lw)
	if err != nil {
		return 0, err
	}
	res, err := u.fromStream(ctx, first, r, -1)
	if err == nil {
		err = u.complete(ctx, res)
	}
	if err != nil {
		return 0, u.fail(ctx, err)
	}
	return res.size, nil
}

// readFirstPart reads up to psz bytes of r, plus one more to learn whether
// the stream goes on. one reports that the stream ended within psz bytes
// (buf is then all of it); otherwise buf holds psz+1 bytes, the last of
// which belongs to the next part and has not been shown to cb.
func readFirstPart(r io.Reader, psz int64, cb func([]byte)) (buf []byte, one bool, err error) {
	buf = make([]byte, psz+1)
	n, err := io.ReadFull(r, buf)
	shown := min(n, int(psz))
	if cb != nil && shown > 0 {
		cb(buf[:shown])
	}
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return buf[:n], true, nil
	case err != nil:
		return nil, false, fmt.Errorf("read input: %w", err)
	}
	return buf, false, nil
}
