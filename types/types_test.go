package types

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestObjectModeString(t *testing.T) {
	cases := map[ObjectMode]string{
		0:                               "",
		ModeDir:                         "dir",
		ModeRead | ModeLink:             "read|link",
		ModeAppend | ModeDir | ModePage: "dir|page|append",
		ModePart | ModeBlock | ModeRead: "read|part|block",
		ModeDir | ModeRead | ModeLink | ModePart | ModeBlock | ModePage | ModeAppend: "dir|read|link|part|block|page|append",
	}
	for m, want := range cases {
		if got := m.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", uint32(m), got, want)
		}
	}
	var m ObjectMode
	m.Add(ModeRead | ModeAppend)
	if !m.IsRead() || !m.IsAppend() || m.IsDir() {
		t.Fatalf("after Add: %s", m)
	}
	m.Del(ModeRead)
	if m.IsRead() || !m.IsAppend() {
		t.Fatalf("after Del: %s", m)
	}
	checks := []struct {
		mode ObjectMode
		is   func(ObjectMode) bool
	}{
		{ModeDir, ObjectMode.IsDir}, {ModeRead, ObjectMode.IsRead}, {ModeLink, ObjectMode.IsLink},
		{ModePart, ObjectMode.IsPart}, {ModeBlock, ObjectMode.IsBlock}, {ModePage, ObjectMode.IsPage},
		{ModeAppend, ObjectMode.IsAppend},
	}
	for _, c := range checks {
		if !c.is(c.mode) || c.is(^c.mode) {
			t.Errorf("Is for %s wrong", c.mode)
		}
	}
}

func TestListModeString(t *testing.T) {
	if got := (ListModeDir | ListModeBlock).String(); got != "dir|block" {
		t.Fatalf("got %q", got)
	}
	l := ListModePrefix | ListModePart
	if l.IsDir() || !l.IsPrefix() || !l.IsPart() || l.IsBlock() {
		t.Fatalf("Is* wrong for %s", l)
	}
	if ListModeDir != 1 || ListModePrefix != 2 || ListModePart != 4 || ListModeBlock != 8 {
		t.Fatal("list mode values differ from go-storage")
	}
	if ModeDir != 1 || ModeRead != 2 || ModeLink != 4 || ModePart != 8 || ModeBlock != 16 || ModePage != 32 || ModeAppend != 64 {
		t.Fatal("object mode values differ from go-storage")
	}
}

func TestPairString(t *testing.T) {
	if got := (Pair{Key: "size", Value: 3}).String(); got != "size: 3" {
		t.Fatalf("got %q", got)
	}
}

// statStore is a Storager whose Stat counts calls and returns a fixed object.
type statStore struct {
	UnimplementedStorager
	calls atomic.Int32
	fail  bool
}

func (s *statStore) Stat(path string, pairs ...Pair) (*Object, error) {
	s.calls.Add(1)
	if s.fail {
		return nil, errors.New("boom")
	}
	o := NewObject(s, true)
	o.ID = "/abs/" + path
	o.Path = path
	o.Mode = ModeRead
	o.SetContentLength(42).SetEtag("e")
	return o, nil
}

func TestObjectLazyStatOnce(t *testing.T) {
	s := &statStore{}
	o := NewObject(s, false).SetPath("a").SetContentType("text/plain")
	if o.GetPath() != "a" || s.calls.Load() != 0 {
		t.Fatal("plain accessors or setters must not stat")
	}
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if n, ok := o.GetContentLength(); !ok || n != 42 {
				t.Errorf("GetContentLength = %d, %v", n, ok)
			}
		}()
	}
	wg.Wait()
	if got := s.calls.Load(); got != 1 {
		t.Fatalf("stat ran %d times, want 1", got)
	}
	// The stat replaced every field, including which ones are set.
	if _, ok := o.GetContentType(); ok {
		t.Fatal("content type survived the stat")
	}
	if o.ID != "/abs/a" || o.Mode != ModeRead || o.MustGetEtag() != "e" {
		t.Fatalf("fields not replaced: %q %s", o.ID, o.Mode)
	}
	o.GetEtag()
	if s.calls.Load() != 1 {
		t.Fatal("stat ran again")
	}
}

func TestObjectLazyStatErrorKeepsFields(t *testing.T) {
	s := &statStore{fail: true}
	o := NewObject(s, false).SetPath("a").SetContentType("x")
	if v, ok := o.GetContentType(); !ok || v != "x" {
		t.Fatalf("GetContentType = %q, %v", v, ok)
	}
	if _, ok := o.GetContentLength(); ok {
		t.Fatal("content length set")
	}
	if s.calls.Load() != 1 {
		t.Fatalf("stat ran %d times", s.calls.Load())
	}
}

func TestObjectDoneNeverStats(t *testing.T) {
	s := &statStore{}
	o := NewObject(s, true)
	if _, ok := o.GetContentLength(); ok || s.calls.Load() != 0 {
		t.Fatal("done object stat'ed")
	}
	defer func() {
		if r := recover(); r != "object multipart-id is not set" {
			t.Fatalf("panic = %v", r)
		}
	}()
	o.MustGetMultipartID()
}

func TestObjectAccessors(t *testing.T) {
	o := NewObject(nil, true)
	now := time.Now()
	o.SetID("id").SetMode(ModeAppend).SetAppendOffset(3).SetContentLength(4).SetContentMd5("m").
		SetContentType("t").SetEtag("e").SetLastModified(now).SetLinkTarget("/l").
		SetMultipartID("u").SetSystemMetadata(7).SetUserMetadata(map[string]string{"k": "v"})
	if o.GetID() != "id" || o.GetMode() != ModeAppend || o.MustGetAppendOffset() != 3 ||
		o.MustGetContentLength() != 4 || o.MustGetContentMd5() != "m" || o.MustGetContentType() != "t" ||
		o.MustGetEtag() != "e" || !o.MustGetLastModified().Equal(now) || o.MustGetLinkTarget() != "/l" ||
		o.MustGetMultipartID() != "u" || o.MustGetSystemMetadata() != 7 || o.MustGetUserMetadata()["k"] != "v" {
		t.Fatal("accessor round trip failed")
	}
}

func TestStorageMeta(t *testing.T) {
	m := NewStorageMeta().SetName("b").SetWorkDir("/w/").SetLocation("z").SetMultipartNumberMaximum(10000)
	if m.GetName() != "b" || m.GetWorkDir() != "/w/" || m.MustGetLocation() != "z" || m.MustGetMultipartNumberMaximum() != 10000 {
		t.Fatal("round trip failed")
	}
	if v, ok := m.GetWriteSizeMaximum(); ok || v != 0 {
		t.Fatal("unset field reported set")
	}
	defer func() {
		if r := recover(); r != "storage-meta copy-size-maximum is not set" {
			t.Fatalf("panic = %v", r)
		}
	}()
	m.MustGetCopySizeMaximum()
}

type token string

func (t token) ContinuationToken() string { return string(t) }

// cursor is a page status that counts pages.
type cursor struct{ page int }

func (c *cursor) ContinuationToken() string { return fmt.Sprint(c.page) }

func TestObjectIteratorPages(t *testing.T) {
	var calls int
	next := func(ctx context.Context, page *ObjectPage) error {
		calls++
		c := page.Status.(*cursor)
		c.page++
		switch c.page {
		case 1:
			page.Data = append(page.Data, &Object{Path: "a"}, &Object{Path: "b"})
			return nil
		case 2:
			return nil // empty page: not finished
		case 3:
			page.Data = append(page.Data, &Object{Path: "c"})
			return fmt.Errorf("last: %w", IterateDone)
		}
		t.Fatal("next called after the last page")
		return nil
	}
	it := NewObjectIterator(context.Background(), next, &cursor{})
	var got []string
	for i := 0; i < 10; i++ {
		o, err := it.Next()
		if err != nil {
			if err != IterateDone { // the bare sentinel, compared by identity
				t.Fatalf("err = %v", err)
			}
			if o != nil {
				t.Fatal("object with IterateDone")
			}
			continue
		}
		got = append(got, o.Path)
	}
	if strings.Join(got, ",") != "a,b,c" || calls != 3 {
		t.Fatalf("got %v after %d calls", got, calls)
	}
	if it.ContinuationToken() != "3" {
		t.Fatalf("token %q", it.ContinuationToken())
	}
}

func TestIteratorError(t *testing.T) {
	boom := errors.New("boom")
	it := NewPartIterator(context.Background(), func(ctx context.Context, page *PartPage) error { return boom }, token("x"))
	p, err := it.Next()
	if p != nil || !errors.Is(err, boom) || err.Error() != "iterator next failed: boom" {
		t.Fatalf("Next = %v, %v", p, err)
	}
	bi := NewBlockIterator(context.Background(), func(ctx context.Context, page *BlockPage) error {
		page.Data = append(page.Data, &Block{ID: "1", Size: 2})
		return IterateDone
	}, token("t"))
	if b, err := bi.Next(); err != nil || b.ID != "1" {
		t.Fatalf("block = %v, %v", b, err)
	}
	if _, err := bi.Next(); err != IterateDone || bi.ContinuationToken() != "t" {
		t.Fatalf("err = %v", err)
	}
	si := NewStoragerIterator(context.Background(), func(ctx context.Context, page *StoragerPage) error {
		return IterateDone
	}, token(""))
	if s, err := si.Next(); s != nil || err != IterateDone {
		t.Fatalf("storager = %v, %v", s, err)
	}
}

// A next function that fails after delivering items: Next reports the
// error, then hands out those items, then asks for the page again (as
// go-storage's iterators do). The next function sees the iterator's context.
func TestIteratorFailedPageKeepsItems(t *testing.T) {
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "v")
	calls := 0
	it := NewPartIterator(ctx, func(c context.Context, page *PartPage) error {
		calls++
		if c.Value(key{}) != "v" {
			t.Fatal("next got another context")
		}
		if calls == 1 {
			page.Data = append(page.Data, &Part{Index: 1})
			return errors.New("cut short")
		}
		page.Data = append(page.Data, &Part{Index: 2})
		return IterateDone
	}, nil)
	if _, err := it.Next(); err == nil || err.Error() != "iterator next failed: cut short" {
		t.Fatalf("first Next err = %v", err)
	}
	var got []int
	for {
		p, err := it.Next()
		if err == IterateDone {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Index)
	}
	if fmt.Sprint(got) != "[1 2]" || calls != 2 {
		t.Fatalf("parts %v after %d calls", got, calls)
	}
	// An iterator made without a page status has no token (go-storage
	// panicked here).
	if tok := it.ContinuationToken(); tok != "" {
		t.Fatalf("token %q without status", tok)
	}
}

// Setting a field to its zero value marks it set; an unset field panics with
// the documented text.
func TestObjectZeroValueIsSet(t *testing.T) {
	o := NewObject(nil, true).SetUserMetadata(nil).SetContentLength(0)
	if m, ok := o.GetUserMetadata(); !ok || m != nil {
		t.Fatalf("GetUserMetadata = %v, %v", m, ok)
	}
	if n, ok := o.GetContentLength(); !ok || n != 0 {
		t.Fatalf("GetContentLength = %d, %v", n, ok)
	}
	if v, ok := o.GetEtag(); ok || v != "" {
		t.Fatalf("unset etag = %q, %v", v, ok)
	}
	defer func() {
		if r := recover(); r != "object etag is not set" {
			t.Fatalf("panic = %v", r)
		}
	}()
	o.MustGetEtag()
}

func TestErrors(t *testing.T) {
	if IterateDone.Error() != "iterate is done" || ErrNotImplemented.Error() != "not implemented" {
		t.Fatal("messages")
	}
	err := NewOperationNotImplementedError("write")
	if err.Error() != "operation write: not implemented" || !errors.Is(err, ErrNotImplemented) {
		t.Fatalf("err = %v", err)
	}
	var oe OperationError
	if !errors.As(err, &oe) || oe.Unwrap() != ErrNotImplemented {
		t.Fatal("not an OperationError")
	}
	type internal interface{ IsInternalError() }
	for _, e := range []error{IterateDone, ErrNotImplemented, err} {
		if _, ok := e.(internal); !ok {
			t.Errorf("%v is not internal", e)
		}
	}
}

func TestUnimplementedStubs(t *testing.T) {
	var s Storager = UnimplementedStorager{}
	if s.String() != "UnimplementedStorager" || s.Create("x") != nil || s.Metadata() != nil {
		t.Fatal("local stubs")
	}
	_, err := s.Read("p", nil)
	if err == nil || err.Error() != "operation read: not implemented" {
		t.Fatalf("err = %v", err)
	}
	_, _, err = UnimplementedMultiparter{}.WriteMultipartWithContext(context.Background(), nil, nil, 0, 0)
	if !errors.Is(err, ErrNotImplemented) || !strings.Contains(err.Error(), "write_multipart") {
		t.Fatalf("err = %v", err)
	}
	_, err = UnimplementedMultipartHTTPSigner{}.QuerySignHTTPCreateMultipart("p", time.Second)
	if err.Error() != "operation query_sign_http_create_multipart: not implemented" {
		t.Fatalf("err = %v", err)
	}
}

func TestChainInterceptor(t *testing.T) {
	var log []string
	mk := func(name string) Interceptor {
		return func(ctx context.Context, method string) func(error) {
			log = append(log, name+" start "+method)
			return func(err error) { log = append(log, name+" end") }
		}
	}
	fin := ChainInterceptor(mk("a"), mk("b"))(context.Background(), "read")
	fin(nil)
	if got := strings.Join(log, ","); got != "a start read,b start read,b end,a end" {
		t.Fatalf("got %s", got)
	}
}
