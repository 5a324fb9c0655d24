// Package storagetest is the conformance suite of the go-storage contract: any
// types.Storager, and each optional capability it implements, can be checked
// against the behaviour every qsgo service promises (the go-storage v4
// contract of each operation, and what go-storage's own conformance suite
// checks), with one call per capability.
//
// # Running it against a service
//
// A service package calls the suite from an ordinary test with a store rooted
// in a work dir of its own. TestAll runs every capability the store implements
// (found by type assertion) and skips, with a reason, those it does not:
//
//	func TestConformance(t *testing.T) {
//		store, err := memory.NewStorager(pairs.WithWorkDir("/conformance/"))
//		if err != nil {
//			t.Fatal(err)
//		}
//		storagetest.TestAll(t, store, storagetest.Options{})
//	}
//
// The capability functions can also be called one by one, for example
// TestStorager(t, store) or TestCopierWithVirtualDir(t, store) for a service
// that only simulates directories.
//
// Benchmarks are exported the same way and called from a service's own
// Benchmark functions:
//
//	func BenchmarkWrite1MiB(b *testing.B) { storagetest.BenchmarkWrite(b, newStore(b), 1<<20) }
//
// # What it needs from the store
//
// Every test writes under fresh random names (UUIDs) relative to the store's
// work dir and deletes what it wrote, so several runs may share one store and
// one work dir. Directory listings are checked inside fresh random
// sub-directories, never on the work dir itself, so the work dir need not be
// empty.
//
// # Reproducing a failure
//
// Payload sizes, payload contents and part indexes are drawn from a
// pseudo-random generator. Each test logs the base seed; run again with
// STORAGETEST_SEED=<seed> to draw the same values (every leaf test derives its
// own generator from the seed and its name, so -run filters do not change
// them). Payloads come from pkg/randbytes seeded from that generator and are
// compared by SHA-256, streamed, never buffered whole.
package storagetest
