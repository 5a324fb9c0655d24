package storagetest

import (
	"errors"
	"testing"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// transfer is Copy or Move seen through one signature.
type transfer struct {
	op   string // "copy" or "move"
	do   func(src, dst string, ps ...types.Pair) error
	move bool // the source disappears
}

func copierTransfer(c types.Copier) transfer {
	return transfer{op: "copy", do: c.Copy}
}

func moverTransfer(m types.Mover) transfer {
	return transfer{op: "move", do: m.Move, move: true}
}

// TestCopier checks types.Copier: Copy(src, dst) makes dst hold src's
// content, size and content type, leaves src as it was, overwrites an existing dst, and
// fails with ErrObjectNotExist (op "copy") when src is missing.
func TestCopier(t *testing.T, store types.Storager) {
	c, ok := store.(types.Copier)
	if !ok {
		t.Fatalf("%s does not implement types.Copier", store)
	}
	testTransfer(t, store, copierTransfer(c))
}

// TestMover checks types.Mover: Move(src, dst) makes dst hold src's content,
// size and content type and removes src (Stat src reports ErrObjectNotExist), overwrites
// an existing dst, and fails with ErrObjectNotExist (op "move") when src is
// missing.
func TestMover(t *testing.T, store types.Storager) {
	m, ok := store.(types.Mover)
	if !ok {
		t.Fatalf("%s does not implement types.Mover", store)
	}
	testTransfer(t, store, moverTransfer(m))
}

func testTransfer(t *testing.T, store types.Storager, tr transfer) {
	t.Run("NewDestination", func(t *testing.T) {
		e := newEnv(t, store)
		src, dst := e.name(), e.name()
		p := e.small()
		e.write(src, p)
		e.deleteLater(dst)
		e.transfer(tr, src, dst, p)
	})
	t.Run("Metadata", func(t *testing.T) {
		e := newEnv(t, store)
		src, dst := e.name(), e.name()
		p := e.small()
		e.deleteLater(src)
		e.deleteLater(dst)
		if _, err := store.Write(src, p.reader(), p.size, pairs.WithContentType(testContentTypeValue)); err != nil {
			if errors.Is(err, services.ErrCapabilityInsufficient) {
				t.Skipf("the store does not accept content_type on Write: %v", err)
			}
			t.Fatalf("Write(%q, content_type): %v", src, err)
		}
		before := e.mustStat(src)
		e.transfer(tr, src, dst, p)
		after := e.mustStat(dst)
		if want, ok := before.GetContentType(); ok {
			if got, _ := after.GetContentType(); got != want {
				t.Errorf("after %s: content type %q, want the source's %q", tr.op, got, want)
			}
		}
	})
	t.Run("ExistingDestination", func(t *testing.T) {
		e := newEnv(t, store)
		src, dst := e.name(), e.name()
		p := e.small()
		e.write(src, p)
		e.write(dst, e.small())
		e.transfer(tr, src, dst, p)
	})
	t.Run("EmptySource", func(t *testing.T) {
		e := newEnv(t, store)
		src, dst := e.name(), e.name()
		p := e.sized(0)
		e.write(src, p)
		e.deleteLater(dst)
		e.transfer(tr, src, dst, p)
	})
	t.Run("MissingSource", func(t *testing.T) {
		e := newEnv(t, store)
		src, dst := e.name(), e.name()
		e.deleteLater(dst)
		wantError(t, tr.do(src, dst), tr.op, services.ErrObjectNotExist)
		e.mustNotExist(dst)
	})
}

// transfer runs tr from src to dst and checks the outcome against p.
func (e *env) transfer(tr transfer, src, dst string, p payload) {
	e.t.Helper()
	if err := tr.do(src, dst); err != nil {
		e.t.Fatalf("%s(%q, %q): %v", tr.op, src, dst, err)
	}
	e.mustHold(dst, p)
	o := e.mustStat(dst)
	if o.Path != dst || !o.Mode.IsRead() {
		e.t.Errorf("after %s: Stat(%q) = %s, want Path %q and mode read", tr.op, dst, describe(o), dst)
	}
	mustSize(e.t, o, p.size)
	if tr.move {
		e.mustNotExist(src)
	} else {
		e.mustHold(src, p)
	}
}

// TestCopierWithDir checks a store with real directories: copying a file
// onto an existing directory fails with ErrObjectModeInvalid (op "copy") and
// leaves the directory in place.
func TestCopierWithDir(t *testing.T, store types.Storager) {
	c, ok := store.(types.Copier)
	if !ok {
		t.Fatalf("%s does not implement types.Copier", store)
	}
	testTransferOntoDir(t, store, copierTransfer(c), false)
}

// TestCopierWithVirtualDir checks a store that only simulates directories:
// copying a file onto the name of an existing directory succeeds, and the
// file then answers Stat as a readable object with the source's size.
func TestCopierWithVirtualDir(t *testing.T, store types.Storager) {
	c, ok := store.(types.Copier)
	if !ok {
		t.Fatalf("%s does not implement types.Copier", store)
	}
	testTransferOntoDir(t, store, copierTransfer(c), true)
}

// TestMoverWithDir checks a store with real directories: moving a file onto
// an existing directory fails with ErrObjectModeInvalid (op "move"), leaving
// both the source and the directory in place.
func TestMoverWithDir(t *testing.T, store types.Storager) {
	m, ok := store.(types.Mover)
	if !ok {
		t.Fatalf("%s does not implement types.Mover", store)
	}
	testTransferOntoDir(t, store, moverTransfer(m), false)
}

// TestMoverWithVirtualDir checks a store that only simulates directories:
// moving a file onto the name of an existing directory succeeds, the source
// disappears, and the destination answers Stat as a readable object with the
// source's size.
func TestMoverWithVirtualDir(t *testing.T, store types.Storager) {
	m, ok := store.(types.Mover)
	if !ok {
		t.Fatalf("%s does not implement types.Mover", store)
	}
	testTransferOntoDir(t, store, moverTransfer(m), true)
}

func testTransferOntoDir(t *testing.T, store types.Storager, tr transfer, virtual bool) {
	d, ok := store.(types.Direr)
	if !ok {
		t.Fatalf("%s does not implement types.Direr", store)
	}
	e := newEnv(t, store)
	src, dst := e.name(), e.name()
	p := e.small()
	e.write(src, p)
	e.deleteLater(dst, pairs.WithObjectMode(types.ModeDir))
	if _, err := d.CreateDir(dst); err != nil {
		t.Fatalf("CreateDir(%q): %v", dst, err)
	}
	if !virtual {
		wantError(t, tr.do(src, dst), tr.op, services.ErrObjectModeInvalid)
		if o := e.mustStat(dst, pairs.WithObjectMode(types.ModeDir)); !o.Mode.IsDir() {
			t.Errorf("after a failed %s onto a directory, Stat(%q, dir).Mode = %q", tr.op, dst, o.Mode)
		}
		e.mustHold(src, p)
		return
	}
	e.deleteLater(dst)
	e.transfer(tr, src, dst, p)
}
