//go:build unix

package qsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

const benchSize = 64 << 20

// zeroes is a seekable reader of n zero bytes with no WriterTo, so qsapi and
// plain net/http copy it the same way.
type zeroes struct{ n, off int64 }

func (z *zeroes) Read(p []byte) (int, error) {
	if z.off >= z.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), z.n-z.off)
	clear(p[:k])
	z.off += k
	return int(k), nil
}

func (z *zeroes) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += z.off
	case io.SeekEnd:
		off += z.n
	}
	if off < 0 {
		return 0, errors.New("negative seek")
	}
	z.off = off
	return off, nil
}

// benchServer discards PUT bodies (201) and serves benchSize zeros on GET.
func benchServer(b *testing.B) (*httptest.Server, *Client) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusCreated)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(benchSize))
		_, _ = io.Copy(w, &zeroes{n: benchSize})
	}))
	b.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	port, _ := strconv.Atoi(u.Port())
	c, err := New(Options{Protocol: "http", Host: u.Hostname(), Port: port, AccessKeyID: "AK", SecretAccessKey: "SK"})
	if err != nil {
		b.Fatal(err)
	}
	return srv, c
}

// BenchmarkTransfer compares a 64 MiB PUT and GET through qsapi with the same
// request made with plain net/http (a Transport configured the same way),
// against a loopback httptest server. Each iteration runs both requests back
// to back (alternating which goes first), so machine noise hits both alike.
// Reported: plain-ns and qsapi-ns per transfer, and "qsapi/plain", the median
// over iterations of plain time / qsapi time, i.e. qsapi's throughput as a
// fraction of plain net/http's (goal: >= 0.95), "qsapi/plain-total", the
// same ratio over the summed times, and "qsapi/plain-cpu", the ratio of the
// process CPU time the two spent (client and server), which a busy machine
// disturbs far less than wall time.
//
//	go test -run '^$' -bench BenchmarkTransfer -benchtime 20x ./qsapi/
func BenchmarkTransfer(b *testing.B) {
	srv, c := benchServer(b)
	plain := &http.Client{Transport: newTransport(Options{})}
	buf := make([]byte, 32<<10)
	run := func(b *testing.B, plainOnce, qsapiOnce func() error) {
		b.SetBytes(2 * benchSize)
		var plainD, qsapiD, plainCPU, qsapiCPU time.Duration
		var ratios []float64
		cpu := func() time.Duration {
			var ru syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
			return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
		// timed runs f and adds the process CPU time it used to *used.
		timed := func(f func() error, used *time.Duration) time.Duration {
			c0, t0 := cpu(), time.Now()
			if err := f(); err != nil {
				b.Fatal(err)
			}
			d := time.Since(t0)
			*used += cpu() - c0
			return d
		}
		i := 0
		for b.Loop() {
			// Alternate which goes first so neither always gets a warm or a
			// cold machine.
			var p, q time.Duration
			if i%2 == 0 {
				p, q = timed(plainOnce, &plainCPU), timed(qsapiOnce, &qsapiCPU)
			} else {
				q, p = timed(qsapiOnce, &qsapiCPU), timed(plainOnce, &plainCPU)
			}
			i++
			plainD += p
			qsapiD += q
			ratios = append(ratios, float64(p)/float64(q))
		}
		slices.Sort(ratios)
		b.ReportMetric(float64(plainD.Nanoseconds())/float64(b.N), "plain-ns")
		b.ReportMetric(float64(qsapiD.Nanoseconds())/float64(b.N), "qsapi-ns")
		// The median of per-pair ratios resists load spikes on a shared machine.
		b.ReportMetric(ratios[len(ratios)/2], "qsapi/plain")
		// The ratio of total times, for comparison with the median.
		b.ReportMetric(float64(plainD)/float64(qsapiD), "qsapi/plain-total")
		// CPU time (client and server, both in this process) hardly depends on
		// how busy the machine is: the steadiest comparison on a shared host.
		b.ReportMetric(float64(plainCPU)/float64(qsapiCPU), "qsapi/plain-cpu")
	}
	drain := func(rc io.ReadCloser) error {
		n, err := io.CopyBuffer(io.Discard, onlyReader{rc}, buf)
		rc.Close()
		if err == nil && n != benchSize {
			err = fmt.Errorf("read %d bytes", n)
		}
		return err
	}
	b.Run("PUT", func(b *testing.B) {
		run(b, func() error {
			req, _ := http.NewRequest(http.MethodPut, srv.URL+"/bkt/key", &zeroes{n: benchSize})
			req.ContentLength = benchSize
			resp, err := plain.Do(req)
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			return resp.Body.Close()
		}, func() error {
			_, err := c.PutObject(context.Background(), "bkt", "key", &zeroes{n: benchSize}, &PutObjectInput{ContentLength: benchSize})
			return err
		})
	})
	b.Run("GET", func(b *testing.B) {
		run(b, func() error {
			resp, err := plain.Get(srv.URL + "/bkt/key")
			if err != nil {
				return err
			}
			return drain(resp.Body)
		}, func() error {
			out, err := c.GetObject(context.Background(), "bkt", "key", nil)
			if err != nil {
				return err
			}
			return drain(out.Body)
		})
	})
}
