package pairs

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/qsgo/qsgo/pkg/httpclient"
	"github.com/qsgo/qsgo/types"
)

func TestConstructorsKeepValueAndType(t *testing.T) {
	opts := &httpclient.Options{ConnReadTimeout: time.Second}
	cases := []struct {
		p     types.Pair
		key   string
		value interface{}
	}{
		{WithSize(3), "size", int64(3)},
		{WithOffset(4), "offset", int64(4)},
		{WithListMode(types.ListModeDir), "list_mode", types.ListModeDir},
		{WithObjectMode(types.ModeDir), "object_mode", types.ModeDir},
		{WithMultipartID("u"), "multipart_id", "u"},
		{WithContentType("t"), "content_type", "t"},
		{WithDefaultContentType("d"), "default_content_type", "d"},
		{WithExpire(time.Minute), "expire", time.Minute},
		{WithHTTPClientOptions(opts), "http_client_options", opts},
		{WithWorkDir("/w/"), "work_dir", "/w/"},
		{WithCredential("hmac:a:b"), "credential", "hmac:a:b"},
	}
	for _, c := range cases {
		if c.p.Key != c.key || !reflect.DeepEqual(c.p.Value, c.value) || reflect.TypeOf(c.p.Value) != reflect.TypeOf(c.value) {
			t.Errorf("%s: got %#v", c.key, c.p)
		}
	}
	var got []byte
	fn := func(b []byte) { got = append(got, b...) }
	WithIoCallback(fn).Value.(func([]byte))([]byte("x"))
	WithDefaultIoCallback(fn).Value.(func([]byte))([]byte("y"))
	if string(got) != "xy" {
		t.Fatalf("callbacks got %q", got)
	}
}

func TestError(t *testing.T) {
	e := &Error{Op: "parse", Err: ErrPairTypeMismatch, Key: "size", Type: "int64", Value: "x"}
	if e.Error() != "parse: key size, type int64, value x: pair type mismatch" || !errors.Is(e, ErrPairTypeMismatch) {
		t.Fatalf("got %q", e.Error())
	}
}
