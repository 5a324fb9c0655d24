package memory

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// chunkSize is the unit in which data is read from callers' readers and
// written to their writers; the context is checked between chunks.
const chunkSize = 64 << 10

// preallocMax bounds the buffer allocated up front for a write: sizes up to
// it cost one allocation, larger ones grow as bytes arrive, so a claimed size
// alone never allocates more than this.
const preallocMax = 8 << 20

// maxLinkHops bounds how many links Read and Copy follow.
const maxLinkHops = 16

// readData reads exactly size bytes from r, calling cb (if non-nil) with
// every chunk, and returns them with their MD5. A nil r is an empty reader;
// a reader ending early is an error. Memory grows with what is read, never
// with what size claims.
func readData(ctx context.Context, r io.Reader, size int64, cb func([]byte)) ([]byte, [16]byte, error) {
	var sum [16]byte
	if size < 0 {
		return nil, sum, fmt.Errorf("%w: size %d is negative", services.ErrRestrictionDissatisfied, size)
	}
	if err := ctx.Err(); err != nil {
		return nil, sum, err
	}
	if r == nil {
		if size > 0 {
			return nil, sum, fmt.Errorf("%w: nil reader with size %d", services.ErrRestrictionDissatisfied, size)
		}
		return nil, md5.Sum(nil), nil
	}
	h := md5.New()
	data := make([]byte, 0, min(size, preallocMax))
	for int64(len(data)) < size {
		if err := ctx.Err(); err != nil {
			return nil, sum, err
		}
		if len(data) == cap(data) {
			grown := make([]byte, len(data), min(size, max(2*int64(cap(data)), chunkSize)))
			copy(grown, data)
			data = grown
		}
		end := min(cap(data), len(data)+chunkSize)
		n, err := r.Read(data[len(data):end])
		if n > 0 {
			chunk := data[len(data) : len(data)+n]
			h.Write(chunk)
			if cb != nil {
				cb(chunk)
			}
			data = data[:len(data)+n]
		}
		if err == io.EOF {
			if int64(len(data)) < size {
				return nil, sum, fmt.Errorf("reader ended after %d of %d bytes: %w", len(data), size, io.ErrUnexpectedEOF)
			}
			break
		}
		if err != nil {
			return nil, sum, err
		}
	}
	copy(sum[:], h.Sum(nil))
	return data, sum, nil
}

// quotedHex is the ETag form of an MD5: hex in double quotes.
func quotedHex(sum []byte) string { return `"` + hex.EncodeToString(sum) + `"` }

// writeData writes data to w in chunks, calling cb with each chunk written
// and checking ctx between chunks.
func writeData(ctx context.Context, w io.Writer, data []byte, cb func([]byte)) (int64, error) {
	var n int64
	for len(data) > 0 {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		chunk := data[:min(len(data), chunkSize)]
		m, err := w.Write(chunk)
		if m > 0 && cb != nil {
			cb(chunk[:m])
		}
		n += int64(m)
		if err != nil {
			return n, err
		}
		if m < len(chunk) {
			return n, io.ErrShortWrite
		}
		data = data[m:]
	}
	return n, nil
}

// create builds an object for path without touching the storage: a
// directory with object_mode dir, an upload with multipart_id, else a file
// whose other fields are filled by a lazy Stat on first use.
func (s *Storage) create(p string, opt pairStorageCreate) *types.Object {
	switch {
	case opt.HasMultipartID:
		o := types.NewObject(s, true)
		o.ID, o.Path, o.Mode = s.key(p), p, types.ModePart
		o.SetMultipartID(opt.MultipartID)
		return o
	case opt.HasObjectMode && opt.ObjectMode.IsDir():
		o := types.NewObject(s, true)
		o.ID, o.Path, o.Mode = s.dirKey(p), p, types.ModeDir
		return o
	default:
		o := types.NewObject(s, false)
		o.ID, o.Path, o.Mode = s.key(p), p, types.ModeRead
		return o
	}
}

// stat describes the object at path: with multipart_id the upload, with
// object_mode dir the directory (explicit, or implied by objects below it),
// else the file or link (a link is not followed).
func (s *Storage) stat(ctx context.Context, p string, opt pairStorageStat) (*types.Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.sp.mu.RLock()
	defer s.sp.mu.RUnlock()
	switch {
	case opt.HasMultipartID:
		u, ok := s.sp.uploads[opt.MultipartID]
		if !ok || u.key != s.key(p) {
			return nil, fmt.Errorf("%w: no upload %q at %q", services.ErrObjectNotExist, opt.MultipartID, p)
		}
		o := types.NewObject(s, true)
		o.ID, o.Path, o.Mode = u.key, p, types.ModePart
		o.SetMultipartID(u.id)
		o.SetLastModified(u.created)
		return o, nil
	case opt.HasObjectMode && opt.ObjectMode.IsDir():
		k := s.dirKey(p)
		if e, ok := s.sp.objects[k]; ok {
			return s.objectOf(p, k, e), nil
		}
		if k == "/" || s.sp.hasChildren(k) {
			o := types.NewObject(s, true)
			o.ID, o.Path, o.Mode = k, p, types.ModeDir
			return o, nil
		}
		return nil, services.ErrObjectNotExist
	default:
		k := s.key(p)
		e, ok := s.sp.objects[k]
		if !ok || isDirPath(p) {
			return nil, services.ErrObjectNotExist
		}
		return s.objectOf(p, k, e), nil
	}
}

// delete removes the object at path: with multipart_id that upload, with
// object_mode dir the directory object, else the file or link. Objects
// below a directory are kept. Deleting what does not exist succeeds.
func (s *Storage) delete(ctx context.Context, p string, opt pairStorageDelete) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	switch {
	case opt.HasMultipartID:
		if u, ok := s.sp.uploads[opt.MultipartID]; ok && u.key == s.key(p) {
			delete(s.sp.uploads, opt.MultipartID)
		}
	case opt.HasObjectMode && opt.ObjectMode.IsDir():
		s.sp.remove(s.dirKey(p))
	default:
		if !isDirPath(p) {
			s.sp.remove(s.key(p))
		}
	}
	return nil
}

// resolve follows links from key to a readable entry; the caller holds sp.mu.
func (s *Storage) resolve(key string) (*entry, error) {
	for hop := 0; hop <= maxLinkHops; hop++ {
		e, ok := s.sp.objects[key]
		if !ok {
			return nil, services.ErrObjectNotExist
		}
		if !e.mode.IsLink() {
			return e, nil
		}
		key = e.target
	}
	return nil, fmt.Errorf("%w: more than %d links to follow", services.ErrObjectModeInvalid, maxLinkHops)
}

// read copies the content of the file at path (following links) to w,
// restricted by offset and size.
func (s *Storage) read(ctx context.Context, p string, w io.Writer, opt pairStorageRead) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if opt.HasOffset && opt.Offset < 0 {
		return 0, fmt.Errorf("%w: offset %d is negative", services.ErrRestrictionDissatisfied, opt.Offset)
	}
	if opt.HasSize && opt.Size < 0 {
		return 0, fmt.Errorf("%w: size %d is negative", services.ErrRestrictionDissatisfied, opt.Size)
	}
	if w == nil {
		return 0, fmt.Errorf("%w: nil writer", services.ErrRestrictionDissatisfied)
	}
	if isDirPath(p) {
		return 0, services.ErrObjectNotExist
	}
	s.sp.mu.RLock()
	e, err := s.resolve(s.key(p))
	s.sp.mu.RUnlock()
	if err != nil {
		return 0, err
	}
	data := e.data
	if opt.HasOffset {
		data = data[min(int64(len(data)), opt.Offset):]
	}
	if opt.HasSize {
		data = data[:min(int64(len(data)), opt.Size)]
	}
	var cb func([]byte)
	if opt.HasIoCallback {
		cb = opt.IoCallback
	}
	return writeData(ctx, w, data, cb)
}

// write stores exactly size bytes of r at path, replacing what was there
// unless it is a directory.
func (s *Storage) write(ctx context.Context, p string, r io.Reader, size int64, opt pairStorageWrite) (int64, error) {
	var cb func([]byte)
	if opt.HasIoCallback {
		cb = opt.IoCallback
	}
	data, sum, err := readData(ctx, r, size, cb)
	if err != nil {
		return 0, err
	}
	e := &entry{mode: types.ModeRead, data: data, etag: quotedHex(sum[:]), modified: time.Now()}
	if opt.HasContentType {
		e.contentType = opt.ContentType
	}
	if opt.HasContentMd5 {
		e.contentMd5 = opt.ContentMd5
	}
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	k, err := s.fileTarget(p)
	if err != nil {
		return 0, err
	}
	s.sp.put(k, e)
	return size, nil
}
