package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/qsgo/qsgo/qslocal"
)

// openPTY returns the two ends of a new pseudo-terminal (Linux /dev/ptmx),
// or skips the test where there is none.
func openPTY(t *testing.T, cols int) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		t.Skipf("unlock pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		t.Skipf("pseudo-terminal number: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open pseudo-terminal: %v", err)
	}
	// A new terminal is 0x0, where nothing fits; give it 24 rows.
	ws := [4]uint16{24, uint16(cols), 0, 0}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, s.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); e != 0 {
		m.Close()
		s.Close()
		t.Fatalf("set terminal size: %v", e)
	}
	return m, s
}

// terminal is a pseudo-terminal whose output is collected as it comes.
type terminal struct {
	master, tty *os.File

	mu      sync.Mutex
	drawn   bytes.Buffer
	changed chan struct{} // closed (and replaced) when drawn grows
	closed  chan struct{} // closed when the reader has stopped
}

// newTerminal opens a terminal cols wide and starts collecting its output.
func newTerminal(t *testing.T, cols int) *terminal {
	t.Helper()
	m, tty := openPTY(t, cols)
	tm := &terminal{master: m, tty: tty, changed: make(chan struct{}), closed: make(chan struct{})}
	go func() {
		defer close(tm.closed)
		b := make([]byte, 32<<10)
		for {
			n, err := m.Read(b) // ends with EIO once the terminal side is closed
			tm.mu.Lock()
			tm.drawn.Write(b[:n])
			close(tm.changed)
			tm.changed = make(chan struct{})
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { tm.finish(); m.Close() })
	return tm
}

// finish closes the terminal side and returns everything drawn.
func (tm *terminal) finish() string {
	tm.tty.Close()
	<-tm.closed
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.drawn.String()
}

// await waits until what was drawn matches re and returns it; it fails
// the test if the terminal closes first, or after a minute (a guard
// against hanging, not a timing expectation).
func (tm *terminal) await(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	guard := time.After(time.Minute)
	for {
		tm.mu.Lock()
		s, ch := tm.drawn.String(), tm.changed
		tm.mu.Unlock()
		if re.MatchString(s) {
			return s
		}
		select {
		case <-ch:
		case <-tm.closed:
			t.Fatalf("the terminal closed before showing %s:\n%q", re, tm.finish())
		case <-guard:
			tm.mu.Lock()
			s := tm.drawn.String()
			tm.mu.Unlock()
			t.Fatalf("the terminal has not shown %s:\n%q", re, s)
		}
	}
}

// onTerminal runs qs in-process with stderr on a pseudo-terminal and
// returns its exit code and what it drew there.
func onTerminal(t *testing.T, args ...string) (int, string) {
	t.Helper()
	tm := newTerminal(t, 120)
	var out bytes.Buffer
	code := run(t.Context(), args, bytes.NewReader(nil), &out, tm.tty)
	return code, tm.finish()
}

// screen replays what a terminal was sent (text, \r, \n, cursor up, erase
// below) and returns the lines left on the screen, without scrolling out.
func screen(drawn string) []string {
	var lines [][]rune
	row, col := 0, 0
	grow := func() {
		for len(lines) <= row {
			lines = append(lines, nil)
		}
	}
	esc := regexp.MustCompile(`^\x1b\[(\d*)([A-Za-z])`)
	for i := 0; i < len(drawn); {
		if m := esc.FindStringSubmatch(drawn[i:]); m != nil {
			i += len(m[0])
			n, _ := strconv.Atoi(m[1])
			switch m[2] {
			case "A":
				row = max(0, row-max(n, 1))
			case "J":
				grow()
				lines[row] = lines[row][:min(col, len(lines[row]))]
				lines = lines[:row+1]
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(drawn[i:])
		i += size
		switch r {
		case '\r':
			col = 0
		case '\n':
			row, col = row+1, 0 // the terminal turns \n into \r\n
		default:
			grow()
			for len(lines[row]) <= col {
				lines[row] = append(lines[row], ' ')
			}
			lines[row][col] = r
			col++
		}
	}
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if s := strings.TrimRight(string(l), " "); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// TestProgressOnTerminal: with stderr on a terminal, cp draws a bar per
// file with bytes, speed and ETA, and a total bar for recursive work;
// --quiet draws nothing. The single upload is held at its second part
// until its bar has been seen: a fast upload may end between two redraws.
func TestProgressOnTerminal(t *testing.T) {
	ts := qslocal.StartTest(t)
	ts.CreateBucket("bar-bucket")
	proxy := startProxy(t, ts)
	release := holdSecondPart(t, proxy)
	dir := t.TempDir()
	for name, size := range map[string]int{"one.bin": 5 << 20, "two.bin": 1 << 20} {
		if err := os.WriteFile(filepath.Join(dir, name), randData(t, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tm := newTerminal(t, 120)
	exit := make(chan int, 1)
	go func() {
		var out bytes.Buffer
		exit <- run(t.Context(), []string{"cp", "--part-size", "4MiB", filepath.Join(dir, "one.bin"), "qs://bar-bucket/one.bin"},
			bytes.NewReader(nil), &out, tm.tty)
	}()
	// File name, bytes, speed and ETA.
	tm.await(t, regexp.MustCompile(`one\.bin +[\d.]+ MiB / 5\.0 MiB .*\d+\.\d ?[KMG]iB/s ETA \d`))
	release()
	code := <-exit
	drawn := tm.finish()
	if code != 0 {
		t.Fatalf("cp exited %d; terminal:\n%s", code, drawn)
	}
	if strings.Contains(drawn, "total") {
		t.Errorf("a single file drew a total bar:\n%q", drawn)
	}
	code, drawn = onTerminal(t, "cp", "-r", dir, "qs://bar-bucket/tree/")
	if code != 0 {
		t.Fatalf("cp -r exited %d; terminal:\n%s", code, drawn)
	}
	for _, re := range []string{`total`, `6\.0 MiB / 6\.0 MiB`, `two\.bin`} {
		if !regexp.MustCompile(re).MatchString(drawn) {
			t.Errorf("cp -r drew no %s:\n%q", re, drawn)
		}
	}
	code, drawn = onTerminal(t, "cp", "-q", "-r", dir, "qs://bar-bucket/quiet/")
	if code != 0 || drawn != "" {
		t.Errorf("cp -q exited %d and drew %q, want nothing", code, drawn)
	}
	// Not a terminal: no bars, only the per-file lines on stdout.
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"cp", "-r", dir, "qs://bar-bucket/piped/"}, bytes.NewReader(nil), &out, &errb); code != 0 || errb.Len() != 0 {
		t.Errorf("cp -r to a pipe exited %d, stderr %q; want 0 and nothing", code, errb.String())
	}
	if n := strings.Count(out.String(), "copied "); n != 2 {
		t.Errorf("cp -r to a pipe printed %q, want 2 copied lines", out.String())
	}
}

// TestResultLineOnTerminal: with stdout and stderr on one terminal, a
// single multipart upload leaves its "copied" line on the screen and no
// bar, every time.
func TestResultLineOnTerminal(t *testing.T) {
	ts := qslocal.StartTest(t)
	ts.CreateBucket("bar-bucket")
	pointAt(t, ts)
	src := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(src, randData(t, 9<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	want := "copied " + src + " -> qs://bar-bucket/big.bin"
	for i := range 4 {
		tm := newTerminal(t, 120)
		code := run(t.Context(), []string{"cp", "--part-size", "4MiB", src, "qs://bar-bucket/big.bin"}, bytes.NewReader(nil), tm.tty, tm.tty)
		drawn := tm.finish()
		if got := screen(drawn); code != 0 || len(got) != 1 || got[0] != want {
			t.Fatalf("run %d: cp exited %d and left on the screen %q, want only %q; drawn:\n%q", i, code, got, want, drawn)
		}
	}
}

// TestRecursiveLeavesOnlyTotal: after cp -r of many files on a terminal,
// the screen holds one result line per file and then the total bar; no
// file's bar is left above it.
func TestRecursiveLeavesOnlyTotal(t *testing.T) {
	ts := qslocal.StartTest(t)
	ts.CreateBucket("bar-bucket")
	pointAt(t, ts)
	dir := t.TempDir()
	const files = 300
	for i := range files {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.txt", i)), randData(t, 2048+i), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tm := newTerminal(t, 120)
	code := run(t.Context(), []string{"cp", "-r", dir, "qs://bar-bucket/tree/"}, bytes.NewReader(nil), tm.tty, tm.tty)
	drawn := tm.finish()
	got := screen(drawn)
	if code != 0 || len(got) != files+1 {
		t.Fatalf("cp -r exited %d and left %d lines, want %d copied lines and the total:\n%s", code, len(got), files, strings.Join(got, "\n"))
	}
	for _, l := range got[:files] {
		if !strings.HasPrefix(l, "copied ") {
			t.Errorf("a line other than a result above the total: %q", l)
		}
	}
	if last := got[files]; !regexp.MustCompile(`^total +[\d.]+ KiB / [\d.]+ KiB \[=+\]`).MatchString(last) {
		t.Errorf("the last line is not the completed total: %q", last)
	}
}

// TestProgressNarrowTerminal: in a 60-column terminal a running upload's
// bar shows the speed and the ETA, and no bar line is wider than the
// terminal. The upload is held at its second part until the bar has been
// seen.
func TestProgressNarrowTerminal(t *testing.T) {
	ts := qslocal.StartTest(t)
	ts.CreateBucket("bar-bucket")
	proxy := startProxy(t, ts)
	release := holdSecondPart(t, proxy)
	t.Chdir(t.TempDir())
	src := "report.bin" // a short name leaves room for every column
	if err := os.WriteFile(src, randData(t, 12<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := newTerminal(t, 60)
	exit := make(chan int, 1)
	go func() {
		exit <- run(t.Context(), []string{"cp", "--part-size", "4MiB", "--concurrency", "1", src, "qs://bar-bucket/report.bin"},
			bytes.NewReader(nil), tm.tty, tm.tty)
	}()
	tm.await(t, regexp.MustCompile(`report\.bin +[\d.]+ MiB / 12\.0 MiB .*[\d.]+ [KMG]iB/s ETA \d`))
	release()
	if code := <-exit; code != 0 {
		t.Fatalf("cp exited %d:\n%q", code, tm.finish())
	}
	drawn := tm.finish()
	esc := regexp.MustCompile(`\x1b\[\d*[A-Za-z]|\r`)
	for _, l := range strings.Split(esc.ReplaceAllString(drawn, ""), "\n") {
		if !strings.HasPrefix(l, "copied ") && utf8.RuneCountInString(l) >= 60 {
			t.Errorf("a bar line of %d columns in a 60-column terminal: %q", utf8.RuneCountInString(l), l)
		}
	}
	if got := screen(drawn); len(got) != 1 || !strings.HasPrefix(got[0], "copied ") {
		t.Errorf("the screen holds %q, want only the copied line", got)
	}
}

// holdSecondPart makes proxy hold every upload of part 1 until the returned
// release is called (also at cleanup, before the proxy's own cleanup, which
// waits for requests), so a test can see a bar before the upload ends.
func holdSecondPart(t *testing.T, proxy *testProxy) func() {
	gate := make(chan struct{})
	release := sync.OnceFunc(func() { close(gate) })
	t.Cleanup(release)
	proxy.setHold(func(r *http.Request) <-chan struct{} {
		if r.Method == http.MethodPut && r.URL.Query().Get("part_number") == "1" {
			return gate
		}
		return nil
	})
	return release
}
