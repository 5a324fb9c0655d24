package randbytes

import (
	"bytes"
	"io"
	"math/rand"
	"testing"
)

func TestReadFillsEveryByte(t *testing.T) {
	r := NewRand()
	for _, size := range []int{0, 1, 6, 7, 8, 1000, 4096} {
		p := make([]byte, size)
		n, err := r.Read(p)
		if n != size || err != nil {
			t.Fatalf("Read(%d) = %d, %v", size, n, err)
		}
	}
	// A large buffer of random bytes cannot be all zeroes.
	p := make([]byte, 1<<16)
	if _, err := io.ReadFull(r, p); err != nil {
		t.Fatal(err)
	}
	if bytes.Count(p, []byte{0}) > len(p)/64 {
		t.Fatalf("too many zero bytes: %d of %d", bytes.Count(p, []byte{0}), len(p))
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	a := &Rand{Source: rand.NewSource(42)}
	b := &Rand{Source: rand.NewSource(42)}
	pa, pb := make([]byte, 999), make([]byte, 999)
	a.Read(pa)
	b.Read(pb)
	if !bytes.Equal(pa, pb) {
		t.Fatal("same seed gave different bytes")
	}
}

func TestLimitReader(t *testing.T) {
	got, err := io.ReadAll(io.LimitReader(NewRand(), 12345))
	if err != nil || len(got) != 12345 {
		t.Fatalf("got %d bytes, %v", len(got), err)
	}
}

func BenchmarkRead(b *testing.B) {
	r := NewRand()
	p := make([]byte, 1<<20)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		r.Read(p)
	}
}
