package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOnTarget checks that failures on a download's temporary file name
// the file the user asked for.
func TestOnTarget(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "report.pdf")
	tmp := filepath.Join(dir, tempPrefix+"report.pdf-123")
	for _, err := range []error{
		&fs.PathError{Op: "write", Path: tmp, Err: syscall.ENOSPC},
		fmt.Errorf("read: %w", &fs.PathError{Op: "write", Path: tmp, Err: syscall.ENOSPC}),
		&os.LinkError{Op: "rename", Old: tmp, New: target, Err: syscall.EACCES},
	} {
		got := onTarget(err, target)
		if !strings.Contains(got.Error(), target) || strings.Contains(got.Error(), tempPrefix) {
			t.Errorf("%v -> %v", err, got)
		}
		var errno syscall.Errno
		if !errors.As(got, &errno) {
			t.Errorf("%v lost its cause", got)
		}
	}
	other := &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
	if got := onTarget(other, target); got != other {
		t.Errorf("unrelated error changed: %v", got)
	}
	if onTarget(nil, target) != nil || onTarget(context.Canceled, target) != context.Canceled {
		t.Error("nil or cancellation changed")
	}
}

// TestTempBase keeps temporary names valid for the longest file names.
func TestTempBase(t *testing.T) {
	long := strings.Repeat("n", 250)
	f, err := os.CreateTemp(t.TempDir(), tempPrefix+tempBase(long)+"-*")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}
