package qingstor

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/internal/partstub"
	"github.com/qsgo/qsgo/types"
)

// TestListMultipartPages lists the parts of an upload over many pages,
// with gaps in the part numbers.
func TestListMultipartPages(t *testing.T) {
	srv := localServer(t)
	st := newStore(t, srv, uniqueDir("/mp/"))
	old := partPageSize
	partPageSize = 2
	t.Cleanup(func() { partPageSize = old })
	o, err := st.CreateMultipart("obj")
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 1, 5, 6, 7, 42, 10000}
	for _, idx := range want {
		if _, _, err := st.WriteMultipart(o, strings.NewReader(strings.Repeat("x", idx%7+1)), int64(idx%7+1), idx); err != nil {
			t.Fatal(err)
		}
	}
	var got []int
	for _, p := range listedParts(t, st, o) {
		if p.Size != int64(p.Index%7+1) {
			t.Errorf("part %d size %d", p.Index, p.Size)
		}
		got = append(got, p.Index)
	}
	if len(got) != len(want) {
		t.Fatalf("parts %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("parts %v, want %v", got, want)
		}
	}
}

// TestCompletePartsOrder: parts given out of order are sent in part number
// order; a repeated index is refused.
func TestCompletePartsOrder(t *testing.T) {
	cp, err := completeParts([]*types.Part{{Index: 5, ETag: "b"}, {Index: 0, ETag: "a"}, {Index: 10000}})
	if err != nil || len(cp) != 3 || cp[0].PartNumber != 0 || cp[0].ETag != "a" || cp[1].PartNumber != 5 || cp[2].PartNumber != 10000 {
		t.Fatalf("completeParts = %+v, %v", cp, err)
	}
	if _, err := completeParts([]*types.Part{{Index: 1}, {Index: 1}}); !errors.Is(err, ErrPartNumberInvalid) {
		t.Fatalf("repeated index: %v", err)
	}
	if _, err := completeParts([]*types.Part{nil}); !errors.Is(err, ErrPartNumberInvalid) {
		t.Fatalf("nil part: %v", err)
	}
}

// TestListMultipartMarkerReadings: ListMultipart lists every part once, in
// order, whether the server reads part_number_marker as documented
// (exclusive), as inclusive or as an offset.
func TestListMultipartMarkerReadings(t *testing.T) {
	old := partPageSize
	partPageSize = 2
	t.Cleanup(func() { partPageSize = old })
	for _, mode := range partstub.Modes {
		t.Run(mode, func(t *testing.T) {
			fake := &partstub.Server{Mode: mode, Parts: []int{0, 1, 2, 3, 4}, PageCap: 1000}
			st := wrappedStore(t, func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodGet && r.URL.Query().Has("upload_id") {
						fake.ServeHTTP(w, r)
						return
					}
					h.ServeHTTP(w, r)
				})
			})
			o, err := st.CreateMultipart("obj")
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, p := range listedParts(t, st, o) {
				got = append(got, p.Index)
			}
			if fmt.Sprint(got) != "[0 1 2 3 4]" {
				t.Fatalf("listed %v", got)
			}
		})
	}
}

// listedParts returns every part ListMultipart lists for o.
func listedParts(t *testing.T, st *Storage, o *types.Object) []*types.Part {
	t.Helper()
	it, err := st.ListMultipart(o)
	if err != nil {
		t.Fatal(err)
	}
	var out []*types.Part
	for {
		p, err := it.Next()
		if err == types.IterateDone { //nolint:errorlint // bare sentinel
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
}
