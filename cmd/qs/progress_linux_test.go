package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/qsgo/qsgo/qslocal"
)

// openPTY returns the two ends of a new pseudo-terminal (Linux /dev/ptmx),
// or skips the test where there is none.
func openPTY(t *testing.T) (master, tty *os.File) {
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
	// A new terminal is 0x0, where nothing fits; give it 24 rows of 120.
	ws := [4]uint16{24, 120, 0, 0}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, s.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); e != 0 {
		m.Close()
		s.Close()
		t.Fatalf("set terminal size: %v", e)
	}
	return m, s
}

// onTerminal runs qs in-process with stderr on a pseudo-terminal and
// returns its exit code and what it drew there.
func onTerminal(t *testing.T, args ...string) (int, string) {
	t.Helper()
	m, tty := openPTY(t)
	defer m.Close()
	var drawn bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(&drawn, m) // ends with EIO once the terminal side is closed
		close(done)
	}()
	var out bytes.Buffer
	code := run(t.Context(), args, bytes.NewReader(nil), &out, tty)
	tty.Close()
	<-done
	return code, drawn.String()
}

// TestProgressOnTerminal: with stderr on a terminal, cp draws a bar per
// file with bytes, speed and ETA, and a total bar for recursive work;
// --quiet draws nothing.
func TestProgressOnTerminal(t *testing.T) {
	ts := qslocal.StartTest(t)
	ts.CreateBucket("bar-bucket")
	pointAt(t, ts)
	dir := t.TempDir()
	for name, size := range map[string]int{"one.bin": 5 << 20, "two.bin": 1 << 20} {
		if err := os.WriteFile(filepath.Join(dir, name), randData(t, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, drawn := onTerminal(t, "cp", "--part-size", "4MiB", filepath.Join(dir, "one.bin"), "qs://bar-bucket/one.bin")
	if code != 0 {
		t.Fatalf("cp exited %d; terminal:\n%s", code, drawn)
	}
	for what, re := range map[string]string{
		"file name": `one\.bin`,
		"bytes":     `5\.0 MiB / 5\.0 MiB`,
		"speed":     `\d+\.\d ?[KMG]iB/s`,
		"ETA":       `ETA`,
	} {
		if !regexp.MustCompile(re).MatchString(drawn) {
			t.Errorf("the bar lacks the %s (%s):\n%q", what, re, drawn)
		}
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
