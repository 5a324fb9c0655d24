package storagetest_test

import (
	"testing"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services/memory"
	"github.com/qsgo/qsgo/storagetest"
)

// A service runs the whole suite from one ordinary test function, with a
// store rooted in a work dir of its own, and reuses the exported benchmarks.
func ExampleTestAll() {
	testConformance := func(t *testing.T) {
		store, err := memory.NewStorager(pairs.WithWorkDir("/conformance/"))
		if err != nil {
			t.Fatal(err)
		}
		// memory has real directories: Copy/Move onto one must fail.
		storagetest.TestAll(t, store, storagetest.Options{VirtualDir: false, ListObjects: 250})
	}
	benchmarkWrite := func(b *testing.B) {
		store, err := memory.NewStorager()
		if err != nil {
			b.Fatal(err)
		}
		storagetest.BenchmarkWrite(b, store, 1<<20)
	}
	_, _ = testConformance, benchmarkWrite
}
