package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/internal/faults"
)

// demoSteps are the steps the issue asks "qs demo" to show, in order.
var demoSteps = []string{"start qslocal", "servicer from conn string", "create bucket", "storager from conn string",
	"Write", "Read", "Stat", "List (prefix and dir)", "Delete", "append", "multipart upload (3 parts)", "Copy", "Move",
	"Fetch", "Reach + plain HTTP GET", "SSE-C write/read/refuse", "HTTP signers", "clean up"}

// stepLine matches one printed step: "NN. name  ok|FAIL|SKIP  result".
var stepLine = regexp.MustCompile(`(?m)^ ?(\d+)\. (.+?) +(ok|FAIL|SKIP)  (.*)$`)

// demoResults parses the demo's output into step name -> status.
func demoResults(t *testing.T, out string) (names []string, status map[string]string) {
	t.Helper()
	status = map[string]string{}
	for _, m := range stepLine.FindAllStringSubmatch(out, -1) {
		names = append(names, m[2])
		status[m[2]] = m[3]
	}
	return names, status
}

// assertEmptyDir fails unless dir exists and is empty (the demo removed
// its data directory).
func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("the demo left %s in %s", e.Name(), dir)
	}
}

// TestDemo runs "qs demo" in-process as the command does: every step the
// issue lists is printed with its result, all pass, the exit code is 0 and
// the temporary data directory is gone afterwards.
func TestDemo(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.TempDir(), where "qs demo" makes its data dir
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"demo"}, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("qs demo exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	s := out.String()
	names, status := demoResults(t, s)
	if strings.Join(names, "|") != strings.Join(demoSteps, "|") {
		t.Errorf("steps printed:\n%q\nwant:\n%q", names, demoSteps)
	}
	for _, n := range demoSteps {
		if status[n] != "ok" {
			t.Errorf("step %q: %q", n, status[n])
		}
	}
	if !strings.Contains(s, "all 18 steps passed") {
		t.Errorf("no summary line:\n%s", s)
	}
	assertEmptyDir(t, tmp)
}

// TestDemoFailsOnFault puts a fault proxy between the demo's client and its
// server and refuses the server-side copy once: the Copy step (and Move,
// which moves the copy) must fail, the others still run, the error maps to
// exit code 1, and the bucket and data directory are still cleaned up.
func TestDemoFailsOnFault(t *testing.T) {
	tmp := t.TempDir()
	var proxy *faults.Proxy
	opt := demoOptions{tempParent: tmp, via: func(addr string) (string, error) {
		var err error
		proxy, err = faults.New("http://" + addr)
		if err != nil {
			return "", err
		}
		proxy.Add(faults.Rule{
			Match:  faults.And(faults.Method("PUT"), faults.HasHeader("X-Qs-Copy-Source"), faults.Not(faults.HasQuery("upload_id"))),
			Faults: []faults.Fault{{Kind: faults.Status, Code: 403}},
		})
		return proxy.Addr(), nil
	}}
	var out bytes.Buffer
	err := runDemo(context.Background(), &out, opt)
	if proxy == nil {
		t.Fatalf("the demo did not go through the proxy: %v\n%s", err, out.String())
	}
	defer proxy.Close()
	if !errors.Is(err, errDemoFailed) || exitCode(err) != exitFailure {
		t.Fatalf("runDemo = %v (exit code %d), want errDemoFailed and exit code 1\n%s", err, exitCode(err), out.String())
	}
	if proxy.Injected() != 1 {
		t.Errorf("%d faults injected, want 1", proxy.Injected())
	}
	names, status := demoResults(t, out.String())
	if len(names) != len(demoSteps) {
		t.Errorf("%d steps ran, want all %d:\n%s", len(names), len(demoSteps), out.String())
	}
	for _, n := range demoSteps {
		want := "ok"
		if n == "Copy" || n == "Move" {
			want = "FAIL"
		}
		if status[n] != want {
			t.Errorf("step %q: %q, want %q", n, status[n], want)
		}
	}
	if !strings.Contains(out.String(), "2 of 18 steps failed: Copy, Move") {
		t.Errorf("no failure summary:\n%s", out.String())
	}
	assertEmptyDir(t, tmp)
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

// TestDemoConsole runs the demo with --console-addr: it prints the console's
// URL, the console's metrics count the steps' requests, and it stays up
// until the context ends (Ctrl-C), then the demo returns success.
func TestDemoConsole(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := runDemo(ctx, pw, demoOptions{tempParent: t.TempDir(), consoleAddr: "127.0.0.1:0"})
		pw.Close()
		done <- err
	}()
	sc := bufio.NewScanner(pr)
	url := ""
	var out strings.Builder
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if u, ok := strings.CutPrefix(sc.Text(), "the console stays open at "); ok {
			url, _, _ = strings.Cut(u, ";")
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if url == "" || !strings.Contains(out.String(), "console: "+url+" (log in with access key id ") {
		t.Fatalf("no console URL:\n%s", out.String())
	}
	resp, err := http.Get(url + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !regexp.MustCompile(`qslocal_requests_total\{operation="PutObject",status="201"\} [1-9]`).Match(body) {
		t.Errorf("metrics do not count the demo's uploads:\n%s", body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
}
