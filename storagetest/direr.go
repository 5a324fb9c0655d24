package storagetest

import (
	"strings"
	"testing"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/types"
)

// TestDirer checks types.Direr: CreateDir returns a directory object with
// the given Path and may be repeated; nested directories need no parents;
// Create and Stat with object_mode dir describe the directory; the parent's
// dir-mode listing shows it as a directory; Delete with object_mode dir is
// idempotent and afterwards Stat reports ErrObjectNotExist.
func TestDirer(t *testing.T, store types.Storager) {
	d, ok := store.(types.Direr)
	if !ok {
		t.Fatalf("%s does not implement types.Direr", store)
	}
	t.Run("CreateStatDelete", func(t *testing.T) { testDirLifecycle(newEnv(t, store), d) })
	t.Run("Nested", func(t *testing.T) { testDirNested(newEnv(t, store), d) })
}

// createDir calls CreateDir and checks the returned object.
func (e *env) createDir(d types.Direr, name string) {
	e.t.Helper()
	o, err := d.CreateDir(name)
	if err != nil {
		e.t.Fatalf("CreateDir(%q): %v", name, err)
	}
	if o == nil {
		e.t.Fatalf("CreateDir(%q) returned a nil object", name)
	}
	if o.Path != name || !o.Mode.IsDir() {
		e.t.Fatalf("CreateDir(%q) = %s, want Path %q and mode dir", name, describe(o), name)
	}
}

func testDirLifecycle(e *env, d types.Direr) {
	parent := e.dir()
	name := parent + e.name()
	dirMode := pairs.WithObjectMode(types.ModeDir)
	e.deleteLater(name, dirMode)
	e.createDir(d, name)
	e.createDir(d, name) // repeating is fine

	o := e.store.Create(name, dirMode)
	if o == nil || o.Path != name || !o.Mode.IsDir() {
		e.t.Errorf("Create(%q, object_mode dir) = %s, want Path %q and mode dir", name, describe(o), name)
	}
	o = e.mustStat(name, dirMode)
	if o.Path != name || !o.Mode.IsDir() {
		e.t.Errorf("Stat(%q, object_mode dir) = %s, want Path %q and mode dir", name, describe(o), name)
	}

	objs := e.list(parent, pairs.WithListMode(types.ListModeDir))
	found := false
	for _, o := range objs {
		if isDirEntry(o, name) {
			found = true
			if !o.Mode.IsDir() {
				e.t.Errorf("List(%q) shows %s with mode %q, want dir", parent, o.Path, o.Mode)
			}
		}
	}
	if !found {
		e.t.Errorf("List(%q) in dir mode does not show the directory %s", parent, name)
	}

	for i := 0; i < 2; i++ {
		if err := e.store.Delete(name, dirMode); err != nil {
			e.t.Fatalf("Delete(%q, object_mode dir) #%d: %v", name, i+1, err)
		}
	}
	e.mustNotExist(name, dirMode)
}

func testDirNested(e *env, d types.Direr) {
	top := e.name()
	dirMode := pairs.WithObjectMode(types.ModeDir)
	names := []string{top + "/x/y", top + "/x", top}
	for _, n := range names {
		e.deleteLater(n, dirMode)
	}
	e.createDir(d, names[0])
	// A file may live inside the directory.
	file := names[0] + "/" + e.name()
	p := e.small()
	e.write(file, p)
	e.mustHold(file, p)
	objs := e.list(names[0]+"/", pairs.WithListMode(types.ListModeDir))
	if len(objs) != 1 || objs[0].Path != file {
		got := make([]string, 0, len(objs))
		for _, o := range objs {
			got = append(got, describe(o))
		}
		e.t.Errorf("List(%q) = [%s], want only %s", names[0]+"/", strings.Join(got, ", "), file)
	}
}
