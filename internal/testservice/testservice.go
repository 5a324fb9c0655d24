package testservice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// ErrBucketBusy is a service-specific error code, declared the go-storage way.
var ErrBucketBusy = services.NewErrorCode("bucket busy")

// New returns the servicer and, when pairs name a storage, the storager.
func New(pairs ...types.Pair) (types.Servicer, types.Storager, error) {
	sv, err := NewServicer(pairs...)
	if err != nil {
		return nil, nil, err
	}
	st, err := NewStorager(pairs...)
	if err != nil {
		return nil, nil, err
	}
	return sv, st, nil
}

// Service holds named in-memory storages.
type Service struct {
	types.UnimplementedServicer

	features     ServiceFeatures
	defaultPairs DefaultServicePairs

	mu      sync.Mutex
	buckets map[string]*bucket
}

// bucket is the shared content of a storage.
type bucket struct {
	mu      sync.Mutex
	objects map[string]*entry
}

type entry struct {
	data         []byte
	mode         types.ObjectMode
	contentType  string
	storageClass string
}

// Storage is one in-memory storage.
type Storage struct {
	types.UnimplementedStorager
	types.UnimplementedAppender
	types.UnimplementedCopier
	types.UnimplementedReacher

	features     StorageFeatures
	defaultPairs DefaultStoragePairs

	name    string
	workDir string
	b       *bucket
	// calls counts implementation calls, so tests can prove the generated
	// checks stop bad calls before them.
	calls int
}

var shared = struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}{buckets: map[string]*bucket{}}

func sharedBucket(name string) *bucket {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	b, ok := shared.buckets[name]
	if !ok {
		b = &bucket{objects: map[string]*entry{}}
		shared.buckets[name] = b
	}
	return b
}

func newServicer(pairs ...types.Pair) (*Service, error) {
	opt, err := parsePairServiceNew(pairs)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(opt.Credential, "hmac:") {
		return nil, fmt.Errorf("%w: credential protocol", services.ErrCapabilityInsufficient)
	}
	s := &Service{buckets: map[string]*bucket{}}
	if opt.HasServiceFeatures {
		s.features = opt.ServiceFeatures
	}
	if opt.HasDefaultServicePairs {
		s.defaultPairs = opt.DefaultServicePairs
	}
	return s, nil
}

func newStorager(pairs ...types.Pair) (*Storage, error) {
	opt, err := parsePairStorageNew(pairs)
	if err != nil {
		return nil, err
	}
	s := &Storage{name: opt.Name, workDir: "/", b: sharedBucket(opt.Name)}
	if opt.HasWorkDir {
		s.workDir = opt.WorkDir
	}
	if opt.HasStorageFeatures {
		s.features = opt.StorageFeatures
	}
	if opt.HasDefaultStoragePairs {
		s.defaultPairs = opt.DefaultStoragePairs
	}
	return s, nil
}

// String describes the service.
func (s *Service) String() string { return "Servicer testservice" }

// String describes the storage.
func (s *Storage) String() string {
	return fmt.Sprintf("Storager testservice {Name: %s, WorkDir: %s}", s.name, s.workDir)
}

func (s *Service) formatError(op string, err error, name string) error {
	return services.ServiceError{Op: op, Err: classify(err), Servicer: s, Name: name}
}

func (s *Storage) formatError(op string, err error, path ...string) error {
	return services.StorageError{Op: op, Err: classify(err), Storager: s, Path: path}
}

// classify keeps our own errors and marks the others unexpected.
func classify(err error) error {
	var ie services.InternalError
	var pe *ps.Error
	if errors.As(err, &ie) || errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("%w: %v", services.ErrUnexpected, err)
}

func (s *Service) create(ctx context.Context, name string, opt pairServiceCreate) (types.Storager, error) {
	return s.get(ctx, name, pairServiceGet{})
}

func (s *Service) delete(ctx context.Context, name string, opt pairServiceDelete) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.buckets, name)
	return nil
}

func (s *Service) get(ctx context.Context, name string, opt pairServiceGet) (types.Storager, error) {
	if name == "" {
		return nil, services.PairRequiredError{Keys: []string{"name"}}
	}
	st, err := newStorager(ps.WithName(name), WithStorageFeatures(opt.StorageFeatures), WithDefaultStoragePairs(opt.DefaultStoragePairs))
	if err != nil {
		return nil, err
	}
	return st, nil
}

func (s *Service) list(ctx context.Context, opt pairServiceList) (*types.StoragerIterator, error) {
	return nil, errors.New("listing is not supported")
}

func (s *Storage) abs(path string) string {
	if strings.HasPrefix(path, "/") {
		return path
	}
	return s.workDir + path
}

func (s *Storage) create(path string, opt pairStorageCreate) *types.Object {
	o := types.NewObject(s, false)
	o.ID, o.Path, o.Mode = s.abs(path), path, types.ModeRead
	if opt.HasObjectMode {
		o.Mode = opt.ObjectMode
	}
	return o
}

func (s *Storage) delete(ctx context.Context, path string, opt pairStorageDelete) error {
	s.calls++
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	delete(s.b.objects, s.abs(path))
	return nil
}

func (s *Storage) list(ctx context.Context, path string, opt pairStorageList) (*types.ObjectIterator, error) {
	s.calls++
	if opt.HasListMode && !opt.ListMode.IsPrefix() {
		return nil, services.ListModeInvalidError{Actual: opt.ListMode}
	}
	s.b.mu.Lock()
	var keys []string
	for k := range s.b.objects {
		if strings.HasPrefix(k, s.abs(path)) {
			keys = append(keys, k)
		}
	}
	s.b.mu.Unlock()
	sort.Strings(keys)
	next := func(ctx context.Context, page *types.ObjectPage) error {
		for _, k := range keys {
			o := types.NewObject(s, false)
			o.ID, o.Path, o.Mode = k, strings.TrimPrefix(k, s.workDir), types.ModeRead
			page.Data = append(page.Data, o)
		}
		return types.IterateDone
	}
	return types.NewObjectIterator(ctx, next, noToken{}), nil
}

type noToken struct{}

// ContinuationToken returns "": listings are a single page.
func (noToken) ContinuationToken() string { return "" }

func (s *Storage) metadata(opt pairStorageMetadata) *types.StorageMeta {
	m := types.NewStorageMeta().SetName(s.name).SetWorkDir(s.workDir)
	setStorageSystemMetadata(m, StorageSystemMetadata{Zone: "local"})
	return m
}

func (s *Storage) read(ctx context.Context, path string, w io.Writer, opt pairStorageRead) (int64, error) {
	s.calls++
	s.b.mu.Lock()
	e, ok := s.b.objects[s.abs(path)]
	s.b.mu.Unlock()
	if !ok {
		return 0, services.ErrObjectNotExist
	}
	data := e.data
	if opt.HasOffset {
		if opt.Offset < 0 || opt.Offset > int64(len(data)) {
			return 0, fmt.Errorf("%w: offset out of range", services.ErrRestrictionDissatisfied)
		}
		data = data[opt.Offset:]
	}
	if opt.HasSize && opt.Size < int64(len(data)) {
		data = data[:max(opt.Size, 0)]
	}
	if opt.HasIoCallback {
		opt.IoCallback(data)
	}
	n, err := w.Write(data)
	return int64(n), err
}

func (s *Storage) stat(ctx context.Context, path string, opt pairStorageStat) (*types.Object, error) {
	s.calls++
	s.b.mu.Lock()
	e, ok := s.b.objects[s.abs(path)]
	s.b.mu.Unlock()
	if !ok {
		return nil, services.ErrObjectNotExist
	}
	o := types.NewObject(s, true)
	o.ID, o.Path, o.Mode = s.abs(path), path, e.mode
	o.SetContentLength(int64(len(e.data)))
	if e.contentType != "" {
		o.SetContentType(e.contentType)
	}
	if e.mode.IsAppend() {
		o.SetAppendOffset(int64(len(e.data)))
	}
	setObjectSystemMetadata(o, ObjectSystemMetadata{StorageClass: e.storageClass})
	return o, nil
}

func (s *Storage) write(ctx context.Context, path string, r io.Reader, size int64, opt pairStorageWrite) (int64, error) {
	s.calls++
	if r == nil && size > 0 {
		return 0, fmt.Errorf("%w: nil reader with size %d", services.ErrRestrictionDissatisfied, size)
	}
	var buf bytes.Buffer
	if r != nil {
		if _, err := io.CopyN(&buf, r, size); err != nil {
			return 0, err
		}
	}
	if opt.HasIoCallback {
		opt.IoCallback(buf.Bytes())
	}
	if opt.HasOnChunk {
		opt.OnChunk(buf.Bytes())
	}
	s.put(path, &entry{data: buf.Bytes(), mode: types.ModeRead, contentType: opt.ContentType, storageClass: opt.StorageClass})
	return size, nil
}

func (s *Storage) put(path string, e *entry) {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.objects[s.abs(path)] = e
}

func (s *Storage) createAppend(ctx context.Context, path string, opt pairStorageCreateAppend) (*types.Object, error) {
	s.calls++
	s.put(path, &entry{mode: types.ModeRead | types.ModeAppend, contentType: opt.ContentType, storageClass: opt.StorageClass})
	o := types.NewObject(s, true)
	o.ID, o.Path, o.Mode = s.abs(path), path, types.ModeRead|types.ModeAppend
	o.SetAppendOffset(0)
	return o, nil
}

func (s *Storage) writeAppend(ctx context.Context, o *types.Object, r io.Reader, size int64, opt pairStorageWriteAppend) (int64, error) {
	s.calls++
	var buf bytes.Buffer
	if _, err := io.CopyN(&buf, r, size); err != nil {
		return 0, err
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	e, ok := s.b.objects[o.ID]
	if !ok {
		return 0, services.ErrObjectNotExist
	}
	e.data = append(e.data, buf.Bytes()...)
	o.SetAppendOffset(int64(len(e.data)))
	return size, nil
}

func (s *Storage) commitAppend(ctx context.Context, o *types.Object, opt pairStorageCommitAppend) error {
	s.calls++
	return nil
}

func (s *Storage) copy(ctx context.Context, src, dst string, opt pairStorageCopy) error {
	s.calls++
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	e, ok := s.b.objects[s.abs(src)]
	if !ok {
		return services.ErrObjectNotExist
	}
	c := *e
	s.b.objects[s.abs(dst)] = &c
	return nil
}

func (s *Storage) reach(ctx context.Context, path string, opt pairStorageReach) (string, error) {
	s.calls++
	return fmt.Sprintf("mem://%s%s?expires=%d", s.name, s.abs(path), time.Duration(opt.Expire)/time.Second), nil
}
