package memory

import (
	"context"
	"time"

	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// createDir creates the directory path; creating it again succeeds. A file
// or link of the same name makes it fail with ErrObjectModeInvalid.
func (s *Storage) createDir(ctx context.Context, p string, _ pairStorageCreateDir) (*types.Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	k := s.key(p)
	if e, ok := s.sp.objects[k]; ok && k != "/" {
		return nil, services.ObjectModeInvalidError{Expected: types.ModeDir, Actual: e.mode}
	}
	dk := s.dirKey(p)
	e, ok := s.sp.objects[dk]
	if !ok {
		e = &entry{mode: types.ModeDir, modified: time.Now()}
		s.sp.put(dk, e)
	}
	return s.objectOf(p, dk, e), nil
}
