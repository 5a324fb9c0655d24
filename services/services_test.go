package services

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/types"
)

// recorder is a storager that keeps the pairs it was built with.
type recorder struct {
	types.UnimplementedStorager
	pairs []types.Pair
}

func (r *recorder) String() string { return "recorder" }

const testType = "svctests"

func init() {
	RegisterStorager(testType, func(ps ...types.Pair) (types.Storager, error) {
		return &recorder{pairs: ps}, nil
	})
	RegisterServicer(testType, func(ps ...types.Pair) (types.Servicer, error) {
		return nil, fmt.Errorf("servicer with %d pairs", len(ps))
	})
	RegisterSchema(testType, map[string]string{
		"name": "string", "work_dir": "string", "size": "int64", "storage_class": "string",
		"string_pair": "string", "enable_loose_pair": "bool", "count": "int", "big": "uint64",
		"key": "[]byte", "timeout": "time.Duration", "list_mode": "ListMode",
	})
}

func parse(t *testing.T, s string, extra ...types.Pair) []types.Pair {
	t.Helper()
	st, err := NewStoragerFromString(s, extra...)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return st.(*recorder).pairs
}

func TestConnectionStrings(t *testing.T) {
	p := func(k string, v interface{}) types.Pair { return types.Pair{Key: k, Value: v} }
	cases := []struct {
		in   string
		want []types.Pair
	}{
		{"svctests://", nil},
		{"svctests:///", []types.Pair{p("work_dir", "/")}},
		{"svctests://abc", []types.Pair{p("name", "abc")}},
		{"svctests://abc/tmp/tmp1?size=200&storage_class=sc", []types.Pair{p("name", "abc"), p("work_dir", "/tmp/tmp1"), p("size", int64(200)), p("storage_class", "sc")}},
		{"svctests:///?string_pair=a=b:/c?d&size=200", []types.Pair{p("work_dir", "/"), p("string_pair", "a=b:/c?d"), p("size", int64(200))}},
		{"svctests://abc/tmp?enable_loose_pair", []types.Pair{p("name", "abc"), p("work_dir", "/tmp"), p("enable_loose_pair", true)}},
		{"svctests://a//b?&&&", []types.Pair{p("name", "a"), p("work_dir", "//b")}},
		{"svctests://?count=0x10&big=0b11&key=AQI&timeout=1000", []types.Pair{p("count", 16), p("big", uint64(3)), p("key", []byte{1, 2}), p("timeout", time.Microsecond)}},
		// Values are literal (go-storage v4.8.0 never unescapes them), so a
		// percent sequence, valid or not, is kept as written.
		{"svctests://b%20c/d%zz?string_pair=a%20b%zz", []types.Pair{p("name", "b%20c"), p("work_dir", "/d%zz"), p("string_pair", "a%20b%zz")}},
		{"svctests://x?size=1&size=2", []types.Pair{p("name", "x"), p("size", int64(1)), p("size", int64(2))}},
	}
	for _, c := range cases {
		if got := parse(t, c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.in, got, c.want)
		}
	}
	got := parse(t, "svctests://b", p("size", int64(5)))
	if !reflect.DeepEqual(got, []types.Pair{p("name", "b"), p("size", int64(5))}) {
		t.Fatalf("extra pairs: %v", got)
	}
}

func TestConnectionStringErrors(t *testing.T) {
	cases := []struct {
		in, ty, msg string
		code        error
	}{
		{"", "", "service type missing", ErrConnectionStringInvalid},
		{"svctests", "", "service type missing", ErrConnectionStringInvalid},
		{"nope://x", "nope", "service not registered", ErrServiceNotRegistered},
		{"nope:x", "nope", "service not registered", ErrServiceNotRegistered},
		{"svctests:x", "svctests", "//", ErrConnectionStringInvalid},
		{"svctests://abc/tmp?not_a_pair=a", "svctests", "pair not registered: not_a_pair", ErrConnectionStringInvalid},
		{"svctests://?size=abc", "svctests", "pair value invalid: size", ErrConnectionStringInvalid},
		{"svctests://?enable_loose_pair=maybe", "svctests", "pair value invalid", ErrConnectionStringInvalid},
		{"svctests://?key=AQI=", "svctests", "pair value invalid", ErrConnectionStringInvalid},
		{"svctests://?timeout=1s", "svctests", "pair value invalid", ErrConnectionStringInvalid},
		{"svctests://?list_mode=1", "svctests", "type not parseable", ErrConnectionStringInvalid},
	}
	extra := types.Pair{Key: "size", Value: int64(1)}
	for _, c := range cases {
		_, err := NewStoragerFromString(c.in, extra)
		var ie InitError
		if !errors.As(err, &ie) {
			t.Fatalf("%q: %v is not an InitError", c.in, err)
		}
		if ie.Op != "new_storager" || ie.Type != c.ty || !errors.Is(err, c.code) || !strings.Contains(err.Error(), c.msg) ||
			len(ie.Pairs) != 1 || ie.Pairs[0] != extra {
			t.Errorf("%q: got %#v (%v)", c.in, ie, err)
		}
		if c.code == ErrServiceNotRegistered && errors.Is(err, ErrConnectionStringInvalid) {
			t.Errorf("%q: unknown type reported as invalid string", c.in)
		}
		_, err = NewServicerFromString(c.in)
		if !errors.As(err, &ie) || ie.Op != "new_servicer" || !errors.Is(err, c.code) {
			t.Errorf("servicer %q: %v", c.in, err)
		}
	}
}

func TestRegistry(t *testing.T) {
	_, err := NewStorager("unknown", types.Pair{Key: "name", Value: "a"})
	if err == nil || err.Error() != "unknown new_storager: [name: a]: service not registered" {
		t.Fatalf("err = %v", err)
	}
	_, err = NewServicer("unknown")
	if !errors.Is(err, ErrServiceNotRegistered) {
		t.Fatalf("err = %v", err)
	}
	// The registered constructor's result is returned unchanged.
	if _, err := NewServicerFromString("svctests://a"); err == nil || err.Error() != "servicer with 1 pairs" {
		t.Fatalf("err = %v", err)
	}
}

func TestErrorCodes(t *testing.T) {
	if NewErrorCode("object not exist") != ErrObjectNotExist || !errors.Is(fmt.Errorf("x: %w", NewErrorCode("unexpected")), ErrUnexpected) {
		t.Fatal("codes with equal text differ")
	}
	for _, e := range []error{ErrUnexpected, ErrCapabilityInsufficient, ErrRestrictionDissatisfied, ErrObjectNotExist,
		ErrObjectModeInvalid, ErrPermissionDenied, ErrListModeInvalid, ErrServiceNotRegistered, ErrServiceInternal,
		ErrRequestThrottled, ErrConnectionStringInvalid,
		MetadataUnrecognizedError{}, PairUnsupportedError{}, PairRequiredError{}, ObjectModeInvalidError{}, ListModeInvalidError{}} {
		if _, ok := e.(InternalError); !ok {
			t.Errorf("%v is not an InternalError", e)
		}
	}
	var _ InternalError = types.ErrNotImplemented
	var _ InternalError = types.IterateDone.(InternalError)
}

func TestErrorStructs(t *testing.T) {
	st := &recorder{}
	cases := []struct {
		err  error
		msg  string
		code error
	}{
		{StorageError{Op: "read", Err: ErrObjectNotExist, Storager: st, Path: []string{"a", "b"}}, "read: recorder, [a b]: object not exist", ErrObjectNotExist},
		{StorageError{Op: "commit_append", Err: ErrObjectNotExist, Storager: st}, "commit_append: recorder: object not exist", ErrObjectNotExist},
		{ServiceError{Op: "list", Err: ErrPermissionDenied}, "list: <nil>: permission denied", ErrPermissionDenied},
		{ServiceError{Op: "get", Err: ErrPermissionDenied, Name: "b"}, "get: <nil>, b: permission denied", ErrPermissionDenied},
		{InitError{Op: "new_storager", Type: "fs", Err: ErrServiceNotRegistered, Pairs: []types.Pair{{Key: "name", Value: "a"}}}, "fs new_storager: [name: a]: service not registered", ErrServiceNotRegistered},
		{MetadataUnrecognizedError{Key: "k", Value: 1}, "metadata unrecognized, k, 1: capability insufficient", ErrCapabilityInsufficient},
		{PairUnsupportedError{Pair: types.Pair{Key: "size", Value: 1}}, "pair unsupported, size: 1: capability insufficient", ErrCapabilityInsufficient},
		{PairRequiredError{Keys: []string{"name", "credential"}}, "pair required, [name credential]: restriction dissatisfied", ErrRestrictionDissatisfied},
		{ObjectModeInvalidError{Expected: types.ModeAppend, Actual: types.ModeRead | types.ModeDir}, "object mode invalid, expected append, actual dir|read", ErrObjectModeInvalid},
		{ListModeInvalidError{Actual: types.ListModeBlock}, "list mode invalid, actual block", ErrListModeInvalid},
	}
	for _, c := range cases {
		if c.err.Error() != c.msg || !errors.Is(c.err, c.code) {
			t.Errorf("got %q, want %q", c.err.Error(), c.msg)
		}
	}
	var se StorageError
	if !errors.As(fmt.Errorf("w: %w", cases[0].err), &se) || se.Op != "read" || se.String() != "recorder" {
		t.Fatal("errors.As StorageError failed")
	}
}

// named is a storager whose String reads its receiver.
type named struct {
	types.UnimplementedStorager
	name string
}

func (n *named) String() string { return n.name }

// An error around a nil storager or servicer, even a typed nil one, prints
// "<nil>" instead of panicking.
func TestErrorStructsNilDescribed(t *testing.T) {
	var typedNil *named
	for _, err := range []error{
		StorageError{Op: "stat", Err: ErrObjectNotExist, Storager: typedNil},
		StorageError{Op: "stat", Err: ErrObjectNotExist},
	} {
		if got := err.Error(); got != "stat: <nil>: object not exist" {
			t.Errorf("Error() = %q", got)
		}
	}
}

func TestInitErrorRedactsSecrets(t *testing.T) {
	e := InitError{Op: "new_storager", Type: "x", Err: ErrUnexpected, Pairs: []types.Pair{
		{Key: "credential", Value: "hmac:AK:SECRETSK"}, {Key: "encryption_customer_key", Value: []byte("KEYBYTES")},
		{Key: "name", Value: "bucket"},
	}}
	msg := e.Error()
	if strings.Contains(msg, "SECRETSK") || strings.Contains(msg, "KEYBYTES") || !strings.Contains(msg, "name: bucket") ||
		msg != "x new_storager: [credential: *** encryption_customer_key: *** name: bucket]: unexpected" {
		t.Fatalf("message %q", msg)
	}
	if e.Pairs[0].Value != "hmac:AK:SECRETSK" {
		t.Fatal("Pairs field changed")
	}
}

func TestPairUnsupportedErrorRedactsSecrets(t *testing.T) {
	e := PairUnsupportedError{Pair: types.Pair{Key: "encryption_customer_key", Value: []byte("KEYBYTES")}}
	if e.Error() != "pair unsupported, encryption_customer_key: ***: capability insufficient" {
		t.Fatalf("message %q", e.Error())
	}
}
