package storagetest

import (
	"errors"
	"testing"

	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// Options tells TestAll what the store under test is configured to do where
// the contract allows services to differ.
type Options struct {
	// VirtualDir is true when the store only simulates directories, so that
	// a file may take the name of an existing directory: TestAll then runs
	// TestCopierWithVirtualDir and TestMoverWithVirtualDir instead of
	// TestCopierWithDir and TestMoverWithDir.
	VirtualDir bool

	// LoosePair is true when the store was created with the loose_pair
	// feature and ignores pairs it does not know; otherwise TestAll checks
	// that such pairs are rejected (TestStrictPairs).
	LoosePair bool

	// Serve makes the suite's HTTP server reachable from the store for
	// TestFetcher; nil means LoopbackServer.
	Serve ServeFunc

	// ListObjects, when positive, makes TestAll run TestListMany with that
	// many objects; choose more than the service's list page size.
	ListObjects int

	// Skip names TestAll subtests (e.g. "Fetcher", "Reacher") to skip even
	// though the store implements them, each with the reason to report.
	Skip map[string]string
}

// TestAll runs TestStorager and then, for every optional capability the
// store implements (by type assertion), the matching Test function, each as
// a subtest named after the capability: Storager, StrictPairs, ListMany,
// Appender, Copier, CopierWithDir or CopierWithVirtualDir, Direr, Fetcher,
// Linker, Mover, MoverWithDir or MoverWithVirtualDir, Multiparter, Reacher,
// StorageHTTPSignerRead, StorageHTTPSignerWrite, StorageHTTPSignerDelete and
// MultipartHTTPSigner. Capabilities the store does not implement, and those
// named in opts.Skip, are reported as skipped subtests with the reason.
func TestAll(t *testing.T, store types.Storager, opts Options) {
	if store == nil {
		t.Fatal("storagetest: store is nil")
	}
	run := func(name string, ok bool, why string, test func(t *testing.T)) {
		t.Run(name, func(t *testing.T) {
			if reason, skip := opts.Skip[name]; skip {
				t.Skip(reason)
			}
			if !ok {
				t.Skip(why)
			}
			test(t)
		})
	}
	run("Storager", true, "", func(t *testing.T) { TestStorager(t, store) })
	run("StrictPairs", !opts.LoosePair, "the store accepts unknown pairs (Options.LoosePair)",
		func(t *testing.T) { TestStrictPairs(t, store) })
	run("ListMany", opts.ListObjects > 0, "Options.ListObjects is 0",
		func(t *testing.T) { TestListMany(t, store, opts.ListObjects) })

	_, isDirer := store.(types.Direr)
	_, isCopier := store.(types.Copier)
	_, isMover := store.(types.Mover)
	_, isMultiparter := store.(types.Multiparter)
	_, isStorageSigner := store.(types.StorageHTTPSigner)
	_, isMultipartSigner := store.(types.MultipartHTTPSigner)
	_, isAppender := store.(types.Appender)
	_, isFetcher := store.(types.Fetcher)
	_, isLinker := store.(types.Linker)
	//lint:ignore SA1019 Reacher is deprecated in go-storage v4 but still part of its API, which this covers
	_, isReacher := store.(types.Reacher)

	run("Appender", isAppender, "store does not implement types.Appender",
		func(t *testing.T) { TestAppender(t, store) })
	run("Copier", isCopier, "store does not implement types.Copier",
		func(t *testing.T) { TestCopier(t, store) })
	if opts.VirtualDir {
		run("CopierWithVirtualDir", isCopier && isDirer, "store does not implement both types.Copier and types.Direr",
			func(t *testing.T) { TestCopierWithVirtualDir(t, store) })
	} else {
		run("CopierWithDir", isCopier && isDirer, "store does not implement both types.Copier and types.Direr",
			func(t *testing.T) { TestCopierWithDir(t, store) })
	}
	run("Direr", isDirer, "store does not implement types.Direr",
		func(t *testing.T) { TestDirer(t, store) })
	run("Fetcher", isFetcher, "store does not implement types.Fetcher",
		func(t *testing.T) { TestFetcher(t, store, opts.Serve) })
	run("Linker", isLinker, "store does not implement types.Linker",
		func(t *testing.T) { TestLinker(t, store) })
	run("Mover", isMover, "store does not implement types.Mover",
		func(t *testing.T) { TestMover(t, store) })
	if opts.VirtualDir {
		run("MoverWithVirtualDir", isMover && isDirer, "store does not implement both types.Mover and types.Direr",
			func(t *testing.T) { TestMoverWithVirtualDir(t, store) })
	} else {
		run("MoverWithDir", isMover && isDirer, "store does not implement both types.Mover and types.Direr",
			func(t *testing.T) { TestMoverWithDir(t, store) })
	}
	run("Multiparter", isMultiparter, "store does not implement types.Multiparter",
		func(t *testing.T) { TestMultiparter(t, store) })
	run("Reacher", isReacher, "store does not implement types.Reacher",
		func(t *testing.T) { TestReacher(t, store) })
	run("StorageHTTPSignerRead", isStorageSigner, "store does not implement types.StorageHTTPSigner",
		func(t *testing.T) { TestStorageHTTPSignerRead(t, store) })
	run("StorageHTTPSignerWrite", isStorageSigner, "store does not implement types.StorageHTTPSigner",
		func(t *testing.T) { TestStorageHTTPSignerWrite(t, store) })
	run("StorageHTTPSignerDelete", isStorageSigner, "store does not implement types.StorageHTTPSigner",
		func(t *testing.T) { TestStorageHTTPSignerDelete(t, store) })
	run("MultipartHTTPSigner", isMultipartSigner && isMultiparter,
		"store does not implement both types.MultipartHTTPSigner and types.Multiparter",
		func(t *testing.T) { TestMultipartHTTPSigner(t, store) })
}

// unknownPair is a pair no service declares.
var unknownPair = types.Pair{Key: "storagetest_unknown_pair", Value: true}

// TestStrictPairs checks that a store created without the loose_pair feature
// rejects a pair it does not know with an error that is
// ErrCapabilityInsufficient (a services.PairUnsupportedError), wrapped in a
// services.StorageError for the operation, and changes nothing.
func TestStrictPairs(t *testing.T, store types.Storager) {
	e := newEnv(t, store)
	name := e.name()
	e.deleteLater(name)
	_, err := store.Write(name, e.sized(1).reader(), 1, unknownPair)
	wantError(t, err, "write", services.ErrCapabilityInsufficient)
	var pu services.PairUnsupportedError
	if !errors.As(err, &pu) || pu.Pair.Key != unknownPair.Key {
		t.Errorf("Write with an unknown pair: error %q does not carry a PairUnsupportedError for %q", err, unknownPair.Key)
	}
	e.mustNotExist(name)

	_, err = store.Stat(name, unknownPair)
	wantError(t, err, "stat", services.ErrCapabilityInsufficient)
	_, err = store.Read(name, newHashWriter(), unknownPair)
	wantError(t, err, "read", services.ErrCapabilityInsufficient)
}
