package storagetest

import (
	"errors"
	"hash/fnv"
	"io"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// SeedEnv names the environment variable that fixes the suite's base seed.
const SeedEnv = "STORAGETEST_SEED"

var (
	baseSeedOnce sync.Once
	baseSeed     int64
	baseSeedErr  error
)

// seed returns the process-wide base seed: STORAGETEST_SEED if set, else the
// clock at first use.
func seed() (int64, error) {
	baseSeedOnce.Do(func() {
		if v := os.Getenv(SeedEnv); v != "" {
			baseSeed, baseSeedErr = strconv.ParseInt(v, 10, 64)
			return
		}
		baseSeed = time.Now().UnixNano()
	})
	return baseSeed, baseSeedErr
}

// env is the state of one leaf test: the store, a generator derived from the
// base seed and the test's name, and helpers that fail the test with context.
type env struct {
	t     *testing.T
	store types.Storager
	rng   *rand.Rand
}

func newEnv(t *testing.T, store types.Storager) *env {
	t.Helper()
	if store == nil {
		t.Fatal("storagetest: store is nil")
	}
	s, err := seed()
	if err != nil {
		t.Fatalf("storagetest: %s is not an integer: %v", SeedEnv, err)
	}
	h := fnv.New64a()
	_, _ = io.WriteString(h, t.Name())
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("storagetest: base seed %d (rerun with %s=%d to draw the same sizes and contents)", s, SeedEnv, s)
		}
	})
	return &env{t: t, store: store, rng: rand.New(rand.NewSource(s ^ int64(h.Sum64())))}
}

// name returns a fresh object name relative to the work dir.
func (e *env) name() string { return uuid.NewString() }

// dir returns a fresh directory name relative to the work dir, ending in "/".
func (e *env) dir() string { return uuid.NewString() + "/" }

// small draws a payload of 1..64 KiB.
func (e *env) small() payload { return payload{seed: e.rng.Int63(), size: 1 + e.rng.Int63n(smallMax)} }

// large draws a payload of 1..4 MiB.
func (e *env) large() payload {
	return payload{seed: e.rng.Int63(), size: largeMin + e.rng.Int63n(largeMax-largeMin+1)}
}

// sized returns a payload of exactly size bytes.
func (e *env) sized(size int64) payload { return payload{seed: e.rng.Int63(), size: size} }

// sizes is the set of sizes every round-trip check covers: 0, 1, one small
// and one large size.
func (e *env) sizes() []payload {
	return []payload{e.sized(0), e.sized(1), e.small(), e.large()}
}

// deleteLater deletes path (with pairs) when the test ends and reports a
// failing delete.
func (e *env) deleteLater(path string, ps ...types.Pair) {
	e.t.Cleanup(func() {
		if err := e.store.Delete(path, ps...); err != nil {
			e.t.Errorf("cleanup: Delete(%q, %v): %v", path, ps, err)
		}
	})
}

// write stores p at path, checks n == size and schedules its deletion.
func (e *env) write(path string, p payload, ps ...types.Pair) {
	e.t.Helper()
	e.deleteLater(path)
	n, err := e.store.Write(path, p.reader(), p.size, ps...)
	if err != nil {
		e.t.Fatalf("Write(%q, %v): %v", path, p, err)
	}
	if n != p.size {
		e.t.Fatalf("Write(%q, %v) = %d bytes, want %d", path, p, n, p.size)
	}
}

// read reads path and returns the byte count and SHA-256 of what it got.
func (e *env) read(path string, ps ...types.Pair) (int64, [32]byte, error) {
	w := newHashWriter()
	n, err := e.store.Read(path, w, ps...)
	if err == nil && n != w.n {
		e.t.Errorf("Read(%q, %v) returned n = %d but wrote %d bytes", path, ps, n, w.n)
	}
	return n, w.sum(), err
}

// mustRead checks that reading path (with pairs) yields exactly the bytes
// [off, off+n) of p.
func (e *env) mustRead(path string, p payload, off, n int64, ps ...types.Pair) {
	e.t.Helper()
	got, sum, err := e.read(path, ps...)
	if err != nil {
		e.t.Fatalf("Read(%q, %v): %v", path, ps, err)
	}
	if got != n {
		e.t.Fatalf("Read(%q, %v) = %d bytes, want %d (%v, range [%d, %d))", path, ps, got, n, p, off, off+n)
	}
	if sum != p.rangeSum(off, n) {
		e.t.Fatalf("Read(%q, %v): content differs from %v range [%d, %d)", path, ps, p, off, off+n)
	}
}

// mustHold checks that path holds exactly p.
func (e *env) mustHold(path string, p payload) {
	e.t.Helper()
	e.mustRead(path, p, 0, p.size)
}

// mustStat stats path and fails unless it succeeds with a non-nil object.
func (e *env) mustStat(path string, ps ...types.Pair) *types.Object {
	e.t.Helper()
	o, err := e.store.Stat(path, ps...)
	if err != nil {
		e.t.Fatalf("Stat(%q, %v): %v", path, ps, err)
	}
	if o == nil {
		e.t.Fatalf("Stat(%q, %v) returned a nil object and no error", path, ps)
	}
	return o
}

// mustNotExist checks that Stat(path) reports ErrObjectNotExist with a nil object.
func (e *env) mustNotExist(path string, ps ...types.Pair) {
	e.t.Helper()
	o, err := e.store.Stat(path, ps...)
	if o != nil {
		e.t.Errorf("Stat(%q, %v) returned object %+v for a missing object", path, ps, describe(o))
	}
	wantError(e.t, err, "stat", services.ErrObjectNotExist)
}

// mustSize checks that o reports content length size.
func mustSize(t *testing.T, o *types.Object, size int64) {
	t.Helper()
	n, ok := o.GetContentLength()
	if !ok {
		t.Fatalf("object %q: content length not set", o.Path)
	}
	if n != size {
		t.Fatalf("object %q: content length %d, want %d", o.Path, n, size)
	}
}

// wantError checks that err is a services.StorageError for operation op that
// answers errors.Is(err, target).
func wantError(t *testing.T, err error, op string, target error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got no error, want %v", op, target)
	}
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %q, want one that is %q", op, err, target)
	}
	wantOp(t, err, op)
}

// wantOp checks that err is a services.StorageError for operation op.
func wantOp(t *testing.T, err error, op string) {
	t.Helper()
	var se services.StorageError
	if !errors.As(err, &se) {
		t.Fatalf("%s: error %q (%T) is not a services.StorageError", op, err, err)
	}
	if se.Op != op {
		t.Fatalf("error %q: StorageError.Op = %q, want %q", err, se.Op, op)
	}
}

// wantDone checks that the next item of it is the end: a nil object and the
// bare types.IterateDone sentinel (compared with ==, not errors.Is).
func wantDone(t *testing.T, what string, o *types.Object, err error) {
	t.Helper()
	if err != types.IterateDone { //nolint:errorlint // the contract is the bare sentinel
		t.Fatalf("%s: Next() error = %v (%T), want exactly types.IterateDone", what, err, err)
	}
	if o != nil {
		t.Fatalf("%s: Next() returned object %+v together with IterateDone", what, describe(o))
	}
}

// describe renders the plain fields of an object for messages (the object
// itself holds a mutex and must not be copied).
func describe(o *types.Object) string {
	if o == nil {
		return "<nil>"
	}
	return "{ID: " + strconv.Quote(o.ID) + ", Path: " + strconv.Quote(o.Path) + ", Mode: " + o.Mode.String() + "}"
}

// collect drains it, failing on any error other than the end, and returns
// the objects in order. The end must be the bare IterateDone and must repeat.
func collect(t *testing.T, what string, it *types.ObjectIterator) []*types.Object {
	t.Helper()
	var out []*types.Object
	for i := 0; ; i++ {
		o, err := it.Next()
		if err != nil {
			wantDone(t, what, o, err)
			break
		}
		if o == nil {
			t.Fatalf("%s: Next() returned a nil object without error", what)
		}
		if i > 1_000_000 {
			t.Fatalf("%s: iterator does not end", what)
		}
		out = append(out, o)
	}
	o, err := it.Next()
	wantDone(t, what+" (Next after the end)", o, err)
	return out
}

// list lists path with the given pairs and collects the result.
func (e *env) list(path string, ps ...types.Pair) []*types.Object {
	e.t.Helper()
	it, err := e.store.List(path, ps...)
	if err != nil {
		e.t.Fatalf("List(%q, %v): %v", path, ps, err)
	}
	if it == nil {
		e.t.Fatalf("List(%q, %v) returned a nil iterator", path, ps)
	}
	return collect(e.t, "List("+strconv.Quote(path)+")", it)
}

// withCallback returns an io_callback pair and a function reporting the
// total bytes it saw.
func withCallback() (types.Pair, func() int64) {
	var mu sync.Mutex
	var total int64
	return pairs.WithIoCallback(func(b []byte) {
			mu.Lock()
			total += int64(len(b))
			mu.Unlock()
		}), func() int64 {
			mu.Lock()
			defer mu.Unlock()
			return total
		}
}
