package compat

// This file is written the way code against go-storage v4 is written, with
// only the import prefix changed: a hand-written service and test double that
// embeds the Unimplemented stubs, asserts its interfaces with `var _`,
// registers itself and parses its pairs by key, and callers that use the
// global pairs through the conventional `ps` alias.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// v4Store embeds two stubs, so it must declare String itself (both stubs
// promote one). Everything it does not implement answers
// types.ErrNotImplemented through the stubs.
type v4Store struct {
	types.UnimplementedStorager
	types.UnimplementedCopier

	mu   sync.Mutex
	name string
	data map[string][]byte
}

var (
	_ types.Storager = &v4Store{}
	_ types.Copier   = &v4Store{}
	_ types.Servicer = &v4Service{}
)

func newV4Store(pairs ...types.Pair) (types.Storager, error) {
	s := &v4Store{data: map[string][]byte{}}
	for _, p := range pairs {
		if p.Key == "name" && s.name == "" {
			s.name = p.Value.(string)
		}
	}
	if s.name == "" {
		return nil, services.InitError{Op: "new_storager", Type: "v4style", Err: services.PairRequiredError{Keys: []string{"name"}}, Pairs: pairs}
	}
	return s, nil
}

func (s *v4Store) String() string { return "Storager v4style {Name: " + s.name + "}" }

func (s *v4Store) Metadata(pairs ...types.Pair) *types.StorageMeta {
	return types.NewStorageMeta().SetName(s.name).SetWorkDir("/")
}

func (s *v4Store) Write(path string, r io.Reader, size int64, pairs ...types.Pair) (int64, error) {
	return s.WriteWithContext(context.Background(), path, r, size, pairs...)
}

func (s *v4Store) WriteWithContext(ctx context.Context, path string, r io.Reader, size int64, pairs ...types.Pair) (int64, error) {
	var buf bytes.Buffer
	if r != nil {
		if _, err := io.CopyN(&buf, r, size); err != nil {
			return 0, services.StorageError{Op: "write", Err: fmt.Errorf("%w: %v", services.ErrUnexpected, err), Storager: s, Path: []string{path}}
		}
	}
	s.mu.Lock()
	s.data[path] = buf.Bytes()
	s.mu.Unlock()
	return size, nil
}

func (s *v4Store) Read(path string, w io.Writer, pairs ...types.Pair) (int64, error) {
	return s.ReadWithContext(context.Background(), path, w, pairs...)
}

func (s *v4Store) ReadWithContext(ctx context.Context, path string, w io.Writer, pairs ...types.Pair) (int64, error) {
	var offset int64
	size := int64(-1)
	for _, p := range pairs {
		switch p.Key {
		case "offset":
			offset = p.Value.(int64)
		case "size":
			size = p.Value.(int64)
		default:
			return 0, services.StorageError{Op: "read", Err: services.PairUnsupportedError{Pair: p}, Storager: s, Path: []string{path}}
		}
	}
	s.mu.Lock()
	b, ok := s.data[path]
	s.mu.Unlock()
	if !ok {
		return 0, services.StorageError{Op: "read", Err: services.ErrObjectNotExist, Storager: s, Path: []string{path}}
	}
	b = b[min(offset, int64(len(b))):]
	if size >= 0 {
		b = b[:min(size, int64(len(b)))]
	}
	n, err := w.Write(b)
	return int64(n), err
}

func (s *v4Store) Copy(src, dst string, pairs ...types.Pair) error {
	return s.CopyWithContext(context.Background(), src, dst, pairs...)
}

func (s *v4Store) CopyWithContext(ctx context.Context, src, dst string, pairs ...types.Pair) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.data[src]
	if !ok {
		return services.StorageError{Op: "copy", Err: services.ErrObjectNotExist, Storager: s, Path: []string{src, dst}}
	}
	s.data[dst] = b
	return nil
}

// v4Service is a Servicer test double with a single stub embedded: String is
// promoted and may be overridden.
type v4Service struct {
	types.UnimplementedServicer
}

func (v4Service) String() string { return "Servicer v4style" }

func init() {
	services.RegisterStorager("v4style", newV4Store)
	services.RegisterServicer("v4style", func(...types.Pair) (types.Servicer, error) { return &v4Service{}, nil })
	services.RegisterSchema("v4style", map[string]string{"name": "string", "work_dir": "string", "size": "int64"})
}

func TestV4StyleStore(t *testing.T) {
	store, err := services.NewStoragerFromString("v4style://bucket/?size=0x10")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Write("a", strings.NewReader("hello, world, and more"), 12); err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	if n, err := store.Read("a", &w, ps.WithOffset(7), ps.WithSize(5)); err != nil || n != 5 || w.String() != "world" {
		t.Fatalf("Read = %d %q %v", n, w.String(), err)
	}
	if err := store.(types.Copier).Copy("a", "b"); err != nil {
		t.Fatal(err)
	}

	// Through the stubs: not implemented, wrapped in types.OperationError.
	_, err = store.Stat("a")
	var oe types.OperationError
	if !errors.Is(err, types.ErrNotImplemented) || !errors.As(err, &oe) || err.Error() != "operation stat: not implemented" {
		t.Fatalf("Stat through the stub = %v", err)
	}
	if _, ok := store.(types.Mover); ok {
		t.Fatal("a store without the Mover stub must not be a Mover")
	}

	// Service errors: errors.Is on the code, errors.As on the struct, the
	// embedded Storager reachable from the error.
	_, err = store.Read("missing", io.Discard)
	var se services.StorageError
	if !errors.Is(err, services.ErrObjectNotExist) || !errors.As(err, &se) || se.Storager != store || se.Path[0] != "missing" {
		t.Fatalf("Read missing = %v", err)
	}
	if want := "read: Storager v4style {Name: bucket}, [missing]: object not exist"; err.Error() != want {
		t.Fatalf("error text %q, want %q", err, want)
	}
	_, err = store.Read("a", io.Discard, ps.WithListMode(types.ListModeDir))
	var pu services.PairUnsupportedError
	if !errors.Is(err, services.ErrCapabilityInsufficient) || !errors.As(err, &pu) || pu.Pair.Key != "list_mode" {
		t.Fatalf("unsupported pair = %v", err)
	}

	// The constructor's own errors and the registry's.
	_, err = services.NewStorager("v4style")
	var ie services.InitError
	if !errors.Is(err, services.ErrRestrictionDissatisfied) || !errors.As(err, &ie) || ie.Type != "v4style" {
		t.Fatalf("missing name = %v", err)
	}
	if _, err := services.NewStoragerFromString("v4style://bucket/?unknown=1"); !errors.Is(err, services.ErrConnectionStringInvalid) {
		t.Fatalf("unknown pair = %v", err)
	}
	srv, err := services.NewServicerFromString("v4style://")
	if err != nil || srv.String() != "Servicer v4style" {
		t.Fatalf("servicer %v %v", srv, err)
	}
	if _, err := srv.Get("x"); !errors.Is(err, types.ErrNotImplemented) {
		t.Fatalf("Get through the stub = %v", err)
	}
}
