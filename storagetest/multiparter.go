package storagetest

import (
	"crypto/sha256"
	"io"
	"testing"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// TestMultiparter checks types.Multiparter: CreateMultipart returns a part
// object (mode part, not read) with a multipart id and may be repeated for one
// path, giving a new upload; Stat and Create with multipart_id describe the
// upload; the upload is not an object until completed; List in part mode
// shows uploads with their ids (an empty directory ends at once with the bare
// IterateDone); WriteMultipart returns n == size and the part (index 0 is
// valid); ListMultipart returns the parts with their index and size;
// CompleteMultipart turns the upload into a readable object holding the parts
// in order; Delete with multipart_id aborts idempotently; WriteMultipart on an
// object not in part mode fails with ErrObjectModeInvalid.
func TestMultiparter(t *testing.T, store types.Storager) {
	m, ok := store.(types.Multiparter)
	if !ok {
		t.Fatalf("%s does not implement types.Multiparter", store)
	}
	t.Run("Create", func(t *testing.T) { testMultipartCreate(newEnv(t, store), m) })
	t.Run("Abort", func(t *testing.T) { testMultipartAbort(newEnv(t, store), m) })
	t.Run("WriteListComplete", func(t *testing.T) { testMultipartComplete(newEnv(t, store), m) })
	t.Run("EmptyPartList", func(t *testing.T) {
		e := newEnv(t, store)
		dir := e.dir()
		e.makeDir(dir)
		it, err := store.List(dir, pairs.WithListMode(types.ListModePart))
		if err != nil || it == nil {
			t.Fatalf("List(%q, part mode) = %v, %v", dir, it, err)
		}
		o, err := it.Next()
		wantDone(t, "List of an empty directory in part mode", o, err)
	})
	t.Run("WrongMode", func(t *testing.T) {
		e := newEnv(t, store)
		name := e.name()
		e.write(name, e.small())
		o := store.Create(name)
		o.Mode = types.ModeRead
		_, _, err := m.WriteMultipart(o, e.sized(1).reader(), 1, 0)
		wantError(t, err, "write_multipart", services.ErrObjectModeInvalid)
	})
}

// createMultipart starts an upload at name, checks the returned object and
// schedules the upload's abort.
func (e *env) createMultipart(m types.Multiparter, name string) (*types.Object, string) {
	e.t.Helper()
	o, err := m.CreateMultipart(name)
	if err != nil {
		e.t.Fatalf("CreateMultipart(%q): %v", name, err)
	}
	if o == nil {
		e.t.Fatalf("CreateMultipart(%q) returned a nil object", name)
	}
	id, ok := o.GetMultipartID()
	if !ok || id == "" {
		e.t.Fatalf("CreateMultipart(%q): multipart id not set", name)
	}
	e.deleteLater(name, pairs.WithMultipartID(id))
	e.checkPartObject("CreateMultipart", o, name, id)
	return o, id
}

// checkPartObject checks that o describes upload id at name.
func (e *env) checkPartObject(what string, o *types.Object, name, id string) {
	e.t.Helper()
	if o == nil {
		e.t.Fatalf("%s: nil object", what)
	}
	if o.Path != name || !o.Mode.IsPart() || o.Mode.IsRead() {
		e.t.Fatalf("%s = %s, want Path %q and mode part without read", what, describe(o), name)
	}
	if got, ok := o.GetMultipartID(); !ok || got != id {
		e.t.Fatalf("%s: multipart id %q (set %v), want %q", what, got, ok, id)
	}
}

// listUploads lists dir in part mode and returns the ids of the uploads at name.
func (e *env) listUploads(dir, name string) []string {
	e.t.Helper()
	var ids []string
	for _, o := range e.list(dir, pairs.WithListMode(types.ListModePart)) {
		if !o.Mode.IsPart() {
			e.t.Errorf("part mode: %s has mode %q, want part", o.Path, o.Mode)
		}
		id, ok := o.GetMultipartID()
		if !ok || id == "" {
			e.t.Errorf("part mode: %s has no multipart id", o.Path)
		}
		if o.Path == name {
			ids = append(ids, id)
		}
	}
	return ids
}

func contains(ids []string, id string) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func testMultipartCreate(e *env, m types.Multiparter) {
	dir := e.dir()
	name := dir + e.name()
	_, id1 := e.createMultipart(m, name)
	_, id2 := e.createMultipart(m, name)
	if id1 == id2 {
		e.t.Fatalf("two CreateMultipart(%q) calls returned the same id %q", name, id1)
	}
	for _, id := range []string{id1, id2} {
		e.checkPartObject("Stat with multipart_id", e.mustStat(name, pairs.WithMultipartID(id)), name, id)
		e.checkPartObject("Create with multipart_id", e.store.Create(name, pairs.WithMultipartID(id)), name, id)
	}
	// An upload in progress is not an object yet.
	e.mustNotExist(name)
	ids := e.listUploads(dir, name)
	if len(ids) != 2 || !contains(ids, id1) || !contains(ids, id2) {
		e.t.Errorf("List(%q, part mode) shows uploads %q at %s, want %q and %q", dir, ids, name, id1, id2)
	}
}

func testMultipartAbort(e *env, m types.Multiparter) {
	dir := e.dir()
	name := dir + e.name()
	o, id := e.createMultipart(m, name)
	p := e.small()
	if _, _, err := m.WriteMultipart(o, p.reader(), p.size, 0); err != nil {
		e.t.Fatalf("WriteMultipart(%q, index 0): %v", name, err)
	}
	for i := 0; i < 2; i++ {
		if err := e.store.Delete(name, pairs.WithMultipartID(id)); err != nil {
			e.t.Fatalf("Delete(%q, multipart_id) #%d: %v", name, i+1, err)
		}
	}
	e.mustNotExist(name, pairs.WithMultipartID(id))
	e.mustNotExist(name)
	if ids := e.listUploads(dir, name); len(ids) != 0 {
		e.t.Errorf("List(%q, part mode) still shows aborted uploads %q", dir, ids)
	}
}

// writePart uploads p as part index of o and checks the result.
func (e *env) writePart(m types.Multiparter, o *types.Object, p payload, index int) *types.Part {
	e.t.Helper()
	n, part, err := m.WriteMultipart(o, p.reader(), p.size, index)
	if err != nil {
		e.t.Fatalf("WriteMultipart(%q, %v, index %d): %v", o.Path, p, index, err)
	}
	if n != p.size {
		e.t.Fatalf("WriteMultipart(%q, %v, index %d) = %d bytes, want %d", o.Path, p, index, n, p.size)
	}
	if part == nil {
		e.t.Fatalf("WriteMultipart(%q, index %d) returned a nil part", o.Path, index)
	}
	if part.Index != index || part.Size != p.size {
		e.t.Fatalf("WriteMultipart(%q, index %d) = part {Index %d, Size %d}, want {%d, %d}", o.Path, index, part.Index, part.Size, index, p.size)
	}
	return part
}

func testMultipartComplete(e *env, m types.Multiparter) {
	dir := e.dir()
	name := dir + e.name()
	o, id := e.createMultipart(m, name)
	e.deleteLater(name)

	// Every part but the last must reach the service's minimum part size.
	first := e.small()
	if meta := e.store.Metadata(); meta != nil {
		if min, ok := meta.GetMultipartSizeMinimum(); ok && first.size < min {
			first.size = min
		}
	}
	last := e.small()
	lastIndex := 1 + e.rng.Intn(999)
	parts := []*types.Part{e.writePart(m, o, first, 0), e.writePart(m, o, last, lastIndex)}

	it, err := m.ListMultipart(o)
	if err != nil || it == nil {
		e.t.Fatalf("ListMultipart(%q) = %v, %v", name, it, err)
	}
	want := map[int]int64{0: first.size, lastIndex: last.size}
	for {
		p, err := it.Next()
		if err != nil {
			if err != types.IterateDone { //nolint:errorlint // the contract is the bare sentinel
				e.t.Fatalf("ListMultipart(%q): Next() error %v, want IterateDone at the end", name, err)
			}
			break
		}
		size, ok := want[p.Index]
		if !ok {
			e.t.Fatalf("ListMultipart(%q) returned unexpected or repeated part %d", name, p.Index)
		}
		if p.Size != size {
			e.t.Errorf("ListMultipart(%q): part %d has size %d, want %d", name, p.Index, p.Size, size)
		}
		delete(want, p.Index)
	}
	if len(want) != 0 {
		e.t.Errorf("ListMultipart(%q) did not return parts %v", name, want)
	}

	ids := e.listUploads(dir, name)
	if len(ids) != 1 || ids[0] != id {
		e.t.Errorf("List(%q, part mode) shows uploads %q at %s, want [%q]", dir, ids, name, id)
	}

	if err := m.CompleteMultipart(o, parts); err != nil {
		e.t.Fatalf("CompleteMultipart(%q): %v", name, err)
	}
	st := e.mustStat(name)
	if !st.Mode.IsRead() || st.Mode.IsPart() {
		e.t.Errorf("Stat(%q) after CompleteMultipart: mode %q, want read and not part", name, st.Mode)
	}
	mustSize(e.t, st, first.size+last.size)

	h := sha256.New()
	_, _ = io.Copy(h, io.MultiReader(first.reader(), last.reader()))
	w := newHashWriter()
	n, err := e.store.Read(name, w)
	if err != nil {
		e.t.Fatalf("Read(%q) after CompleteMultipart: %v", name, err)
	}
	if n != first.size+last.size || string(w.h.Sum(nil)) != string(h.Sum(nil)) {
		e.t.Fatalf("Read(%q) after CompleteMultipart: %d bytes, want the two parts in order (%d bytes)", name, n, first.size+last.size)
	}
	if ids := e.listUploads(dir, name); len(ids) != 0 {
		e.t.Errorf("List(%q, part mode) still shows completed uploads %q", dir, ids)
	}
}
