package qsapi_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/internal/faults"
	"github.com/qsgo/qsgo/qsapi"
)

const ambBucket = "ambiguous"

// ambEnv is a faults.Env (a qslocal server and a direct client to it) with
// a client that goes through a fault proxy (retrying without sleeping).
type ambEnv struct {
	*faults.Env
	viaProxy *qsapi.Client
	proxy    *faults.Proxy
}

func newAmbEnv(t *testing.T) *ambEnv {
	t.Helper()
	e := faults.NewEnv(t, ambBucket)
	p := e.Proxy(t)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := qsapi.New(qsapi.Options{Protocol: "http", Host: "127.0.0.1", Port: p.Port(),
		AccessKeyID: e.Server.AccessKeyID, SecretAccessKey: e.Server.SecretAccessKey,
		HTTPClient: &http.Client{Transport: tr},
		Retry:      qsapi.RetryPolicy{MaxAttempts: 3, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}})
	if err != nil {
		t.Fatal(err)
	}
	return &ambEnv{Env: e, viaProxy: c, proxy: p}
}

// methods lists the methods of the requests the proxy saw, in order.
func (e *ambEnv) methods() []string {
	var out []string
	for _, ev := range e.proxy.Events() {
		out = append(out, ev.Method)
	}
	return out
}

// content is the text of key (fatal when it does not exist).
func (e *ambEnv) content(t *testing.T, key string) string {
	t.Helper()
	b := e.Read(t, key)
	if b == nil {
		t.Fatalf("get %s: no such object", key)
	}
	return string(b)
}

func (e *ambEnv) put(t *testing.T, key, data string) { t.Helper(); e.Put(t, key, []byte(data)) }

func sameMethods(got []string, want ...string) bool {
	return strings.Join(got, " ") == strings.Join(want, " ")
}

func TestAmbiguousAppend(t *testing.T) {
	ctx := context.Background()
	appendIn := func(s string) *qsapi.AppendObjectInput { return &qsapi.AppendObjectInput{ContentLength: int64(len(s))} }
	t.Run("applied append whose response was lost succeeds once", func(t *testing.T) {
		e := newAmbEnv(t)
		if _, err := e.Direct.AppendObject(ctx, ambBucket, "log", 0, strings.NewReader("first,"), appendIn("first,")); err != nil {
			t.Fatal(err)
		}
		e.proxy.Add(faults.Rule{Match: faults.HasQuery("append"), Faults: []faults.Fault{{Kind: faults.ResetBeforeResponse}}})
		out, err := e.viaProxy.AppendObject(ctx, ambBucket, "log", 6, strings.NewReader("second"), appendIn("second"))
		if err != nil {
			t.Fatalf("append: %v (requests %v)", err, e.methods())
		}
		if out.NextPosition != 12 {
			t.Fatalf("next position %d, want 12", out.NextPosition)
		}
		if got := e.content(t, "log"); got != "first,second" {
			t.Fatalf("content %q", got)
		}
		if m := e.methods(); !sameMethods(m, "POST", "POST", "HEAD") {
			t.Fatalf("requests %v, want the lost append, its retry and one HEAD", m)
		}
	})
	t.Run("lost attempt not applied and a wrong position stays an error", func(t *testing.T) {
		e := newAmbEnv(t)
		if _, err := e.Direct.AppendObject(ctx, ambBucket, "log", 0, strings.NewReader("first,"), appendIn("first,")); err != nil {
			t.Fatal(err)
		}
		// The first attempt never reaches the server; the position is wrong
		// from the start, so the HEAD must not confirm the append.
		e.proxy.Add(faults.Rule{Match: faults.HasQuery("append"), Faults: []faults.Fault{{Kind: faults.ResetOnRequest}}})
		_, err := e.viaProxy.AppendObject(ctx, ambBucket, "log", 1, strings.NewReader("abc"), appendIn("abc"))
		if e, ok := qsapi.AsError(err); !ok || e.StatusCode != 400 || e.Code != "invalid_argument" {
			t.Fatalf("err %v, want 400 invalid_argument", err)
		}
		if got := e.content(t, "log"); got != "first," {
			t.Fatalf("content %q", got)
		}
	})
	t.Run("position mismatch without a lost attempt sends no HEAD", func(t *testing.T) {
		e := newAmbEnv(t)
		if _, err := e.Direct.AppendObject(ctx, ambBucket, "log", 0, strings.NewReader("first,"), appendIn("first,")); err != nil {
			t.Fatal(err)
		}
		e.proxy.Add(faults.Rule{Match: faults.HasQuery("append"), Faults: []faults.Fault{{Kind: faults.Status, Code: 503}}})
		_, err := e.viaProxy.AppendObject(ctx, ambBucket, "log", 0, strings.NewReader("abc"), appendIn("abc"))
		if e, ok := qsapi.AsError(err); !ok || e.Code != "invalid_argument" {
			t.Fatalf("err %v, want invalid_argument", err)
		}
		if m := e.methods(); !sameMethods(m, "POST", "POST") {
			t.Fatalf("requests %v: a 503 proves the first attempt was not applied, no HEAD expected", m)
		}
	})
}

func TestAmbiguousCompleteMultipart(t *testing.T) {
	ctx := context.Background()
	upload := func(t *testing.T, e *ambEnv, key string) (string, []qsapi.CompletedPart) {
		t.Helper()
		up, err := e.Direct.InitiateMultipartUpload(ctx, ambBucket, key, nil)
		if err != nil {
			t.Fatal(err)
		}
		var parts []qsapi.CompletedPart
		for i, s := range []string{"part0-", "part1"} {
			out, err := e.Direct.UploadPart(ctx, ambBucket, key, up.UploadID, i, strings.NewReader(s),
				&qsapi.UploadPartInput{ContentLength: int64(len(s))})
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, qsapi.CompletedPart{PartNumber: i, ETag: out.ETag})
		}
		return up.UploadID, parts
	}
	completeReq := faults.And(faults.Method(http.MethodPost), faults.HasQuery("upload_id"))
	t.Run("applied complete whose response was lost succeeds", func(t *testing.T) {
		e := newAmbEnv(t)
		id, parts := upload(t, e, "big")
		e.proxy.Add(faults.Rule{Match: completeReq, Faults: []faults.Fault{{Kind: faults.ResetBeforeResponse}}})
		out, err := e.viaProxy.CompleteMultipartUpload(ctx, ambBucket, "big", id, parts,
			&qsapi.CompleteMultipartUploadInput{ETag: `"my-etag"`})
		if err != nil {
			t.Fatalf("complete: %v (requests %v)", err, e.methods())
		}
		if strings.Trim(out.ETag, `"`) != "my-etag" {
			t.Fatalf("etag %q", out.ETag)
		}
		if got := e.content(t, "big"); got != "part0-part1" {
			t.Fatalf("content %q", got)
		}
		if m := e.methods(); !sameMethods(m, "POST", "POST", "HEAD") {
			t.Fatalf("requests %v", m)
		}
	})
	t.Run("an object with another ETag is not taken for the lost complete", func(t *testing.T) {
		e := newAmbEnv(t)
		e.put(t, "big", "older object")
		// The upload is aborted behind the client's back and the first
		// attempt never reaches the server.
		id, parts := upload(t, e, "big")
		if _, err := e.Direct.AbortMultipartUpload(ctx, ambBucket, "big", id); err != nil {
			t.Fatal(err)
		}
		e.proxy.Add(faults.Rule{Match: completeReq, Faults: []faults.Fault{{Kind: faults.ResetOnRequest}}})
		_, err := e.viaProxy.CompleteMultipartUpload(ctx, ambBucket, "big", id, parts,
			&qsapi.CompleteMultipartUploadInput{ETag: `"my-etag"`})
		if e, ok := qsapi.AsError(err); !ok || e.Code != qsapi.CodeUploadNotExists {
			t.Fatalf("err %v, want upload_not_exists", err)
		}
		if got := e.content(t, "big"); got != "older object" {
			t.Fatalf("content %q", got)
		}
	})
	t.Run("a missing object is not taken for the lost complete", func(t *testing.T) {
		e := newAmbEnv(t)
		e.proxy.Add(faults.Rule{Match: completeReq, Faults: []faults.Fault{{Kind: faults.ResetOnRequest}}})
		_, err := e.viaProxy.CompleteMultipartUpload(ctx, ambBucket, "never", "no-such-upload",
			[]qsapi.CompletedPart{{PartNumber: 0}}, nil)
		if e, ok := qsapi.AsError(err); !ok || e.Code != qsapi.CodeUploadNotExists {
			t.Fatalf("err %v, want upload_not_exists", err)
		}
		if m := e.methods(); !sameMethods(m, "POST", "POST", "HEAD") {
			t.Fatalf("requests %v", m)
		}
	})
}

func TestAmbiguousMove(t *testing.T) {
	ctx := context.Background()
	moveReq := faults.HasHeader("X-Qs-Move-Source")
	t.Run("applied move whose response was lost succeeds", func(t *testing.T) {
		e := newAmbEnv(t)
		e.put(t, "src", "moving data")
		e.proxy.Add(faults.Rule{Match: moveReq, Faults: []faults.Fault{{Kind: faults.ResetBeforeResponse}}})
		if _, err := e.viaProxy.MoveObject(ctx, ambBucket, "dst", ambBucket, "src"); err != nil {
			t.Fatalf("move: %v (requests %v)", err, e.methods())
		}
		if got := e.content(t, "dst"); got != "moving data" {
			t.Fatalf("content %q", got)
		}
		if _, err := e.Direct.HeadObject(ctx, ambBucket, "src", nil); !qsapi.IsNotFound(err) {
			t.Fatalf("source after move: %v", err)
		}
		if m := e.methods(); !sameMethods(m, "PUT", "PUT", "HEAD") {
			t.Fatalf("requests %v", m)
		}
	})
	t.Run("missing source without destination stays not found", func(t *testing.T) {
		e := newAmbEnv(t)
		e.proxy.Add(faults.Rule{Match: moveReq, Faults: []faults.Fault{{Kind: faults.ResetOnRequest}}})
		_, err := e.viaProxy.MoveObject(ctx, ambBucket, "dst", ambBucket, "missing")
		if !qsapi.IsNotFound(err) {
			t.Fatalf("err %v, want not found", err)
		}
	})
	t.Run("missing source without a lost attempt sends no HEAD", func(t *testing.T) {
		e := newAmbEnv(t)
		e.put(t, "dst", "x")
		_, err := e.viaProxy.MoveObject(ctx, ambBucket, "dst", ambBucket, "missing")
		if !qsapi.IsNotFound(err) {
			t.Fatalf("err %v, want not found", err)
		}
		if m := e.methods(); !sameMethods(m, "PUT") {
			t.Fatalf("requests %v", m)
		}
	})
}

// The body of a retried append is replayed from the start (a seekable body).
func TestAmbiguousAppendReplaysWholeBody(t *testing.T) {
	e := newAmbEnv(t)
	ctx := context.Background()
	e.proxy.Add(faults.Rule{Match: faults.HasQuery("append"), Faults: []faults.Fault{{Kind: faults.ResetMidRequestBody, Bytes: 3}}})
	data := bytes.Repeat([]byte("0123456789"), 100)
	out, err := e.viaProxy.AppendObject(ctx, ambBucket, "log", 0, bytes.NewReader(data), &qsapi.AppendObjectInput{ContentLength: int64(len(data))})
	if err != nil {
		t.Fatalf("append: %v (requests %v)", err, e.methods())
	}
	if out.NextPosition != int64(len(data)) || e.content(t, "log") != string(data) {
		t.Fatalf("next %d, content differs", out.NextPosition)
	}
}

func TestAmbiguousBucketCalls(t *testing.T) {
	ctx := context.Background()
	t.Run("applied PutBucket whose response was lost succeeds", func(t *testing.T) {
		e := newAmbEnv(t)
		e.proxy.Add(faults.Rule{Match: faults.Method(http.MethodPut), Faults: []faults.Fault{{Kind: faults.ResetBeforeResponse}}})
		if _, err := e.viaProxy.PutBucket(ctx, "new-bucket"); err != nil {
			t.Fatalf("PutBucket: %v (requests %v)", err, e.methods())
		}
		if m := e.methods(); !sameMethods(m, "PUT", "PUT", "HEAD") {
			t.Fatalf("requests %v", m)
		}
		if _, err := e.Direct.HeadBucket(ctx, "new-bucket"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("PutBucket of an existing bucket without a lost attempt fails", func(t *testing.T) {
		e := newAmbEnv(t)
		_, err := e.viaProxy.PutBucket(ctx, ambBucket)
		if e, ok := qsapi.AsError(err); !ok || e.Code != "bucket_already_exists" {
			t.Fatalf("err %v, want bucket_already_exists", err)
		}
	})
	t.Run("applied DeleteBucket whose response was lost succeeds", func(t *testing.T) {
		e := newAmbEnv(t)
		e.proxy.Add(faults.Rule{Match: faults.Method(http.MethodDelete), Faults: []faults.Fault{{Kind: faults.ResetBeforeResponse}}})
		if _, err := e.viaProxy.DeleteBucket(ctx, ambBucket); err != nil {
			t.Fatalf("DeleteBucket: %v (requests %v)", err, e.methods())
		}
		if _, err := e.Direct.HeadBucket(ctx, ambBucket); !qsapi.IsNotFound(err) {
			t.Fatalf("bucket after delete: %v", err)
		}
	})
	t.Run("DeleteBucket of a missing bucket without a lost attempt fails", func(t *testing.T) {
		e := newAmbEnv(t)
		if _, err := e.viaProxy.DeleteBucket(ctx, "no-such-bucket"); !qsapi.IsNotFound(err) {
			t.Fatalf("err %v, want not found", err)
		}
	})
}
