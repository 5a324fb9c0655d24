package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
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

// TestCountingReaderSeeks: the counting wrapper keeps Seek when the body
// has it (so requests can be retried), counts rewound bytes once, and
// refuses Seek otherwise.
func TestCountingReaderSeeks(t *testing.T) {
	p := newProgress(context.Background(), io.Discard, true)
	defer p.wait()
	pb := p.file("body", 6)
	defer pb.done(nil)
	r := &countingReader{r: strings.NewReader("abcdef"), bar: pb}
	b := make([]byte, 3)
	if n, _ := r.Read(b); n != 3 {
		t.Fatalf("read %d", n)
	}
	if pos, err := r.Seek(0, io.SeekStart); err != nil || pos != 0 {
		t.Fatalf("seek: %d %v", pos, err)
	}
	all, _ := io.ReadAll(r)
	if string(all) != "abcdef" {
		t.Fatalf("after seek read %q", all)
	}
	if got := pb.b.Current(); got != 6 {
		t.Errorf("the bar counted %d bytes of a 6-byte body read 1.5 times, want 6", got)
	}
	nr := &countingReader{r: io.MultiReader(strings.NewReader("x"))}
	if _, err := nr.Seek(0, io.SeekStart); !errors.Is(err, errNotSeekable) {
		t.Fatalf("seek on a stream: %v", err)
	}
	var w bytes.Buffer
	cw := &countingWriter{w: &w}
	if n, err := cw.Write([]byte("hello")); n != 5 || err != nil || w.String() != "hello" {
		t.Fatalf("counting writer: %d %v %q", n, err, w.String())
	}
}
