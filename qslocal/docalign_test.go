package qslocal

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qslocal/store"
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

// encodeURI escapes a header value the way the JS SDK's encodeURI does for
// dates and quoted ETags (space, quote; "," and ":" stay).
func encodeURI(v string) string {
	return strings.NewReplacer(" ", "%20", `"`, "%22").Replace(v)
}

// TestPercentEncodedConditions: date conditions sent percent-encoded are
// read like ETag conditions; a copy or move whose source date cannot be read
// is refused and changes nothing.
func TestPercentEncodedConditions(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		body := []byte("conditional")
		c.put("bkt-test", "src", body)
		future := encodeURI(time.Now().Add(time.Hour).UTC().Format(timeFormat))
		past := encodeURI(time.Now().Add(-time.Hour).UTC().Format(timeFormat))
		c.call("GET", "/bkt-test/src", "", nil, withHeader("If-Modified-Since", future)).wantBare(t, 304)
		c.call("GET", "/bkt-test/src", "", nil, withHeader("If-Unmodified-Since", past)).want(t, 412, "precondition_failed")
		c.call("GET", "/bkt-test/src", "", nil, withHeader("If-Modified-Since", past)).want(t, 200, "")
		c.call("GET", "/bkt-test/src", "", nil, withHeader("If-None-Match", encodeURI(etagOf(body)))).wantBare(t, 304)
		// An unreadable date on GET is ignored (RFC 7232).
		c.call("GET", "/bkt-test/src", "", nil, withHeader("If-Unmodified-Since", "yesterday")).want(t, 200, "")

		copySrc := withHeader("X-QS-Copy-Source", "/bkt-test/src")
		c.call("PUT", "/bkt-test/c1", "", nil, copySrc, withHeader("X-QS-Copy-Source-If-Unmodified-Since", past)).want(t, 412, "precondition_failed")
		c.call("PUT", "/bkt-test/c1", "", nil, copySrc, withHeader("X-QS-Copy-Source-If-Modified-Since", future)).want(t, 412, "precondition_failed")
		c.call("PUT", "/bkt-test/c1", "", nil, copySrc, withHeader("X-QS-Copy-Source-If-Unmodified-Since", future)).want(t, 201, "")
		moveSrc := withHeader("X-QS-Move-Source", "/bkt-test/c1")
		c.call("PUT", "/bkt-test/m1", "", nil, moveSrc, withHeader("X-QS-Move-Source-If-Unmodified-Since", past)).want(t, 412, "precondition_failed")
		for _, bad := range []string{"yesterday", "Sun,%ZZ06", "1700000000"} {
			c.call("PUT", "/bkt-test/c2", "", nil, copySrc, withHeader("X-QS-Copy-Source-If-Unmodified-Since", bad)).want(t, 400, "invalid_argument")
			c.call("PUT", "/bkt-test/c2", "", nil, copySrc, withHeader("X-QS-Copy-Source-If-Modified-Since", bad)).want(t, 400, "invalid_argument")
			c.call("PUT", "/bkt-test/m1", "", nil, moveSrc, withHeader("X-QS-Move-Source-If-Modified-Since", bad)).want(t, 400, "invalid_argument")
		}
		c.call("HEAD", "/bkt-test/c2", "", nil).want(t, 404, "")
		c.call("HEAD", "/bkt-test/m1", "", nil).want(t, 404, "")
		c.call("HEAD", "/bkt-test/c1", "", nil).want(t, 200, "")
		// Part copy too.
		id := initiate(t, c, "mp")
		c.call("PUT", "/bkt-test/mp", "part_number=0&upload_id="+id, nil, copySrc, withHeader("X-QS-Copy-Source-If-Unmodified-Since", "never")).want(t, 400, "invalid_argument")
		c.call("PUT", "/bkt-test/mp", "part_number=0&upload_id="+id, nil, copySrc, withHeader("X-QS-Copy-Source-If-Unmodified-Since", past)).want(t, 412, "precondition_failed")
		c.call("PUT", "/bkt-test/mp", "part_number=0&upload_id="+id, nil, copySrc, withHeader("X-QS-Copy-Source-If-Unmodified-Since", future)).want(t, 201, "")
	})
}

// TestSourceConditionUnreadableDateFails: the evaluation itself fails a
// source condition whose date cannot be read (the safety net behind the 400).
func TestSourceConditionUnreadableDateFails(t *testing.T) {
	o := &store.Object{ETag: `"e"`, Modified: time.Now()}
	for _, name := range []string{"If-Modified-Since", "If-Unmodified-Since"} {
		h := http.Header{}
		h.Set("X-Qs-Copy-Source-"+name, "not a date")
		if st := checkConditions(h, "X-Qs-Copy-Source-", o); st != http.StatusPreconditionFailed {
			t.Errorf("source %s unreadable: status %d, want 412", name, st)
		}
		h = http.Header{}
		h.Set(name, "not a date")
		if st := checkConditions(h, "", o); st != 0 {
			t.Errorf("GET %s unreadable: status %d, want 0 (ignored)", name, st)
		}
	}
}
