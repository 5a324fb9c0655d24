package qsapi

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var ctx = context.Background()

// The SSE-C known answer from the QingStor test scenarios.
var (
	sseKey    = []byte(strings.Repeat("x", 32))
	sseKeyB64 = "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg="
	sseKeyMD5 = "3I/h1kl+vSP1l12NKhxegQ=="
)

func TestPutObject(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"etag1"`)
		w.Header().Set("X-QS-Encryption-Customer-Algorithm", "AES256")
		w.WriteHeader(http.StatusCreated)
	})
	c := s.client()
	data := []byte("hello world")
	sum := md5.Sum(data)
	out, err := c.PutObject(ctx, "bkt", "dir/a b+c.txt", bytes.NewReader(data), &PutObjectInput{
		ContentLength: int64(len(data)), ContentMD5: sum[:], ContentType: "text/plain",
		StorageClass: StorageClassStandardIA, Metadata: map[string]string{"Color": "blue"}, SSECKey: sseKey,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := PutObjectOutput{ETag: `"etag1"`, EncryptionAlgorithm: "AES256", RequestID: "rid-1"}
	if diff := cmp.Diff(want, *out); diff != "" {
		t.Fatal(diff)
	}
	r := s.last()
	if r.Method != "PUT" || r.Path != "/bkt/dir/a b+c.txt" || r.RawPath != "/bkt/dir/a%20b%2Bc.txt" || !r.SigOK {
		t.Fatalf("request %+v", r)
	}
	if string(r.Body) != "hello world" || r.Header.Get("Content-Length") != "11" {
		t.Fatalf("body %q len %q", r.Body, r.Header.Get("Content-Length"))
	}
	wantH := map[string]string{
		"Content-Md5":                        base64.StdEncoding.EncodeToString(sum[:]),
		"Content-Type":                       "text/plain",
		"X-Qs-Storage-Class":                 "STANDARD_IA",
		"X-Qs-Meta-Color":                    "blue",
		"X-Qs-Encryption-Customer-Algorithm": "AES256",
		"X-Qs-Encryption-Customer-Key":       sseKeyB64,
		"X-Qs-Encryption-Customer-Key-Md5":   sseKeyMD5,
	}
	for k, v := range wantH {
		if got := r.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
}

func TestPutObjectBadInput(t *testing.T) {
	s := newStub(t, status(201))
	c := s.client()
	cases := []struct {
		name, bucket, key string
		in                *PutObjectInput
	}{
		{"empty bucket", "", "k", nil},
		{"bad bucket", "b/k", "k", nil},
		{"empty key", "bkt", "", nil},
		{"short sse key", "bkt", "k", &PutObjectInput{SSECKey: []byte("short")}},
		{"bad md5", "bkt", "k", &PutObjectInput{ContentMD5: []byte("abc")}},
		{"bad meta name", "bkt", "k", &PutObjectInput{Metadata: map[string]string{"a b": "v"}}},
		{"bad meta value", "bkt", "k", &PutObjectInput{Metadata: map[string]string{"a": "v\n"}}},
		{"meta too large", "bkt", "k", &PutObjectInput{Metadata: map[string]string{"a": strings.Repeat("v", 2048)}}},
		{"negative length", "bkt", "k", &PutObjectInput{ContentLength: -1}},
	}
	for _, tc := range cases {
		_, err := c.PutObject(ctx, tc.bucket, tc.key, nil, tc.in)
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		if err != nil && strings.Contains(err.Error(), sseKeyB64) {
			t.Errorf("%s: error leaks the key", tc.name)
		}
	}
	if n := len(s.requests()); n != 0 {
		t.Fatalf("%d requests sent for bad input", n)
	}
}

func TestGetObject(t *testing.T) {
	lm := time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/plain")
		h.Set("Content-Range", "bytes 2-5/10")
		h.Set("ETag", `"e"`)
		h.Set("Last-Modified", "Sat, 28 Nov 2026 20:00:00 GMT")
		h.Set("X-QS-Storage-Class", "STANDARD")
		h.Set("X-QS-Meta-Color", "blue")
		h.Set("Content-Length", "4")
		w.WriteHeader(http.StatusPartialContent)
		io.WriteString(w, "2345")
	})
	c := s.client()
	out, err := c.GetObject(ctx, "bkt", "k", &GetObjectInput{
		Range: "bytes=2-5",
		Conditions: Conditions{IfMatch: `"e"`, IfNoneMatch: `"x"`, IfModifiedSince: lm.Add(-time.Hour),
			IfUnmodifiedSince: lm.Add(time.Hour)},
		Response: ResponseOverrides{ContentType: "text/csv", ContentDisposition: `attachment; filename="a b.csv"`,
			CacheControl: "no-cache", Expires: "0", ContentLanguage: "en", ContentEncoding: "gzip"},
		SSECKey: sseKey,
	})
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err != nil || string(body) != "2345" {
		t.Fatalf("body %q %v", body, err)
	}
	if out.StatusCode != 206 || out.ContentLength != 4 || out.ContentRange != "bytes 2-5/10" || out.ETag != `"e"` ||
		!out.LastModified.Equal(lm) || out.StorageClass != "STANDARD" || out.Metadata["color"] != "blue" || out.RequestID != "rid-1" {
		t.Fatalf("meta %+v", out.ObjectMeta)
	}
	r := s.last()
	if !r.SigOK {
		t.Fatal("signature does not verify")
	}
	wantH := map[string]string{
		"Range": "bytes=2-5", "If-Match": `"e"`, "If-None-Match": `"x"`,
		"If-Modified-Since":                "Sat, 28 Nov 2026 19:00:00 GMT",
		"If-Unmodified-Since":              "Sat, 28 Nov 2026 21:00:00 GMT",
		"X-Qs-Encryption-Customer-Key-Md5": sseKeyMD5,
	}
	for k, v := range wantH {
		if got := r.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if r.Query.Get("response-content-disposition") != `attachment; filename="a b.csv"` || r.Query.Get("response-expires") != "0" ||
		r.Query.Get("response-content-type") != "text/csv" {
		t.Fatalf("query %v", r.Query)
	}
}

func TestGetObjectConditionalStatuses(t *testing.T) {
	for _, code := range []int{304, 412} {
		s := newStub(t, status(code))
		_, err := s.client().GetObject(ctx, "bkt", "k", nil)
		e, ok := AsError(err)
		if !ok || e.StatusCode != code || e.RequestID != "rid-1" || e.Op != "GetObject" {
			t.Fatalf("%d: err %v", code, err)
		}
		if IsNotModified(err) != (code == 304) || IsPreconditionFailed(err) != (code == 412) {
			t.Fatalf("%d: helpers", code)
		}
	}
}

func TestHeadObject(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Length", "12345")
		h.Set("Content-Type", "application/octet-stream")
		h.Set("ETag", `"abc"`)
		h.Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
		h.Set("X-QS-Storage-Class", "STANDARD_IA")
		h.Set("X-QS-Encryption-Customer-Algorithm", "AES256")
		h.Set("X-QS-Object-Type", "appendable")
		h.Set("X-QS-Next-Append-Position", "12345")
		h.Set("X-QS-Meta-Bs-Link-Target", "t/x")
		w.WriteHeader(200)
	})
	m, err := s.client().HeadObject(ctx, "bkt", "k", &HeadObjectInput{Conditions: Conditions{IfNoneMatch: `"x"`}})
	if err != nil {
		t.Fatal(err)
	}
	want := ObjectMeta{
		StatusCode: 200, ContentLength: 12345, ContentType: "application/octet-stream", ETag: `"abc"`,
		LastModified: time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC), StorageClass: "STANDARD_IA",
		EncryptionAlgorithm: "AES256", ObjectType: ObjectTypeAppendable, NextAppendPosition: 12345,
		HasNextAppendPosition: true, Metadata: map[string]string{"bs-link-target": "t/x"}, RequestID: "rid-1",
	}
	if diff := cmp.Diff(want, *m); diff != "" {
		t.Fatal(diff)
	}
	if r := s.last(); r.Method != "HEAD" || !r.SigOK || r.Header.Get("If-None-Match") != `"x"` {
		t.Fatalf("%+v", r)
	}
}

func TestHeadObjectErrorHasNoBody(t *testing.T) {
	s := newStub(t, status(404))
	_, err := s.client().HeadObject(ctx, "bkt", "k", nil)
	e, ok := AsError(err)
	if !ok || e.StatusCode != 404 || e.RequestID != "rid-1" || e.Code != "" || !IsNotFound(err) {
		t.Fatalf("err %#v", err)
	}
}

func TestDeleteObject(t *testing.T) {
	s := newStub(t, status(204))
	out, err := s.client().DeleteObject(ctx, "bkt", "a/b")
	if err != nil || out.RequestID != "rid-1" {
		t.Fatal(out, err)
	}
	if r := s.last(); r.Method != "DELETE" || r.Path != "/bkt/a/b" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
}

func TestCopyObject(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"c"`)
		w.WriteHeader(201)
	})
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out, err := s.client().CopyObject(ctx, "dst", "new key", &CopyObjectInput{
		SourceBucket: "src", SourceKey: "dir/a b+c 中.txt", MetadataDirective: "replace",
		Metadata: map[string]string{"k": "v"}, ContentType: "text/plain", StorageClass: "STANDARD",
		SourceIfMatch: `"abc"`, SourceIfUnmodifiedSince: since, SourceSSECKey: sseKey, SSECKey: sseKey,
	})
	if err != nil || out.ETag != `"c"` {
		t.Fatal(out, err)
	}
	r := s.last()
	want := map[string]string{
		"X-Qs-Copy-Source":                               "/src/dir/a%20b%2Bc%20%E4%B8%AD.txt",
		"X-Qs-Metadata-Directive":                        "REPLACE",
		"X-Qs-Meta-K":                                    "v",
		"X-Qs-Copy-Source-If-Match":                      "%22abc%22",
		"X-Qs-Copy-Source-If-Unmodified-Since":           "Thu, 01 Jan 2026 00:00:00 GMT",
		"X-Qs-Copy-Source-Encryption-Customer-Algorithm": "AES256",
		"X-Qs-Copy-Source-Encryption-Customer-Key":       sseKeyB64,
		"X-Qs-Copy-Source-Encryption-Customer-Key-Md5":   sseKeyMD5,
		"X-Qs-Encryption-Customer-Key":                   sseKeyB64,
		"Content-Length":                                 "0",
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if r.Method != "PUT" || r.Path != "/dst/new key" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
	if _, err := s.client().CopyObject(ctx, "dst", "k", &CopyObjectInput{SourceBucket: "src"}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatal(err)
	}
	if _, err := s.client().CopyObject(ctx, "dst", "k", &CopyObjectInput{SourceBucket: "src", SourceKey: "k", MetadataDirective: "KEEP"}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatal(err)
	}
}

func TestMoveAndFetch(t *testing.T) {
	s := newStub(t, status(201))
	c := s.client()
	if _, err := c.MoveObject(ctx, "dst", "to", "src", "from a+b"); err != nil {
		t.Fatal(err)
	}
	if r := s.last(); r.Header.Get("X-Qs-Move-Source") != "/src/from%20a%2Bb" || r.Path != "/dst/to" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
	if _, err := c.FetchObject(ctx, "dst", "to", "https://example.com/a b"); err != nil {
		t.Fatal(err)
	}
	if r := s.last(); r.Header.Get("X-Qs-Fetch-Source") != "https://example.com/a%20b" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
	for _, bad := range []string{"", "ftp://x/y", "/relative", "http://"} {
		if _, err := c.FetchObject(ctx, "dst", "to", bad); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestAppendObject(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-QS-Next-Append-Position", "15")
		w.WriteHeader(200)
	})
	out, err := s.client().AppendObject(ctx, "bkt", "log", 10, strings.NewReader("hello"), &AppendObjectInput{ContentLength: 5, ContentType: "text/plain"})
	if err != nil || out.NextPosition != 15 {
		t.Fatal(out, err)
	}
	r := s.last()
	if r.Method != "POST" || r.RawQuery != "append&position=10" || string(r.Body) != "hello" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
	// A response without the next position is an error.
	s2 := newStub(t, status(200))
	if _, err := s2.client().AppendObject(ctx, "bkt", "log", 0, nil, nil); !errors.Is(err, ErrNoNextAppendPosition) {
		t.Fatalf("missing X-QS-Next-Append-Position: got %v, want ErrNoNextAppendPosition", err)
	}
	if _, err := s2.client().AppendObject(ctx, "bkt", "log", -1, nil, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatal(err)
	}
}

func TestPutObjectLengthMismatch(t *testing.T) {
	s := newStub(t, status(201))
	c := s.client()
	if _, err := c.PutObject(ctx, "bkt", "zero", strings.NewReader("data"), nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("zero length with data: %v", err)
	}
	if _, err := c.PutObject(ctx, "bkt", "long", strings.NewReader("data"), &PutObjectInput{ContentLength: 2}); err == nil {
		t.Fatal("body longer than ContentLength accepted")
	}
	if _, err := c.PutObject(ctx, "bkt", "short", strings.NewReader("xy"), &PutObjectInput{ContentLength: 4}); err == nil {
		t.Fatal("body shorter than ContentLength accepted")
	}
	if _, err := c.PutObject(ctx, "bkt", "empty", strings.NewReader(""), nil); err != nil {
		t.Fatal(err)
	}
	// A call whose body failed returns as soon as the client stops sending;
	// the server may still be reading what arrived of it (or may never have
	// seen the request). Close waits for every handler, so all requests that
	// reached the server are recorded below, whatever their order.
	s.srv.Close()
	n := map[string]int{}
	for _, r := range s.requests() {
		n[r.Path]++
		if r.Path == "/bkt/long" && string(r.Body) == "da" {
			t.Fatal("the server received a complete, silently truncated body")
		}
		if r.Path == "/bkt/empty" && r.Header.Get("Content-Length") != "0" {
			t.Fatalf("empty body sent as %+v", r)
		}
	}
	// The zero-length case is refused before sending; the two others fail
	// while streaming and are not retried.
	if n["/bkt/zero"] != 0 || n["/bkt/long"] > 1 || n["/bkt/short"] > 1 || n["/bkt/empty"] != 1 {
		t.Fatalf("requests per path %v, want none for zero, at most one for long and short, one for empty", n)
	}
}
