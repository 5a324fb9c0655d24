package headers

import "testing"

func TestFormatRange(t *testing.T) {
	cases := []struct {
		off, size int64
		want      string
	}{{0, 0, "bytes=0-"}, {10, 0, "bytes=10-"}, {0, 1, "bytes=0-0"}, {5, 10, "bytes=5-14"}}
	for _, c := range cases {
		if got := FormatRange(c.off, c.size); got != c.want {
			t.Errorf("FormatRange(%d, %d) = %q, want %q", c.off, c.size, got, c.want)
		}
	}
	if ContentLength != "content-length" || ETag != "etag" || ContentType != "content-type" || LastModified != "last-modified" || Location != "location" {
		t.Fatal("header names")
	}
}
