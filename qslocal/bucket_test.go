package qslocal

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

func TestBuckets(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		c.call("PUT", "/bkt-two", "", nil).want(t, 201, "")
		c.call("HEAD", "/bkt-two", "", nil).want(t, 200, "")
		c.call("HEAD", "/bkt-none", "", nil).want(t, 404, "")
		for _, bad := range []string{"ab", "Upper-case", "-leading", "trailing-", "under_score", "192.168.1.1", strings.Repeat("a", 64)} {
			c.call("PUT", "/"+bad, "", nil).want(t, 400, "invalid_bucket_name")
		}
		c.put("bkt-two", "k", []byte("x"))
		c.call("DELETE", "/bkt-two", "", nil).want(t, 409, "bucket_not_empty")
		c.call("DELETE", "/bkt-two/k", "", nil).want(t, 204, "")
		// an unfinished multipart upload also keeps the bucket
		var ini initiateJSON
		c.call("POST", "/bkt-two/mp", "uploads", nil).want(t, 200, "").json(t, &ini)
		c.call("DELETE", "/bkt-two", "", nil).want(t, 409, "bucket_not_empty")
		c.call("DELETE", "/bkt-two/mp", "upload_id="+ini.UploadID, nil).want(t, 204, "")
		c.call("DELETE", "/bkt-two", "", nil).want(t, 204, "")
		c.call("DELETE", "/bkt-two", "", nil).want(t, 404, "bucket_not_exists")
		c.call("POST", "/bkt-test", "", nil).want(t, 405, "method_not_allowed")

		// stats
		c.put("bkt-test", "a", []byte("123"))
		c.put("bkt-test", "b/c", []byte("4567"))
		var st bucketStatsJSON
		c.call("GET", "/bkt-test", "stats", nil).want(t, 200, "").json(t, &st)
		if st.Count != 2 || st.Size != 7 || st.Name != "bkt-test" || st.Location != "pek3b" || st.Status != "active" {
			t.Fatalf("stats %+v", st)
		}
		// paging of list buckets by limit/offset; count is the total
		for i := 0; i < 3; i++ {
			c.call("PUT", fmt.Sprintf("/bkt-page%d", i), "", nil).want(t, 201, "")
		}
		var lb listBucketsJSON
		c.call("GET", "/", "limit=2&offset=1", nil).want(t, 200, "").json(t, &lb)
		if lb.Count != 4 || len(lb.Buckets) != 2 || lb.Buckets[0].Name != "bkt-page1" {
			t.Fatalf("list buckets page: %+v", lb)
		}
	})
}

// listAll pages through a listing and returns keys and common prefixes.
func listAll(t *testing.T, c *tc, bucket, prefix, delim string, limit int) (keys, prefixes []string, pages int) {
	t.Helper()
	marker := ""
	for {
		q := fmt.Sprintf("prefix=%s&delimiter=%s&marker=%s&limit=%d", qesc(prefix), qesc(delim), qesc(marker), limit)
		var lo listObjectsJSON
		c.call("GET", "/"+bucket, q, nil).want(t, 200, "").json(t, &lo)
		pages++
		if len(lo.Keys)+len(lo.CommonPrefixes) > limit {
			t.Fatalf("page larger than limit")
		}
		for _, k := range lo.Keys {
			keys = append(keys, k.Key)
		}
		prefixes = append(prefixes, lo.CommonPrefixes...)
		if !lo.HasMore {
			return
		}
		if lo.NextMarker == "" || lo.NextMarker <= marker {
			t.Fatalf("next_marker %q does not advance from %q", lo.NextMarker, marker)
		}
		marker = lo.NextMarker
	}
}

func TestListObjects(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		all := []string{"a", "a/1", "a/2", "a/b/3", "a/b/4", "b", "c/5", "c/6/7", "d+e", "d e", "中文/x"}
		for _, k := range all {
			c.put("bkt-test", k, []byte(k), withHeader("Content-Type", "text/plain"))
		}
		sorted := append([]string(nil), all...)
		sort.Strings(sorted)
		for _, limit := range []int{1, 2, 3, 1000} {
			keys, prefixes, _ := listAll(t, c, "bkt-test", "", "", limit)
			if strings.Join(keys, ",") != strings.Join(sorted, ",") || len(prefixes) != 0 {
				t.Fatalf("limit %d: keys %v", limit, keys)
			}
			keys, prefixes, _ = listAll(t, c, "bkt-test", "", "/", limit)
			if strings.Join(keys, ",") != "a,b,d e,d+e" || strings.Join(prefixes, ",") != "a/,c/,中文/" {
				t.Fatalf("limit %d delimiter: %v %v", limit, keys, prefixes)
			}
			keys, prefixes, _ = listAll(t, c, "bkt-test", "a/", "/", limit)
			if strings.Join(keys, ",") != "a/1,a/2" || strings.Join(prefixes, ",") != "a/b/" {
				t.Fatalf("limit %d prefix a/: %v %v", limit, keys, prefixes)
			}
		}
		// fields of a key entry
		var lo listObjectsJSON
		c.call("GET", "/bkt-test", "prefix=b&limit=1", nil).want(t, 200, "").json(t, &lo)
		k := lo.Keys[0]
		if k.Key != "b" || k.Size != 1 || k.ETag != etagOf([]byte("b")) || k.MimeType != "text/plain" || k.StorageClass != "STANDARD" || k.Modified == 0 || k.Created == "" || lo.Limit != 1 || lo.HasMore {
			t.Fatalf("key entry %+v in %+v", k, lo)
		}
		// limit clamps and bad limit
		c.call("GET", "/bkt-test", "limit=5000", nil).want(t, 200, "").json(t, &lo)
		if lo.Limit != 100 {
			t.Fatalf("limit not clamped: %d", lo.Limit)
		}
		c.call("GET", "/bkt-test", "limit=x", nil).want(t, 400, "invalid_argument")
		// empty bucket lists [] not null
		c.call("PUT", "/bkt-empty", "", nil).want(t, 201, "")
		r := c.call("GET", "/bkt-empty", "", nil).want(t, 200, "")
		var m map[string]json.RawMessage
		r.json(t, &m)
		if string(m["keys"]) != "[]" || string(m["common_prefixes"]) != "[]" {
			t.Fatalf("empty listing: %s", r.body)
		}
		c.call("GET", "/bkt-none", "", nil).want(t, 404, "bucket_not_exists")
	})
}

func TestDeleteMultiple(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		for _, k := range []string{"x1", "x2", "x3"} {
			c.put("bkt-test", k, []byte(k))
		}
		body := []byte(`{"quiet":false,"objects":[{"key":"x1"},{"key":"x2"},{"key":"missing"},{"key":"bad//key"}]}`)
		var out deleteMultipleJSON
		c.call("POST", "/bkt-test", "delete", body, withMD5(body), withHeader("Content-Type", "application/json")).want(t, 200, "").json(t, &out)
		if len(out.Deleted) != 3 || len(out.Errors) != 1 || out.Errors[0].Code != "invalid_object_name" {
			t.Fatalf("delete multiple: %+v", out)
		}
		keys, _, _ := listAll(t, c, "bkt-test", "", "", 100)
		if strings.Join(keys, ",") != "x3" {
			t.Fatalf("left %v", keys)
		}
		// Content-MD5 is required and checked; JSON must parse; at most 1000 keys
		c.call("POST", "/bkt-test", "delete", body).want(t, 400, "invalid_request")
		c.call("POST", "/bkt-test", "delete", body, withMD5([]byte("other"))).want(t, 400, "bad_digest")
		junk := []byte(`{"objects":[`)
		c.call("POST", "/bkt-test", "delete", junk, withMD5(junk)).want(t, 400, "invalid_json")
		manyKeys := func(n int) []byte {
			var sb strings.Builder
			sb.WriteString(`{"objects":[`)
			for i := 0; i < n; i++ {
				if i > 0 {
					sb.WriteByte(',')
				}
				fmt.Fprintf(&sb, `{"key":"k%d"}`, i)
			}
			sb.WriteString(`]}`)
			return []byte(sb.String())
		}
		many := manyKeys(1001)
		c.call("POST", "/bkt-test", "delete", many, withMD5(many)).want(t, 400, "too_many_objects")
		c.put("bkt-test", "k999", []byte("in the batch"))
		most := manyKeys(1000)
		c.call("POST", "/bkt-test", "delete", most, withMD5(most)).want(t, 200, "").json(t, &out)
		if len(out.Deleted) != 1000 || len(out.Errors) != 0 {
			t.Fatalf("1000-key batch: %d deleted, errors %v", len(out.Deleted), out.Errors)
		}
		c.call("GET", "/bkt-test/k999", "", nil).want(t, 404, "object_not_exists")
		c.call("POST", "/bkt-nothere", "delete", most, withMD5(most)).want(t, 404, "bucket_not_exists")
		big := []byte(`{"objects":[],"pad":"` + strings.Repeat("x", maxJSONBody) + `"}`)
		c.call("POST", "/bkt-test", "delete", big, withMD5(big)).want(t, 400, "invalid_request")
		quiet := []byte(`{"quiet":true,"objects":[{"key":"x3"}]}`)
		r := c.call("POST", "/bkt-test", "delete", quiet, withMD5(quiet)).want(t, 200, "")
		if strings.Contains(string(r.body), "deleted") {
			t.Fatalf("quiet reply lists deleted keys: %s", r.body)
		}
	})
}
