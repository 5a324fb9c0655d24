package storagetest

import (
	"errors"
	"path"
	"testing"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// TestStorager checks the basic contract every types.Storager keeps: String
// and Metadata; Write and Read round trips for sizes 0, 1, small and large;
// Read with offset and size (size 0 reads nothing); overwrites; io_callback
// totals; nil and short and long readers; content_type kept by Write (for
// stores accepting it); Create and Stat (ErrObjectNotExist
// with a nil object when missing); idempotent, non-recursive Delete; List in
// dir, prefix and default modes, with an empty directory ending at once with
// the bare types.IterateDone; absolute and backslash paths; and errors
// wrapped as services.StorageError carrying the operation name.
func TestStorager(t *testing.T, store types.Storager) {
	t.Run("Metadata", func(t *testing.T) { testMetadata(newEnv(t, store)) })
	t.Run("WriteRead", func(t *testing.T) { testWriteRead(newEnv(t, store)) })
	t.Run("ReadRange", func(t *testing.T) { testReadRange(newEnv(t, store)) })
	t.Run("Overwrite", func(t *testing.T) { testOverwrite(newEnv(t, store)) })
	t.Run("IoCallback", func(t *testing.T) { testIoCallback(newEnv(t, store)) })
	t.Run("WriteReaders", func(t *testing.T) { testWriteReaders(newEnv(t, store)) })
	t.Run("CreateStat", func(t *testing.T) { testCreateStat(newEnv(t, store)) })
	t.Run("ContentType", func(t *testing.T) { testContentType(newEnv(t, store)) })
	t.Run("Missing", func(t *testing.T) { testMissing(newEnv(t, store)) })
	t.Run("Delete", func(t *testing.T) { testDelete(newEnv(t, store)) })
	t.Run("List", func(t *testing.T) { testList(t, store) })
	t.Run("AbsolutePath", func(t *testing.T) { testAbsolutePath(newEnv(t, store)) })
	t.Run("BackslashPath", func(t *testing.T) { testBackslashPath(newEnv(t, store)) })
}

func testMetadata(e *env) {
	if e.store.String() == "" {
		e.t.Error("String() is empty")
	}
	meta := e.store.Metadata()
	if meta == nil {
		e.t.Fatal("Metadata() returned nil")
	}
	if !path.IsAbs(meta.WorkDir) {
		e.t.Errorf("Metadata().WorkDir = %q, want an absolute path", meta.WorkDir)
	}
}

func testWriteRead(e *env) {
	for _, p := range e.sizes() {
		name := e.name()
		e.write(name, p)
		e.mustHold(name, p)
		mustSize(e.t, e.mustStat(name), p.size)
	}
}

func testReadRange(e *env) {
	for _, p := range []payload{e.small(), e.large()} {
		if p.size < 2 {
			p.size = 2
		}
		name := e.name()
		e.write(name, p)
		off := 1 + e.rng.Int63n(p.size-1) // in [1, size)
		n := e.rng.Int63n(p.size - off + 1)
		e.mustRead(name, p, off, p.size-off, pairs.WithOffset(off))
		e.mustRead(name, p, 0, off, pairs.WithSize(off))
		e.mustRead(name, p, off, n, pairs.WithOffset(off), pairs.WithSize(n))
		e.mustRead(name, p, 0, p.size, pairs.WithOffset(0))
		e.mustRead(name, p, 0, 0, pairs.WithSize(0))
		e.mustRead(name, p, off, 0, pairs.WithOffset(off), pairs.WithSize(0))
	}
}

func testOverwrite(e *env) {
	name := e.name()
	first, second := e.small(), e.small()
	e.write(name, first)
	e.write(name, second)
	mustSize(e.t, e.mustStat(name), second.size)
	e.mustHold(name, second)

	// Overwriting with an empty object leaves an empty object.
	e.write(name, e.sized(0))
	mustSize(e.t, e.mustStat(name), 0)
}

func testIoCallback(e *env) {
	name := e.name()
	p := e.small()
	cb, total := withCallback()
	e.write(name, p, cb)
	if got := total(); got != p.size {
		e.t.Errorf("Write with io_callback: callback saw %d bytes, want %d", got, p.size)
	}
	cb, total = withCallback()
	n, sum, err := e.read(name, cb)
	if err != nil {
		e.t.Fatalf("Read with io_callback: %v", err)
	}
	if n != p.size || sum != p.sum() {
		e.t.Fatalf("Read with io_callback: %d bytes, want %v", n, p)
	}
	if got := total(); got != n {
		e.t.Errorf("Read with io_callback: callback saw %d bytes, want %d", got, n)
	}
}

func testWriteReaders(e *env) {
	e.t.Run("NilReaderSizeZero", func(t *testing.T) {
		e := newEnv(t, e.store)
		name := e.name()
		e.deleteLater(name)
		n, err := e.store.Write(name, nil, 0)
		if err != nil || n != 0 {
			t.Fatalf("Write(%q, nil, 0) = %d, %v; want 0, nil", name, n, err)
		}
		mustSize(t, e.mustStat(name), 0)
		e.mustRead(name, payload{}, 0, 0)
	})
	e.t.Run("NilReaderWithSize", func(t *testing.T) {
		e := newEnv(t, e.store)
		name := e.name()
		e.deleteLater(name)
		size := 1 + e.rng.Int63n(smallMax)
		_, err := e.store.Write(name, nil, size)
		if err == nil {
			t.Fatalf("Write(%q, nil, %d) succeeded, want an error", name, size)
		}
		wantOp(t, err, "write")
		e.mustNotExist(name)
	})
	e.t.Run("ReaderSizeZero", func(t *testing.T) {
		e := newEnv(t, e.store)
		name := e.name()
		e.deleteLater(name)
		n, err := e.store.Write(name, e.small().reader(), 0)
		if err != nil || n != 0 {
			t.Fatalf("Write(%q, r, 0) = %d, %v; want 0, nil", name, n, err)
		}
		mustSize(t, e.mustStat(name), 0)
	})
	e.t.Run("LongerReader", func(t *testing.T) {
		e := newEnv(t, e.store)
		name := e.name()
		e.deleteLater(name)
		p := e.small()
		extra := 1 + e.rng.Int63n(smallMax)
		n, err := e.store.Write(name, p.readerWithExtra(extra), p.size)
		if err != nil || n != p.size {
			t.Fatalf("Write(%q, %d+%d bytes, %d) = %d, %v; want %d, nil", name, p.size, extra, p.size, n, err, p.size)
		}
		mustSize(t, e.mustStat(name), p.size)
		e.mustHold(name, p)
	})
	e.t.Run("ShorterReader", func(t *testing.T) {
		e := newEnv(t, e.store)
		name := e.name()
		e.deleteLater(name)
		p := e.small()
		_, err := e.store.Write(name, p.reader(), p.size+1+e.rng.Int63n(smallMax))
		if err == nil {
			t.Fatalf("Write(%q) with a reader shorter than size succeeded, want an error", name)
		}
		wantOp(t, err, "write")
	})
}

func testCreateStat(e *env) {
	name := e.name()
	o := e.store.Create(name)
	if o == nil {
		e.t.Fatalf("Create(%q) returned nil", name)
	}
	if o.Path != name || o.ID == "" {
		e.t.Errorf("Create(%q) = %s, want Path %q and an ID", name, describe(o), name)
	}

	p := e.small()
	e.write(name, p)
	o = e.mustStat(name)
	if o.Path != name {
		e.t.Errorf("Stat(%q).Path = %q", name, o.Path)
	}
	if o.ID == "" {
		e.t.Errorf("Stat(%q).ID is empty", name)
	}
	if !o.Mode.IsRead() || o.Mode.IsDir() || o.Mode.IsPart() {
		e.t.Errorf("Stat(%q).Mode = %q, want read and neither dir nor part", name, o.Mode)
	}
	mustSize(e.t, o, p.size)
}

// testContentType checks that content_type given to Write is what Stat
// reports, for stores accepting the pair.
func testContentType(e *env) {
	name := e.name()
	e.deleteLater(name)
	p := e.small()
	_, err := e.store.Write(name, p.reader(), p.size, pairs.WithContentType(testContentTypeValue))
	if errors.Is(err, services.ErrCapabilityInsufficient) {
		e.t.Skipf("the store does not accept content_type on Write: %v", err)
	}
	if err != nil {
		e.t.Fatalf("Write(%q, content_type): %v", name, err)
	}
	o := e.mustStat(name)
	if ct, ok := o.GetContentType(); !ok || ct != testContentTypeValue {
		e.t.Errorf("Stat(%q) content type %q (set %v), want %q", name, ct, ok, testContentTypeValue)
	}
	e.mustHold(name, p)
}

// testContentTypeValue is the media type the suite writes and expects back.
const testContentTypeValue = "application/x-storagetest"

func testMissing(e *env) {
	name := e.name()
	e.mustNotExist(name)
	w := newHashWriter()
	n, err := e.store.Read(name, w)
	wantError(e.t, err, "read", services.ErrObjectNotExist)
	if n != 0 || w.n != 0 {
		e.t.Errorf("Read of a missing object returned %d bytes and wrote %d", n, w.n)
	}
}

func testDelete(e *env) {
	name := e.name()
	e.write(name, e.small())
	sibling := name + "-sibling"
	e.write(sibling, e.sized(1))
	child := name + "/child"
	e.write(child, e.sized(1))

	for i := 0; i < 2; i++ {
		if err := e.store.Delete(name); err != nil {
			e.t.Fatalf("Delete(%q) #%d: %v", name, i+1, err)
		}
	}
	e.mustNotExist(name)
	// Delete removes one object: neither a sibling sharing its prefix nor an
	// object below it as a directory.
	e.mustStat(sibling)
	e.mustStat(child)

	if err := e.store.Delete(e.name()); err != nil {
		e.t.Errorf("Delete of a never-written object: %v", err)
	}
}

func testAbsolutePath(e *env) {
	meta := e.store.Metadata()
	if meta == nil {
		e.t.Fatal("Metadata() returned nil")
	}
	name := e.name()
	abs := path.Join(meta.WorkDir, name)
	p := e.small()
	e.write(abs, p)
	o := e.mustStat(abs)
	if o.Path != abs {
		e.t.Errorf("Stat(%q).Path = %q, want the absolute path", abs, o.Path)
	}
	mustSize(e.t, o, p.size)
	e.mustHold(abs, p)
	// The same object answers to its relative name.
	if o := e.mustStat(name); o.Path != name {
		e.t.Errorf("Stat(%q).Path = %q", name, o.Path)
	}
	e.mustHold(name, p)
	if err := e.store.Delete(abs); err != nil {
		e.t.Fatalf("Delete(%q): %v", abs, err)
	}
	e.mustNotExist(abs)
	e.mustNotExist(name)
}

func testBackslashPath(e *env) {
	dir, file := e.name(), e.name()
	back, slash := dir+`\`+file, dir+"/"+file
	p := e.small()
	e.write(back, p)
	e.deleteLater(slash)
	o := e.mustStat(back)
	if o.Path != slash {
		e.t.Errorf("Stat(%q).Path = %q, want %q", back, o.Path, slash)
	}
	mustSize(e.t, o, p.size)
	if o := e.mustStat(slash); o.Path != slash {
		e.t.Errorf("Stat(%q).Path = %q", slash, o.Path)
	}
	e.mustHold(back, p)
	e.mustHold(slash, p)
	if err := e.store.Delete(back); err != nil {
		e.t.Fatalf("Delete(%q): %v", back, err)
	}
	e.mustNotExist(slash)
}

// findPath returns the object with Path p in objs, or nil.
func findPath(objs []*types.Object, p string) *types.Object {
	for _, o := range objs {
		if o.Path == p {
			return o
		}
	}
	return nil
}
