package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// tooLargeServer is qslocal behind a handler that refuses single-request
// copies of keys containing "huge" as QingStor refuses sources above
// 5 GiB, and counts part copies (failing part failPart when >= 0).
type tooLargeServer struct {
	h          http.Handler
	refused    atomic.Int64
	partCopies atomic.Int64
	failPart   int
}

func (s *tooLargeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	src := r.Header.Get("X-Qs-Copy-Source")
	if r.Method == http.MethodPut && src != "" {
		q := r.URL.Query()
		switch {
		case q.Has("upload_id"):
			s.partCopies.Add(1)
			if q.Get("part_number") == strconv.Itoa(s.failPart) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, `{"code":"permission_denied","message":"injected"}`)
				return
			}
		case strings.Contains(src, "huge"):
			s.refused.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"code":"entity_too_large","message":"injected: the copy source is above 5 GiB"}`)
			return
		}
	}
	s.h.ServeHTTP(w, r)
}

// startTooLarge starts the server with buckets src-bucket and dst-bucket
// and returns a remote configured for it.
func startTooLarge(t *testing.T) (*tooLargeServer, *remote) {
	t.Helper()
	ak, sk := qslocal.GenerateCredentials()
	srv, err := qslocal.New(qslocal.Options{Memory: true, Credentials: map[string]string{ak: sk}, MinPartSize: testPartSize,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for _, b := range []string{"src-bucket", "dst-bucket"} {
		if err := srv.CreateBucket(b); err != nil {
			t.Fatal(err)
		}
	}
	ts := &tooLargeServer{h: srv, failPart: -1}
	hs := httptest.NewServer(ts)
	t.Cleanup(hs.Close)
	u, _ := url.Parse(hs.URL)
	port, _ := strconv.Atoi(u.Port())
	rem, err := newRemote(&config{AccessKeyID: ak, SecretAccessKey: sk, Host: u.Hostname(), Port: port, Protocol: "http"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ts, rem
}

// TestCopyAcrossBucketsByParts: a copy between buckets that the server
// refuses as too large for one request is done part by part on the server:
// same bytes and content type, one part copy per part, no upload left.
func TestCopyAcrossBucketsByParts(t *testing.T) {
	ts, rem := startTooLarge(t)
	ctx := context.Background()
	src, _ := rem.storage("src-bucket")
	dst, _ := rem.storage("dst-bucket")
	data := randData(t, 2*testPartSize+77)
	if _, err := src.Write("huge.bin", bytes.NewReader(data), int64(len(data)), pairs.WithContentType("application/x-test")); err != nil {
		t.Fatal(err)
	}
	a := &app{}
	x := &xfer{partSize: minPartSize, concurrency: 2, copyPartSize: testPartSize}
	from := location{Remote: true, Bucket: "src-bucket", Key: "huge.bin"}
	to := location{Remote: true, Bucket: "dst-bucket", Key: "copied/huge.bin"}
	if err := a.remoteCopy(ctx, rem, from, to, x, false); err != nil {
		t.Fatal(err)
	}
	if ts.refused.Load() != 1 || ts.partCopies.Load() != 3 {
		t.Errorf("%d single copies refused, %d part copies; want 1 and 3", ts.refused.Load(), ts.partCopies.Load())
	}
	var got bytes.Buffer
	if _, err := dst.Read("copied/huge.bin", &got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), data) {
		t.Errorf("copy has %d bytes, not the source's %d", got.Len(), len(data))
	}
	o, err := dst.Stat("copied/huge.bin")
	if err != nil {
		t.Fatal(err)
	}
	if ct, _ := o.GetContentType(); ct != "application/x-test" {
		t.Errorf("content type %q, want the source's", ct)
	}
	assertNoUploads(t, dst)
}

// TestCopyAcrossBucketsByPartsFails: a failing part aborts the upload and
// leaves the destination untouched.
func TestCopyAcrossBucketsByPartsFails(t *testing.T) {
	ts, rem := startTooLarge(t)
	ts.failPart = 1
	src, _ := rem.storage("src-bucket")
	dst, _ := rem.storage("dst-bucket")
	data := randData(t, 3*testPartSize)
	if _, err := src.Write("huge.bin", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	x := &xfer{partSize: minPartSize, concurrency: 1, copyPartSize: testPartSize}
	err := (&app{}).remoteCopy(context.Background(), rem,
		location{Remote: true, Bucket: "src-bucket", Key: "huge.bin"}, location{Remote: true, Bucket: "dst-bucket", Key: "huge.bin"}, x, false)
	if !errors.Is(err, services.ErrPermissionDenied) {
		t.Fatalf("copy with a failing part: %v", err)
	}
	assertNoUpload(t, dst, "huge.bin")
}

// assertNoUploads fails if s has an unfinished multipart upload.
func assertNoUploads(t *testing.T, s types.Storager) {
	t.Helper()
	it, err := s.List("", pairs.WithListMode(types.ListModePart))
	if err != nil {
		t.Fatal(err)
	}
	if o, err := it.Next(); !errors.Is(err, types.IterateDone) {
		t.Errorf("an upload is left: %v %v", o, err)
	}
}
