package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// TestDemo runs "qs demo" in-process: every step must pass and exit 0.
func TestDemo(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"demo"}, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("qs demo exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	s := out.String()
	if strings.Contains(s, "FAIL") || !strings.Contains(s, "all 18 steps passed") {
		t.Fatalf("demo output:\n%s", s)
	}
	for _, step := range []string{"Write", "Read", "Stat", "List (prefix and dir)", "Delete", "append",
		"multipart upload (3 parts)", "Copy", "Move", "Fetch", "Reach + plain HTTP GET", "SSE-C write/read/refuse", "HTTP signers", "clean up"} {
		if !strings.Contains(s, step) {
			t.Errorf("demo output lacks step %q", step)
		}
	}
}

// TestDemoStepFailure checks that a failing step is reported and counted,
// so the demo cannot pass with a broken step.
func TestDemoStepFailure(t *testing.T) {
	var out bytes.Buffer
	d := &demo{w: &out, ctx: context.Background()}
	if d.step("good", func() (string, error) { return "fine", nil }) != true {
		t.Fatal("good step reported as failed")
	}
	if d.step("bad", func() (string, error) { return "", errors.New("boom") }) {
		t.Fatal("bad step reported as passed")
	}
	if len(d.failed) != 1 || d.failed[0] != "bad" || !strings.Contains(out.String(), "FAIL  boom") {
		t.Fatalf("failed=%v output=%q", d.failed, out.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d.ctx = ctx
	if d.step("after cancel", func() (string, error) { return "ran", nil }) {
		t.Fatal("step ran after cancellation")
	}
}
