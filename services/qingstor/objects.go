package qingstor

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/qsgo/qsgo/pkg/iowrap"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// directoryContentType is the content type of directory markers.
const directoryContentType = "application/x-directory"

// create returns an object for path without any I/O: a directory with
// object_mode dir, an upload with multipart_id, else a file that is stat'ed
// lazily on first use of an optional field.
func (s *Storage) create(path string, opt pairStorageCreate) *types.Object {
	switch {
	case opt.HasMultipartID:
		o := s.newObject(path, s.key(path), types.ModePart, true)
		o.SetMultipartID(opt.MultipartID)
		return o
	case opt.HasObjectMode && opt.ObjectMode.IsDir():
		return s.newObject(path, s.dirKey(path), types.ModeDir, true)
	default:
		return s.newObject(path, s.key(path), types.ModeRead, false)
	}
}

// delete removes one object (idempotent: a missing object is fine): the
// directory marker with object_mode dir, the upload with multipart_id.
func (s *Storage) delete(ctx context.Context, path string, opt pairStorageDelete) error {
	switch {
	case opt.HasMultipartID:
		k, err := s.fileKey(path)
		if err != nil {
			return err
		}
		_, err = s.client.AbortMultipartUpload(ctx, s.name, k, opt.MultipartID)
		return err
	case opt.HasObjectMode && opt.ObjectMode.IsDir():
		k := s.dirKey(path)
		if k == "" {
			return fmt.Errorf("%w: the bucket root is not a directory object", ErrPathInvalid)
		}
		_, err := s.client.DeleteObject(ctx, s.name, k)
		return err
	default:
		k := s.key(path)
		if k == "" {
			return fmt.Errorf("%w: empty path", ErrPathInvalid)
		}
		_, err := s.client.DeleteObject(ctx, s.name, k)
		return err
	}
}

// stat describes one object: an upload with multipart_id (its parts must be
// listable), a directory marker with object_mode dir, else the object at
// path (file, link, appendable object).
func (s *Storage) stat(ctx context.Context, path string, opt pairStorageStat) (*types.Object, error) {
	switch {
	case opt.HasMultipartID:
		k, err := s.fileKey(path)
		if err != nil {
			return nil, err
		}
		if _, err := s.client.ListParts(ctx, s.name, k, opt.MultipartID, &qsapi.ListPartsInput{Limit: 1}); err != nil {
			return nil, err
		}
		o := s.newObject(path, k, types.ModePart, true)
		o.SetMultipartID(opt.MultipartID)
		return o, nil
	case opt.HasObjectMode && opt.ObjectMode.IsDir():
		k := s.dirKey(path)
		if k == "" {
			return s.newObject(path, k, types.ModeDir, true), nil
		}
		m, err := s.client.HeadObject(ctx, s.name, k, nil)
		if err != nil {
			return nil, err
		}
		if err := checkObjectAnswer(m); err != nil {
			return nil, err
		}
		o := s.newObject(path, k, types.ModeDir, true)
		s.fillMeta(o, m)
		return o, nil
	default:
		k := s.key(path)
		if k == "" {
			return nil, fmt.Errorf("%w: empty path", ErrPathInvalid)
		}
		m, err := s.client.HeadObject(ctx, s.name, k, nil)
		if err != nil {
			return nil, err
		}
		if err := checkObjectAnswer(m); err != nil {
			return nil, err
		}
		return s.objectFromMeta(path, k, m), nil
	}
}

// objectFromMeta builds the stat result of key k from a HEAD answer.
func (s *Storage) objectFromMeta(path, k string, m *qsapi.ObjectMeta) *types.Object {
	mode := types.ModeRead
	if strings.HasSuffix(k, "/") {
		mode = types.ModeDir
	}
	o := s.newObject(path, k, mode, true)
	s.fillMeta(o, m)
	if target, ok := m.Metadata[linkTargetMeta]; ok && s.features.VirtualLink {
		o.Mode |= types.ModeLink
		o.SetLinkTarget(decodeLinkTarget(target))
	}
	if m.ObjectType == qsapi.ObjectTypeAppendable {
		o.Mode |= types.ModeAppend
		off := m.ContentLength
		if m.HasNextAppendPosition {
			off = m.NextAppendPosition
		}
		o.SetAppendOffset(off)
	}
	return o
}

// fillMeta copies what HEAD said into o.
func (s *Storage) fillMeta(o *types.Object, m *qsapi.ObjectMeta) {
	o.SetContentLength(m.ContentLength)
	if m.ContentType != "" {
		o.SetContentType(m.ContentType)
	}
	if m.ETag != "" {
		o.SetEtag(m.ETag)
	}
	if !m.LastModified.IsZero() {
		o.SetLastModified(m.LastModified)
	}
	if len(m.Metadata) > 0 {
		o.SetUserMetadata(m.Metadata)
	}
	setObjectSystemMetadata(o, ObjectSystemMetadata{StorageClass: m.StorageClass, EncryptionCustomerAlgorithm: m.EncryptionAlgorithm})
}

// read copies the object (or the offset/size range of it) into w. size 0
// reads nothing but still checks that the object exists. With check_md5, a
// whole-object read whose ETag is a plain MD5 is verified.
func (s *Storage) read(ctx context.Context, path string, w io.Writer, opt pairStorageRead) (int64, error) {
	k, err := s.fileKey(path)
	if err != nil {
		return 0, err
	}
	key, err := sseKey(opt.HasEncryptionCustomerAlgorithm, opt.EncryptionCustomerAlgorithm, opt.HasEncryptionCustomerKey, opt.EncryptionCustomerKey)
	if err != nil {
		return 0, err
	}
	if opt.HasOffset && opt.Offset < 0 || opt.HasSize && opt.Size < 0 {
		return 0, fmt.Errorf("%w: negative offset or size", ErrSizeInvalid)
	}
	if opt.HasSize && opt.Size == 0 {
		m, err := s.client.HeadObject(ctx, s.name, k, &qsapi.HeadObjectInput{SSECKey: key})
		if err != nil {
			return 0, err
		}
		return 0, checkObjectAnswer(m)
	}
	p, err := s.upload.plan(opt.HasPartSize, opt.PartSize, opt.HasPartConcurrency, opt.PartConcurrency)
	if err != nil {
		return 0, err
	}
	if dst, pos, ok := parallelTarget(w, opt, p); ok {
		return s.readParallel(ctx, k, key, dst, pos, opt.IoCallback, p) // download.go
	}
	rng, err := byteRange(opt.Offset, opt.Size, opt.HasSize)
	if err != nil {
		return 0, err
	}
	in := &qsapi.GetObjectInput{SSECKey: key, Range: rng}
	out, err := s.client.GetObject(ctx, s.name, k, in)
	if err != nil {
		return 0, err
	}
	defer out.Body.Close()
	if err := checkObjectAnswer(&out.ObjectMeta); err != nil {
		return 0, err
	}
	var body io.Reader = out.Body
	if in.Range != "" && out.StatusCode == http.StatusOK {
		// The range was ignored and the whole object sent: skip to offset.
		if _, err := io.CopyN(io.Discard, body, opt.Offset); err != nil {
			return 0, err
		}
	}
	if opt.HasSize {
		body = io.LimitReader(body, opt.Size)
	}
	if opt.IoCallback != nil {
		body = iowrap.CallbackReader(body, opt.IoCallback)
	}
	var h hash.Hash
	want := ""
	if opt.CheckMd5 && in.Range == "" {
		if want = plainMD5(out.ETag); want != "" {
			h = md5.New()
			w = io.MultiWriter(w, h)
		}
	}
	n, err := io.Copy(w, body)
	if err != nil {
		return n, err
	}
	if h != nil && hex.EncodeToString(h.Sum(nil)) != want {
		return n, fmt.Errorf("%w: received %d bytes whose MD5 is not the ETag %s", ErrContentMD5Mismatch, n, out.ETag)
	}
	return n, nil
}

// errNotAnObject is the error of a success answer that describes no object.
var errNotAnObject = errors.New("the answer carries neither ETag nor Last-Modified: it does not describe an object (a proxy answering for QingStor?)")

// checkObjectAnswer refuses a 200 answer to GET or HEAD that has neither
// ETag nor Last-Modified: QingStor sends both for every object, so such an
// answer (e.g. an error body from a proxy) must not pass for content.
func checkObjectAnswer(m *qsapi.ObjectMeta) error {
	if m.ETag == "" && m.LastModified.IsZero() {
		return fmt.Errorf("%w: %v (status %d, request id %q)", services.ErrUnexpected, errNotAnObject, m.StatusCode, m.RequestID)
	}
	return nil
}

// byteRange returns the Range header for offset and size ("" for the whole
// object); the callers have refused negative values. A range whose last byte
// (off+size-1) lies beyond int64 is ErrSizeInvalid.
func byteRange(off, size int64, hasSize bool) (string, error) {
	switch {
	case hasSize && size > 0 && off > math.MaxInt64-(size-1):
		return "", fmt.Errorf("%w: offset %d + size %d is past the largest object", ErrSizeInvalid, off, size)
	case hasSize:
		return "bytes=" + strconv.FormatInt(off, 10) + "-" + strconv.FormatInt(off+size-1, 10), nil
	case off > 0:
		return "bytes=" + strconv.FormatInt(off, 10) + "-", nil
	default:
		return "", nil
	}
}

// plainMD5 returns the hex MD5 inside a quoted ETag, or "" when the ETag is
// not a plain 32-hex-digit MD5 (e.g. some multipart ETags).
func plainMD5(etag string) string {
	e := strings.ToLower(strings.Trim(etag, `"`))
	if len(e) != 32 {
		return ""
	}
	if _, err := hex.DecodeString(e); err != nil {
		return ""
	}
	return e
}

// write stores exactly size bytes of r at path. A nil r is allowed only with
// size 0; extra bytes of r are not read; a shorter r fails and stores
// nothing. Objects larger than the upload threshold (or than part_size when
// given), and every write with multipart_id, go through the transfer engine
// (upload.go).
func (s *Storage) write(ctx context.Context, path string, r io.Reader, size int64, opt pairStorageWrite) (int64, error) {
	if size < 0 || size > maxObjectSize {
		return 0, fmt.Errorf("%w: %d is outside 0..%d", ErrSizeInvalid, size, int64(maxObjectSize))
	}
	if r == nil && size > 0 {
		return 0, fmt.Errorf("%w: nil reader with size %d", ErrSizeInvalid, size)
	}
	k, lw, err := s.writeOptions(path, opt)
	if err != nil {
		return 0, err
	}
	threshold := s.upload.threshold()
	if lw.plan.custom {
		threshold = lw.plan.partSize
	}
	if size > threshold || lw.uploadID != "" {
		return s.writeLarge(ctx, k, r, size, lw)
	}
	return s.putOne(ctx, k, requestBody(r, size, opt.IoCallback), size, lw)
}

// writeOptions checks the path and pairs of a write and returns the key
// and the options of the transfer.
func (s *Storage) writeOptions(path string, opt pairStorageWrite) (string, largeWrite, error) {
	var lw largeWrite
	k, err := s.fileKey(path)
	if err != nil {
		return "", lw, err
	}
	if err := checkStorageClass(opt.HasStorageClass, opt.StorageClass); err != nil {
		return "", lw, err
	}
	if opt.HasMultipartID && opt.MultipartID == "" {
		return "", lw, fmt.Errorf("%w: empty multipart_id", ErrPathInvalid)
	}
	key, err := sseKey(opt.HasEncryptionCustomerAlgorithm, opt.EncryptionCustomerAlgorithm, opt.HasEncryptionCustomerKey, opt.EncryptionCustomerKey)
	if err != nil {
		return "", lw, err
	}
	sum, err := contentMD5(opt.HasContentMd5, opt.ContentMd5)
	if err != nil {
		return "", lw, err
	}
	p, err := s.upload.plan(opt.HasPartSize, opt.PartSize, opt.HasPartConcurrency, opt.PartConcurrency)
	if err != nil {
		return "", lw, err
	}
	return k, largeWrite{contentType: opt.ContentType, cacheControl: opt.CacheControl, contentDisposition: opt.ContentDisposition,
		metadata: opt.UserMetadata, storageClass: opt.StorageClass, sseKey: key,
		callback: opt.IoCallback, wantMD5: sum, verify: opt.VerifyContent, uploadID: opt.MultipartID, plan: p}, nil
}

// putOne stores body (size bytes) at key k with one request. With
// verify_content the body's MD5 is sent as Content-MD5 when it is a
// seekable reader or given as content_md5 (a single request's ETag is the
// MD5 of the content anyway).
func (s *Storage) putOne(ctx context.Context, k string, body io.Reader, size int64, lw largeWrite) (int64, error) {
	sum := lw.wantMD5
	if sum == nil && lw.verify && size > 0 {
		if rs, ok := body.(io.ReadSeeker); ok {
			res := readerMD5(ctx, rs)
			if res.err != nil {
				return 0, res.err
			}
			if _, err := rs.Seek(0, io.SeekStart); err != nil {
				return 0, err
			}
			sum = res.sum
		}
	}
	_, err := s.client.PutObject(ctx, s.name, k, body, &qsapi.PutObjectInput{
		ContentLength:      size,
		ContentMD5:         sum,
		ContentType:        lw.contentType,
		CacheControl:       lw.cacheControl,
		ContentDisposition: lw.contentDisposition,
		Metadata:           lw.metadata,
		StorageClass:       lw.storageClass,
		SSECKey:            lw.sseKey,
	})
	if err != nil {
		return 0, err
	}
	return size, nil
}

// requestBody returns the body of a single request carrying size bytes of
// r: nil for none, else limitBody(r, size), passed through cb when cb is set
// (still seekable when r is: a retry re-sends the bytes but cb sees each
// byte once).
func requestBody(r io.Reader, size int64, cb func([]byte)) io.Reader {
	if size == 0 {
		return nil
	}
	body := limitBody(r, size)
	if cb != nil {
		body = &progressReader{r: body, cb: cb}
	}
	return body
}

// limitBody returns the first size bytes of r. When r is an io.ReadSeeker
// the result is one too, so the wire client can rewind it and retry a
// request that failed on a transient error.
func limitBody(r io.Reader, size int64) io.Reader {
	if rs, ok := r.(io.ReadSeeker); ok {
		if start, err := rs.Seek(0, io.SeekCurrent); err == nil {
			return &sizedSeeker{r: rs, start: start, size: size}
		}
	}
	return io.LimitReader(r, size)
}

// sizedSeeker is the window [start, start+size) of a ReadSeeker.
type sizedSeeker struct {
	r           io.ReadSeeker
	start, size int64
	off         int64
}

// Read reads within the window.
func (s *sizedSeeker) Read(p []byte) (int, error) {
	if s.off >= s.size {
		return 0, io.EOF
	}
	if rest := s.size - s.off; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := s.r.Read(p)
	s.off += int64(n)
	return n, err
}

// Seek moves within the window (io.SeekStart and io.SeekCurrent).
func (s *sizedSeeker) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += s.off
	default:
		return 0, errors.New("qingstor: body seek from the end is not supported")
	}
	if offset < 0 || offset > s.size {
		return 0, errors.New("qingstor: body seek outside the written range")
	}
	if _, err := s.r.Seek(s.start+offset, io.SeekStart); err != nil {
		return 0, err
	}
	s.off = offset
	return offset, nil
}
