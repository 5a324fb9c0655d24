package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/qslocal"
)

// endless is standard input that never ends; it cancels (as Ctrl-C does
// through run's signal context) once limit bytes were read.
type endless struct {
	read, limit int64
	cancel      context.CancelFunc
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e.read + int64(i))
	}
	e.read += int64(len(p))
	if e.read > e.limit {
		e.cancel()
	}
	return len(p), nil
}

// TestInterruptAbortsUpload: interrupting "qs cp - qs://..." in the middle
// of a multipart upload exits 130 with "qs: interrupted", and leaves
// neither the object nor an unfinished upload behind.
func TestInterruptAbortsUpload(t *testing.T) {
	ts := qslocal.StartTest(t)
	ts.CreateBucket("intr-bucket")
	pointAt(t, ts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := &endless{limit: 9 << 20, cancel: cancel}
	var out, errb bytes.Buffer
	code := run(ctx, []string{"cp", "--part-size", "4MiB", "--concurrency", "2", "-", "qs://intr-bucket/endless.bin"}, in, &out, &errb)
	if code != exitInterrupted || strings.TrimSpace(errb.String()) != "qs: interrupted" {
		t.Fatalf("exit %d, stderr %q; want 130 and \"qs: interrupted\"", code, errb.String())
	}
	assertNoUpload(t, testStorageOn(t, ts, "intr-bucket"), "endless.bin")
}
