package qslocal

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestListUploadsPaging walks GET /bucket?uploads page by page with
// next_key_marker / next_upload_id_marker, as clients do, for several page
// sizes, with and without a delimiter, and checks every unfinished upload
// is seen once in (key, creation) order while finished ones are gone.
func TestListUploadsPaging(t *testing.T) {
	_, c := startMP(t, false)
	type up struct{ key, id string }
	var all []up
	for _, k := range []string{"b/x", "a", "c", "a", "b/y", "a", "b/x"} {
		all = append(all, up{k, initiate(t, c, k)})
	}
	// a completed and an aborted upload are not listed
	done := initiate(t, c, "a")
	uploadPart(t, c, "a", done, 0, []byte("x"))
	c.call("POST", "/bkt-test/a", "upload_id="+done, []byte(`{"object_parts":[{"part_number":0}]}`)).want(t, 201, "")
	c.call("DELETE", "/bkt-test/c", "upload_id="+initiate(t, c, "c"), nil).want(t, 204, "")
	// ids sort by creation, so (key, id) is the listing order
	slices.SortFunc(all, func(x, y up) int {
		if d := strings.Compare(x.key, y.key); d != 0 {
			return d
		}
		return strings.Compare(x.id, y.id)
	})
	walk := func(limit int, extra string) (got []string) {
		t.Helper()
		km, im := "", ""
		for pages := 0; ; pages++ {
			if pages > len(all)+2 {
				t.Fatalf("limit %d: paging does not end", limit)
			}
			var lu listUploadsJSON
			q := fmt.Sprintf("uploads&limit=%d&key_marker=%s&upload_id_marker=%s%s", limit, qesc(km), qesc(im), extra)
			c.call("GET", "/bkt-test", q, nil).want(t, 200, "").json(t, &lu)
			if len(lu.Uploads)+len(lu.CommonPrefixes) > limit || lu.KeyMarker != km || lu.UploadIDMarker != im || lu.Limit != limit {
				t.Fatalf("limit %d: page %+v", limit, lu)
			}
			for _, u := range lu.Uploads {
				got = append(got, u.Key+"#"+u.UploadID)
			}
			got = append(got, lu.CommonPrefixes...)
			if !lu.HasMore {
				if lu.NextKeyMarker != "" || lu.NextUploadIDMarker != "" {
					t.Fatalf("last page carries next markers: %+v", lu)
				}
				return got
			}
			km, im = lu.NextKeyMarker, lu.NextUploadIDMarker
		}
	}
	var want []string
	for _, u := range all {
		want = append(want, u.key+"#"+u.id)
	}
	wantDelim := []string{want[0], want[1], want[2], "b/", want[len(want)-1]}
	for _, limit := range []int{1, 2, 3, 1000} {
		if got := walk(limit, ""); !slices.Equal(got, want) {
			t.Fatalf("limit %d:\n got %v\nwant %v", limit, got, want)
		}
		// a page lists uploads and common prefixes apart: merge by name
		got := walk(limit, "&delimiter=/")
		slices.Sort(got)
		if !slices.Equal(got, wantDelim) {
			t.Fatalf("limit %d, delimiter /:\n got %v\nwant %v", limit, got, wantDelim)
		}
	}
	// key_marker alone starts after every upload of that key; prefix filters
	var lu listUploadsJSON
	c.call("GET", "/bkt-test", "uploads&key_marker=a", nil).want(t, 200, "").json(t, &lu)
	if len(lu.Uploads) != 4 || lu.Uploads[0].Key != "b/x" {
		t.Fatalf("key_marker=a: %+v", lu)
	}
	c.call("GET", "/bkt-test", "uploads&prefix=b/&delimiter=/", nil).want(t, 200, "").json(t, &lu)
	if len(lu.Uploads) != 3 || len(lu.CommonPrefixes) != 0 || lu.Prefix != "b/" {
		t.Fatalf("prefix b/: %+v", lu)
	}
	c.call("GET", "/bkt-nothere", "uploads", nil).want(t, 404, "bucket_not_exists")
	c.call("GET", "/bkt-test", "uploads&limit=x", nil).want(t, 400, "invalid_argument")
}
