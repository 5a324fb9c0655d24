package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fakeClock is a clock that only moves when the limiter sleeps.
type fakeClock struct {
	t     time.Time
	slept time.Duration
}

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.t = c.t.Add(d)
	c.slept += d
	return nil
}

func fakeLimit(ctx context.Context, bps int64) (*rateLimit, *fakeClock) {
	c := &fakeClock{t: time.Unix(1e9, 0)}
	l := newRateLimit(ctx, bps)
	l.now, l.sleep, l.last = c.now, c.sleep, c.t
	return l, c
}

// TestRateLimitPaces checks that n bytes take n/rate seconds (less the
// initial burst) through every wrapper, and that data passes unchanged.
func TestRateLimitPaces(t *testing.T) {
	const rate = 10_000
	data := bytes.Repeat([]byte("0123456789"), 10_000) // 100 kB
	want := time.Duration(float64(len(data)-rate/4) / rate * float64(time.Second))
	check := func(name string, c *fakeClock) {
		t.Helper()
		if d := c.slept - want; d < -10*time.Millisecond || d > 10*time.Millisecond {
			t.Errorf("%s: slept %v, want %v", name, c.slept, want)
		}
	}
	l, c := fakeLimit(context.Background(), rate)
	got, err := io.ReadAll(l.reader(bytes.NewReader(data)))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("reader: %d bytes, %v", len(got), err)
	}
	check("reader", c)

	l, c = fakeLimit(context.Background(), rate)
	var buf bytes.Buffer
	if _, err := l.writer(&buf).Write(data); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("writer: %v", err)
	}
	check("writer", c)

	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, c = fakeLimit(context.Background(), rate)
	lf := l.file(f)
	if _, err := lf.WriteAt(data, 0); err != nil {
		t.Fatal(err)
	}
	check("WriteAt", c)
	l, c = fakeLimit(context.Background(), rate)
	lf = l.file(f)
	back := make([]byte, len(data))
	if _, err := lf.ReadAt(back, 0); err != nil || !bytes.Equal(back, data) {
		t.Fatalf("ReadAt: %v", err)
	}
	check("ReadAt", c)
}

// TestRateLimitCancel: a cancelled command stops waiting.
func TestRateLimitCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	l, _ := fakeLimit(ctx, 1000)
	cancel()
	_, err := io.ReadAll(l.reader(bytes.NewReader(make([]byte, 10_000))))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("read after cancel: %v", err)
	}
	if newRateLimit(ctx, 0) != nil {
		t.Error("a zero limit limits")
	}
}
