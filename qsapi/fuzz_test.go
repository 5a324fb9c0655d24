package qsapi

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// FuzzErrorFrom feeds arbitrary error bodies to the error decoder: it must
// never panic, always keep the status, and bound the kept text.
func FuzzErrorFrom(f *testing.F) {
	f.Add(400, `{"code":"bad_request","message":"m","request_id":"r","url":"u"}`)
	f.Add(503, "<html>busy</html>")
	f.Add(404, "")
	f.Add(500, "\xff\xfe{")
	f.Fuzz(func(t *testing.T, status int, body string) {
		resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
		e := errorFrom("Op", "b/k", resp)
		if e.StatusCode != status || len(e.Body) > 4<<10 || e.Op != "Op" {
			t.Fatalf("%+v", e)
		}
		_ = e.Error()
	})
}

// FuzzResponseHeaders parses arbitrary header values the client reads.
func FuzzResponseHeaders(f *testing.F) {
	f.Add("Sat, 28 Nov 2026 20:00:00 GMT", "120", "12345", "x-qs-meta-a")
	f.Add("", "-1", "9999999999999999999999", "X-QS-META-")
	f.Fuzz(func(t *testing.T, date, retry, pos, meta string) {
		_ = parseTime(date)
		if d, ok := retryAfter(retry); ok && d < 0 {
			t.Fatalf("negative Retry-After %v from %q", d, retry)
		}
		h := http.Header{}
		h.Set("X-Qs-Next-Append-Position", pos)
		h[meta] = []string{"v"}
		m := metaFrom(&http.Response{StatusCode: 200, Header: h})
		if m.HasNextAppendPosition && h.Get("X-Qs-Next-Append-Position") == "" {
			t.Fatal("position from nothing")
		}
	})
}
