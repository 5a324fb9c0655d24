package qslocal

import (
	"bytes"
	"fmt"
	"testing"
)

// TestUploadPartCopy covers upload part with X-QS-Copy-Source: ranges that
// cross the segments of a multipart source, the whole source without a
// range, an encrypted source read with the X-QS-Copy-Source-Encryption-
// Customer-* key into an encrypted upload, copy-source conditions, bad
// ranges and missing sources, and that a refused part copy changes nothing.
func TestUploadPartCopy(t *testing.T) {
	for _, mem := range []bool{false, true} {
		t.Run(fmt.Sprint("memory=", mem), func(t *testing.T) {
			_, c := startMP(t, mem)
			// a source made of three parts, so ranges cross segment boundaries
			p0, p1, p2 := randBytes(testMinPart), randBytes(testMinPart), randBytes(1000)
			src := bytes.Join([][]byte{p0, p1, p2}, nil)
			sid := initiate(t, c, "src/multi")
			for i, p := range [][]byte{p0, p1, p2} {
				uploadPart(t, c, "src/multi", sid, i, p)
			}
			c.call("POST", "/bkt-test/src/multi", "upload_id="+sid, []byte(`{"object_parts":[{"part_number":0},{"part_number":1},{"part_number":2}]}`)).want(t, 201, "")
			size := len(src)

			id := initiate(t, c, "dst key")
			copySrc := withHeader("X-QS-Copy-Source", "/bkt-test/src/multi")
			q := func(n int) string { return fmt.Sprintf("part_number=%d&upload_id=%s", n, id) }
			// part 0: a range straddling parts 0 and 1 of the source
			a, b := testMinPart-10, 2*testMinPart-1
			r := c.call("PUT", "/bkt-test/dst key", q(0), nil, copySrc, withHeader("X-QS-Copy-Range", fmt.Sprintf("bytes=%d-%d", a, b))).want(t, 201, "")
			if got, want := r.header.Get("X-Qs-Content-Copy-Range"), fmt.Sprintf("bytes %d-%d/%d", a, b, size); got != want {
				t.Fatalf("X-QS-Content-Copy-Range %q, want %q", got, want)
			}
			if r.header.Get("ETag") != etagOf(src[a:b+1]) {
				t.Fatalf("part copy ETag %s, want the MD5 of the copied range", r.header.Get("ETag"))
			}
			// part 1: the whole source (no range): the reply still names the range
			r = c.call("PUT", "/bkt-test/dst key", q(1), nil, copySrc).want(t, 201, "")
			if got, want := r.header.Get("X-Qs-Content-Copy-Range"), fmt.Sprintf("bytes 0-%d/%d", size-1, size); got != want {
				t.Fatalf("whole-source copy range %q, want %q", got, want)
			}
			// part 2: a suffix range, with a passing condition
			r = c.call("PUT", "/bkt-test/dst key", q(2), nil, copySrc, withHeader("X-QS-Copy-Range", "bytes=-500"),
				withHeader("X-QS-Copy-Source-If-Unmodified-Since", "Fri, 01 Jan 2100 00:00:00 GMT")).want(t, 201, "")
			if got := r.header.Get("X-Qs-Content-Copy-Range"); got != fmt.Sprintf("bytes %d-%d/%d", size-500, size-1, size) {
				t.Fatalf("suffix copy range %q", got)
			}

			// refusals, each leaving the upload's parts as they were
			c.call("PUT", "/bkt-test/dst key", q(3), nil, copySrc, withHeader("X-QS-Copy-Range", fmt.Sprintf("bytes=%d-", size))).want(t, 416, "invalid_range")
			c.call("PUT", "/bkt-test/dst key", q(3), nil, copySrc, withHeader("X-QS-Copy-Range", "bytes=9-3")).want(t, 416, "invalid_range")
			c.call("PUT", "/bkt-test/dst key", q(3), nil, copySrc, withHeader("X-QS-Copy-Source-If-Match", `"0123"`)).want(t, 412, "precondition_failed")
			c.call("PUT", "/bkt-test/dst key", q(3), nil, withHeader("X-QS-Copy-Source", "/bkt-test/nothing")).want(t, 404, "object_not_exists")
			c.call("PUT", "/bkt-test/dst key", q(3), nil, withHeader("X-QS-Copy-Source", "/bkt-nothere/x")).want(t, 404, "bucket_not_exists")
			c.call("PUT", "/bkt-test/dst key", q(3), nil, withHeader("X-QS-Copy-Source", "no-slash")).want(t, 400, "invalid_argument")
			c.call("PUT", "/bkt-test/dst key", "part_number=3&upload_id=nosuch", nil, copySrc).want(t, 404, "upload_not_exists")
			var lp listPartsJSON
			c.call("GET", "/bkt-test/dst key", "upload_id="+id, nil).want(t, 200, "").json(t, &lp)
			if lp.Count != 3 {
				t.Fatalf("refused part copies changed the upload: %+v", lp)
			}
			c.call("POST", "/bkt-test/dst key", "upload_id="+id, []byte(`{"object_parts":[{"part_number":0},{"part_number":1},{"part_number":2}]}`)).want(t, 201, "")
			want := bytes.Join([][]byte{src[a : b+1], src, src[size-500:]}, nil)
			if got := c.get("bkt-test", "dst key"); !bytes.Equal(got, want) {
				t.Fatalf("completed object from part copies differs (%d bytes, want %d)", len(got), len(want))
			}

			// encrypted source into an encrypted upload: the source needs its
			// key in the copy-source headers, the part the upload's key
			encSrc := randBytes(3000)
			c.put("bkt-test", "enc-src", encSrc, sseHeaders(testKey)...)
			eid := initiate(t, c, "enc-dst", sseHeaders(otherKey)...)
			eq := "part_number=0&upload_id=" + eid
			encCopy := withHeader("X-QS-Copy-Source", "/bkt-test/enc-src")
			rng := withHeader("X-QS-Copy-Range", "bytes=1000-2999")
			c.call("PUT", "/bkt-test/enc-dst", eq, nil, append(sseHeaders(otherKey), encCopy, rng)...).want(t, 403, "permission_denied")
			wrongSrc := append(sseHeadersPrefix("X-QS-Copy-Source-Encryption-Customer-", otherKey), encCopy, rng)
			c.call("PUT", "/bkt-test/enc-dst", eq, nil, append(wrongSrc, sseHeaders(otherKey)...)...).want(t, 403, "permission_denied")
			srcKey := append(sseHeadersPrefix("X-QS-Copy-Source-Encryption-Customer-", testKey), encCopy, rng)
			c.call("PUT", "/bkt-test/enc-dst", eq, nil, srcKey...).want(t, 403, "permission_denied") // the upload's own key is missing
			r = c.call("PUT", "/bkt-test/enc-dst", eq, nil, append(srcKey, sseHeaders(otherKey)...)...).want(t, 201, "")
			if r.header.Get("X-Qs-Encryption-Customer-Algorithm") != "AES256" {
				t.Fatalf("encrypted part copy reply lacks the algorithm: %v", r.header)
			}
			r = c.call("POST", "/bkt-test/enc-dst", "upload_id="+eid, []byte(`{"object_parts":[{"part_number":0}]}`)).want(t, 201, "")
			if r.header.Get("X-Qs-Encryption-Customer-Algorithm") != "AES256" {
				t.Fatalf("Complete of an encrypted upload lacks the algorithm header: %v", r.header)
			}
			c.call("GET", "/bkt-test/enc-dst", "", nil).want(t, 403, "permission_denied")
			if got := c.get("bkt-test", "enc-dst", sseHeaders(otherKey)...); !bytes.Equal(got, encSrc[1000:]) {
				t.Fatal("encrypted part copy: wrong bytes")
			}
		})
	}
}
