package qslocal

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestJSONWireTypes decodes the success bodies into untyped maps and checks
// the field names and JSON types against the swagger definitions: created
// is an RFC 3339 string, keys[].modified an integer of Unix seconds, sizes
// and counts integers, etags quoted strings, flags booleans.
func TestJSONWireTypes(t *testing.T) {
	_, c := startMP(t, false)
	c.put("bkt-test", "dir/a.txt", []byte("abc"), withHeader("Content-Type", "text/plain"))
	id := initiate(t, c, "mp")
	uploadPart(t, c, "mp", id, 0, []byte("part"))
	before := time.Now().Add(-time.Minute)

	get := func(path, query string) map[string]any {
		t.Helper()
		var m map[string]any
		r := c.call("GET", path, query, nil).want(t, 200, "")
		if err := json.Unmarshal(r.body, &m); err != nil {
			t.Fatalf("%s?%s: %v", path, query, err)
		}
		return m
	}
	isInt := func(where string, v any) {
		t.Helper()
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			t.Errorf("%s = %#v, want an integer", where, v)
		}
	}
	isTime := func(where string, v any) {
		t.Helper()
		s, ok := v.(string)
		if !ok {
			t.Errorf("%s = %#v, want an RFC 3339 string", where, v)
			return
		}
		if tm, err := time.Parse(time.RFC3339, s); err != nil || tm.Before(before) {
			t.Errorf("%s = %q: %v", where, s, err)
		}
	}
	isStr := func(where string, v any) {
		t.Helper()
		if _, ok := v.(string); !ok {
			t.Errorf("%s = %#v, want a string", where, v)
		}
	}
	isQuoted := func(where string, v any) {
		t.Helper()
		if s, ok := v.(string); !ok || len(s) < 3 || !strings.HasPrefix(s, `"`) || !strings.HasSuffix(s, `"`) {
			t.Errorf("%s = %#v, want a quoted etag", where, v)
		}
	}

	lb := get("/", "")
	isInt("list buckets count", lb["count"])
	b := lb["buckets"].([]any)[0].(map[string]any)
	for _, f := range []string{"name", "location", "url"} {
		isStr("buckets[]."+f, b[f])
	}
	isTime("buckets[].created", b["created"])

	lo := get("/bkt-test", "limit=10")
	for _, f := range []string{"name", "prefix", "delimiter", "marker", "next_marker"} {
		isStr("list objects "+f, lo[f])
	}
	isInt("list objects limit", lo["limit"])
	if _, ok := lo["has_more"].(bool); !ok {
		t.Errorf("has_more = %#v", lo["has_more"])
	}
	if o, ok := lo["owner"].(map[string]any); !ok || o["id"] == nil || o["name"] == nil {
		t.Errorf("owner = %#v", lo["owner"])
	}
	if _, ok := lo["common_prefixes"].([]any); !ok {
		t.Errorf("common_prefixes = %#v", lo["common_prefixes"])
	}
	k := lo["keys"].([]any)[0].(map[string]any)
	isStr("keys[].key", k["key"])
	isInt("keys[].size", k["size"])
	isQuoted("keys[].etag", k["etag"])
	isStr("keys[].mime_type", k["mime_type"])
	isTime("keys[].created", k["created"])
	isInt("keys[].modified", k["modified"])
	if m, _ := k["modified"].(float64); time.Unix(int64(m), 0).Before(before) {
		t.Errorf("keys[].modified = %v is not Unix seconds of now", k["modified"])
	}
	if _, ok := k["encrypted"].(bool); !ok {
		t.Errorf("keys[].encrypted = %#v", k["encrypted"])
	}
	if k["storage_class"] != "STANDARD" {
		t.Errorf("keys[].storage_class = %#v", k["storage_class"])
	}

	st := get("/bkt-test", "stats")
	isInt("stats count", st["count"])
	isInt("stats size", st["size"])
	for _, f := range []string{"location", "name", "url", "status"} {
		isStr("stats "+f, st[f])
	}
	isTime("stats created", st["created"])

	lu := get("/bkt-test", "uploads")
	u := lu["uploads"].([]any)[0].(map[string]any)
	isStr("uploads[].key", u["key"])
	isStr("uploads[].upload_id", u["upload_id"])
	isTime("uploads[].created", u["created"])
	for _, f := range []string{"next_key_marker", "next_upload_id_marker", "marker"} {
		isStr("list uploads "+f, lu[f])
	}

	lp := get("/bkt-test/mp", "upload_id="+id)
	isInt("list parts count", lp["count"])
	p := lp["object_parts"].([]any)[0].(map[string]any)
	isInt("object_parts[].part_number", p["part_number"])
	isInt("object_parts[].size", p["size"])
	// The docs' example lists part etags as bare hex (objects' are quoted).
	if s, ok := p["etag"].(string); !ok || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(s) {
		t.Errorf("object_parts[].etag = %#v, want 32 hex digits without quotes", p["etag"])
	}
	isTime("object_parts[].created", p["created"])
}
