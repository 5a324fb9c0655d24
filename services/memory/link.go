package memory

import (
	"context"
	"time"

	"github.com/qsgo/qsgo/types"
)

// createLink makes path a link to target (made absolute against the work
// dir and cleaned), replacing a file or link at path; the target need not
// exist.
func (s *Storage) createLink(ctx context.Context, p, target string, _ pairStorageCreateLink) (*types.Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e := &entry{mode: types.ModeLink, target: s.key(target), modified: time.Now()}
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	k, err := s.fileTarget(p)
	if err != nil {
		return nil, err
	}
	s.sp.put(k, e)
	return s.objectOf(p, k, e), nil
}
