package qingstor

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	ps "github.com/qsgo/qsgo/pairs"
)

// TestReadRangeOverflow: an offset and size whose last byte lies beyond
// int64 are ErrSizeInvalid for Read and QuerySignHTTPRead, not a wrapped
// Range header ("bytes=9223372036854775806--9223372036854775801") sent to
// or signed for the server.
func TestReadRangeOverflow(t *testing.T) {
	srv := localServer(t)
	st := newStore(t, srv, uniqueDir("/range/"))
	if _, err := st.Write("f", strings.NewReader("hello"), 5); err != nil {
		t.Fatal(err)
	}
	for _, off := range []int64{math.MaxInt64 - 1, math.MaxInt64 - 8} {
		var buf bytes.Buffer
		if n, err := st.Read("f", &buf, ps.WithOffset(off), ps.WithSize(10)); !errors.Is(err, ErrSizeInvalid) || n != 0 {
			t.Errorf("Read(offset %d, size 10) = %d, %v; want ErrSizeInvalid", off, n, err)
		}
		if _, err := st.QuerySignHTTPRead("f", time.Minute, ps.WithOffset(off), ps.WithSize(10)); !errors.Is(err, ErrSizeInvalid) {
			t.Errorf("QuerySignHTTPRead(offset %d, size 10): %v; want ErrSizeInvalid", off, err)
		}
	}
	// The largest range that fits still reaches the server (416: past the end).
	var buf bytes.Buffer
	if _, err := st.Read("f", &buf, ps.WithOffset(math.MaxInt64-9), ps.WithSize(10)); err == nil || errors.Is(err, ErrSizeInvalid) {
		t.Errorf("Read of the last representable range = %v; want the server's answer", err)
	}
}
