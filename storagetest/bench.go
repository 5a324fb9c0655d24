package storagetest

import (
	"bytes"
	"io"
	"math/rand"
	"testing"

	"github.com/google/uuid"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/pkg/randbytes"
	"github.com/qsgo/qsgo/types"
)

// benchData returns size pseudo-random bytes. Benchmarks hold their payload
// in memory so that generating it is not measured.
func benchData(b *testing.B, size int64) []byte {
	b.Helper()
	if size < 0 {
		b.Fatalf("storagetest: negative size %d", size)
	}
	buf := make([]byte, size)
	_, _ = io.ReadFull(&randbytes.Rand{Source: rand.NewSource(size)}, buf)
	return buf
}

// benchWrite writes data at name, failing the benchmark on error.
func benchWrite(b *testing.B, store types.Storager, name string, data []byte) {
	b.Helper()
	if _, err := store.Write(name, bytes.NewReader(data), int64(len(data))); err != nil {
		b.Fatalf("Write(%q): %v", name, err)
	}
}

// benchDeleteLater deletes name when the benchmark ends.
func benchDeleteLater(b *testing.B, store types.Storager, name string) {
	b.Cleanup(func() {
		if err := store.Delete(name); err != nil {
			b.Errorf("cleanup: Delete(%q): %v", name, err)
		}
	})
}

// BenchmarkWrite measures Write of size bytes, each iteration overwriting
// one object under a fresh name; throughput is reported per byte.
func BenchmarkWrite(b *testing.B, store types.Storager, size int64) {
	data := benchData(b, size)
	name := uuid.NewString()
	benchDeleteLater(b, store, name)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchWrite(b, store, name, data)
	}
}

// BenchmarkWriteParallel measures concurrent Writes of size bytes from
// GOMAXPROCS goroutines (b.RunParallel), each goroutine overwriting its own
// object.
func BenchmarkWriteParallel(b *testing.B, store types.Storager, size int64) {
	data := benchData(b, size)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		name := uuid.NewString()
		for pb.Next() {
			if _, err := store.Write(name, bytes.NewReader(data), size); err != nil {
				b.Errorf("Write(%q): %v", name, err)
				return
			}
		}
		if err := store.Delete(name); err != nil {
			b.Errorf("Delete(%q): %v", name, err)
		}
	})
}

// BenchmarkRead measures Read of one object of size bytes into io.Discard;
// throughput is reported per byte.
func BenchmarkRead(b *testing.B, store types.Storager, size int64) {
	data := benchData(b, size)
	name := uuid.NewString()
	benchDeleteLater(b, store, name)
	benchWrite(b, store, name, data)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n, err := store.Read(name, io.Discard)
		if err != nil || n != size {
			b.Fatalf("Read(%q) = %d, %v; want %d", name, n, err, size)
		}
	}
}

// BenchmarkStat measures Stat of an existing small object.
func BenchmarkStat(b *testing.B, store types.Storager) {
	name := uuid.NewString()
	benchDeleteLater(b, store, name)
	benchWrite(b, store, name, benchData(b, 1024))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := store.Stat(name); err != nil {
			b.Fatalf("Stat(%q): %v", name, err)
		}
	}
}

// BenchmarkList measures listing, in dir mode, a fresh directory holding n
// empty objects; one iteration lists all of them.
func BenchmarkList(b *testing.B, store types.Storager, n int) {
	dir := uuid.NewString() + "/"
	for i := 0; i < n; i++ {
		name := dir + uuid.NewString()
		benchDeleteLater(b, store, name)
		benchWrite(b, store, name, nil)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		it, err := store.List(dir, pairs.WithListMode(types.ListModeDir))
		if err != nil {
			b.Fatalf("List(%q): %v", dir, err)
		}
		got := 0
		for {
			_, err := it.Next()
			if err == types.IterateDone { //nolint:errorlint // the contract is the bare sentinel
				break
			}
			if err != nil {
				b.Fatalf("List(%q): %v", dir, err)
			}
			got++
		}
		if got != n {
			b.Fatalf("List(%q) returned %d objects, want %d", dir, got, n)
		}
	}
}
