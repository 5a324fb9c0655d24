package storagetest

import (
	"errors"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

func testList(t *testing.T, store types.Storager) {
	t.Run("EmptyDir", func(t *testing.T) { testListEmpty(newEnv(t, store)) })
	t.Run("DirMode", func(t *testing.T) { testListDir(newEnv(t, store)) })
	t.Run("PrefixMode", func(t *testing.T) { testListPrefix(newEnv(t, store)) })
	t.Run("DefaultMode", func(t *testing.T) { testListDefault(newEnv(t, store)) })
	t.Run("InvalidMode", func(t *testing.T) { testListInvalid(newEnv(t, store)) })
}

// makeDir creates dir (given with its trailing "/") as a directory object
// when the store is a Direr, so that listings also prove the directory's own
// marker is not listed as its content.
func (e *env) makeDir(dir string) {
	e.t.Helper()
	d, ok := e.store.(types.Direr)
	if !ok {
		return
	}
	name := strings.TrimSuffix(dir, "/")
	e.deleteLater(name, pairs.WithObjectMode(types.ModeDir))
	if _, err := d.CreateDir(name); err != nil {
		e.t.Fatalf("CreateDir(%q): %v", name, err)
	}
}

func testListEmpty(e *env) {
	dir := e.dir()
	e.makeDir(dir)
	modes := []struct {
		name  string
		pairs []types.Pair
	}{
		{"dir", []types.Pair{pairs.WithListMode(types.ListModeDir)}},
		{"prefix", []types.Pair{pairs.WithListMode(types.ListModePrefix)}},
		{"default", nil},
	}
	for _, m := range modes {
		it, err := e.store.List(dir, m.pairs...)
		if err != nil {
			e.t.Fatalf("List(%q) in %s mode: %v", dir, m.name, err)
		}
		if it == nil {
			e.t.Fatalf("List(%q) in %s mode returned a nil iterator", dir, m.name)
		}
		o, err := it.Next()
		wantDone(e.t, "List of an empty directory in "+m.name+" mode", o, err)
		o, err = it.Next()
		wantDone(e.t, "List of an empty directory in "+m.name+" mode, second Next", o, err)
	}
}

// listTree is a small directory tree written under a fresh directory:
//
//	dir/a       small file
//	dir/b       empty file
//	dir/sub/c   one-byte file
//	dir/empty/  directory object (Direr stores only)
type listTree struct {
	dir      string
	files    map[string]payload // path relative to the work dir -> content
	sub      string             // "dir/sub", a directory made by its content
	emptySub string             // "dir/empty", a directory object, or "" without Direr
}

func (e *env) writeTree() listTree {
	e.t.Helper()
	tr := listTree{dir: e.dir(), files: map[string]payload{}}
	e.makeDir(tr.dir)
	tr.files[tr.dir+"a"] = e.small()
	tr.files[tr.dir+"b"] = e.sized(0)
	tr.files[tr.dir+"sub/c"] = e.sized(1)
	tr.sub = tr.dir + "sub"
	for name, p := range tr.files {
		e.write(name, p)
	}
	if _, ok := e.store.(types.Direr); ok {
		tr.emptySub = tr.dir + "empty"
		e.makeDir(tr.emptySub + "/")
	}
	return tr
}

// checkFile checks a listed file object against its payload.
func checkFile(t *testing.T, what string, o *types.Object, p payload) {
	t.Helper()
	if !o.Mode.IsRead() || o.Mode.IsDir() || o.Mode.IsPart() {
		t.Errorf("%s: %s has mode %q, want read and neither dir nor part", what, o.Path, o.Mode)
	}
	if o.ID == "" {
		t.Errorf("%s: %s has an empty ID", what, o.Path)
	}
	mustSize(t, o, p.size)
}

// isDirEntry reports whether o is the listed form of directory d (a path
// without trailing "/"): mode dir and Path d, with or without a trailing "/".
func isDirEntry(o *types.Object, d string) bool {
	return strings.TrimSuffix(o.Path, "/") == d
}

func testListDir(e *env) {
	tr := e.writeTree()
	objs := e.list(tr.dir, pairs.WithListMode(types.ListModeDir))
	seen := map[string]bool{}
	for _, o := range objs {
		switch {
		case isDirEntry(o, tr.sub) || (tr.emptySub != "" && isDirEntry(o, tr.emptySub)):
			if !o.Mode.IsDir() {
				e.t.Errorf("dir mode: sub-directory %s has mode %q, want dir", o.Path, o.Mode)
			}
			key := strings.TrimSuffix(o.Path, "/")
			if seen[key] {
				e.t.Errorf("dir mode: %s listed twice", o.Path)
			}
			seen[key] = true
		default:
			p, ok := tr.files[o.Path]
			if !ok || strings.Contains(strings.TrimPrefix(o.Path, tr.dir), "/") {
				e.t.Errorf("dir mode: unexpected object %s", describe(o))
				continue
			}
			if seen[o.Path] {
				e.t.Errorf("dir mode: %s listed twice", o.Path)
			}
			seen[o.Path] = true
			checkFile(e.t, "dir mode", o, p)
		}
	}
	want := []string{tr.dir + "a", tr.dir + "b", tr.sub}
	if tr.emptySub != "" {
		want = append(want, tr.emptySub)
	}
	for _, w := range want {
		if !seen[w] {
			e.t.Errorf("dir mode: List(%q) did not return %s", tr.dir, w)
		}
	}
	if len(seen) != len(objs) {
		e.t.Errorf("dir mode: %d objects listed, %d distinct expected ones", len(objs), len(seen))
	}
}

func testListPrefix(e *env) {
	tr := e.writeTree()
	check := func(prefix string, want map[string]payload) {
		e.t.Helper()
		objs := e.list(prefix, pairs.WithListMode(types.ListModePrefix))
		seen := map[string]bool{}
		for _, o := range objs {
			p, ok := want[o.Path]
			if !ok {
				// Directories of the tree may be listed, as directories.
				if o.Mode.IsDir() && strings.HasPrefix(o.Path, prefix) &&
					(isDirEntry(o, strings.TrimSuffix(tr.dir, "/")) || isDirEntry(o, tr.sub) ||
						(tr.emptySub != "" && isDirEntry(o, tr.emptySub))) {
					continue
				}
				e.t.Errorf("prefix mode: List(%q) returned unexpected object %s", prefix, describe(o))
				continue
			}
			if seen[o.Path] {
				e.t.Errorf("prefix mode: %s listed twice", o.Path)
			}
			seen[o.Path] = true
			checkFile(e.t, "prefix mode", o, p)
		}
		for name := range want {
			if !seen[name] {
				e.t.Errorf("prefix mode: List(%q) did not return %s", prefix, name)
			}
		}
	}
	// The whole tree, flat: files below sub-directories included.
	check(tr.dir, tr.files)
	// A prefix that is not a directory name matches key prefixes.
	check(tr.dir+"su", map[string]payload{tr.dir + "sub/c": tr.files[tr.dir+"sub/c"]})
}

func testListDefault(e *env) {
	tr := e.writeTree()
	objs := e.list(tr.dir)
	// Without list_mode the service picks its default (dir or prefix); both
	// return the two files directly in the directory.
	for _, name := range []string{tr.dir + "a", tr.dir + "b"} {
		o := findPath(objs, name)
		if o == nil {
			e.t.Errorf("default mode: List(%q) did not return %s", tr.dir, name)
			continue
		}
		checkFile(e.t, "default mode", o, tr.files[name])
	}
}

func testListInvalid(e *env) {
	if _, ok := e.store.(types.Blocker); ok {
		e.t.Skip("store is a Blocker: block list mode is supported")
	}
	dir := e.dir()
	e.write(dir+"x", e.sized(1))
	it, err := e.store.List(dir, pairs.WithListMode(types.ListModeBlock))
	if err == nil {
		// The error may also surface on the first Next.
		if it == nil {
			e.t.Fatal("List in block mode returned neither an iterator nor an error")
		}
		var o *types.Object
		o, err = it.Next()
		if err == nil || errors.Is(err, types.IterateDone) {
			e.t.Fatalf("List in block mode on a non-Blocker: Next() = %s, %v; want ErrListModeInvalid", describe(o), err)
		}
		if !errors.Is(err, services.ErrListModeInvalid) {
			e.t.Fatalf("List in block mode on a non-Blocker: %v; want ErrListModeInvalid", err)
		}
		return
	}
	wantError(e.t, err, "list", services.ErrListModeInvalid)
}

// TestListMany writes n empty objects in a fresh directory and checks that
// List in dir and prefix modes returns each exactly once, so that listings
// cross the service's page boundaries when n exceeds its page size.
func TestListMany(t *testing.T, store types.Storager, n int) {
	e := newEnv(t, store)
	dir := e.dir()
	want := map[string]bool{}
	for i := 0; i < n; i++ {
		name := dir + e.name()
		e.write(name, payload{})
		want[name] = true
	}
	for _, mode := range []types.ListMode{types.ListModeDir, types.ListModePrefix} {
		objs := e.list(dir, pairs.WithListMode(mode))
		seen := map[string]bool{}
		for _, o := range objs {
			if !want[o.Path] {
				t.Errorf("%s mode: unexpected object %s", mode, describe(o))
			}
			if seen[o.Path] {
				t.Errorf("%s mode: %s listed twice", mode, o.Path)
			}
			seen[o.Path] = true
		}
		if len(seen) != n {
			t.Errorf("%s mode: %d distinct objects listed, want %d", mode, len(seen), n)
		}
	}
}
