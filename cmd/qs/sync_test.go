package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/services/memory"
	"github.com/qsgo/qsgo/types"
)

func TestEntriesDiffer(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	local := func(string) string { return "" }
	cases := []struct {
		name        string
		src, dst    entry
		exists, out bool
	}{
		{"missing", entry{size: 1}, entry{}, false, true},
		{"size", entry{size: 1, mtime: now}, entry{size: 2, mtime: now}, true, true},
		{"same", entry{size: 1, mtime: now.Add(400 * time.Millisecond)}, entry{size: 1, mtime: now}, true, false},
		{"newer source", entry{size: 1, mtime: now.Add(2 * time.Second)}, entry{size: 1, mtime: now}, true, true},
		{"older source", entry{size: 1, mtime: now.Add(-time.Hour)}, entry{size: 1, mtime: now}, true, false},
	}
	for _, c := range cases {
		got, err := entriesDiffer(c.src, c.dst, c.exists, false, false, local)
		if err != nil || got != c.out {
			t.Errorf("%s: %v, %v; want %v", c.name, got, err, c.out)
		}
	}
}

// failingDelete is a storage whose deletes fail.
type failingDelete struct{ types.Storager }

func (failingDelete) DeleteWithContext(context.Context, string, ...types.Pair) error {
	return errors.New("delete refused")
}

// TestSyncCountsCopiesApartFromFailedDeletes checks that the summary line
// counts a file as copied when it was, even when a --delete fails.
func TestSyncCountsCopiesApartFromFailedDeletes(t *testing.T) {
	_, mem, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mem.Write("p/old.txt", strings.NewReader("old"), 3); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "new.txt"), []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a := &app{stdout: &out}
	localPath := func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }
	p := &syncPlan{copy: []entry{{rel: "new.txt", size: 3}}, del: []entry{{rel: "old.txt", size: 3}}}
	x := &xfer{partSize: defaultPartSize, concurrency: 2}
	ops := localSyncOps(failingDelete{mem}, "p/", false, localPath, x)
	err = a.runSync(context.Background(), p, ops, x, &syncFlags{delete: true})
	if err == nil || !strings.Contains(err.Error(), "delete refused") {
		t.Fatalf("sync error %v, want the refused delete", err)
	}
	if !strings.Contains(out.String(), "sync: 1 copied, 0 deleted, 0 unchanged") {
		t.Fatalf("summary:\n%s\nwant 1 copied, 0 deleted", out.String())
	}
	if _, err := mem.Stat("p/new.txt"); err != nil {
		t.Fatalf("new.txt was not uploaded: %v", err)
	}
}

// TestSyncRules checks rclone's selection flags on one table.
func TestSyncRules(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	older, newer := entry{size: 1, mtime: now.Add(-time.Hour)}, entry{size: 1, mtime: now}
	bigger := entry{size: 2, mtime: now.Add(-time.Hour)}
	cases := []struct {
		name     string
		rules    syncRules
		src, dst entry
		exists   bool
		want     bool
	}{
		{"new file", syncRules{}, newer, entry{}, false, true},
		{"existing: no new file", syncRules{existing: true}, newer, entry{}, false, false},
		{"existing: updates", syncRules{existing: true}, newer, older, true, true},
		{"ignore-existing: never over", syncRules{ignoreExisting: true}, bigger, newer, true, false},
		{"ignore-existing: new file", syncRules{ignoreExisting: true}, newer, entry{}, false, true},
		{"update: destination newer", syncRules{update: true}, bigger, newer, true, false},
		{"update: source newer", syncRules{update: true}, newer, older, true, true},
		{"default: size differs", syncRules{}, bigger, newer, true, true},
		{"size-only: same size, newer", syncRules{sizeOnly: true}, newer, older, true, false},
		{"size-only: other size", syncRules{sizeOnly: true}, bigger, newer, true, true},
		{"default: newer source", syncRules{}, newer, older, true, true},
	}
	for _, c := range cases {
		got, err := c.rules.needsCopy(c.src, c.dst, c.exists, false, func(string) string { return "" })
		if err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", c.name, got, err, c.want)
		}
	}
}
