package memory

import (
	"context"
	"time"

	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// srcKey checks that the user path names a file or link and returns its key.
func (s *Storage) srcKey(p string) (string, error) {
	if isDirPath(p) {
		return "", services.ObjectModeInvalidError{Expected: types.ModeRead, Actual: types.ModeDir}
	}
	return s.key(p), nil
}

// copy makes dst a plain file with the content and metadata of src
// (following links), replacing dst unless it is a directory.
func (s *Storage) copy(ctx context.Context, src, dst string, _ pairStorageCopy) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	sk, err := s.srcKey(src)
	if err != nil {
		return err
	}
	e, err := s.resolve(sk)
	if err != nil {
		return err
	}
	dk, err := s.fileTarget(dst)
	if err != nil {
		return err
	}
	if dk == sk {
		return nil
	}
	c := *e
	c.mode = types.ModeRead
	c.data = e.data[:len(e.data):len(e.data)] // shared, never grown in place
	c.modified = time.Now()
	s.sp.put(dk, &c)
	return nil
}

// move renames the file or link at src to dst (a link moves as a link),
// replacing dst unless it is a directory. Moving onto itself changes nothing.
func (s *Storage) move(ctx context.Context, src, dst string, _ pairStorageMove) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	sk, err := s.srcKey(src)
	if err != nil {
		return err
	}
	e, ok := s.sp.objects[sk]
	if !ok {
		return services.ErrObjectNotExist
	}
	dk, err := s.fileTarget(dst)
	if err != nil {
		return err
	}
	if dk == sk {
		return nil
	}
	s.sp.put(dk, e)
	s.sp.remove(sk)
	return nil
}
