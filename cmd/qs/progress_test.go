package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestProgressLifecycle drives bars to completion and abort; wait must
// return (no bar left unfinished) whether or not anything is drawn.
func TestProgressLifecycle(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(context.Background(), &out, true)
	p.addTotal(30)
	ok := p.file("ok.bin", 10)
	ok.add(10)
	ok.done(nil)
	failed := p.file(strings.Repeat("long-name/", 10)+"x.bin", 20)
	failed.add(5)
	failed.done(errors.New("boom"))
	unknown := p.file("stdin", -1)
	unknown.add(7)
	unknown.done(nil)
	p.wait()
}

// TestProgressDisabled: a disabled progress is nil and every method is a
// no-op.
func TestProgressDisabled(t *testing.T) {
	p := newProgress(context.Background(), io.Discard, false)
	if p != nil {
		t.Fatal("disabled progress is not nil")
	}
	p.addTotal(5)
	b := p.file("x", 5)
	b.add(5)
	b.done(nil)
	p.wait()
}

// TestCountingWriter: the counting wrapper of downloads passes every
// byte on.
func TestCountingWriter(t *testing.T) {
	var w bytes.Buffer
	cw := &countingWriter{w: &w}
	if n, err := cw.Write([]byte("hello")); n != 5 || err != nil || w.String() != "hello" {
		t.Fatalf("counting writer: %d %v %q", n, err, w.String())
	}
}

// TestLayoutDropsColumns: as the terminal narrows, the bar graphic goes
// first, then the ETA, then the speed, and only then is the name
// shortened (keeping its end); no line is wider than asked.
func TestLayoutDropsColumns(t *testing.T) {
	row := barCells{name: "some/dir/report.bin", counts: "4.0 MiB / 12.0 MiB", rate: "10.0 MiB/s", eta: "ETA 1s", frac: 1.0 / 3}
	for _, c := range []struct {
		width                   int
		graph, rate, eta, whole bool
		name                    string
	}{
		{80, true, true, true, true, ""},
		{60, false, true, true, true, ""},
		{55, false, true, false, true, ""},
		{48, false, false, false, true, ""},
		{30, false, false, false, false, "...port.bin 4.0 MiB / 12.0 MiB"},
	} {
		lines := layoutBars(c.width, []barCells{row})
		l := lines[0]
		if n := utf8.RuneCountInString(l); n > c.width {
			t.Errorf("width %d: line of %d: %q", c.width, n, l)
		}
		for what, has := range map[string]bool{"[": c.graph, "MiB/s": c.rate, "ETA": c.eta, row.name: c.whole} {
			if strings.Contains(l, what) != has {
				t.Errorf("width %d: %q contains %q: %v, want %v", c.width, l, what, !has, has)
			}
		}
		if c.name != "" && l != c.name {
			t.Errorf("width %d: %q, want %q", c.width, l, c.name)
		}
	}
}
