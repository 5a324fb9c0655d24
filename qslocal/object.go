package qslocal

import (
	"crypto/cipher"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qsgo/qsgo/qslocal/store"
)

// objectHeaders collects what PUT, Initiate and Copy(REPLACE) take from the
// request: content type, storage class, user metadata, standard headers.
type objectHeaders struct {
	contentType  string
	storageClass string
	meta         map[string]string
	std          map[string]string
}

func parseObjectHeaders(h http.Header) (objectHeaders, *apiError) {
	var oh objectHeaders
	var e *apiError
	if oh.contentType, e = parseContentType(h); e != nil {
		return oh, e
	}
	if oh.storageClass, e = parseStorageClass(h, "STANDARD"); e != nil {
		return oh, e
	}
	if oh.meta, e = parseMeta(h); e != nil {
		return oh, e
	}
	if oh.std, e = parseStdHeaders(h); e != nil {
		return oh, e
	}
	return oh, nil
}

func quoteETag(sum []byte) string { return `"` + hex.EncodeToString(sum) + `"` }

// putObject is PUT /bucket/key: a plain upload, or copy, move or fetch
// when the matching X-QS-*-Source header is present.
func (s *Server) putObject(q *request) *apiError {
	h := q.r.Header
	switch {
	case h.Get("X-Qs-Copy-Source") != "":
		return s.copyObject(q)
	case h.Get("X-Qs-Move-Source") != "":
		return s.moveObject(q)
	case h.Get("X-Qs-Fetch-Source") != "":
		return s.fetchObject(q)
	}
	oh, e := parseObjectHeaders(h)
	if e != nil {
		return e
	}
	sse, e := parseSSE(h, sseHeader)
	if e != nil {
		return e
	}
	wantMD5, e := checkUploadBody(q, "A single PUT is at most 5 GiB; use multipart upload.")
	if e != nil {
		return e
	}
	if _, err := s.st.GetBucket(q.bucket); err != nil {
		return s.storeErr(q, err)
	}
	obj := &store.Object{Key: q.key, ContentType: oh.contentType, StorageClass: oh.storageClass,
		Meta: oh.meta, Headers: oh.std}
	seg := store.Segment{}
	up, e := s.receiveBlob(q, bodyReader(q, maxSinglePut), q.r.ContentLength, wantMD5, ctrStreamFor(sse, &seg))
	if e != nil {
		return e
	}
	obj.Segments = up.segments(seg.IV)
	if sse != nil {
		obj.SSE = sse.record()
	}
	now := s.now().UTC()
	obj.Size, obj.ETag, obj.Created, obj.Modified = up.res.n, quoteETag(up.res.md5[:]), now, now
	if err := s.st.PutObject(q.bucket, obj); err != nil {
		s.st.DiscardBlob(up.id)
		return s.storeErr(q, err)
	}
	replyCreated(q, obj.ETag, sse)
	return nil
}

// replyCreated answers a stored upload (PUT, copy, upload part): 201 with
// the ETag and, when encrypted with k, the SSE-C algorithm header.
func replyCreated(q *request, etag string, k *sseKey) {
	q.w.Header().Set("ETag", etag)
	setSSEResponse(q.w.Header(), k)
	q.w.Header().Set("Content-Length", "0")
	q.w.WriteHeader(http.StatusCreated)
}

// ctrStreamFor prepares seg for encryption with k (a fresh IV) and returns
// the keystream, or nil when k is nil.
func ctrStreamFor(k *sseKey, seg *store.Segment) cipher.Stream {
	if k == nil {
		return nil
	}
	seg.IV = newIV()
	return ctrAt(&k.key, seg.IV, 0)
}

// deleteObject is DELETE /bucket/key: 204 whether or not the key existed.
func (s *Server) deleteObject(q *request) *apiError {
	if err := s.st.DeleteObject(q.bucket, q.key); err != nil {
		return s.storeErr(q, err)
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkConditions evaluates If-Match, If-Unmodified-Since (412) and
// If-None-Match, If-Modified-Since (304) against o, in RFC 7232 order.
// prefix is "" for GET/HEAD or "X-Qs-Copy-Source-" / "X-Qs-Move-Source-"
// for copy and move sources (whose failures are all 412). Values may be
// percent-encoded (the JS SDK runs encodeURI on every header value), ETags
// and dates alike. A date that cannot be read is ignored on GET/HEAD (as
// RFC 7232 says); for a source it fails the condition, so a conditional copy
// or move never proceeds on an unread date (checkSourceDates refuses those
// with a clearer 400 first).
func checkConditions(h http.Header, prefix string, o *store.Object) (status int) {
	etag := strings.Trim(o.ETag, `"`)
	mod := o.Modified.Truncate(time.Second)
	matchList := func(v string) bool {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			t = strings.TrimPrefix(t, "W/")
			if t == "*" || (etag != "" && strings.Trim(unescapeLoose(t), `"`) == etag) {
				return true
			}
		}
		return false
	}
	// since reports whether a date condition holds: f(t) on the date, or,
	// for an unreadable date, true on GET/HEAD and false for a source.
	since := func(v string, f func(t time.Time) bool) bool {
		if t, ok := parseHTTPDate(v); ok {
			return f(t)
		}
		return prefix == ""
	}
	notModified := http.StatusNotModified
	if prefix != "" {
		notModified = http.StatusPreconditionFailed
	}
	if v := h.Get(prefix + "If-Match"); v != "" {
		if !matchList(v) {
			return http.StatusPreconditionFailed
		}
	} else if v := h.Get(prefix + "If-Unmodified-Since"); v != "" {
		if !since(v, func(t time.Time) bool { return !mod.After(t) }) {
			return http.StatusPreconditionFailed
		}
	}
	if v := h.Get(prefix + "If-None-Match"); v != "" {
		if matchList(v) {
			return notModified
		}
	} else if v := h.Get(prefix + "If-Modified-Since"); v != "" {
		if !since(v, func(t time.Time) bool { return mod.After(t) }) {
			return notModified
		}
	}
	return 0
}

// parseHTTPDate reads an HTTP date, percent-decoding it first.
func parseHTTPDate(v string) (time.Time, bool) {
	t, err := http.ParseTime(strings.TrimSpace(unescapeLoose(v)))
	return t, err == nil
}

// checkSourceDates refuses, with 400 invalid_argument naming the header, a
// copy or move source date condition (prefix as for checkConditions) that is
// not an HTTP date even after percent-decoding.
func checkSourceDates(h http.Header, prefix string) *apiError {
	for _, name := range []string{"If-Modified-Since", "If-Unmodified-Since"} {
		if v := h.Get(prefix + name); v != "" {
			if _, ok := parseHTTPDate(v); !ok {
				return errf(http.StatusBadRequest, "invalid_argument", "%s%s is not an HTTP date.", prefix, name)
			}
		}
	}
	return nil
}

// parseRange parses "bytes=a-b", "bytes=a-" and "bytes=-n" against size and
// returns the inclusive range. ok is false without a Range header. Multiple
// ranges, bad syntax or a start at or past the end are 416 invalid_range; a
// suffix longer than the object means the whole object.
func parseRange(v string, size int64) (start, end int64, ok bool, e *apiError) {
	if v == "" {
		return 0, 0, false, nil
	}
	bad := errf(http.StatusRequestedRangeNotSatisfiable, "invalid_range", "The Range %q cannot be satisfied for an object of %d bytes.", v, size)
	spec, found := strings.CutPrefix(strings.TrimSpace(v), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, bad
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, bad
	}
	num := func(s string) (int64, bool) {
		if s == "" || len(s) > 19 {
			return 0, false
		}
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	if a == "" {
		n, ok := num(b)
		if !ok || n == 0 || size == 0 {
			return 0, 0, false, bad
		}
		if n > size {
			n = size
		}
		return size - n, size - 1, true, nil
	}
	start, ok1 := num(a)
	if !ok1 || start >= size {
		return 0, 0, false, bad
	}
	end = size - 1
	if b != "" {
		e2, ok2 := num(b)
		if !ok2 || e2 < start {
			return 0, 0, false, bad
		}
		if e2 < end {
			end = e2
		}
	}
	return start, end, true, nil
}

// getObject is GET and HEAD /bucket/key: key check, conditions, headers,
// then the range.
func (s *Server) getObject(q *request) *apiError {
	sse, e := parseSSE(q.r.Header, sseHeader)
	if e != nil {
		return e
	}
	o, release, err := s.st.PinObject(q.bucket, q.key)
	if err != nil {
		return s.storeErr(q, err)
	}
	defer release()
	head := q.r.Method == http.MethodHead
	// HEAD on an encrypted object works without the key; a key sent is checked.
	if !head || sse != nil {
		if e := checkSSE(o.SSE, sse); e != nil {
			return e
		}
	}
	wh := q.w.Header()
	setObjectHeaders(wh, o)
	if sse != nil && o.SSE != nil {
		setSSEResponse(wh, sse)
	} else {
		setSSEStored(wh, o.SSE)
	}
	if answered, e := answerConditions(q, o); answered || e != nil {
		return e
	}
	for _, k := range responseOverrides {
		if v := q.get(k); v != "" {
			wh.Set(strings.TrimPrefix(k, "response-"), v)
		}
	}
	start, n, status, e := objectRange(q, o, head)
	if e != nil {
		return e
	}
	if head {
		q.w.WriteHeader(status)
		return nil
	}
	return s.sendObject(q, o, sse, start, n, status)
}

// answerConditions evaluates the GET/HEAD conditions: a failed If-Match or
// If-Unmodified-Since is the 412 error (with its JSON body on GET, as every
// error), a matching If-None-Match or unmodified If-Modified-Since a bare 304
// (answered is then true).
func answerConditions(q *request, o *store.Object) (answered bool, e *apiError) {
	switch st := checkConditions(q.r.Header, "", o); st {
	case 0:
		return false, nil
	case http.StatusPreconditionFailed:
		return false, errf(st, "precondition_failed", "The precondition given in the request evaluated to false.")
	default:
		wh := q.w.Header()
		wh.Del("Content-Type")
		wh.Set("Content-Length", "0")
		q.w.WriteHeader(st)
		return true, nil
	}
}

// objectRange applies the Range header (ignored by HEAD, which answers 200
// only, as the swagger and the SDK's success list say, and always describes
// the whole object): it sets Content-Length, Accept-Ranges and, for a range,
// Content-Range, and returns the first byte, the byte count and the status.
// An unsatisfiable range is 416 with Content-Range: bytes */<size>.
func objectRange(q *request, o *store.Object, head bool) (start, n int64, status int, e *apiError) {
	wh := q.w.Header()
	rangeHdr := q.r.Header.Get("Range")
	if head {
		rangeHdr = ""
	}
	start, end, ranged, e := parseRange(rangeHdr, o.Size)
	if e != nil {
		wh.Set("Content-Range", "bytes */"+strconv.FormatInt(o.Size, 10))
		return 0, 0, 0, e
	}
	if !ranged {
		start, end = 0, o.Size-1
	}
	n = end - start + 1
	wh.Set("Content-Length", strconv.FormatInt(n, 10))
	wh.Set("Accept-Ranges", "bytes")
	status = http.StatusOK
	if ranged {
		status = http.StatusPartialContent
		wh.Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(end, 10)+"/"+strconv.FormatInt(o.Size, 10))
	}
	return start, n, status, nil
}

// sendObject streams n bytes of o from start with the given status. The
// first segment is opened before the status goes out, so a store fault still
// gets a proper error reply.
func (s *Server) sendObject(q *request, o *store.Object, key *sseKey, start, n int64, status int) *apiError {
	rd := &objectReader{s: s, o: o, key: key, off: start, remain: n}
	defer rd.Close()
	if err := rd.open(); err != nil {
		return s.internal(q, err)
	}
	q.w.WriteHeader(status)
	if _, err := rd.WriteTo(q.w); err != nil && !errors.Is(err, errClientGone) {
		s.log.Warn("object read failed mid-response", "request_id", q.id, "err", err)
	}
	return nil
}

// setObjectHeaders writes the metadata headers of o.
func setObjectHeaders(wh http.Header, o *store.Object) {
	wh.Set("Content-Type", o.ContentType)
	if o.ETag != "" { // a multipart object completed without an ETag header has none
		wh.Set("ETag", o.ETag)
	}
	wh.Set("Last-Modified", o.Modified.UTC().Format(timeFormat))
	wh.Set("X-Qs-Storage-Class", o.StorageClass)
	for _, k := range sortedKeys(o.Meta) {
		wh.Set(metaPrefix+k, o.Meta[k])
	}
	for k, v := range o.Headers {
		wh.Set(k, v)
	}
	if o.Appendable {
		wh.Set("X-Qs-Object-Type", "appendable")
		wh.Set("X-Qs-Next-Append-Position", strconv.FormatInt(o.Size, 10))
	}
}

var errClientGone = errors.New("qslocal: client went away")

// errShortMeta and errShortBlob report a damaged store: segments that add
// up to less than the object size, or a blob that ends before its segment
// size. They are deliberately not io.ErrUnexpectedEOF: readers of an
// objectReader (copy, part copy) would take that for the end of the source
// and blame the client with incomplete_body.
var errShortMeta = errors.New("qslocal: object metadata shorter than its size")

var errShortBlob = errors.New("qslocal: stored blob is shorter than its metadata says")

// objectReader streams bytes [off, off+remain) of an object across its
// segments, decrypting with key when the object is encrypted.
type objectReader struct {
	s      *Server
	o      *store.Object
	key    *sseKey
	off    int64 // object offset of the next byte
	remain int64
	seg    int // current segment index
	cur    store.BlobReader
	curOff int64 // offset within the current segment
}

// open positions on the segment holding off and opens its blob.
func (r *objectReader) open() error {
	if r.remain <= 0 {
		return nil
	}
	pos := r.off
	for r.seg = 0; r.seg < len(r.o.Segments) && pos >= r.o.Segments[r.seg].Size; r.seg++ {
		pos -= r.o.Segments[r.seg].Size
	}
	if r.seg >= len(r.o.Segments) {
		return errShortMeta
	}
	return r.openSeg(pos)
}

func (r *objectReader) openSeg(pos int64) error {
	b, err := r.s.st.OpenBlob(r.o.Segments[r.seg].Blob)
	if err != nil {
		return err
	}
	if _, err := b.Seek(pos, io.SeekStart); err != nil {
		b.Close()
		return err
	}
	r.cur, r.curOff = b, pos
	return nil
}

// WriteTo copies the range to w. Plaintext segments from files go through
// w's ReadFrom (sendfile); encrypted ones are decrypted in 256 KiB steps.
func (r *objectReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	var buf []byte
	for r.remain > 0 {
		seg := r.o.Segments[r.seg]
		n := min(seg.Size-r.curOff, r.remain)
		var err error
		var m int64
		if seg.IV == nil {
			m, err = io.Copy(w, io.LimitReader(r.cur, n))
		} else {
			if buf == nil {
				buf = make([]byte, 256<<10)
			}
			m, err = copyDecrypt(w, io.LimitReader(r.cur, n), ctrAt(&r.key.key, seg.IV, r.curOff), buf)
		}
		total += m
		r.remain -= m
		if err == nil && m < n {
			err = errShortBlob
		}
		if err != nil {
			return total, err
		}
		r.cur.Close()
		r.cur = nil
		if r.remain > 0 {
			r.seg++
			if r.seg >= len(r.o.Segments) {
				return total, errShortMeta
			}
			if err := r.openSeg(0); err != nil {
				return total, err
			}
		}
	}
	return total, nil
}

// Read implements io.Reader (copy and part-copy read sources this way).
func (r *objectReader) Read(p []byte) (int, error) {
	if r.remain <= 0 {
		return 0, io.EOF
	}
	seg := r.o.Segments[r.seg]
	n := min(int64(len(p)), seg.Size-r.curOff, r.remain)
	m, err := io.ReadFull(r.cur, p[:n])
	if seg.IV != nil && m > 0 {
		ctrAt(&r.key.key, seg.IV, r.curOff).XORKeyStream(p[:m], p[:m])
	}
	r.curOff += int64(m)
	r.remain -= int64(m)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return m, errShortBlob
	}
	if err != nil {
		return m, fmt.Errorf("qslocal: read blob: %w", err)
	}
	if r.curOff == seg.Size && r.remain > 0 {
		r.cur.Close()
		r.cur = nil
		r.seg++
		if r.seg >= len(r.o.Segments) {
			return m, errShortMeta
		}
		if err := r.openSeg(0); err != nil {
			return m, err
		}
	}
	return m, nil
}

// Close releases the open blob.
func (r *objectReader) Close() error {
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
	return nil
}

func copyDecrypt(w io.Writer, src io.Reader, s cipher.Stream, buf []byte) (int64, error) {
	var total int64
	for {
		n, err := src.Read(buf)
		if n > 0 {
			s.XORKeyStream(buf[:n], buf[:n])
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, errClientGone
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}
