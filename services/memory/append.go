package memory

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// ErrAppendOffsetMismatch means WriteAppend was given an object whose append
// offset is not the current size of the stored object: another writer
// appended, or the object was replaced, since o was obtained.
var ErrAppendOffsetMismatch = services.NewErrorCode("append offset mismatch")

// createAppend creates, or truncates, an appendable object at path.
func (s *Storage) createAppend(ctx context.Context, p string, opt pairStorageCreateAppend) (*types.Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e := &entry{mode: types.ModeRead | types.ModeAppend, modified: time.Now()}
	if opt.HasContentType {
		e.contentType = opt.ContentType
	}
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	k, err := s.fileTarget(p)
	if err != nil {
		return nil, err
	}
	s.sp.put(k, e)
	return s.objectOf(p, k, e), nil
}

// appendEntry returns the appendable entry o describes; the caller holds sp.mu.
func (s *Storage) appendEntry(o *types.Object) (string, *entry, error) {
	k := s.objectKey(o)
	e, ok := s.sp.objects[k]
	if !ok {
		return "", nil, services.ErrObjectNotExist
	}
	if !e.mode.IsAppend() {
		return "", nil, services.ObjectModeInvalidError{Expected: types.ModeAppend, Actual: e.mode}
	}
	return k, e, nil
}

// writeAppend appends size bytes of r at o's append offset (the stored size
// when o carries none) and advances o's offset. Every append is durable and
// visible at once.
func (s *Storage) writeAppend(ctx context.Context, o *types.Object, r io.Reader, size int64, opt pairStorageWriteAppend) (int64, error) {
	var cb func([]byte)
	if opt.HasIoCallback {
		cb = opt.IoCallback
	}
	data, _, err := readData(ctx, r, size, cb)
	if err != nil {
		return 0, err
	}
	// Read o before locking: a getter of a lazily built object runs Stat.
	off, hasOff := o.GetAppendOffset()
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	k, e, err := s.appendEntry(o)
	if err != nil {
		return 0, err
	}
	cur := int64(len(e.data))
	if hasOff && off != cur {
		return 0, fmt.Errorf("%w: offset %d, object size %d", ErrAppendOffsetMismatch, off, cur)
	}
	next := *e
	// Only the newest entry of an object ever grows its data, and only
	// beyond the len earlier entries see.
	next.data = append(e.data, data...)
	next.etag = ""
	next.modified = time.Now()
	s.sp.put(k, &next)
	o.SetAppendOffset(cur + size)
	return size, nil
}

// commitAppend ends an append session. Appends are durable already, so it
// only checks that the object is still there and appendable.
func (s *Storage) commitAppend(ctx context.Context, o *types.Object, _ pairStorageCommitAppend) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.sp.mu.RLock()
	defer s.sp.mu.RUnlock()
	_, _, err := s.appendEntry(o)
	return err
}
