package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// progress draws transfer bars on a terminal: one per running file (name,
// bytes, a bar, speed, ETA) and, for recursive work, one for the total,
// kept last. Result lines (println) are printed above the bars at once,
// under the same lock as every redraw, so none is lost or torn; a finished
// file's bar disappears at the next redraw; wait leaves only the total.
//
// When the terminal is too narrow for a full line, columns go in this
// order: the bar graphic, the ETA, the speed; only then is a name shortened
// (from the left, keeping its end). A nil progress draws nothing, so
// commands call it unconditionally.
type progress struct {
	w io.Writer
	// columns returns the terminal's width (80 when unknown).
	columns func() int
	// now is the clock (tests replace it).
	now func() time.Time

	mu    sync.Mutex
	bars  []*bar // running file bars, in start order
	total *bar
	drawn int  // lines of bars on the screen below the cursor's line
	ended bool // wait was called: draw nothing more

	stop    chan struct{}
	stopped chan struct{}
}

// refreshEvery is the redraw period of a progress display.
const refreshEvery = 150 * time.Millisecond

// isTerminal reports whether f is a character device (a terminal), without
// depending on golang.org/x/term.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// newProgress returns a progress drawing to w, or nil when disabled. It
// redraws every refreshEvery until wait or the end of ctx.
func newProgress(ctx context.Context, w io.Writer, enabled bool) *progress {
	if !enabled {
		return nil
	}
	p := &progress{w: w, columns: func() int { return 80 }, now: time.Now,
		stop: make(chan struct{}), stopped: make(chan struct{})}
	if f, ok := w.(*os.File); ok {
		p.columns = func() int { return terminalColumns(f) }
	}
	go p.refresh(ctx)
	return p
}

func (p *progress) refresh(ctx context.Context) {
	defer close(p.stopped)
	t := time.NewTicker(refreshEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.mu.Lock()
			p.redraw(nil)
			p.mu.Unlock()
		case <-ctx.Done():
			return
		case <-p.stop:
			return
		}
	}
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
		p.total = &bar{p: p, name: "total", start: p.now()}
	}
	p.total.size += n
}

// bar is the progress of one file, or the total. Its methods are no-ops on
// nil.
type bar struct {
	p    *progress
	name string
	size int64 // < 0: unknown
	// guarded by p.mu:
	cur        int64
	start, end time.Time
	total      *bar
}

// file adds a bar for name; size < 0 means unknown.
func (p *progress) file(name string, size int64) *bar {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	b := &bar{p: p, name: shortenLeft(name, 40), size: size, start: p.now(), total: p.total}
	p.bars = append(p.bars, b)
	p.redraw(nil) // every file shows, however fast it goes
	return b
}

// add counts n transferred bytes.
func (b *bar) add(n int) {
	if b == nil || n <= 0 {
		return
	}
	b.p.mu.Lock()
	b.cur += int64(n)
	if b.total != nil {
		b.total.cur += int64(n)
	}
	b.p.mu.Unlock()
}

// done ends the bar (err says whether it completed; either way it leaves
// the screen at the next redraw).
func (b *bar) done(_ error) {
	if b == nil {
		return
	}
	p := b.p
	p.mu.Lock()
	defer p.mu.Unlock()
	b.end = p.now()
	for i, o := range p.bars {
		if o == b {
			p.bars = append(p.bars[:i], p.bars[i+1:]...)
			break
		}
	}
}

// println prints line above the bars, now.
func (p *progress) println(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		fmt.Fprintln(p.w, line)
		return
	}
	p.redraw([]byte(line + "\n"))
}

// wait stops redrawing; the screen keeps only the completed total bar.
func (p *progress) wait() {
	if p == nil {
		return
	}
	p.mu.Lock()
	if p.ended {
		p.mu.Unlock()
		return
	}
	close(p.stop)
	p.mu.Unlock()
	<-p.stopped
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bars = nil
	if p.total != nil {
		p.total.end = p.now()
	}
	p.redraw(nil)
	p.ended = true
}

// redraw erases the bars drawn last, writes above (result lines), then
// draws the current bars; one write, so the terminal never shows half a
// frame. Called with p.mu held.
func (p *progress) redraw(above []byte) {
	if p.ended {
		return
	}
	var buf bytes.Buffer
	if p.drawn > 0 {
		fmt.Fprintf(&buf, "\x1b[%dA", p.drawn)
	}
	if p.drawn > 0 || len(above) > 0 {
		buf.WriteString("\r\x1b[J")
	}
	buf.Write(above)
	rows := p.bars
	if p.total != nil {
		rows = append(rows[:len(rows):len(rows)], p.total)
	}
	lines := layoutBars(p.columns()-1, p.cells(rows))
	for _, l := range lines {
		buf.WriteString(l)
		buf.WriteByte('\n')
	}
	p.drawn = len(lines)
	if buf.Len() > 0 {
		p.w.Write(buf.Bytes())
	}
}

// barCells are the columns of one bar before layout.
type barCells struct {
	name, counts, rate, eta string
	// frac is the completed fraction, or < 0 when the size is unknown.
	frac float64
}

// cells computes the columns of rows at p.now. Called with p.mu held.
func (p *progress) cells(rows []*bar) []barCells {
	now := p.now()
	out := make([]barCells, len(rows))
	for i, b := range rows {
		c := barCells{name: b.name, frac: -1}
		if b.size >= 0 {
			c.counts = byteCount(b.cur) + " / " + byteCount(b.size)
			c.frac = 1
			if b.size > 0 {
				c.frac = min(1, float64(b.cur)/float64(b.size))
			}
		} else {
			c.counts = byteCount(b.cur)
		}
		end := now
		if !b.end.IsZero() {
			end = b.end
		}
		if el := end.Sub(b.start).Seconds(); el > 0 && b.cur > 0 {
			speed := float64(b.cur) / el
			c.rate = byteCount(int64(speed)) + "/s"
			if b.size > 0 && b.end.IsZero() {
				left := time.Duration(float64(b.size-b.cur) / speed * float64(time.Second))
				c.eta = "ETA " + max(0, left).Round(time.Second).String()
			}
		}
		out[i] = c
	}
	return out
}

// layoutBars renders rows as aligned lines of at most width characters.
// What does not fit goes in this order: the bar graphic (shrunk first),
// the ETA column, the speed column; then names are shortened.
func layoutBars(width int, rows []barCells) []string {
	if len(rows) == 0 {
		return nil
	}
	var nameW, countW, rateW, etaW int
	for _, r := range rows {
		nameW = max(nameW, utf8.RuneCountInString(r.name))
		countW = max(countW, len(r.counts))
		rateW = max(rateW, len(r.rate))
		etaW = max(etaW, len(r.eta))
	}
	need := func(eta, rate bool) int {
		n := nameW + 1 + countW
		if rate && rateW > 0 {
			n += 1 + rateW
		}
		if eta && etaW > 0 {
			n += 1 + etaW
		}
		return n
	}
	const minGraph, maxGraph = 10, 32
	graph := min(maxGraph, width-need(true, true)-1)
	if graph < minGraph {
		graph = 0
	}
	eta := need(true, true) <= width
	rate := need(false, true) <= width
	if short := width - (need(false, false) - nameW); !rate && nameW > short {
		nameW = max(4, short)
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		var b strings.Builder
		b.WriteString(padRight(shortenLeft(r.name, nameW), nameW))
		b.WriteString(" ")
		b.WriteString(padLeft(r.counts, countW))
		if graph > 0 {
			b.WriteString(" ")
			b.WriteString(drawGraph(r.frac, graph))
		}
		if rate && rateW > 0 {
			b.WriteString(" ")
			b.WriteString(padLeft(r.rate, rateW))
		}
		if eta && etaW > 0 && r.eta != "" {
			b.WriteString(" ")
			b.WriteString(r.eta)
		}
		lines[i] = strings.TrimRight(shortenRight(b.String(), width), " ")
	}
	return lines
}

// drawGraph draws [===>   ] of width characters for a fraction in [0,1];
// blank inside for an unknown fraction (< 0).
func drawGraph(frac float64, width int) string {
	in := width - 2
	fill := 0
	if frac >= 0 {
		fill = int(frac * float64(in))
	}
	s := strings.Repeat("=", fill)
	if fill < in && frac > 0 {
		s += ">"
	}
	return "[" + s + strings.Repeat(" ", in-utf8.RuneCountInString(s)) + "]"
}

// byteCount formats n bytes with a binary unit: "512 B", "5.0 MiB".
func byteCount(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := -1
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}

// shortenLeft cuts s to at most n runes by replacing its start with "...".
func shortenLeft(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 3 {
		return string(r[len(r)-n:])
	}
	return "..." + string(r[len(r)-(n-3):])
}

// shortenRight cuts s to at most n runes.
func shortenRight(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 0 {
		return s
	}
	return string(r[:n])
}

func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
}

func padLeft(s string, n int) string {
	return strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s))) + s
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
