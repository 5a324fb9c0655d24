package storagetest

import (
	"crypto/sha256"
	"io"
	"testing"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// TestAppender checks types.Appender: CreateAppend returns an append-mode
// object at offset 0; WriteAppend returns n == size and advances the object's
// append offset, so one object serves consecutive appends; after CommitAppend
// the content is every append in order; CreateAppend on an existing path
// starts over at offset 0 and replaces the content; WriteAppend on an object
// that is not in append mode fails with ErrObjectModeInvalid; an append
// object is deleted idempotently.
func TestAppender(t *testing.T, store types.Storager) {
	a, ok := store.(types.Appender)
	if !ok {
		t.Fatalf("%s does not implement types.Appender", store)
	}
	t.Run("AppendCommitRead", func(t *testing.T) { testAppend(newEnv(t, store), a) })
	t.Run("CreateAgain", func(t *testing.T) { testAppendRecreate(newEnv(t, store), a) })
	t.Run("WrongMode", func(t *testing.T) { testAppendWrongMode(newEnv(t, store), a) })
	t.Run("Delete", func(t *testing.T) { testAppendDelete(newEnv(t, store), a) })
}

// createAppend calls CreateAppend and checks the returned object.
func (e *env) createAppend(a types.Appender, name string) *types.Object {
	e.t.Helper()
	e.deleteLater(name)
	o, err := a.CreateAppend(name)
	if err != nil {
		e.t.Fatalf("CreateAppend(%q): %v", name, err)
	}
	if o == nil {
		e.t.Fatalf("CreateAppend(%q) returned a nil object", name)
	}
	if !o.Mode.IsAppend() {
		e.t.Fatalf("CreateAppend(%q).Mode = %q, want append", name, o.Mode)
	}
	if o.Path != name {
		e.t.Errorf("CreateAppend(%q).Path = %q", name, o.Path)
	}
	if off, ok := o.GetAppendOffset(); !ok || off != 0 {
		e.t.Fatalf("CreateAppend(%q): append offset = %d (set %v), want 0", name, off, ok)
	}
	return o
}

// appendPayload appends p to o and checks n and the new offset.
func (e *env) appendPayload(a types.Appender, o *types.Object, p payload, h io.Writer) {
	e.t.Helper()
	before, _ := o.GetAppendOffset()
	n, err := a.WriteAppend(o, io.TeeReader(p.reader(), h), p.size)
	if err != nil {
		e.t.Fatalf("WriteAppend(%q, %v): %v", o.Path, p, err)
	}
	if n != p.size {
		e.t.Fatalf("WriteAppend(%q, %v) = %d bytes, want %d", o.Path, p, n, p.size)
	}
	if after, ok := o.GetAppendOffset(); !ok || after != before+n {
		e.t.Fatalf("WriteAppend(%q): append offset %d -> %d (set %v), want %d", o.Path, before, after, ok, before+n)
	}
}

func testAppend(e *env, a types.Appender) {
	name := e.name()
	o := e.createAppend(a, name)
	h := sha256.New()
	first, second := e.small(), e.small()
	e.appendPayload(a, o, first, h)
	e.appendPayload(a, o, second, h)
	if err := a.CommitAppend(o); err != nil {
		e.t.Fatalf("CommitAppend(%q): %v", name, err)
	}
	total := first.size + second.size
	w := newHashWriter()
	n, err := e.store.Read(name, w)
	if err != nil {
		e.t.Fatalf("Read(%q) after CommitAppend: %v", name, err)
	}
	if n != total || string(w.h.Sum(nil)) != string(h.Sum(nil)) {
		e.t.Fatalf("Read(%q) after two appends: %d bytes, want %d bytes: the two appends in order", name, n, total)
	}
	mustSize(e.t, e.mustStat(name), total)
	// A size limit stops inside the appended content.
	e.mustRead(name, first, 0, first.size, pairs.WithSize(first.size))
}

func testAppendRecreate(e *env, a types.Appender) {
	name := e.name()
	o := e.createAppend(a, name)
	e.appendPayload(a, o, e.small(), io.Discard)
	if err := a.CommitAppend(o); err != nil {
		e.t.Fatalf("CommitAppend(%q): %v", name, err)
	}
	o = e.createAppend(a, name)
	p := e.small()
	e.appendPayload(a, o, p, io.Discard)
	if err := a.CommitAppend(o); err != nil {
		e.t.Fatalf("CommitAppend(%q): %v", name, err)
	}
	e.mustHold(name, p)
}

func testAppendWrongMode(e *env, a types.Appender) {
	name := e.name()
	e.write(name, e.small())
	o := e.store.Create(name)
	o.Mode = types.ModeRead
	_, err := a.WriteAppend(o, e.sized(1).reader(), 1)
	wantError(e.t, err, "write_append", services.ErrObjectModeInvalid)
}

func testAppendDelete(e *env, a types.Appender) {
	name := e.name()
	o := e.createAppend(a, name)
	e.appendPayload(a, o, e.small(), io.Discard)
	if err := a.CommitAppend(o); err != nil {
		e.t.Fatalf("CommitAppend(%q): %v", name, err)
	}
	for i := 0; i < 2; i++ {
		if err := e.store.Delete(name); err != nil {
			e.t.Fatalf("Delete(%q) #%d: %v", name, i+1, err)
		}
	}
	e.mustNotExist(name)
}
