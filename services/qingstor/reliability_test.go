package qingstor

// Fault matrix for the Storager: every operation (Write, Read with and
// without range, Stat, List pages, Delete, append, every multipart step,
// copy, move) through the fault-injecting proxy of internal/faults against
// qslocal. Each fault ends in success with sha256-identical bytes or in a
// typed error (a services.StorageError around a go-storage error code or a
// context error); a failed write leaves the old or the new object, never a
// mix; nothing hangs past the context deadline; no goroutine leaks.
//
// The default run covers the faults once each; QSGO_LONG=1 adds the longer
// retry sequences (3 x 503, 4 x 503).

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/internal/faults"
	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/pkg/httpclient"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
	"go.uber.org/goleak"
)

const relStoreBucket = "reliability-store"

type relStoreEnv struct {
	ts     *qslocal.TestServer
	direct *qsapi.Client
}

func newRelStoreEnv(t *testing.T) *relStoreEnv {
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.Memory = true; o.MinPartSize = 1 << 10 })
	ts.CreateBucket(relStoreBucket)
	direct, err := qsapi.New(qsapi.Options{Protocol: "http", Host: ts.Host, Port: ts.Port,
		AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(direct.HTTPClient().CloseIdleConnections)
	return &relStoreEnv{ts: ts, direct: direct}
}

// storeVia opens the bucket through the proxy. The per-read connection
// timeout turns slow headers into a retryable timeout.
func (e *relStoreEnv) storeVia(t *testing.T, p *faults.Proxy) *Storage {
	st, err := NewStorager(ps.WithCredential("hmac:"+e.ts.AccessKeyID+":"+e.ts.SecretAccessKey),
		ps.WithName(relStoreBucket), ps.WithEndpoint(fmt.Sprintf("http:127.0.0.1:%d", p.Port())),
		ps.WithHTTPClientOptions(&httpclient.Options{ConnReadTimeout: 300 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	return st.(*Storage)
}

func relStorePayload(seed byte, n int) []byte {
	b := make([]byte, n)
	x := uint32(seed)*7919 + 17
	for i := range b {
		x = x*1103515245 + 12345
		b[i] = byte(x >> 23)
	}
	return b
}

func (e *relStoreEnv) read(t *testing.T, key string) []byte {
	t.Helper()
	out, err := e.direct.GetObject(context.Background(), relStoreBucket, key, nil)
	if qsapi.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("direct read %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("direct read %s: %v", key, err)
	}
	return b
}

func (e *relStoreEnv) put(t *testing.T, key string, b []byte) {
	t.Helper()
	if _, err := e.direct.PutObject(context.Background(), relStoreBucket, key, bytes.NewReader(b),
		&qsapi.PutObjectInput{ContentLength: int64(len(b))}); err != nil {
		t.Fatalf("direct put %s: %v", key, err)
	}
}

func relStoreOneOf(t *testing.T, what string, got []byte, allowed ...[]byte) {
	t.Helper()
	for _, a := range allowed {
		if (a == nil) == (got == nil) && sha256.Sum256(a) == sha256.Sum256(got) {
			return
		}
	}
	t.Fatalf("%s: %d bytes (sha256 %x) match none of the %d allowed states", what, len(got), sha256.Sum256(got), len(allowed))
}

// relStoreTyped: a StorageError whose cause is a go-storage error code or a
// context error.
func relStoreTyped(err error) bool {
	var se services.StorageError
	if !errors.As(err, &se) {
		return false
	}
	var ie services.InternalError
	return errors.As(err, &ie) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

var errStoreWrongData = errors.New("wrong data reported as success")

type relStoreOp struct {
	name  string
	match faults.Matcher
	skip  int
	// concurrent ops spread a fault sequence over parallel requests, so a
	// sequence meant to outlast one request's retries may not.
	concurrent bool
	prep       func(t *testing.T, e *relStoreEnv, key string) (run func(ctx context.Context, s *Storage) error, check func(t *testing.T, err error))
}

const relStoreSize = 96 << 10

func relStoreRead(key string, want []byte, pairs ...types.Pair) func(ctx context.Context, s *Storage) error {
	return func(ctx context.Context, s *Storage) error {
		var buf bytes.Buffer
		n, err := s.ReadWithContext(ctx, key, &buf, pairs...)
		if err != nil {
			return err
		}
		if n != int64(buf.Len()) || sha256.Sum256(buf.Bytes()) != sha256.Sum256(want) {
			return fmt.Errorf("read %d bytes (n=%d, want %d), content differs: %w", buf.Len(), n, len(want), errStoreWrongData)
		}
		return nil
	}
}

func relStoreOps() []relStoreOp {
	noCheck := func(*testing.T, error) {}
	objPut := faults.And(faults.Method(http.MethodPut), faults.Not(faults.HasQuery("upload_id")))
	return []relStoreOp{
		{name: "Write", match: objPut, prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			old, neu := relStorePayload(1, relStoreSize), relStorePayload(2, relStoreSize)
			e.put(t, key, old)
			return func(ctx context.Context, s *Storage) error {
					n, err := s.WriteWithContext(ctx, key, bytes.NewReader(neu), int64(len(neu)))
					if err == nil && n != int64(len(neu)) {
						return fmt.Errorf("wrote %d: %w", n, errStoreWrongData)
					}
					return err
				}, func(t *testing.T, err error) {
					if err == nil {
						relStoreOneOf(t, "after a successful write", e.read(t, key), neu)
						return
					}
					relStoreOneOf(t, "after a failed write", e.read(t, key), old, neu)
				}
		}},
		{name: "Read", match: faults.Method(http.MethodGet), prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			data := relStorePayload(3, relStoreSize)
			e.put(t, key, data)
			return relStoreRead(key, data), noCheck
		}},
		{name: "ReadRange", match: faults.Method(http.MethodGet), prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			data := relStorePayload(4, relStoreSize)
			e.put(t, key, data)
			return relStoreRead(key, data[1000:61000], ps.WithOffset(1000), ps.WithSize(60000)), noCheck
		}},
		{name: "Stat", match: faults.Method(http.MethodHead), prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			data := relStorePayload(5, 1234)
			e.put(t, key, data)
			m := md5.Sum(data)
			return func(ctx context.Context, s *Storage) error {
				o, err := s.StatWithContext(ctx, key)
				if err != nil {
					return err
				}
				size, _ := o.GetContentLength()
				etag, _ := o.GetEtag()
				if size != int64(len(data)) || strings.Trim(etag, `"`) != fmt.Sprintf("%x", m) {
					return fmt.Errorf("stat size %d etag %q: %w", size, etag, errStoreWrongData)
				}
				return nil
			}, noCheck
		}},
		{name: "ListPages", match: faults.And(faults.Method(http.MethodGet), faults.HasQuery("limit")), skip: 1, prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			var want []string
			for i := 0; i < 8; i++ {
				k := fmt.Sprintf("%s/%02d", key, i)
				e.put(t, k, []byte(k))
				want = append(want, k)
			}
			return func(ctx context.Context, s *Storage) error {
				it, err := s.ListWithContext(ctx, key+"/", ps.WithListMode(types.ListModePrefix))
				if err != nil {
					return err
				}
				var got []string
				for {
					o, err := it.Next()
					if errors.Is(err, types.IterateDone) {
						break
					}
					if err != nil {
						return err
					}
					got = append(got, o.Path)
				}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					return fmt.Errorf("listing %v, want %v: %w", got, want, errStoreWrongData)
				}
				return nil
			}, noCheck
		}},
		{name: "Delete", match: faults.Method(http.MethodDelete), prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			data := relStorePayload(6, 100)
			e.put(t, key, data)
			return func(ctx context.Context, s *Storage) error { return s.DeleteWithContext(ctx, key) },
				func(t *testing.T, err error) {
					if err == nil {
						relStoreOneOf(t, "after a successful delete", e.read(t, key), nil)
						return
					}
					relStoreOneOf(t, "after a failed delete", e.read(t, key), nil, data)
				}
		}},
		{name: "WriteAppend", match: faults.HasQuery("append"), prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			first, next := relStorePayload(7, 5000), relStorePayload(8, relStoreSize)
			if _, err := e.direct.AppendObject(context.Background(), relStoreBucket, key, 0, bytes.NewReader(first), &qsapi.AppendObjectInput{ContentLength: int64(len(first))}); err != nil {
				t.Fatal(err)
			}
			both := append(append([]byte(nil), first...), next...)
			return func(ctx context.Context, s *Storage) error {
					o, err := s.StatWithContext(ctx, key)
					if err != nil {
						return err
					}
					n, err := s.WriteAppendWithContext(ctx, o, bytes.NewReader(next), int64(len(next)))
					if err == nil && n != int64(len(next)) {
						return fmt.Errorf("appended %d: %w", n, errStoreWrongData)
					}
					return err
				}, func(t *testing.T, err error) {
					if err == nil {
						relStoreOneOf(t, "after a successful append", e.read(t, key), both)
						return
					}
					relStoreOneOf(t, "after a failed append", e.read(t, key), first, both)
				}
		}},
		{name: "CreateAppend", match: faults.HasQuery("append"), prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			old := relStorePayload(9, 300)
			e.put(t, key, old)
			return func(ctx context.Context, s *Storage) error {
					_, err := s.CreateAppendWithContext(ctx, key)
					return err
				}, func(t *testing.T, err error) {
					if err == nil {
						relStoreOneOf(t, "after a successful create-append", e.read(t, key), []byte{})
						return
					}
					relStoreOneOf(t, "after a failed create-append", e.read(t, key), nil, old, []byte{})
				}
		}},
		relStoreLargeWrite("WriteLarge-part", faults.And(faults.Method(http.MethodPut), faults.HasQuery("upload_id")), 2),
		relStoreLargeWrite("WriteLarge-complete", faults.And(faults.Method(http.MethodPost), faults.HasQuery("upload_id")), 0),
		relStoreMultipart("CreateMultipart", faults.HasQuery("uploads"), 0),
		relStoreMultipart("WriteMultipart", faults.And(faults.Method(http.MethodPut), faults.HasQuery("upload_id")), 1),
		relStoreMultipart("ListMultipart", faults.And(faults.Method(http.MethodGet), faults.HasQuery("upload_id")), 0),
		relStoreMultipart("CompleteMultipart", faults.And(faults.Method(http.MethodPost), faults.HasQuery("upload_id")), 0),
		relStoreMultipart("AbortMultipart", faults.And(faults.Method(http.MethodDelete), faults.HasQuery("upload_id")), 0),
		{name: "Copy", match: faults.HasHeader("X-Qs-Copy-Source"), prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			src := relStorePayload(10, relStoreSize)
			e.put(t, key+"-src", src)
			return func(ctx context.Context, s *Storage) error { return s.CopyWithContext(ctx, key+"-src", key) },
				func(t *testing.T, err error) {
					relStoreOneOf(t, "copy source", e.read(t, key+"-src"), src)
					if err == nil {
						relStoreOneOf(t, "after a successful copy", e.read(t, key), src)
						return
					}
					relStoreOneOf(t, "after a failed copy", e.read(t, key), nil, src)
				}
		}},
		{name: "Move", match: faults.HasHeader("X-Qs-Move-Source"), prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			src := relStorePayload(11, relStoreSize)
			e.put(t, key+"-src", src)
			return func(ctx context.Context, s *Storage) error { return s.MoveWithContext(ctx, key+"-src", key) },
				func(t *testing.T, err error) {
					got, gotSrc := e.read(t, key), e.read(t, key+"-src")
					if err == nil {
						relStoreOneOf(t, "move target after success", got, src)
						relStoreOneOf(t, "move source after success", gotSrc, nil)
						return
					}
					if got == nil {
						relStoreOneOf(t, "move source after a failed move", gotSrc, src)
					} else {
						relStoreOneOf(t, "move target after a failed move", got, src)
						relStoreOneOf(t, "move source after a failed move", gotSrc, nil)
					}
				}
		}},
	}
}

// relStoreLargeWrite: a Write above the (lowered) multipart threshold, so
// it becomes a parallel multipart upload; the fault hits one part or the
// completion. A failed large write leaves the old object and no unfinished
// upload behind.
func relStoreLargeWrite(name string, match faults.Matcher, skip int) relStoreOp {
	return relStoreOp{name: name, match: match, skip: skip, concurrent: true, prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
		old, neu := relStorePayload(15, 5000), relStorePayload(16, 200<<10)
		e.put(t, key, old)
		return func(ctx context.Context, s *Storage) error {
				s.upload = uploadConfig{Threshold: 64 << 10, PartSize: 32 << 10, Concurrency: 2}
				n, err := s.WriteWithContext(ctx, key, bytes.NewReader(neu), int64(len(neu)))
				if err == nil && n != int64(len(neu)) {
					return fmt.Errorf("wrote %d: %w", n, errStoreWrongData)
				}
				return err
			}, func(t *testing.T, err error) {
				got := e.read(t, key)
				if err == nil {
					relStoreOneOf(t, "after a successful large write", got, neu)
				} else {
					relStoreOneOf(t, "after a failed large write", got, old, neu)
				}
				ups, lerr := e.direct.ListMultipartUploads(context.Background(), relStoreBucket, &qsapi.ListMultipartUploadsInput{Prefix: key})
				if lerr != nil {
					t.Fatal(lerr)
				}
				if len(ups.Uploads) != 0 {
					t.Fatalf("%d unfinished uploads left behind by the large write (err %v)", len(ups.Uploads), err)
				}
			}
	}}
}

// relStoreMultipart: create, write three parts, list them, then complete
// (or abort, for AbortMultipart), with the fault aimed at one step.
func relStoreMultipart(name string, match faults.Matcher, skip int) relStoreOp {
	return relStoreOp{name: name, match: match, skip: skip, prep: func(t *testing.T, e *relStoreEnv, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
		parts := [][]byte{relStorePayload(12, 40<<10), relStorePayload(13, 40<<10), relStorePayload(14, 7<<10)}
		whole := bytes.Join(parts, nil)
		var uploadID string
		completed := false
		return func(ctx context.Context, s *Storage) error {
				o, err := s.CreateMultipartWithContext(ctx, key)
				if err != nil {
					return err
				}
				uploadID = o.MustGetMultipartID()
				var done []*types.Part
				for i, p := range parts {
					n, part, err := s.WriteMultipartWithContext(ctx, o, bytes.NewReader(p), int64(len(p)), i)
					if err != nil {
						return err
					}
					m := md5.Sum(p)
					if n != int64(len(p)) || strings.Trim(part.ETag, `"`) != fmt.Sprintf("%x", m) {
						return fmt.Errorf("part %d: n=%d etag %s: %w", i, n, part.ETag, errStoreWrongData)
					}
					done = append(done, part)
				}
				it, err := s.ListMultipartWithContext(ctx, o)
				if err != nil {
					return err
				}
				listed := 0
				for {
					_, err := it.Next()
					if errors.Is(err, types.IterateDone) {
						break
					}
					if err != nil {
						return err
					}
					listed++
				}
				if listed != len(parts) {
					return fmt.Errorf("listed %d parts: %w", listed, errStoreWrongData)
				}
				if name == "AbortMultipart" {
					return s.DeleteWithContext(ctx, key, ps.WithMultipartID(uploadID))
				}
				if err := s.CompleteMultipartWithContext(ctx, o, done); err != nil {
					return err
				}
				completed = true
				return nil
			}, func(t *testing.T, err error) {
				got := e.read(t, key)
				switch {
				case completed:
					relStoreOneOf(t, "after a successful complete", got, whole)
				case name == "AbortMultipart" && err == nil:
					relStoreOneOf(t, "after abort", got, nil)
					if _, lerr := e.direct.ListParts(context.Background(), relStoreBucket, key, uploadID, nil); !qsapi.IsNotFound(lerr) {
						t.Fatalf("parts of an aborted upload still listed: %v", lerr)
					}
				default:
					relStoreOneOf(t, "after a failed multipart upload", got, nil, whole)
				}
			}
	}}
}

type relStoreFault struct {
	name        string
	faults      []faults.Fault
	mustFail    bool
	mustSucceed bool
	long        bool
}

func relStoreFaults() []relStoreFault {
	one := func(k faults.Kind, n int64) []faults.Fault { return []faults.Fault{{Kind: k, Bytes: n}} }
	return []relStoreFault{
		{name: "2x500", faults: faults.Times(2, faults.Fault{Kind: faults.Status, Code: 500}), mustSucceed: true},
		{name: "3x503", faults: faults.Times(3, faults.Fault{Kind: faults.Status, Code: 503}), mustSucceed: true, long: true},
		{name: "4x503", faults: faults.Times(4, faults.Fault{Kind: faults.Status, Code: 503}), mustFail: true, long: true},
		{name: "reset-on-request", faults: one(faults.ResetOnRequest, 0), mustSucceed: true},
		{name: "reset-mid-request-body", faults: one(faults.ResetMidRequestBody, 10<<10), mustSucceed: true},
		{name: "reset-before-response", faults: one(faults.ResetBeforeResponse, 0), mustSucceed: true},
		{name: "reset-mid-response-body", faults: one(faults.ResetMidResponseBody, 10<<10)},
		{name: "short-body", faults: one(faults.ShortBody, 1)},
		{name: "slow-headers", faults: one(faults.SlowHeaders, 0), mustSucceed: true},
		{name: "200-error-body", faults: one(faults.OKErrorBody, 0)},
	}
}

func TestStorageFaultMatrix(t *testing.T) {
	long := os.Getenv("QSGO_LONG") != ""
	e := newRelStoreEnv(t)
	old := listPageSize
	listPageSize = 3 // several pages from a handful of keys
	t.Cleanup(func() { listPageSize = old })
	for _, op := range relStoreOps() {
		for _, fc := range relStoreFaults() {
			if fc.long && !long {
				continue
			}
			t.Run(op.name+"/"+fc.name, func(t *testing.T) {
				defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
				defer e.direct.HTTPClient().CloseIdleConnections()
				p, err := faults.New(e.ts.Endpoint)
				if err != nil {
					t.Fatal(err)
				}
				defer p.Close()
				s := e.storeVia(t, p)
				defer s.client.HTTPClient().CloseIdleConnections()
				key := "rel-" + op.name + "-" + fc.name
				run, check := op.prep(t, e, key)
				p.Add(faults.Rule{Match: op.match, Skip: op.skip, Faults: fc.faults})
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				err = run(ctx, s)
				if p.Injected() == 0 {
					t.Fatalf("no fault was injected; requests: %+v", p.Events())
				}
				switch {
				case ctx.Err() != nil:
					t.Fatalf("hit the 30s test deadline: %v", err)
				case errors.Is(err, errStoreWrongData):
					t.Fatalf("%v", err)
				case err != nil && !relStoreTyped(err):
					t.Fatalf("untyped error %T: %v", err, err)
				case err == nil && fc.mustFail && !op.concurrent:
					t.Fatalf("succeeded although every attempt failed; requests: %+v", p.Events())
				case err != nil && fc.mustSucceed:
					t.Fatalf("a retry should have hidden the fault: %v; requests: %+v", err, p.Events())
				}
				check(t, err)
			})
		}
	}
}

// TestStorageSlowHeadersStopAtDeadline: with no transport timeout at all, a
// server that never answers is left when the context ends, for readers and
// writers alike, and the error is the context's.
func TestStorageSlowHeadersStopAtDeadline(t *testing.T) {
	e := newRelStoreEnv(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p, err := faults.New(e.ts.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Add(faults.Rule{Faults: faults.Times(20, faults.Fault{Kind: faults.SlowHeaders})})
	st, err := NewStorager(ps.WithCredential("hmac:"+e.ts.AccessKeyID+":"+e.ts.SecretAccessKey),
		ps.WithName(relStoreBucket), ps.WithEndpoint(fmt.Sprintf("http:127.0.0.1:%d", p.Port())))
	if err != nil {
		t.Fatal(err)
	}
	s := st.(*Storage)
	defer s.client.HTTPClient().CloseIdleConnections()
	ops := map[string]func(ctx context.Context) error{
		"write": func(ctx context.Context) error {
			_, err := s.WriteWithContext(ctx, "slow", strings.NewReader("abc"), 3)
			return err
		},
		"read": func(ctx context.Context) error { _, err := s.ReadWithContext(ctx, "slow", io.Discard); return err },
		"stat": func(ctx context.Context) error { _, err := s.StatWithContext(ctx, "slow"); return err },
		"list": func(ctx context.Context) error {
			it, err := s.ListWithContext(ctx, "")
			if err != nil {
				return err
			}
			_, err = it.Next()
			return err
		},
	}
	for name, op := range ops {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- op(ctx) }()
		select {
		case err := <-done:
			if !errors.Is(err, context.DeadlineExceeded) || !relStoreTyped(err) {
				t.Errorf("%s: err %v, want a StorageError around context.DeadlineExceeded", name, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: still running 30s after a 150ms deadline", name)
		}
		cancel()
	}
}
