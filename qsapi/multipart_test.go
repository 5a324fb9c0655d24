package qsapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMultipartFlow(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case r.Method == "POST" && q.Has("uploads"):
			jsonReply(w, 200, `{"bucket":"bkt","key":"big","upload_id":"up1"}`)
		case r.Method == "PUT" && q.Has("part_number"):
			w.Header().Set("ETag", `"p`+q.Get("part_number")+`"`)
			w.WriteHeader(201)
		case r.Method == "GET" && q.Has("upload_id"):
			jsonReply(w, 200, `{"count":1,"object_parts":[{"part_number":0,"size":5,"etag":"\"p0\"","created":"2015-08-16T14:52:12.000Z"}]}`)
		case r.Method == "POST" && q.Has("upload_id"):
			w.Header().Set("ETag", `"final"`)
			w.WriteHeader(201)
		case r.Method == "DELETE" && q.Has("upload_id"):
			w.WriteHeader(204)
		default:
			w.WriteHeader(400)
		}
	})
	c := s.client()
	init, err := c.InitiateMultipartUpload(ctx, "bkt", "big", &InitiateMultipartUploadInput{
		ContentType: "video/mp4", StorageClass: "STANDARD", Metadata: map[string]string{"a": "1"}, SSECKey: sseKey})
	if err != nil || init.UploadID != "up1" || init.RequestID != "rid-1" {
		t.Fatal(init, err)
	}
	r := s.last()
	if r.RawQuery != "uploads" || r.Header.Get("X-Qs-Meta-A") != "1" || r.Header.Get("X-Qs-Encryption-Customer-Key-Md5") != sseKeyMD5 || !r.SigOK {
		t.Fatalf("%+v", r)
	}
	part, err := c.UploadPart(ctx, "bkt", "big", "up1", 0, strings.NewReader("hello"), &UploadPartInput{ContentLength: 5, SSECKey: sseKey})
	if err != nil || part.ETag != `"p0"` {
		t.Fatal(part, err)
	}
	r = s.last()
	if r.RawQuery != "part_number=0&upload_id=up1" || string(r.Body) != "hello" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
	parts, err := c.ListParts(ctx, "bkt", "big", "up1", &ListPartsInput{Limit: 10})
	if err != nil || parts.Count != 1 || len(parts.Parts) != 1 || parts.Parts[0].ETag != `"p0"` || parts.Parts[0].Size != 5 {
		t.Fatal(parts, err)
	}
	if r := s.last(); r.RawQuery != "limit=10&upload_id=up1" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
	done, err := c.CompleteMultipartUpload(ctx, "bkt", "big", "up1",
		[]CompletedPart{{PartNumber: 0, ETag: `"p0"`}, {PartNumber: 2}}, &CompleteMultipartUploadInput{ETag: `"mine"`})
	if err != nil || done.ETag != `"final"` {
		t.Fatal(done, err)
	}
	r = s.last()
	var body struct {
		Parts []CompletedPart `json:"object_parts"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]CompletedPart{{0, `"p0"`}, {2, ""}}, body.Parts); diff != "" || r.Header.Get("Etag") != `"mine"` ||
		r.Header.Get("Content-Type") != "application/json" || !r.SigOK {
		t.Fatalf("%s %+v", diff, r)
	}
	if _, err := c.AbortMultipartUpload(ctx, "bkt", "big", "up1"); err != nil {
		t.Fatal(err)
	}
	if r := s.last(); r.Method != "DELETE" || r.RawQuery != "upload_id=up1" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
}

func TestMultipartBadInput(t *testing.T) {
	s := newStub(t, status(500))
	c := s.client()
	checks := []error{
		func() error { _, err := c.UploadPart(ctx, "bkt", "k", "", 0, nil, nil); return err }(),
		func() error { _, err := c.UploadPart(ctx, "bkt", "k", "u", -1, nil, nil); return err }(),
		func() error { _, err := c.UploadPart(ctx, "bkt", "k", "u", 10001, nil, nil); return err }(),
		func() error {
			_, err := c.CompleteMultipartUpload(ctx, "bkt", "k", "u", []CompletedPart{{PartNumber: 2}, {PartNumber: 1}}, nil)
			return err
		}(),
		func() error { _, err := c.ListParts(ctx, "bkt", "", "u", nil); return err }(),
	}
	for i, err := range checks {
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("check %d: %v", i, err)
		}
	}
	if len(s.requests()) != 0 {
		t.Fatal("bad input reached the server")
	}
}

func TestUploadNotExists(t *testing.T) {
	for _, code := range []int{400, 404} {
		s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
			jsonReply(w, code, `{"code":"upload_not_exists","message":"no such upload","request_id":"body-rid"}`)
		})
		_, err := s.client().ListParts(ctx, "bkt", "k", "nope", nil)
		if !IsNotFound(err) {
			t.Fatalf("%d: %v", code, err)
		}
	}
}

func TestPartPagesInclusiveMarker(t *testing.T) {
	// The stub implements the server's documented-by-us semantics: parts with
	// part_number >= part_number_marker, at most limit of them.
	all := []int{0, 1, 2, 5, 9}
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		marker, _ := strconv.Atoi(r.URL.Query().Get("part_number_marker"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var ps []string
		for _, n := range all {
			if n >= marker && len(ps) < limit {
				ps = append(ps, fmt.Sprintf(`{"part_number":%d,"size":1}`, n))
			}
		}
		jsonReply(w, 200, fmt.Sprintf(`{"count":%d,"object_parts":[%s]}`, len(all), strings.Join(ps, ",")))
	})
	var got []int
	for page, err := range s.client().PartPages(ctx, "bkt", "k", "u", ListPartsInput{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Parts {
			got = append(got, p.PartNumber)
		}
	}
	if diff := cmp.Diff(all, got); diff != "" {
		t.Fatal(diff)
	}
}

func TestUploadPartCopy(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"pc"`)
		w.Header().Set("X-QS-Content-Copy-Range", "bytes 10-19/100")
		w.WriteHeader(201)
	})
	out, err := s.client().UploadPartCopy(ctx, "bkt", "big", "up1", 4, &UploadPartCopyInput{
		SourceBucket: "src", SourceKey: "a b", HasRange: true, RangeStart: 10, RangeEnd: 19, SourceSSECKey: sseKey})
	if err != nil || out.ETag != `"pc"` || out.CopyRange != "bytes 10-19/100" {
		t.Fatal(out, err)
	}
	r := s.last()
	if r.Method != "PUT" || r.RawQuery != "part_number=4&upload_id=up1" || r.Header.Get("X-Qs-Copy-Source") != "/src/a%20b" ||
		r.Header.Get("X-Qs-Copy-Range") != "bytes=10-19" || r.Header.Get("X-Qs-Copy-Source-Encryption-Customer-Key-Md5") != sseKeyMD5 ||
		r.Header.Get("Content-Length") != "0" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
	if _, err := s.client().UploadPartCopy(ctx, "bkt", "big", "up1", 4, &UploadPartCopyInput{
		SourceBucket: "src", SourceKey: "k", HasRange: true, RangeStart: 5, RangeEnd: 4}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatal(err)
	}
}
