package memory_test

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/qsgo/qsgo/storagetest"
)

// The storagetest benchmarks against memory. Compare them, as ratios, with
// the Baseline benchmarks of the same run: the cost of a bare mutex-guarded
// map[string][]byte doing the same copies.

func BenchmarkWrite4KiB(b *testing.B) { storagetest.BenchmarkWrite(b, newStore(b), 4<<10) }
func BenchmarkWrite1MiB(b *testing.B) { storagetest.BenchmarkWrite(b, newStore(b), 1<<20) }
func BenchmarkWriteParallel64KiB(b *testing.B) {
	storagetest.BenchmarkWriteParallel(b, newStore(b), 64<<10)
}
func BenchmarkRead4KiB(b *testing.B) { storagetest.BenchmarkRead(b, newStore(b), 4<<10) }
func BenchmarkRead1MiB(b *testing.B) { storagetest.BenchmarkRead(b, newStore(b), 1<<20) }
func BenchmarkStat(b *testing.B)     { storagetest.BenchmarkStat(b, newStore(b)) }
func BenchmarkList1000(b *testing.B) { storagetest.BenchmarkList(b, newStore(b), 1000) }

// baseline is the least an in-memory store can do: copy bytes in and out
// of a map under a lock.
type baseline struct {
	mu sync.RWMutex
	m  map[string][]byte
}

func (s *baseline) write(name string, r io.Reader, size int64) {
	buf := make([]byte, size)
	_, _ = io.ReadFull(r, buf)
	s.mu.Lock()
	s.m[name] = buf
	s.mu.Unlock()
}

func (s *baseline) read(name string, w io.Writer) {
	s.mu.RLock()
	buf := s.m[name]
	s.mu.RUnlock()
	_, _ = w.Write(buf)
}

func benchBaselineWrite(b *testing.B, size int64) {
	s := &baseline{m: map[string][]byte{}}
	data := bytes.Repeat([]byte{1}, int(size))
	b.SetBytes(size)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.write("x", bytes.NewReader(data), size)
	}
}

func benchBaselineRead(b *testing.B, size int64) {
	s := &baseline{m: map[string][]byte{}}
	s.write("x", bytes.NewReader(bytes.Repeat([]byte{1}, int(size))), size)
	b.SetBytes(size)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.read("x", io.Discard)
	}
}

func BenchmarkBaselineWrite4KiB(b *testing.B) { benchBaselineWrite(b, 4<<10) }
func BenchmarkBaselineWrite1MiB(b *testing.B) { benchBaselineWrite(b, 1<<20) }
func BenchmarkBaselineRead4KiB(b *testing.B)  { benchBaselineRead(b, 4<<10) }
func BenchmarkBaselineRead1MiB(b *testing.B)  { benchBaselineRead(b, 1<<20) }
