package memory_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/memory"
	"github.com/qsgo/qsgo/storagetest"
	"github.com/qsgo/qsgo/types"
)

// newStore returns a private memory store built from ps.
func newStore(tb testing.TB, ps ...types.Pair) *memory.Storage {
	tb.Helper()
	store, err := memory.NewStorager(ps...)
	if err != nil {
		tb.Fatalf("NewStorager(%v): %v", ps, err)
	}
	return store.(*memory.Storage)
}

// listPage is memory's list page size; ListObjects crosses two page boundaries.
const listPage = 100

func TestConformance(t *testing.T) {
	configs := []struct {
		name string
		ps   []types.Pair
		opts storagetest.Options
	}{
		{"root", nil, storagetest.Options{ListObjects: 2*listPage + 1}},
		{"workdir", []types.Pair{pairs.WithWorkDir("/work/dir/")}, storagetest.Options{}},
		{"loosepair", []types.Pair{pairs.WithWorkDir(`\loose\`), memory.WithEnableLoosePair()}, storagetest.Options{LoosePair: true}},
	}
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) { storagetest.TestAll(t, newStore(t, c.ps...), c.opts) })
	}
}

func TestConnectionStringSharesNamedSpaces(t *testing.T) {
	name := "t" + strings.ReplaceAll(uuid.NewString(), "-", "")
	a, err := services.NewStoragerFromString("memory://" + name + "/work/a/")
	if err != nil {
		t.Fatal(err)
	}
	meta := a.Metadata()
	if meta.Name != name || meta.WorkDir != "/work/a/" {
		t.Fatalf("Metadata() = {%q, %q}, want {%q, /work/a/}", meta.Name, meta.WorkDir, name)
	}
	if _, err := a.Write("x", strings.NewReader("hello"), 5); err != nil {
		t.Fatal(err)
	}
	// Same name, other work dir: the same object by its absolute path.
	b, err := services.NewStoragerFromString("memory://" + name + "/?enable_loose_pair")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := b.Read("work/a/x", &buf); err != nil || buf.String() != "hello" {
		t.Fatalf("second store with the same name: Read = %q, %v", buf.String(), err)
	}
	// No name: a private space.
	c, err := services.NewStoragerFromString("memory:///work/a/")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Stat("x"); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("an unnamed store sees another store's object: %v", err)
	}
}

func TestNewStoragerRejectsRelativeWorkDir(t *testing.T) {
	_, err := memory.NewStorager(pairs.WithWorkDir("relative/"))
	var ie services.InitError
	if !errors.As(err, &ie) || ie.Op != "new_storager" || ie.Type != memory.Type {
		t.Fatalf("NewStorager(relative work_dir) = %v, want an InitError", err)
	}
	if !errors.Is(err, services.ErrRestrictionDissatisfied) {
		t.Fatalf("error %v is not ErrRestrictionDissatisfied", err)
	}
}

func TestDirectoriesAreReal(t *testing.T) {
	s := newStore(t)
	if _, err := s.CreateDir("d"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Write("d", strings.NewReader("x"), 1)
	wantErr(t, err, "write", services.ErrObjectModeInvalid)
	_, err = s.CreateLink("d", "t")
	wantErr(t, err, "create_link", services.ErrObjectModeInvalid)
	_, err = s.CreateAppend("d")
	wantErr(t, err, "create_append", services.ErrObjectModeInvalid)

	if _, err := s.Write("f", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateDir("f")
	wantErr(t, err, "create_dir", services.ErrObjectModeInvalid)
	_, err = s.Write("name/", strings.NewReader("x"), 1)
	wantErr(t, err, "write", services.ErrObjectModeInvalid)

	// A plain Delete does not remove a directory; object_mode dir does.
	if err := s.Delete("d"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat("d", pairs.WithObjectMode(types.ModeDir)); err != nil {
		t.Fatalf("plain Delete removed a directory: %v", err)
	}
	// A directory implied by its content answers Stat with object_mode dir.
	if _, err := s.Write("implied/x", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	o, err := s.Stat("implied", pairs.WithObjectMode(types.ModeDir))
	if err != nil || !o.Mode.IsDir() {
		t.Fatalf("Stat(implied, dir) = %v, %v", o, err)
	}
	if _, err := s.Stat("implied"); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("Stat(implied) without object_mode = %v, want ErrObjectNotExist", err)
	}
}

func TestListShapes(t *testing.T) {
	s := newStore(t, pairs.WithWorkDir("/w/"))
	for _, p := range []string{"d/a", "d/sub/b", "d/sub-2", "/elsewhere/e"} {
		if _, err := s.Write(p, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateDir("d/sub"); err != nil { // also implied: listed once
		t.Fatal(err)
	}
	got := paths(t, s, "d", types.ListModeDir)
	want := "d/a:read d/sub-2:read d/sub/:dir"
	if got != want {
		t.Fatalf("List(d, dir) = %s, want %s", got, want)
	}
	if got := paths(t, s, "d/sub", types.ListModePrefix); got != "d/sub-2:read d/sub/:dir d/sub/b:read" {
		t.Fatalf("List(d/sub, prefix) = %s", got)
	}
	if got := paths(t, s, "/elsewhere/", types.ListModeDir); got != "/elsewhere/e:read" {
		t.Fatalf("List(/elsewhere/, dir) = %s, want absolute paths outside the work dir", got)
	}
	_, err := s.List("d", pairs.WithListMode(types.ListModeBlock))
	wantErr(t, err, "list", services.ErrListModeInvalid)
}

// paths lists p in mode and renders "path:mode" items in order.
func paths(t *testing.T, s types.Storager, p string, mode types.ListMode) string {
	t.Helper()
	it, err := s.List(p, pairs.WithListMode(mode))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		o, err := it.Next()
		if errors.Is(err, types.IterateDone) {
			return strings.Join(out, " ")
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o.Path+":"+o.Mode.String())
	}
}

func TestLinks(t *testing.T) {
	s := newStore(t, pairs.WithWorkDir("/w/"))
	if _, err := s.Write("target", strings.NewReader("content"), 7); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLink("link", "target"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := s.Read("link", &buf); err != nil || buf.String() != "content" {
		t.Fatalf("Read through a link = %q, %v", buf.String(), err)
	}
	if err := s.Copy("link", "copy"); err != nil {
		t.Fatal(err)
	}
	if o, err := s.Stat("copy"); err != nil || !o.Mode.IsRead() || o.Mode.IsLink() {
		t.Fatalf("Copy of a link should copy its target: %v, %v", o, err)
	}
	if err := s.Move("link", "moved"); err != nil {
		t.Fatal(err)
	}
	if o, err := s.Stat("moved"); err != nil || !o.Mode.IsLink() {
		t.Fatalf("Move of a link should move the link: %v, %v", o, err)
	}
	// A loop ends in an error, not a hang.
	if _, err := s.CreateLink("loop1", "loop2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLink("loop2", "loop1"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Read("loop1", io.Discard)
	wantErr(t, err, "read", services.ErrObjectModeInvalid)
	// A dangling link reads as missing.
	if _, err := s.CreateLink("dangling", "nowhere"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Read("dangling", io.Discard)
	wantErr(t, err, "read", services.ErrObjectNotExist)
}

func TestBadInputChangesNothing(t *testing.T) {
	s := newStore(t)
	// A huge claimed size with a short reader: an error, no object, and no
	// allocation of the claimed size.
	_, err := s.Write("huge", strings.NewReader("abc"), 1<<62)
	wantErr(t, err, "write", services.ErrUnexpected)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short reader error %v is not io.ErrUnexpectedEOF", err)
	}
	if _, err := s.Stat("huge"); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("failed write left an object: %v", err)
	}
	_, err = s.Write("neg", nil, -1)
	wantErr(t, err, "write", services.ErrRestrictionDissatisfied)
	if _, err := s.Write("f", strings.NewReader("abc"), 3); err != nil {
		t.Fatal(err)
	}
	_, err = s.Read("f", io.Discard, pairs.WithOffset(-1))
	wantErr(t, err, "read", services.ErrRestrictionDissatisfied)
	_, err = s.Read("f", io.Discard, types.Pair{Key: "size", Value: 3}) // int, not int64
	if !errors.Is(err, pairs.ErrPairTypeMismatch) {
		t.Fatalf("a pair of the wrong type: %v, want ErrPairTypeMismatch", err)
	}
	// Past the end reads nothing.
	if n, err := s.Read("f", io.Discard, pairs.WithOffset(10)); n != 0 || err != nil {
		t.Fatalf("Read past the end = %d, %v", n, err)
	}

	o, err := s.CreateMultipart("mp")
	if err != nil {
		t.Fatal(err)
	}
	for _, index := range []int{-1, 10000} {
		_, _, err = s.WriteMultipart(o, strings.NewReader("x"), 1, index)
		wantErr(t, err, "write_multipart", services.ErrRestrictionDissatisfied)
	}
	p0, p1 := writePart(t, s, o, "a", 0), writePart(t, s, o, "bc", 1)
	err = s.CompleteMultipart(o, []*types.Part{p1, p0})
	wantErr(t, err, "complete_multipart", services.ErrRestrictionDissatisfied)
	err = s.CompleteMultipart(o, []*types.Part{{Index: 0, Size: 5}})
	wantErr(t, err, "complete_multipart", services.ErrRestrictionDissatisfied)
	err = s.CompleteMultipart(o, []*types.Part{{Index: 7, Size: 1}})
	wantErr(t, err, "complete_multipart", services.ErrObjectNotExist)
	err = s.CompleteMultipart(o, nil)
	wantErr(t, err, "complete_multipart", services.ErrRestrictionDissatisfied)
	if _, err := s.Stat("mp"); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("failed completions created the object: %v", err)
	}
	if err := s.CompleteMultipart(o, []*types.Part{p0, p1}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := s.Read("mp", &buf); err != nil || buf.String() != "abc" {
		t.Fatalf("completed upload reads %q, %v", buf.String(), err)
	}
	_, _, err = s.WriteMultipart(o, strings.NewReader("x"), 1, 2)
	wantErr(t, err, "write_multipart", services.ErrObjectNotExist)
}

func writePart(t *testing.T, s *memory.Storage, o *types.Object, data string, index int) *types.Part {
	t.Helper()
	_, p, err := s.WriteMultipart(o, strings.NewReader(data), int64(len(data)), index)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAppendOffsetMismatch(t *testing.T) {
	s := newStore(t)
	a, err := s.CreateAppend("log")
	if err != nil {
		t.Fatal(err)
	}
	b := s.Create("log", pairs.WithObjectMode(types.ModeRead)) // lazily stat'ed
	b.Mode |= types.ModeAppend
	if _, err := s.WriteAppend(a, strings.NewReader("one"), 3); err != nil {
		t.Fatal(err)
	}
	// b is stat'ed now, at offset 3: it may append.
	if off := b.MustGetAppendOffset(); off != 3 {
		t.Fatalf("lazily stat'ed append offset = %d, want 3", off)
	}
	if _, err := s.WriteAppend(b, strings.NewReader("two"), 3); err != nil {
		t.Fatal(err)
	}
	// a is stale at offset 3.
	_, err = s.WriteAppend(a, strings.NewReader("x"), 1)
	wantErr(t, err, "write_append", memory.ErrAppendOffsetMismatch)
	var buf bytes.Buffer
	if _, err := s.Read("log", &buf); err != nil || buf.String() != "onetwo" {
		t.Fatalf("Read = %q, %v", buf.String(), err)
	}
	// Overwritten by Write: no longer appendable.
	if _, err := s.Write("log", nil, 0); err != nil {
		t.Fatal(err)
	}
	err = s.CommitAppend(b)
	wantErr(t, err, "commit_append", services.ErrObjectModeInvalid)
}

func TestContextCancellation(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.WriteWithContext(ctx, "x", strings.NewReader("abc"), 3)
	wantErr(t, err, "write", context.Canceled)
	if _, err := s.Stat("x"); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("a cancelled write created the object: %v", err)
	}
	if _, err := s.Write("x", strings.NewReader("abc"), 3); err != nil {
		t.Fatal(err)
	}
	_, err = s.ReadWithContext(ctx, "x", io.Discard)
	wantErr(t, err, "read", context.Canceled)
	it, err := s.List("")
	if err != nil {
		t.Fatal(err)
	}
	_ = it
	_, err = s.ListWithContext(ctx, "")
	wantErr(t, err, "list", context.Canceled)
}

func TestDefaultPairs(t *testing.T) {
	var seen int64
	s := newStore(t,
		pairs.WithDefaultContentType("text/plain"),
		pairs.WithDefaultIoCallback(func(b []byte) { seen += int64(len(b)) }),
	)
	if _, err := s.Write("x", strings.NewReader("abcd"), 4); err != nil {
		t.Fatal(err)
	}
	o, err := s.Stat("x")
	if err != nil {
		t.Fatal(err)
	}
	if ct, _ := o.GetContentType(); ct != "text/plain" {
		t.Fatalf("content type %q, want the default text/plain", ct)
	}
	if _, err := s.Write("y", strings.NewReader("ab"), 2, pairs.WithContentType("a/b")); err != nil {
		t.Fatal(err)
	}
	if o, _ := s.Stat("y"); o.MustGetContentType() != "a/b" {
		t.Fatalf("caller's content type lost to the default: %q", o.MustGetContentType())
	}
	if seen != 6 {
		t.Fatalf("default io_callback saw %d bytes, want 6", seen)
	}
}

func wantErr(t *testing.T, err error, op string, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want %v", op, err, target)
	}
	var se services.StorageError
	if !errors.As(err, &se) || se.Op != op {
		t.Fatalf("error %v is not a StorageError for %s", err, op)
	}
}
