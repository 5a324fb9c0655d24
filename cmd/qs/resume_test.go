package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qslocal"
)

// interruptedUpload runs "qs cp --resume" of src to url through proxy and
// cancels it (as Ctrl-C does) once the server has stored keep parts; the
// parts after them are held back until then. It returns the exit code.
func interruptedUpload(t *testing.T, proxy *testProxy, src, url string, keep int) int {
	t.Helper()
	stored := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	n := 0
	isPart := func(r *http.Request) (int, bool) {
		v := r.URL.Query().Get("part_number")
		pn, err := strconv.Atoi(v)
		return pn, r.Method == http.MethodPut && err == nil
	}
	held := make(chan struct{}) // never closed: held parts end with the client's cancel
	proxy.setHold(func(r *http.Request) <-chan struct{} {
		if pn, ok := isPart(r); ok && pn >= keep {
			return held
		}
		return nil
	})
	proxy.setAfter(func(r *http.Request) {
		if _, ok := isPart(r); ok {
			mu.Lock()
			n++
			if n == keep {
				once.Do(func() { close(stored) })
			}
			mu.Unlock()
		}
	})
	defer proxy.setHold(nil)
	defer proxy.setAfter(nil)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	exit := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		exit <- run(ctx, []string{"cp", "--resume", "--part-size", "4MiB", "--concurrency", "1", src, url}, strings.NewReader(""), &out, &errb)
	}()
	select {
	case <-stored:
		cancel()
	case code := <-exit:
		t.Fatalf("cp ended (%d) before %d parts were stored: %s", code, keep, errb.String())
	}
	code := <-exit
	if !strings.Contains(errb.String(), "--resume") {
		t.Errorf("the interrupted cp does not say how to continue: %q", errb.String())
	}
	return code
}

// TestResumeUpload: a cp --resume interrupted after two of five parts
// leaves its upload and a state file without secrets; run again it sends
// only the three missing parts and the object is whole; a source changed
// since starts over.
func TestResumeUpload(t *testing.T) {
	ts := qslocal.StartTest(t)
	ts.CreateBucket("resume-bucket")
	proxy := startProxy(t, ts)
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	const part, size = 4 << 20, 5 * 4 << 20
	src := filepath.Join(t.TempDir(), "big.bin")
	data := randData(t, size)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	url := "qs://resume-bucket/big.bin"
	qs := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(t.Context(), args, strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}

	if code := interruptedUpload(t, proxy, src, url, 2); code == 0 {
		t.Fatal("the interrupted cp exited 0")
	}
	states, _ := filepath.Glob(filepath.Join(cache, "qs", "uploads", "*.json"))
	if len(states) != 1 {
		t.Fatalf("state files %v, want one", states)
	}
	state, err := os.ReadFile(states[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(state), ts.SecretAccessKey) || strings.Contains(string(state), ts.AccessKeyID) {
		t.Fatalf("the state file holds a credential:\n%s", state)
	}
	if code, out, errs := qs("ls", "--uploads", url); code != 0 || !regexp.MustCompile(`^\S+ \S+  \S+ +2 +8388608  big.bin\n$`).MatchString(out) {
		t.Fatalf("after the interruption ls --uploads exited %d: %q %q; want one upload of 2 parts", code, out, errs)
	}

	before := proxy.sent.Load()
	code, out, errs := qs("cp", "--resume", "--part-size", "4MiB", src, url)
	if code != 0 || !strings.Contains(out, "resuming upload") {
		t.Fatalf("cp --resume exited %d: %q %q", code, out, errs)
	}
	if sent := proxy.sent.Load() - before; sent < 3*part || sent > 3*part+64<<10 {
		t.Errorf("the resumed cp sent %d bytes, want the 3 missing parts (%d) and little else", sent, 3*part)
	}
	checkObject(t, qs, url, data)
	if left, _ := filepath.Glob(filepath.Join(cache, "qs", "uploads", "*.json")); len(left) != 0 {
		t.Errorf("state files left after success: %v", left)
	}

	// Interrupted again, then the file changes: everything is sent anew and
	// the old upload is aborted.
	url2 := "qs://resume-bucket/big2.bin"
	interruptedUpload(t, proxy, src, url2, 2)
	data[0] ^= 0xff
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(src, later, later); err != nil {
		t.Fatal(err)
	}
	before = proxy.sent.Load()
	code, out, errs = qs("cp", "--resume", "--part-size", "4MiB", src, url2)
	if code != 0 || !strings.Contains(out, "changed since upload") {
		t.Fatalf("cp --resume of a changed file exited %d: %q %q", code, out, errs)
	}
	if sent := proxy.sent.Load() - before; sent < size {
		t.Errorf("a changed source sent %d bytes, want the whole file (%d)", sent, size)
	}
	checkObject(t, qs, url2, data)
	if code, out, _ := qs("ls", "--uploads", "qs://resume-bucket/"); code != 0 || out != "" {
		t.Errorf("uploads left: %q (exit %d)", out, code)
	}
}

// checkObject fails unless url holds want.
func checkObject(t *testing.T, qs func(...string) (int, string, string), url string, want []byte) {
	t.Helper()
	code, got, errs := qs("cat", url)
	if code != 0 || got != string(want) {
		t.Fatalf("cat %s exited %d (%s): %d bytes, want the file's %d", url, code, errs, len(got), len(want))
	}
}

// TestResumeRefused: --resume only applies to uploads of local files.
func TestResumeRefused(t *testing.T) {
	ts := qslocal.StartTest(t)
	qs := pointAt(t, ts)
	for _, args := range [][]string{
		{"cp", "--resume", "-", "qs://resume-bucket/k"},
		{"cp", "--resume", "qs://resume-bucket/k", "file"},
		{"cp", "--resume", "qs://resume-bucket/k", "qs://resume-bucket/k2"},
	} {
		if code, _, errs := qs(args...); code != 2 || !strings.Contains(errs, "only uploads of local files") {
			t.Errorf("%v: exit %d, %q; want a usage error", args, code, errs)
		}
	}
}
