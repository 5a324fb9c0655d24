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
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
	"go.uber.org/goleak"
)

const relStoreBucket = "reliability-store"

// storeVia opens e's bucket through the proxy p. A positive readTimeout
// bounds every read of a connection, which turns slow headers into a
// retryable timeout.
func storeVia(t *testing.T, e *faults.Env, p *faults.Proxy, readTimeout time.Duration) *Storage {
	st, err := NewStorager(ps.WithCredential("hmac:"+e.Server.AccessKeyID+":"+e.Server.SecretAccessKey),
		ps.WithName(relStoreBucket), ps.WithEndpoint(fmt.Sprintf("http:127.0.0.1:%d", p.Port())),
		ps.WithHTTPClientOptions(&httpclient.Options{ConnReadTimeout: readTimeout}))
	if err != nil {
		t.Fatal(err)
	}
	s := st.(*Storage)
	t.Cleanup(s.client.HTTPClient().CloseIdleConnections)
	return s
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

type relStoreOp struct {
	name  string
	match faults.Matcher
	skip  int
	// concurrent ops spread a fault sequence over parallel requests, so a
	// sequence meant to outlast one request's retries may not.
	concurrent bool
	prep       func(t *testing.T, e *faults.Env, key string) (run func(ctx context.Context, s *Storage) error, check func(t *testing.T, err error))
}

const relStoreSize = 96 << 10

func relStoreRead(key string, want []byte, pairs ...types.Pair) func(ctx context.Context, s *Storage) error {
	return func(ctx context.Context, s *Storage) error {
		var buf bytes.Buffer
		n, err := s.ReadWithContext(ctx, key, &buf, pairs...)
		if err != nil {
			return err
		}
		if n != int64(buf.Len()) || !bytes.Equal(buf.Bytes(), want) {
			return fmt.Errorf("read %d bytes (n=%d, want %d), content differs: %w", buf.Len(), n, len(want), faults.ErrWrongData)
		}
		return nil
	}
}

func relStoreOps() []relStoreOp {
	noCheck := func(*testing.T, error) {}
	objPut := faults.And(faults.Method(http.MethodPut), faults.Not(faults.HasQuery("upload_id")))
	return []relStoreOp{
		{name: "Write", match: objPut, prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			old, neu := faults.Payload(1, relStoreSize), faults.Payload(2, relStoreSize)
			e.Put(t, key, old)
			return func(ctx context.Context, s *Storage) error {
					n, err := s.WriteWithContext(ctx, key, bytes.NewReader(neu), int64(len(neu)))
					if err == nil && n != int64(len(neu)) {
						return fmt.Errorf("wrote %d: %w", n, faults.ErrWrongData)
					}
					return err
				}, func(t *testing.T, err error) {
					if err == nil {
						faults.OneOf(t, "after a successful write", e.Read(t, key), neu)
						return
					}
					faults.OneOf(t, "after a failed write", e.Read(t, key), old, neu)
				}
		}},
		{name: "Read", match: faults.Method(http.MethodGet), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			data := faults.Payload(3, relStoreSize)
			e.Put(t, key, data)
			return relStoreRead(key, data), noCheck
		}},
		{name: "ReadRange", match: faults.Method(http.MethodGet), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			data := faults.Payload(4, relStoreSize)
			e.Put(t, key, data)
			return relStoreRead(key, data[1000:61000], ps.WithOffset(1000), ps.WithSize(60000)), noCheck
		}},
		{name: "Stat", match: faults.Method(http.MethodHead), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			data := faults.Payload(5, 1234)
			e.Put(t, key, data)
			m := md5.Sum(data)
			return func(ctx context.Context, s *Storage) error {
				o, err := s.StatWithContext(ctx, key)
				if err != nil {
					return err
				}
				size, _ := o.GetContentLength()
				etag, _ := o.GetEtag()
				if size != int64(len(data)) || strings.Trim(etag, `"`) != fmt.Sprintf("%x", m) {
					return fmt.Errorf("stat size %d etag %q: %w", size, etag, faults.ErrWrongData)
				}
				return nil
			}, noCheck
		}},
		{name: "ListPages", match: faults.And(faults.Method(http.MethodGet), faults.HasQuery("limit")), skip: 1, prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			var want []string
			for i := 0; i < 8; i++ {
				k := fmt.Sprintf("%s/%02d", key, i)
				e.Put(t, k, []byte(k))
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
					return fmt.Errorf("listing %v, want %v: %w", got, want, faults.ErrWrongData)
				}
				return nil
			}, noCheck
		}},
		{name: "Delete", match: faults.Method(http.MethodDelete), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			data := faults.Payload(6, 100)
			e.Put(t, key, data)
			return func(ctx context.Context, s *Storage) error { return s.DeleteWithContext(ctx, key) },
				func(t *testing.T, err error) {
					if err == nil {
						faults.OneOf(t, "after a successful delete", e.Read(t, key), nil)
						return
					}
					faults.OneOf(t, "after a failed delete", e.Read(t, key), nil, data)
				}
		}},
		{name: "WriteAppend", match: faults.HasQuery("append"), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			first, next := faults.Payload(7, 5000), faults.Payload(8, relStoreSize)
			if _, err := e.Direct.AppendObject(context.Background(), relStoreBucket, key, 0, bytes.NewReader(first), &qsapi.AppendObjectInput{ContentLength: int64(len(first))}); err != nil {
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
						return fmt.Errorf("appended %d: %w", n, faults.ErrWrongData)
					}
					return err
				}, func(t *testing.T, err error) {
					if err == nil {
						faults.OneOf(t, "after a successful append", e.Read(t, key), both)
						return
					}
					faults.OneOf(t, "after a failed append", e.Read(t, key), first, both)
				}
		}},
		{name: "CreateAppend", match: faults.HasQuery("append"), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			old := faults.Payload(9, 300)
			e.Put(t, key, old)
			return func(ctx context.Context, s *Storage) error {
					_, err := s.CreateAppendWithContext(ctx, key)
					return err
				}, func(t *testing.T, err error) {
					if err == nil {
						faults.OneOf(t, "after a successful create-append", e.Read(t, key), []byte{})
						return
					}
					faults.OneOf(t, "after a failed create-append", e.Read(t, key), nil, old, []byte{})
				}
		}},
		relStoreLargeWrite("WriteLarge-part", faults.And(faults.Method(http.MethodPut), faults.HasQuery("upload_id")), 2),
		relStoreLargeWrite("WriteLarge-complete", faults.And(faults.Method(http.MethodPost), faults.HasQuery("upload_id")), 0),
		relStoreMultipart("CreateMultipart", faults.HasQuery("uploads"), 0),
		relStoreMultipart("WriteMultipart", faults.And(faults.Method(http.MethodPut), faults.HasQuery("upload_id")), 1),
		relStoreMultipart("ListMultipart", faults.And(faults.Method(http.MethodGet), faults.HasQuery("upload_id")), 0),
		relStoreMultipart("CompleteMultipart", faults.And(faults.Method(http.MethodPost), faults.HasQuery("upload_id")), 0),
		relStoreMultipart("AbortMultipart", faults.And(faults.Method(http.MethodDelete), faults.HasQuery("upload_id")), 0),
		{name: "Copy", match: faults.HasHeader("X-Qs-Copy-Source"), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			src := faults.Payload(10, relStoreSize)
			e.Put(t, key+"-src", src)
			return func(ctx context.Context, s *Storage) error { return s.CopyWithContext(ctx, key+"-src", key) },
				func(t *testing.T, err error) {
					faults.OneOf(t, "copy source", e.Read(t, key+"-src"), src)
					if err == nil {
						faults.OneOf(t, "after a successful copy", e.Read(t, key), src)
						return
					}
					faults.OneOf(t, "after a failed copy", e.Read(t, key), nil, src)
				}
		}},
		{name: "Move", match: faults.HasHeader("X-Qs-Move-Source"), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
			src := faults.Payload(11, relStoreSize)
			e.Put(t, key+"-src", src)
			return func(ctx context.Context, s *Storage) error { return s.MoveWithContext(ctx, key+"-src", key) },
				func(t *testing.T, err error) {
					got, gotSrc := e.Read(t, key), e.Read(t, key+"-src")
					if err == nil {
						faults.OneOf(t, "move target after success", got, src)
						faults.OneOf(t, "move source after success", gotSrc, nil)
						return
					}
					if got == nil {
						faults.OneOf(t, "move source after a failed move", gotSrc, src)
					} else {
						faults.OneOf(t, "move target after a failed move", got, src)
						faults.OneOf(t, "move source after a failed move", gotSrc, nil)
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
	return relStoreOp{name: name, match: match, skip: skip, concurrent: true, prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
		old, neu := faults.Payload(15, 5000), faults.Payload(16, 200<<10)
		e.Put(t, key, old)
		return func(ctx context.Context, s *Storage) error {
				s.upload = uploadConfig{Threshold: 64 << 10, PartSize: 32 << 10, Concurrency: 2}
				n, err := s.WriteWithContext(ctx, key, bytes.NewReader(neu), int64(len(neu)))
				if err == nil && n != int64(len(neu)) {
					return fmt.Errorf("wrote %d: %w", n, faults.ErrWrongData)
				}
				return err
			}, func(t *testing.T, err error) {
				got := e.Read(t, key)
				if err == nil {
					faults.OneOf(t, "after a successful large write", got, neu)
				} else {
					faults.OneOf(t, "after a failed large write", got, old, neu)
				}
				ups, lerr := e.Direct.ListMultipartUploads(context.Background(), relStoreBucket, &qsapi.ListMultipartUploadsInput{Prefix: key})
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
	return relStoreOp{name: name, match: match, skip: skip, prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *Storage) error, func(*testing.T, error)) {
		parts := [][]byte{faults.Payload(12, 40<<10), faults.Payload(13, 40<<10), faults.Payload(14, 7<<10)}
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
						return fmt.Errorf("part %d: n=%d etag %s: %w", i, n, part.ETag, faults.ErrWrongData)
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
					return fmt.Errorf("listed %d parts: %w", listed, faults.ErrWrongData)
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
				got := e.Read(t, key)
				switch {
				case completed:
					faults.OneOf(t, "after a successful complete", got, whole)
				case name == "AbortMultipart" && err == nil:
					faults.OneOf(t, "after abort", got, nil)
					if _, lerr := e.Direct.ListParts(context.Background(), relStoreBucket, key, uploadID, nil); !qsapi.IsNotFound(lerr) {
						t.Fatalf("parts of an aborted upload still listed: %v", lerr)
					}
				default:
					faults.OneOf(t, "after a failed multipart upload", got, nil, whole)
				}
			}
	}}
}

// TestStorageFaultMatrix runs every operation under every fault column of
// internal/faults; the long retry sequences only with QSGO_LONG set.
func TestStorageFaultMatrix(t *testing.T) {
	long := os.Getenv("QSGO_LONG") != ""
	e := faults.NewEnv(t, relStoreBucket)
	old := listPageSize
	listPageSize = 3 // several pages from a handful of keys
	t.Cleanup(func() { listPageSize = old })
	for _, op := range relStoreOps() {
		for _, col := range faults.Columns() {
			if col.Long && !long {
				continue
			}
			t.Run(op.name+"/"+col.Name, func(t *testing.T) {
				e.Run(t, faults.Cell{Column: col, Match: op.match, Skip: op.skip, Spread: op.concurrent, Typed: relStoreTyped,
					Start: func(t *testing.T, p *faults.Proxy) (func(context.Context) error, func(*testing.T, error)) {
						s := storeVia(t, e, p, col.GiveUpAfter())
						run, check := op.prep(t, e, "rel-"+op.name+"-"+col.Name)
						return func(ctx context.Context) error { return run(ctx, s) }, check
					}})
			})
		}
	}
}

// TestStorageSlowHeadersStopAtDeadline: with no transport timeout at all, a
// server that never answers is left when the context ends, for readers and
// writers alike, and the error is the context's.
func TestStorageSlowHeadersStopAtDeadline(t *testing.T) {
	e := faults.NewEnv(t, relStoreBucket)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := e.Proxy(t)
	defer p.Close()
	p.Add(faults.Rule{Faults: faults.Times(20, faults.Fault{Kind: faults.SlowHeaders})})
	st, err := NewStorager(ps.WithCredential("hmac:"+e.Server.AccessKeyID+":"+e.Server.SecretAccessKey),
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
