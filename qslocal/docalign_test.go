package qslocal

import (
	"context"
	"testing"
)

// TestMoveAnswersETag: Move answers 201 with the moved object's ETag.
func TestMoveAnswersETag(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		body := []byte("moving")
		c.put("bkt-test", "from", body)
		r := c.call("PUT", "/bkt-test/to", "", nil, withHeader("X-QS-Move-Source", "/bkt-test/from")).want(t, 201, "")
		if r.header.Get("ETag") != etagOf(body) {
			t.Fatalf("Move ETag %q, want %q", r.header.Get("ETag"), etagOf(body))
		}
	})
}

// TestBucketStatsStorageClasses: stats count and size per storage class.
func TestBucketStatsStorageClasses(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		var st bucketStatsJSON
		c.call("GET", "/bkt-test", "stats", nil).want(t, 200, "").json(t, &st)
		if len(st.StorageClasses) != 2 || st.StorageClasses["STANDARD"] != (classStatsJSON{}) || st.StorageClasses["STANDARD_IA"] != (classStatsJSON{}) {
			t.Fatalf("empty bucket storage_classes %+v", st.StorageClasses)
		}
		c.put("bkt-test", "a", []byte("12"))
		c.put("bkt-test", "b", []byte("345"))
		c.put("bkt-test", "c", []byte("6789"), withHeader("X-QS-Storage-Class", "STANDARD_IA"))
		c.call("GET", "/bkt-test", "stats", nil).want(t, 200, "").json(t, &st)
		std, ia := st.StorageClasses["STANDARD"], st.StorageClasses["STANDARD_IA"]
		if st.Count != 3 || st.Size != 9 || std != (classStatsJSON{Count: 2, Size: 5, BillingSize: 5}) || ia != (classStatsJSON{Count: 1, Size: 4, BillingSize: 4}) {
			t.Fatalf("stats %+v", st)
		}
		qs, err := clientFor(t, ts, "", false).GetBucketStatistics(context.Background(), "bkt-test")
		if err != nil || qs.StorageClasses["STANDARD_IA"].Count != 1 || qs.StorageClasses["STANDARD"].BillingSize != 5 {
			t.Fatalf("qsapi statistics %+v %v", qs, err)
		}
	})
}

// TestRangeNotSatisfiableContentRange: a 416 names the object size in
// Content-Range: bytes */<size>, beside its JSON error body.
func TestRangeNotSatisfiableContentRange(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		c.put("bkt-test", "r", []byte("0123456789"))
		for _, rg := range []string{"bytes=10-", "bytes=20-30", "bytes=5-2", "bytes=0-1,3-4"} {
			r := c.call("GET", "/bkt-test/r", "", nil, withHeader("Range", rg)).want(t, 416, "invalid_range")
			if got := r.header.Get("Content-Range"); got != "bytes */10" {
				t.Errorf("%s: Content-Range %q, want bytes */10", rg, got)
			}
		}
	})
}
