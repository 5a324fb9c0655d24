package testservice

import (
	"context"
	"strings"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
)

// BenchmarkStatGenerated measures Stat through the generated wrapper (default
// pairs, pair parsing, backslash rewrite); compare with BenchmarkStatDirect,
// the hand-written implementation alone, in the same run.
func BenchmarkStatGenerated(b *testing.B) {
	s := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Stat("obj", ps.WithObjectMode(0)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatDirect is the baseline of BenchmarkStatGenerated.
func BenchmarkStatDirect(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.stat(ctx, "obj", pairStorageStat{HasObjectMode: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchStore(b *testing.B) *Storage {
	st, err := NewStorager(ps.WithName("bench"))
	if err != nil {
		b.Fatal(err)
	}
	s := st.(*Storage)
	if _, err := s.Write("obj", strings.NewReader("x"), 1); err != nil {
		b.Fatal(err)
	}
	return s
}
