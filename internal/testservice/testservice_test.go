package testservice

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

func newStore(t *testing.T, conn string, extra ...types.Pair) *Storage {
	t.Helper()
	st, err := services.NewStoragerFromString(conn, extra...)
	if err != nil {
		t.Fatalf("%s: %v", conn, err)
	}
	return st.(*Storage)
}

func TestRegistrationAndConnectionString(t *testing.T) {
	s := newStore(t, "testservice://conn/work/?enable_loose_pair&default_storage_class=cold&timeout=1000")
	if s.name != "conn" || s.workDir != "/work/" || !s.features.LoosePair || s.features.VirtualDir {
		t.Fatalf("store %+v", s)
	}
	if len(s.defaultPairs.Write) != 1 || s.defaultPairs.Write[0] != (types.Pair{Key: "storage_class", Value: "cold"}) ||
		len(s.defaultPairs.CreateAppend) != 1 || len(s.defaultPairs.Read) != 0 {
		t.Fatalf("default pairs %+v", s.defaultPairs)
	}
	if s.Metadata().Name != "conn" || GetStorageSystemMetadata(s.Metadata()).Zone != "local" {
		t.Fatal("metadata")
	}
	// secret_key is []byte: unpadded base64 in connection strings.
	newStore(t, "testservice://b?secret_key=AQID&part_size=0x100000")
	_, err := services.NewStoragerFromString("testservice://b?secret_key=AQID=")
	if !errors.Is(err, services.ErrConnectionStringInvalid) {
		t.Fatalf("padded base64: %v", err)
	}
	_, err = services.NewStoragerFromString("testservice://b?storage_features=x")
	if !errors.Is(err, services.ErrConnectionStringInvalid) || !strings.Contains(err.Error(), "type not parseable") {
		t.Fatalf("struct pair: %v", err)
	}
}

func TestConstructorPairs(t *testing.T) {
	_, err := NewStorager(ps.WithWorkDir("/x/"))
	var ie services.InitError
	var pre services.PairRequiredError
	if !errors.As(err, &ie) || ie.Op != "new_storager" || ie.Type != Type || !errors.As(err, &pre) ||
		len(pre.Keys) != 1 || pre.Keys[0] != "name" || !errors.Is(err, services.ErrRestrictionDissatisfied) {
		t.Fatalf("missing name: %v", err)
	}
	// The first occurrence wins; unknown keys are ignored by constructors.
	st, err := NewStorager(ps.WithName("first"), ps.WithName("second"), types.Pair{Key: "bogus", Value: 1},
		WithEnableVirtualDir(), WithStorageFeatures(StorageFeatures{LoosePair: true}),
		WithDefaultStoragePairs(DefaultStoragePairs{Read: []types.Pair{ps.WithSize(1)}}), ps.WithDefaultIoCallback(func([]byte) {}))
	if err != nil {
		t.Fatal(err)
	}
	s := st.(*Storage)
	if s.name != "first" || !s.features.VirtualDir || !s.features.LoosePair || len(s.defaultPairs.Read) != 2 {
		t.Fatalf("store %+v", s)
	}
	// A wrong value type is a typed error that does not show the value.
	_, err = NewStorager(ps.WithName("n"), types.Pair{Key: "secret_key", Value: "TOPSECRET"})
	if !errors.Is(err, ps.ErrPairTypeMismatch) || strings.Contains(err.Error(), "TOPSECRET") {
		t.Fatalf("mismatch: %v", err)
	}
	_, err = NewServicer(ps.WithEndpoint("http:h"))
	if !errors.As(err, &ie) || ie.Op != "new_servicer" || !errors.Is(err, services.ErrRestrictionDissatisfied) {
		t.Fatalf("servicer: %v", err)
	}
}

func TestWriteReadWithDefaultsAndCallbacks(t *testing.T) {
	s := newStore(t, "testservice://rw/?default_storage_class=cold")
	var seen int
	n, err := s.Write("a", strings.NewReader("hello world"), 5, ps.WithIoCallback(func(b []byte) { seen += len(b) }))
	if err != nil || n != 5 || seen != 5 {
		t.Fatalf("Write = %d, %v (callback saw %d)", n, err, seen)
	}
	o, err := s.Stat("a")
	if err != nil || GetObjectSystemMetadata(o).StorageClass != "cold" || o.MustGetContentLength() != 5 {
		t.Fatalf("Stat = %+v, %v", o, err)
	}
	// The caller's pair wins over the default one.
	if _, err := s.Write("b", strings.NewReader("x"), 1, WithStorageClass("hot")); err != nil {
		t.Fatal(err)
	}
	if o, _ := s.Stat("b"); GetObjectSystemMetadata(o).StorageClass != "hot" {
		t.Fatal("default pair won over the caller's")
	}
	var buf bytes.Buffer
	if n, err := s.Read("a", &buf, ps.WithOffset(1), ps.WithSize(3)); err != nil || n != 3 || buf.String() != "ell" {
		t.Fatalf("Read = %d, %q, %v", n, buf.String(), err)
	}
}

func TestCallerSliceNotModified(t *testing.T) {
	s := newStore(t, "testservice://slice/?default_storage_class=cold")
	opts := make([]types.Pair, 1, 4)
	opts[0] = ps.WithContentType("text/plain")
	spare := opts[:2]
	spare[1] = ps.WithSize(99)
	if _, err := s.Write("c", strings.NewReader("x"), 1, opts...); err != nil {
		t.Fatal(err)
	}
	if spare[1] != ps.WithSize(99) {
		t.Fatalf("default pairs were written into the caller's array: %v", spare[1])
	}
}

func TestUnsupportedAndMismatchedPairs(t *testing.T) {
	s := newStore(t, "testservice://strict/")
	calls := s.calls
	_, err := s.Read("a", &bytes.Buffer{}, ps.WithContentType("x"))
	var se services.StorageError
	var pue services.PairUnsupportedError
	if !errors.As(err, &se) || se.Op != "read" || !errors.As(err, &pue) || pue.Pair.Key != "content_type" ||
		!errors.Is(err, services.ErrCapabilityInsufficient) {
		t.Fatalf("unsupported: %v", err)
	}
	_, err = s.Read("a", &bytes.Buffer{}, types.Pair{Key: "size", Value: 3})
	var pe *ps.Error
	if !errors.As(err, &pe) || pe.Key != "size" || pe.Type != "int64" || !errors.Is(err, ps.ErrPairTypeMismatch) {
		t.Fatalf("mismatch: %v", err)
	}
	if s.calls != calls {
		t.Fatal("implementation called despite bad pairs")
	}
	// With loose_pair, unsupported pairs are ignored.
	loose := newStore(t, "testservice://strict/?enable_loose_pair")
	if _, err := loose.Write("a", strings.NewReader("x"), 1, ps.WithMultipartID("ignored")); err != nil {
		t.Fatalf("loose: %v", err)
	}
}

func TestRequiredOpPair(t *testing.T) {
	s := newStore(t, "testservice://req/")
	_, err := s.Reach("a")
	var pre services.PairRequiredError
	if !errors.As(err, &pre) || pre.Keys[0] != "expire" {
		t.Fatalf("Reach = %v", err)
	}
	url, err := s.Reach("a", ps.WithExpire(time.Minute))
	if err != nil || url != "mem://req/a?expires=60" {
		t.Fatalf("Reach = %q, %v", url, err)
	}
}

func TestObjectModeCheck(t *testing.T) {
	s := newStore(t, "testservice://mode/")
	calls := s.calls
	o := s.Create("plain")
	_, err := s.WriteAppend(o, strings.NewReader("x"), 1)
	var me services.ObjectModeInvalidError
	if !errors.As(err, &me) || me.Expected != types.ModeAppend || me.Actual != types.ModeRead ||
		!errors.Is(err, services.ErrObjectModeInvalid) {
		t.Fatalf("WriteAppend = %v", err)
	}
	var se services.StorageError
	if !errors.As(err, &se) || se.Op != "write_append" || se.Path != nil {
		t.Fatalf("error context: %#v", se)
	}
	if err := s.CommitAppend(nil); !errors.Is(err, services.ErrObjectModeInvalid) {
		t.Fatalf("nil object: %v", err)
	}
	if s.calls != calls {
		t.Fatal("implementation called with a bad mode")
	}
	ao, err := s.CreateAppend("app")
	if err != nil || !ao.Mode.IsAppend() || ao.MustGetAppendOffset() != 0 {
		t.Fatalf("CreateAppend = %v", err)
	}
	for i := 0; i < 2; i++ {
		if n, err := s.WriteAppend(ao, strings.NewReader("ab"), 2); err != nil || n != 2 {
			t.Fatalf("WriteAppend = %d, %v", n, err)
		}
	}
	if err := s.CommitAppend(ao); err != nil || ao.MustGetAppendOffset() != 4 {
		t.Fatalf("CommitAppend = %v", err)
	}
	// Create honours object_mode, and Create ignores pair errors.
	if d := s.Create("d", ps.WithObjectMode(types.ModeDir)); !d.Mode.IsDir() || d.Path != "d" {
		t.Fatalf("Create dir = %+v", d)
	}
	if d := s.Create("e", ps.WithSize(1)); d == nil || d.Path != "e" {
		t.Fatal("Create with an unsupported pair")
	}
}

func TestBackslashRewrite(t *testing.T) {
	s := newStore(t, "testservice://slash/")
	if _, err := s.Write(`a\b`, strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	o, err := s.Stat("a/b")
	if err != nil || o.Path != "a/b" {
		t.Fatalf("Stat = %v", err)
	}
	if o, err := s.Stat(`a\b`); err != nil || o.Path != "a/b" {
		t.Fatalf("Stat backslash = %v", err)
	}
	if err := s.Copy(`a\b`, `c\d`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat("c/d"); err != nil {
		t.Fatal(err)
	}
	if c := s.Create(`x\y`); c.Path != "x/y" {
		t.Fatalf("Create path %q", c.Path)
	}
}

func TestErrorWrapping(t *testing.T) {
	s := newStore(t, "testservice://errs/")
	_, err := s.Read(`no\such`, &bytes.Buffer{})
	var se services.StorageError
	if !errors.As(err, &se) || se.Op != "read" || len(se.Path) != 1 || se.Path[0] != "no/such" ||
		!errors.Is(err, services.ErrObjectNotExist) || se.Storager != s {
		t.Fatalf("Read = %v", err)
	}
	err = s.Copy("missing", "dst")
	if !errors.As(err, &se) || se.Op != "copy" || strings.Join(se.Path, ",") != "missing,dst" {
		t.Fatalf("Copy = %v", err)
	}
	_, err = s.List("", ps.WithListMode(types.ListModeDir))
	if !errors.Is(err, services.ErrListModeInvalid) {
		t.Fatalf("List = %v", err)
	}
	// A foreign error is classified as unexpected by formatError.
	_, err = s.Write("short", strings.NewReader("x"), 10)
	if !errors.Is(err, services.ErrUnexpected) {
		t.Fatalf("short write = %v", err)
	}
	if err := s.Delete("missing"); err != nil {
		t.Fatalf("Delete = %v", err)
	}
}

func TestServicer(t *testing.T) {
	sv, err := services.NewServicerFromString("testservice://?credential=hmac:a:b&endpoint=http:127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := sv.Get("bkt", WithStorageFeatures(StorageFeatures{VirtualDir: true}))
	if err != nil || !st.(*Storage).features.VirtualDir || st.(*Storage).name != "bkt" {
		t.Fatalf("Get = %v", err)
	}
	_, err = sv.Get("")
	var se services.ServiceError
	if !errors.As(err, &se) || se.Op != "get" || !errors.Is(err, services.ErrRestrictionDissatisfied) {
		t.Fatalf("Get empty = %v", err)
	}
	_, err = sv.List()
	if !errors.As(err, &se) || se.Op != "list" || se.Name != "" || !errors.Is(err, services.ErrUnexpected) {
		t.Fatalf("List = %v", err)
	}
	_, err = sv.Create("c", ps.WithSize(1))
	if !errors.Is(err, services.ErrCapabilityInsufficient) || !errors.As(err, &se) || se.Name != "c" {
		t.Fatalf("Create = %v", err)
	}
	_, err = services.NewServicerFromString("testservice://?credential=apikey:k")
	var ie services.InitError
	if !errors.As(err, &ie) || ie.Op != "new_servicer" || !errors.Is(err, services.ErrCapabilityInsufficient) {
		t.Fatalf("apikey = %v", err)
	}
}

func TestList(t *testing.T) {
	s := newStore(t, "testservice://list/w/")
	for _, p := range []string{"b", "a"} {
		if _, err := s.Write(p, strings.NewReader("xy"), 2); err != nil {
			t.Fatal(err)
		}
	}
	it, err := s.List("")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		o, err := it.Next()
		if err == types.IterateDone {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		// Listed objects are lazy: the content length comes from a stat.
		got = append(got, o.Path)
		if o.MustGetContentLength() != 2 {
			t.Fatal("lazy stat")
		}
	}
	if strings.Join(got, ",") != "a,b" {
		t.Fatalf("got %v", got)
	}
}

// TestFeatureFlagValues: an enable_<feature> pair takes a bool or a string
// strconv.ParseBool reads, so programs that build every pair from
// configuration strings ({"enable_virtual_dir", "true"}) keep working as
// with go-storage v4's generated services; unlike there, a false value does
// not turn the feature on, and a value that is no boolean is refused.
func TestFeatureFlagValues(t *testing.T) {
	for _, tc := range []struct {
		v  any
		on bool
	}{{true, true}, {"true", true}, {"1", true}, {false, false}, {"false", false}, {"0", false}} {
		st, err := NewStorager(ps.WithName("flags"), types.Pair{Key: "enable_virtual_dir", Value: tc.v},
			types.Pair{Key: "enable_virtual_link", Value: tc.v})
		if err != nil {
			t.Fatalf("enable_* with value %#v: %v", tc.v, err)
		}
		f := st.(*Storage).features
		if f.VirtualDir != tc.on || f.VirtualLink != tc.on || f.LoosePair {
			t.Fatalf("enable_* with value %#v: features %+v, want on=%v", tc.v, f, tc.on)
		}
	}
	for _, v := range []any{"", "yes", 1, nil} {
		_, err := NewStorager(ps.WithName("flags"), types.Pair{Key: "enable_virtual_dir", Value: v})
		if !errors.Is(err, ps.ErrPairTypeMismatch) {
			t.Fatalf("enable_virtual_dir with value %#v: got %v, want ErrPairTypeMismatch", v, err)
		}
	}
	// A flag adds to storage_features, whichever comes first; false takes nothing away.
	st, err := NewStorager(ps.WithName("flags"), types.Pair{Key: "enable_loose_pair", Value: "true"},
		types.Pair{Key: "enable_virtual_dir", Value: "false"},
		WithStorageFeatures(StorageFeatures{VirtualDir: true}))
	if err != nil {
		t.Fatal(err)
	}
	if f := st.(*Storage).features; !f.VirtualDir || !f.LoosePair || f.VirtualLink {
		t.Fatalf("flag and storage_features: %+v", f)
	}
	// A typed pair of the wrong type is still refused.
	_, err = NewStorager(ps.WithName("flags"), types.Pair{Key: "disable_uri_cleaning", Value: "true"})
	if !errors.Is(err, ps.ErrPairTypeMismatch) {
		t.Fatalf("disable_uri_cleaning as a string: %v", err)
	}
}
