package memory

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// Storage is the memory Storager. It implements types.Storager,
// types.Appender, types.Copier, types.Direr, types.Linker, types.Mover and
// types.Multiparter; it is safe for concurrent use. Build it with
// NewStorager, New or services.NewStoragerFromString("memory://...").
type Storage struct {
	sp      *space
	name    string
	workDir string // absolute, cleaned, ends in "/"

	features     StorageFeatures
	defaultPairs DefaultStoragePairs

	types.UnimplementedStorager
	types.UnimplementedAppender
	types.UnimplementedCopier
	types.UnimplementedDirer
	types.UnimplementedLinker
	types.UnimplementedMover
	types.UnimplementedMultiparter
}

// New returns the memory Servicer and a Storager, both built from pairs
// (see NewServicer and NewStorager).
func New(pairs ...types.Pair) (types.Servicer, types.Storager, error) {
	srv, err := NewServicer(pairs...)
	if err != nil {
		return nil, nil, err
	}
	store, err := NewStorager(pairs...)
	if err != nil {
		return nil, nil, err
	}
	return srv, store, nil
}

// newStorager builds a Storage: name selects a shared named space (empty:
// a private one), work_dir (default "/") must be absolute.
func newStorager(pairs ...types.Pair) (*Storage, error) {
	opt, err := parsePairStorageNew(pairs)
	if err != nil {
		return nil, err
	}
	wd := "/"
	if opt.HasWorkDir {
		wd = strings.ReplaceAll(opt.WorkDir, `\`, "/")
	}
	if !strings.HasPrefix(wd, "/") {
		return nil, fmt.Errorf("%w: work_dir %q is not absolute", services.ErrRestrictionDissatisfied, opt.WorkDir)
	}
	wd = path.Clean(wd)
	if wd != "/" {
		wd += "/"
	}
	s := &Storage{sp: spaceFor(opt.Name), name: opt.Name, workDir: wd}
	if opt.HasStorageFeatures {
		s.features = opt.StorageFeatures
	}
	if opt.HasDefaultStoragePairs {
		s.defaultPairs = opt.DefaultStoragePairs
	}
	return s, nil
}

// String describes the storage, e.g. "Storager memory {Name: t, WorkDir: /w/}".
func (s *Storage) String() string {
	return fmt.Sprintf("Storager memory {Name: %s, WorkDir: %s}", s.name, s.workDir)
}

// formatError wraps err as the services.StorageError of op on paths. Errors
// of go-storage (services.InternalError or *pairs.Error anywhere in the
// chain) and context errors keep their identity; anything else (a failing
// reader or writer of the caller) becomes ErrUnexpected, still wrapping the
// cause: memory has no SDK whose errors must stay hidden.
func (s *Storage) formatError(op string, err error, paths ...string) error {
	if err == nil {
		return nil
	}
	var ie services.InternalError
	var pe *pairs.Error
	if !errors.As(err, &ie) && !errors.As(err, &pe) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w: %w", services.ErrUnexpected, err)
	}
	return services.StorageError{Op: op, Err: err, Storager: s, Path: paths}
}

// key maps a user path (relative to the work dir or absolute) to the key of
// a file or link: an absolute, cleaned path without trailing "/".
func (s *Storage) key(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	if !strings.HasPrefix(p, "/") {
		p = s.workDir + p
	}
	return path.Clean(p)
}

// dirKey maps a user path to the key of a directory: ends in "/".
func (s *Storage) dirKey(p string) string {
	k := s.key(p)
	if k == "/" {
		return k
	}
	return k + "/"
}

// relPath gives the Path of a listed key: relative to the work dir when
// the key lies under it, else absolute.
func (s *Storage) relPath(key string) string {
	if strings.HasPrefix(key, s.workDir) {
		return key[len(s.workDir):]
	}
	return key
}

// isDirPath reports whether the user path names a directory: empty, or
// ending in "/" or "\" (after cleaning it would be the parent's name).
func isDirPath(p string) bool {
	return p == "" || strings.HasSuffix(p, "/") || strings.HasSuffix(p, `\`)
}

// fileTarget checks that the user path p may receive a file, link or
// append object: it must not name a directory. It returns the file key.
// The caller holds sp.mu.
func (s *Storage) fileTarget(p string) (string, error) {
	if isDirPath(p) {
		return "", services.ObjectModeInvalidError{Expected: types.ModeRead, Actual: types.ModeDir}
	}
	k := s.key(p)
	if k == "/" {
		return "", services.ObjectModeInvalidError{Expected: types.ModeRead, Actual: types.ModeDir}
	}
	if _, ok := s.sp.objects[k+"/"]; ok {
		return "", services.ObjectModeInvalidError{Expected: types.ModeRead, Actual: types.ModeDir}
	}
	return k, nil
}

// objectOf builds the stat result of entry e at key for the user path p.
func (s *Storage) objectOf(p, key string, e *entry) *types.Object {
	o := types.NewObject(s, true)
	o.ID = key
	o.Path = p
	o.Mode = e.mode
	if e.mode.IsDir() {
		return o
	}
	if e.mode.IsLink() {
		o.SetLinkTarget(e.target)
		o.SetLastModified(e.modified)
		return o
	}
	o.SetContentLength(int64(len(e.data)))
	o.SetLastModified(e.modified)
	if e.etag != "" {
		o.SetEtag(e.etag)
	}
	if e.contentType != "" {
		o.SetContentType(e.contentType)
	}
	if e.contentMd5 != "" {
		o.SetContentMd5(e.contentMd5)
	}
	if e.mode.IsAppend() {
		o.SetAppendOffset(int64(len(e.data)))
	}
	return o
}

// objectKey returns the file key of an object given to an operation: its
// ID when set (objects made by this storage carry their key), else the key
// of its Path.
func (s *Storage) objectKey(o *types.Object) string {
	if strings.HasPrefix(o.ID, "/") {
		return path.Clean(o.ID)
	}
	return s.key(o.Path)
}

// metadata returns the storage's name, work dir and multipart limits.
func (s *Storage) metadata(_ pairStorageMetadata) *types.StorageMeta {
	meta := types.NewStorageMeta()
	meta.Name = s.name
	meta.WorkDir = s.workDir
	meta.SetMultipartNumberMaximum(maxParts)
	return meta
}
