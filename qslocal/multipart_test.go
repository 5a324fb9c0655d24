package qslocal

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

const testMinPart = 64 << 10

func startMP(t *testing.T, mem bool) (*TestServer, *tc) {
	ts := StartTest(t, func(o *Options) { o.Memory = mem; o.MinPartSize = testMinPart })
	ts.CreateBucket("bkt-test")
	return ts, newTC(t, ts)
}

func initiate(t *testing.T, c *tc, key string, opts ...reqOpt) string {
	t.Helper()
	var ini initiateJSON
	c.call("POST", "/bkt-test/"+key, "uploads", nil, opts...).want(t, 200, "").json(t, &ini)
	if ini.UploadID == "" || ini.Key != key || ini.Bucket != "bkt-test" {
		t.Fatalf("initiate: %+v", ini)
	}
	return ini.UploadID
}

func uploadPart(t *testing.T, c *tc, key, id string, n int, body []byte, opts ...reqOpt) string {
	t.Helper()
	r := c.call("PUT", "/bkt-test/"+key, fmt.Sprintf("part_number=%d&upload_id=%s", n, id), body, opts...).want(t, 201, "")
	return r.header.Get("ETag")
}

func TestMultipart(t *testing.T) {
	for _, mem := range []bool{false, true} {
		t.Run(fmt.Sprint("memory=", mem), func(t *testing.T) {
			_, c := startMP(t, mem)
			key := "big/file.bin"
			id := initiate(t, c, key, withHeader("Content-Type", "video/mp4"), withHeader("X-QS-Meta-Origin", "test"), withHeader("X-QS-Storage-Class", "STANDARD_IA"))
			p0, p1, p2, p3 := randBytes(testMinPart), randBytes(testMinPart+1), randBytes(100), randBytes(5)
			// uploaded out of order; part 1 uploaded twice (the second wins)
			uploadPart(t, c, key, id, 2, p2)
			uploadPart(t, c, key, id, 1, randBytes(testMinPart))
			e1 := uploadPart(t, c, key, id, 1, p1, withMD5(p1))
			e0 := uploadPart(t, c, key, id, 0, p0)
			uploadPart(t, c, key, id, 3, p3)
			if e0 != etagOf(p0) || e1 != etagOf(p1) {
				t.Fatalf("part etags %s %s", e0, e1)
			}
			c.call("PUT", "/bkt-test/"+key, "part_number=4&upload_id="+id, []byte("x"), withMD5([]byte("y"))).want(t, 400, "bad_digest")
			c.call("PUT", "/bkt-test/"+key, "part_number=10001&upload_id="+id, []byte("x")).want(t, 400, "invalid_argument")
			c.call("PUT", "/bkt-test/"+key, "part_number=-1&upload_id="+id, []byte("x")).want(t, 400, "invalid_argument")
			c.call("PUT", "/bkt-test/"+key, "part_number=1&upload_id=nosuch", []byte("x")).want(t, 404, "upload_not_exists")
			c.call("PUT", "/bkt-test/other", "part_number=1&upload_id="+id, []byte("x")).want(t, 404, "upload_not_exists")

			// list parts: exclusive marker, count is the total, etags
			// without quotes
			var lp listPartsJSON
			c.call("GET", "/bkt-test/"+key, "upload_id="+id, nil).want(t, 200, "").json(t, &lp)
			if lp.Count != 4 || len(lp.ObjectParts) != 4 || lp.ObjectParts[0].PartNumber != 0 || lp.ObjectParts[1].Size != int64(len(p1)) || `"`+lp.ObjectParts[1].ETag+`"` != e1 {
				t.Fatalf("list parts %+v", lp)
			}
			c.call("GET", "/bkt-test/"+key, "upload_id="+id+"&part_number_marker=1&limit=2", nil).want(t, 200, "").json(t, &lp)
			if lp.Count != 4 || len(lp.ObjectParts) != 2 || lp.ObjectParts[0].PartNumber != 2 || lp.ObjectParts[1].PartNumber != 3 {
				t.Fatalf("list parts page after 1: %+v", lp)
			}
			c.call("GET", "/bkt-test/"+key, "upload_id="+id+"&part_number_marker=0", nil).want(t, 200, "").json(t, &lp)
			if len(lp.ObjectParts) != 3 || lp.ObjectParts[0].PartNumber != 1 {
				t.Fatalf("list parts after 0: %+v", lp)
			}
			c.call("GET", "/bkt-test/"+key, "upload_id=nosuch", nil).want(t, 404, "upload_not_exists")

			// list uploads
			id2 := initiate(t, c, "another")
			var lu listUploadsJSON
			c.call("GET", "/bkt-test", "uploads", nil).want(t, 200, "").json(t, &lu)
			if len(lu.Uploads) != 2 || lu.Uploads[0].Key != "another" || lu.Uploads[1].UploadID != id {
				t.Fatalf("list uploads %+v", lu)
			}
			c.call("GET", "/bkt-test", "uploads&limit=1", nil).want(t, 200, "").json(t, &lu)
			if len(lu.Uploads) != 1 || !lu.HasMore || lu.NextKeyMarker != "another" {
				t.Fatalf("list uploads page %+v", lu)
			}
			c.call("GET", "/bkt-test", "uploads&limit=1&key_marker=another&upload_id_marker="+id2, nil).want(t, 200, "").json(t, &lu)
			if len(lu.Uploads) != 1 || lu.Uploads[0].UploadID != id || lu.HasMore {
				t.Fatalf("list uploads page 2 %+v", lu)
			}
			c.call("GET", "/bkt-test", "uploads&delimiter=/", nil).want(t, 200, "").json(t, &lu)
			if len(lu.Uploads) != 1 || len(lu.CommonPrefixes) != 1 || lu.CommonPrefixes[0] != "big/" {
				t.Fatalf("list uploads delimiter %+v", lu)
			}

			// not readable before Complete
			c.call("GET", "/bkt-test/"+key, "", nil).want(t, 404, "object_not_exists")

			// Complete failures change nothing
			bad := []string{
				`{"object_parts":[]}`,
				`{"object_parts":[{"part_number":1},{"part_number":0}]}`,
				`{"object_parts":[{"part_number":0},{"part_number":0}]}`,
				`{"object_parts":[{"part_number":0},{"part_number":7}]}`,
				`{"object_parts":[{"part_number":0,"etag":"\"0000\""},{"part_number":1}]}`,
				`{"object_parts":[{}]}`,
			}
			for _, b := range bad {
				c.call("POST", "/bkt-test/"+key, "upload_id="+id, []byte(b)).want(t, 400, "invalid_request")
			}
			small := `{"object_parts":[{"part_number":0},{"part_number":2},{"part_number":3}]}`
			c.call("POST", "/bkt-test/"+key, "upload_id="+id, []byte(small)).want(t, 400, "entity_too_small")
			c.call("POST", "/bkt-test/"+key, "upload_id="+id, []byte(`{"object_parts":`)).want(t, 400, "invalid_json")
			c.call("GET", "/bkt-test/"+key, "upload_id="+id, nil).want(t, 200, "").json(t, &lp)
			if lp.Count != 4 {
				t.Fatalf("failed completes changed the parts: %+v", lp)
			}
			// Complete with parts 0, 1, 2 (3 is dropped); etags with and without quotes
			body := fmt.Sprintf(`{"object_parts":[{"part_number":0,"etag":%q},{"part_number":1,"etag":%q,"size":%d},{"part_number":2}]}`,
				e0, strings.Trim(e1, `"`), len(p1))
			c.call("POST", "/bkt-test/"+key, "upload_id="+id, []byte(body), withHeader("Content-Type", "application/json")).want(t, 201, "")
			want := bytes.Join([][]byte{p0, p1, p2}, nil)
			got := c.call("GET", "/bkt-test/"+key, "", nil).want(t, 200, "")
			if !bytes.Equal(got.body, want) {
				t.Fatalf("completed object differs (%d vs %d bytes)", len(got.body), len(want))
			}
			if got.header.Get("Content-Type") != "video/mp4" || got.header.Get("X-Qs-Meta-Origin") != "test" || got.header.Get("X-Qs-Storage-Class") != "STANDARD_IA" {
				t.Fatalf("initiate headers lost: %v", got.header)
			}
			// No ETag header on Complete: the object has no ETag anywhere.
			if _, ok := got.header["Etag"]; ok {
				t.Fatalf("multipart object without ETag answers ETag %q", got.header.Get("ETag"))
			}
			if h := c.call("HEAD", "/bkt-test/"+key, "", nil).want(t, 200, ""); h.header.Get("ETag") != "" || h.header.Get("Last-Modified") == "" {
				t.Fatalf("HEAD of a multipart object without ETag: %v", h.header)
			}
			var lo listObjectsJSON
			c.call("GET", "/bkt-test", "prefix="+qesc(key), nil).want(t, 200, "").json(t, &lo)
			if len(lo.Keys) != 1 || lo.Keys[0].ETag != "" || lo.Keys[0].Size != int64(len(want)) {
				t.Fatalf("listing of a multipart object without ETag: %+v", lo.Keys)
			}
			c.call("GET", "/bkt-test/"+key, "", nil, withHeader("If-Match", `""`)).want(t, 412, "precondition_failed")
			c.call("GET", "/bkt-test/"+key, "", nil, withHeader("If-Match", "*")).want(t, 200, "")
			c.call("GET", "/bkt-test/"+key, "", nil, withHeader("If-None-Match", `""`)).want(t, 200, "")
			c.call("GET", "/bkt-test/"+key, "", nil, withHeader("If-None-Match", "*")).wantBare(t, 304)
			// range across part boundaries
			r := c.call("GET", "/bkt-test/"+key, "", nil, withHeader("Range", fmt.Sprintf("bytes=%d-%d", testMinPart-10, 2*testMinPart+10))).want(t, 206, "")
			if !bytes.Equal(r.body, want[testMinPart-10:2*testMinPart+11]) {
				t.Fatal("range across parts differs")
			}
			// the upload is gone; abort is idempotent
			c.call("GET", "/bkt-test/"+key, "upload_id="+id, nil).want(t, 404, "upload_not_exists")
			c.call("DELETE", "/bkt-test/"+key, "upload_id="+id, nil).want(t, 204, "")
			c.call("DELETE", "/bkt-test/another", "upload_id="+id2, nil).want(t, 204, "")
			c.call("DELETE", "/bkt-test/another", "upload_id="+id2, nil).want(t, 204, "")
			c.call("DELETE", "/bkt-none/another", "upload_id="+id2, nil).want(t, 404, "bucket_not_exists")
			c.call("GET", "/bkt-test", "uploads", nil).want(t, 200, "").json(t, &lu)
			if len(lu.Uploads) != 0 {
				t.Fatalf("uploads left: %+v", lu)
			}
			// ETag header on Complete becomes the object's ETag
			id3 := initiate(t, c, "etagged")
			uploadPart(t, c, "etagged", id3, 0, []byte("only part"))
			c.call("POST", "/bkt-test/etagged", "upload_id="+id3, []byte(`{"object_parts":[{"part_number":0}]}`), withHeader("ETag", `"custom-etag"`)).want(t, 201, "")
			if et := c.call("HEAD", "/bkt-test/etagged", "", nil).header.Get("ETag"); et != `"custom-etag"` {
				t.Fatalf("ETag header ignored: %s", et)
			}
			// part copy with a range
			src := randBytes(1000)
			c.put("bkt-test", "copy-src", src)
			id4 := initiate(t, c, "from-copy")
			pr := c.call("PUT", "/bkt-test/from-copy", "part_number=0&upload_id="+id4, nil,
				withHeader("X-QS-Copy-Source", "/bkt-test/copy-src"), withHeader("X-QS-Copy-Range", "bytes=100-199")).want(t, 201, "")
			if pr.header.Get("X-Qs-Content-Copy-Range") != "bytes 100-199/1000" {
				t.Fatalf("copy range header %q", pr.header.Get("X-Qs-Content-Copy-Range"))
			}
			c.call("POST", "/bkt-test/from-copy", "upload_id="+id4, []byte(`{"object_parts":[{"part_number":0}]}`)).want(t, 201, "")
			if got := c.get("bkt-test", "from-copy"); !bytes.Equal(got, src[100:200]) {
				t.Fatal("part copy range differs")
			}
		})
	}
}

func TestAppend(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		// GSQ creates appendable objects with an empty append at 0
		r := c.call("POST", "/bkt-test/log", "append&position=0", []byte{}, withHeader("Content-Type", "text/plain")).want(t, 200, "")
		if r.header.Get("X-Qs-Next-Append-Position") != "0" || r.header.Get("X-Qs-Object-Type") != "appendable" {
			t.Fatalf("append reply headers %v", r.header)
		}
		var all []byte
		for i := 0; i < 3; i++ {
			chunk := []byte(strings.Repeat(fmt.Sprint(i), 10+i))
			r = c.call("POST", "/bkt-test/log", fmt.Sprintf("append=&position=%d", len(all)), chunk, withMD5(chunk)).want(t, 200, "")
			all = append(all, chunk...)
			if r.header.Get("X-Qs-Next-Append-Position") != fmt.Sprint(len(all)) {
				t.Fatalf("next position %s, want %d", r.header.Get("X-Qs-Next-Append-Position"), len(all))
			}
		}
		c.call("POST", "/bkt-test/log", "append&position=3", []byte("x")).want(t, 400, "invalid_argument")
		c.call("POST", "/bkt-test/log", "append&position=-1", []byte("x")).want(t, 400, "invalid_argument")
		c.call("POST", "/bkt-test/log", "append", []byte("x")).want(t, 400, "invalid_argument")
		c.call("POST", "/bkt-test/log", fmt.Sprintf("append&position=%d", len(all)), []byte("x"), withMD5([]byte("y"))).want(t, 400, "bad_digest")
		h := c.call("HEAD", "/bkt-test/log", "", nil).want(t, 200, "")
		if h.header.Get("X-Qs-Object-Type") != "appendable" || h.header.Get("X-Qs-Next-Append-Position") != fmt.Sprint(len(all)) ||
			h.header.Get("Content-Type") != "text/plain" || h.header.Get("ETag") != etagOf(all) {
			t.Fatalf("HEAD appendable %v", h.header)
		}
		if got := c.get("bkt-test", "log"); !bytes.Equal(got, all) {
			t.Fatalf("appended content %q, want %q", got, all)
		}
		// position > 0 on a missing object, and appending to a normal object
		c.call("POST", "/bkt-test/nolog", "append&position=5", []byte("x")).want(t, 400, "invalid_argument")
		c.put("bkt-test", "plain", []byte("abc"))
		c.call("POST", "/bkt-test/plain", "append&position=3", []byte("x")).want(t, 400, "invalid_object_state")
		c.call("POST", "/bkt-test/enc", "append&position=0", []byte("x"), sseHeaders(testKey)...).want(t, 400, "invalid_request")
		// overwriting with PUT makes it a normal object again
		c.put("bkt-test", "log", []byte("reset"))
		if h := c.call("HEAD", "/bkt-test/log", "", nil); h.header.Get("X-Qs-Object-Type") != "" {
			t.Fatal("PUT did not reset the object type")
		}
	})
}

// TestConcurrentAppendsAndParts races appends at the same position (one
// wins, the others get invalid_argument) and part uploads against Complete.
func TestConcurrentAppendsAndParts(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		const n = 6
		codes := make(chan string, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r := read(t, newTC(t, ts).do("POST", "/bkt-test/race", "append&position=0", []byte(fmt.Sprint("writer", i))))
				codes <- fmt.Sprint(r.status)
			}(i)
		}
		wg.Wait()
		close(codes)
		won := 0
		for code := range codes {
			switch code {
			case "200":
				won++
			case "400":
			default:
				t.Errorf("append status %s", code)
			}
		}
		got := c.get("bkt-test", "race")
		if won != 1 || !strings.HasPrefix(string(got), "writer") || len(got) != 7 {
			t.Fatalf("%d appends won; object %q", won, got)
		}
		// parts uploaded while Complete runs: the object is consistent and
		// no part blob outlives the upload
		id := initiate(t, c, "mp-race")
		uploadPart(t, c, "mp-race", id, 0, []byte("zero"))
		for i := 1; i <= n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r := read(t, newTC(t, ts).do("PUT", "/bkt-test/mp-race", fmt.Sprintf("part_number=%d&upload_id=%s", i, id), []byte("late")))
				if r.status != 201 && r.status != 404 {
					t.Errorf("late part: %d %s", r.status, r.body)
				}
			}(i)
		}
		c.call("POST", "/bkt-test/mp-race", "upload_id="+id, []byte(`{"object_parts":[{"part_number":0}]}`)).want(t, 201, "")
		wg.Wait()
		if got := c.get("bkt-test", "mp-race"); string(got) != "zero" {
			t.Fatalf("completed object %q", got)
		}
		c.call("GET", "/bkt-test/mp-race", "upload_id="+id, nil).want(t, 404, "upload_not_exists")
		if !ts.Server.opts.Memory {
			if n := countFiles(ts.Server.opts.DataDir, "blobs"); n != 2 {
				t.Fatalf("%d blob files, want 2 (race, mp-race)", n)
			}
		}
	})
}
