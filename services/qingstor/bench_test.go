package qingstor

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"testing"
	"time"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/storagetest"
	"github.com/qsgo/qsgo/types"
)

// Benchmarks over an in-process qslocal (memory store). The transfer
// benchmarks run the Storager and qsapi used directly back to back in every
// iteration (alternating which goes first) and report the median over the
// iterations of the per-iteration throughput ratio storager/qsapi (1.0 = no
// overhead), so both see the same machine load and one noisy iteration does
// not decide.

// pairTimer collects the per-iteration ratios.
type pairTimer struct{ ratios []float64 }

// run times api and store in an order that alternates with i and records
// the ratio api time / store time.
func (p *pairTimer) run(b *testing.B, i int, api, store func()) {
	var ta, ts time.Duration
	first, second := api, store
	if i%2 == 1 {
		first, second = store, api
	}
	t0 := time.Now()
	first()
	t1 := time.Now()
	second()
	t2 := time.Now()
	if i%2 == 0 {
		ta, ts = t1.Sub(t0), t2.Sub(t1)
	} else {
		ts, ta = t1.Sub(t0), t2.Sub(t1)
	}
	p.ratios = append(p.ratios, float64(ta)/float64(ts))
}

// report reports the median ratio.
func (p *pairTimer) report(b *testing.B) {
	r := append([]float64(nil), p.ratios...)
	sort.Float64s(r)
	if len(r) > 0 {
		b.ReportMetric(r[len(r)/2], "ratio")
	}
}

func benchSetup(b *testing.B) (*Storage, *qsapi.Client) {
	srv := localServer(b)
	st := newStore(b, srv, "/bench/")
	c, err := qsapi.New(qsapi.Options{Protocol: "http", Host: srv.Host, Port: srv.Port,
		AccessKeyID: srv.AccessKeyID, SecretAccessKey: srv.SecretAccessKey})
	if err != nil {
		b.Fatal(err)
	}
	return st, c
}

const benchSize = 64 << 20

func benchPayload() []byte {
	return randomData(benchSize)
}

// BenchmarkWrite64MiB writes 64 MiB through Storager.Write and through
// qsapi.PutObject alternately; metric "ratio" is storager throughput over qsapi's.
func BenchmarkWrite64MiB(b *testing.B) {
	st, c := benchSetup(b)
	data := benchPayload()
	var pt pairTimer
	b.SetBytes(2 * benchSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pt.run(b, i, func() {
			if _, err := c.PutObject(context.Background(), testBucket, "bench/api", bytes.NewReader(data), &qsapi.PutObjectInput{ContentLength: benchSize}); err != nil {
				b.Fatal(err)
			}
		}, func() {
			if _, err := st.Write("store", bytes.NewReader(data), benchSize); err != nil {
				b.Fatal(err)
			}
		})
	}
	pt.report(b)
}

// BenchmarkRead64MiB reads 64 MiB through Storager.Read and through
// qsapi.GetObject alternately; metric "ratio" as above.
func BenchmarkRead64MiB(b *testing.B) {
	st, c := benchSetup(b)
	data := benchPayload()
	if _, err := st.Write("read", bytes.NewReader(data), benchSize); err != nil {
		b.Fatal(err)
	}
	var pt pairTimer
	b.SetBytes(2 * benchSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pt.run(b, i, func() {
			out, err := c.GetObject(context.Background(), testBucket, "bench/read", nil)
			if err != nil {
				b.Fatal(err)
			}
			if n, err := io.Copy(io.Discard, out.Body); err != nil || n != benchSize {
				b.Fatal(n, err)
			}
			out.Body.Close()
		}, func() {
			if n, err := st.Read("read", io.Discard); err != nil || n != benchSize {
				b.Fatal(n, err)
			}
		})
	}
	pt.report(b)
}

// BenchmarkStat measures Stat of a small object (ops/s = 1e9 / ns/op).
func BenchmarkStat(b *testing.B) {
	st, _ := benchSetup(b)
	storagetest.BenchmarkStat(b, st)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkWrite4KiB measures Write of 4 KiB objects.
func BenchmarkWrite4KiB(b *testing.B) {
	st, _ := benchSetup(b)
	storagetest.BenchmarkWrite(b, st, 4<<10)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkList100k lists a directory of 100,000 empty objects in dir and
// prefix mode (10,000 with -short). Populating it is not timed.
func BenchmarkList100k(b *testing.B) {
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	srv := localServer(b, func(o *qslocal.Options) {})
	st := newStore(b, srv, "/list/")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				if _, err := st.Write(fmt.Sprintf("d/%07d", i), nil, 0); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	for _, mode := range []types.ListMode{types.ListModeDir, types.ListModePrefix} {
		b.Run(mode.String(), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				it, err := st.List("d/", ps.WithListMode(mode))
				if err != nil {
					b.Fatal(err)
				}
				if got := len(mustList(b, it)); got != n {
					b.Fatalf("listed %d, want %d", got, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "keys/s")
		})
	}
}
