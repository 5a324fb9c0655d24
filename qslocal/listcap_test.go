package qslocal

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qslocal/store"
)

// TestListObjectsPageCap: a page holds at most 100 keys whatever limit asks
// (default 100 too), marker carries next_marker, the owner is the creator in
// the documented shape, and a client paging on has_more and next_marker
// still sees every key.
func TestListObjectsPageCap(t *testing.T) {
	ts := StartTest(t, func(o *Options) { o.Memory = true })
	c := newTC(t, ts)
	c.call("PUT", "/bkt-cap", "", nil).want(t, 201, "")
	const n = 250
	now := time.Now().UTC()
	objs := make([]*store.Object, n)
	for i := range objs {
		objs[i] = &store.Object{Key: fmt.Sprintf("k%03d", i), ETag: `"d41d8cd98f00b204e9800998ecf8427e"`,
			ContentType: "text/plain", StorageClass: "STANDARD", Created: now, Modified: now}
	}
	if err := ts.Server.Store().PutObjects("bkt-cap", objs); err != nil {
		t.Fatal(err)
	}
	for _, query := range []string{"", "limit=0", "limit=100", "limit=101", "limit=1000", "limit=100000"} {
		var lo listObjectsJSON
		c.call("GET", "/bkt-cap", query, nil).want(t, 200, "").json(t, &lo)
		if len(lo.Keys) != 100 || lo.Limit != 100 || !lo.HasMore || lo.NextMarker != "k099" || lo.Marker != lo.NextMarker {
			t.Fatalf("%q: %d keys, limit %d, has_more %v, marker %q, next_marker %q", query, len(lo.Keys), lo.Limit, lo.HasMore, lo.Marker, lo.NextMarker)
		}
		if !regexp.MustCompile(`^usr-[0-9a-f]{8}$`).MatchString(lo.Owner.ID) || lo.Owner.Name != ts.AccessKeyID {
			t.Fatalf("owner %+v, want usr-xxxxxxxx named %s", lo.Owner, ts.AccessKeyID)
		}
	}
	var lo listObjectsJSON
	c.call("GET", "/bkt-cap", "limit=7&marker=k200", nil).want(t, 200, "").json(t, &lo)
	if len(lo.Keys) != 7 || lo.Keys[0].Key != "k201" || lo.Marker != "k207" || lo.NextMarker != "k207" {
		t.Fatalf("small page after k200: %d keys from %q, marker %q next %q", len(lo.Keys), lo.Keys[0].Key, lo.Marker, lo.NextMarker)
	}
	c.call("GET", "/bkt-cap", "marker=k249", nil).want(t, 200, "").json(t, &lo)
	if len(lo.Keys) != 0 || lo.HasMore || lo.Marker != lo.NextMarker {
		t.Fatalf("past the end: %+v", lo)
	}

	cl := clientFor(t, ts, "", false)
	pages, keys := 0, 0
	for page, err := range cl.ObjectPages(context.Background(), "bkt-cap", qsapi.ListObjectsInput{Limit: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		keys += len(page.Keys)
	}
	if pages != 3 || keys != n {
		t.Fatalf("qsapi paging: %d pages, %d keys; want 3 pages of %d keys", pages, keys, n)
	}
}
