package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progress draws transfer bars on a terminal: one per file (bytes, speed,
// ETA) and, for recursive work, one for the total. A nil or disabled
// progress draws nothing, so commands call it unconditionally.
type progress struct {
	p *mpb.Progress

	mu        sync.Mutex
	total     *mpb.Bar
	totalSize int64
}

// isTerminal reports whether f is a character device (a terminal), without
// depending on golang.org/x/term.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// newProgress returns a progress drawing to w, or nil when disabled.
func newProgress(ctx context.Context, w io.Writer, enabled bool) *progress {
	if !enabled {
		return nil
	}
	return &progress{p: mpb.NewWithContext(ctx, mpb.WithOutput(w), mpb.WithWidth(32),
		mpb.WithRefreshRate(150*time.Millisecond))}
}

// addTotal adds n bytes (n may be negative) to the overall total bar,
// creating it on first use; for recursive transfers.
func (p *progress) addTotal(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.total == nil {
		p.total = p.p.AddBar(0, mpb.BarPriority(1<<30),
			mpb.PrependDecorators(decor.Name("total ", decor.WCSyncSpaceR), decor.CountersKibiByte("% .1f / % .1f", decor.WCSyncSpace)),
			mpb.AppendDecorators(averageSpeed(), decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO)))
	}
	p.totalSize += n
	p.total.SetTotal(p.totalSize, false)
}

// averageSpeed shows bytes per second since the bar was made, like
// decor.AverageSpeed, but also on a bar that completed before it was first
// drawn (a fast transfer), frozen at completion.
func averageSpeed() decor.Decorator {
	start := time.Now()
	var end time.Time
	return decor.Any(func(s decor.Statistics) string {
		now := time.Now()
		if s.Completed {
			if end.IsZero() {
				end = now
			}
			now = end
		}
		el := now.Sub(start).Seconds()
		if el <= 0 || s.Current <= 0 {
			return ""
		}
		return fmt.Sprintf("% .1f/s", decor.SizeB1024(float64(s.Current)/el))
	}, decor.WCSyncSpace)
}

// bar is the progress of one file. Its methods are no-ops on nil.
type bar struct {
	b     *mpb.Bar
	total *mpb.Bar
}

// file adds a bar for name; size < 0 means unknown.
func (p *progress) file(name string, size int64) *bar {
	if p == nil {
		return nil
	}
	if len(name) > 40 {
		name = "..." + name[len(name)-37:]
	}
	t := size
	if t < 0 {
		t = 0
	}
	b := p.p.AddBar(t, mpb.BarRemoveOnComplete(),
		mpb.PrependDecorators(decor.Name(name+" ", decor.WCSyncSpaceR), decor.CountersKibiByte("% .1f / % .1f", decor.WCSyncSpace)),
		mpb.AppendDecorators(averageSpeed(), decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO)))
	p.mu.Lock()
	tb := p.total
	p.mu.Unlock()
	return &bar{b: b, total: tb}
}

// add counts n transferred bytes.
func (b *bar) add(n int) {
	if b == nil || n <= 0 {
		return
	}
	b.b.IncrBy(n)
	if b.total != nil {
		b.total.IncrBy(n)
	}
}

// done completes (err == nil) or aborts the bar.
func (b *bar) done(err error) {
	if b == nil {
		return
	}
	if err != nil {
		b.b.Abort(false)
		return
	}
	b.b.SetTotal(-1, true)
}

// wait finishes drawing: the total bar is completed and every bar flushed.
func (p *progress) wait() {
	if p == nil {
		return
	}
	p.mu.Lock()
	if p.total != nil {
		p.total.SetTotal(-1, true)
	}
	p.mu.Unlock()
	p.p.Wait()
}

// countingReader reports bytes read to a bar and keeps Seek (so that the
// wire client can rewind a body to retry it). Bytes read again after a
// rewind are not counted twice: the bar shows progress, not traffic.
type countingReader struct {
	r   io.Reader
	bar *bar
	// pos is the reader's position; high the furthest position reached.
	pos, high int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.pos += int64(n)
	if c.pos > c.high {
		c.bar.add(int(c.pos - c.high))
		c.high = c.pos
	}
	return n, err
}

// Seek delegates to the underlying reader when it can seek.
func (c *countingReader) Seek(off int64, whence int) (int64, error) {
	s, ok := c.r.(io.Seeker)
	if !ok {
		return 0, errNotSeekable
	}
	pos, err := s.Seek(off, whence)
	if err == nil {
		c.pos = pos
	}
	return pos, err
}

// countingWriter reports every byte written to a bar.
type countingWriter struct {
	w   io.Writer
	bar *bar
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.bar.add(n)
	return n, err
}
