package storagetest

import (
	"path"
	"testing"

	"github.com/qsgo/qsgo/types"
)

// TestLinker checks types.Linker: CreateLink makes a link object whether or
// not its target exists; the returned object and a later Stat have mode link
// and a link target equal to the target made absolute against the work dir
// (path.Join(WorkDir, target)); linking the same path again replaces the
// target; a plain Delete removes the link and not its target.
func TestLinker(t *testing.T, store types.Storager) {
	l, ok := store.(types.Linker)
	if !ok {
		t.Fatalf("%s does not implement types.Linker", store)
	}
	t.Run("ExistingTarget", func(t *testing.T) { testLink(newEnv(t, store), l, true) })
	t.Run("MissingTarget", func(t *testing.T) { testLink(newEnv(t, store), l, false) })
	t.Run("Relink", func(t *testing.T) { testRelink(newEnv(t, store), l) })
}

// checkLink checks that o is a link to target (relative to the work dir).
func (e *env) checkLink(what string, o *types.Object, name, target string) {
	e.t.Helper()
	meta := e.store.Metadata()
	if meta == nil {
		e.t.Fatal("Metadata() returned nil")
	}
	want := path.Join(meta.WorkDir, target)
	if o.Path != name || !o.Mode.IsLink() {
		e.t.Fatalf("%s = %s, want Path %q and mode link", what, describe(o), name)
	}
	got, ok := o.GetLinkTarget()
	if !ok || got != want {
		e.t.Fatalf("%s: link target %q (set %v), want %q", what, got, ok, want)
	}
}

// createLink calls CreateLink and checks the returned object and Stat.
func (e *env) createLink(l types.Linker, name, target string) {
	e.t.Helper()
	o, err := l.CreateLink(name, target)
	if err != nil {
		e.t.Fatalf("CreateLink(%q, %q): %v", name, target, err)
	}
	if o == nil {
		e.t.Fatalf("CreateLink(%q, %q) returned a nil object", name, target)
	}
	e.checkLink("CreateLink", o, name, target)
	e.checkLink("Stat of a link", e.mustStat(name), name, target)
}

func testLink(e *env, l types.Linker, targetExists bool) {
	name, target := e.name(), e.name()
	p := e.small()
	if targetExists {
		e.write(target, p)
	}
	e.deleteLater(name)
	e.createLink(l, name, target)
	if err := e.store.Delete(name); err != nil {
		e.t.Fatalf("Delete(%q) of a link: %v", name, err)
	}
	e.mustNotExist(name)
	if targetExists {
		e.mustHold(target, p) // deleting the link keeps its target
	}
}

func testRelink(e *env, l types.Linker) {
	name, first, second := e.name(), e.name(), e.name()
	e.deleteLater(name)
	e.createLink(l, name, first)
	e.createLink(l, name, second)
}
