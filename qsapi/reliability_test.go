package qsapi_test

// Fault matrix for the wire client: every object operation, through the
// fault-injecting proxy of internal/faults, against qslocal. Each fault must
// end in success with sha256-identical bytes or in a typed error; a failed
// write leaves the old or the new object, never a mix; nothing hangs past the
// context deadline; no goroutine leaks after a case.

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/internal/faults"
	"github.com/qsgo/qsgo/qsapi"
	"go.uber.org/goleak"
)

const relBucket = "reliability"

func newRelEnv(t *testing.T) *faults.Env { return faults.NewEnv(t, relBucket) }

// viaProxy returns a client that talks to e's server through p, retrying
// without sleeping. headerTimeout bounds the wait for response headers (0: none).
func viaProxy(t *testing.T, e *faults.Env, p *faults.Proxy, headerTimeout time.Duration) *qsapi.Client {
	tr := &http.Transport{ResponseHeaderTimeout: headerTimeout, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := qsapi.New(qsapi.Options{Protocol: "http", Host: "127.0.0.1", Port: p.Port(),
		AccessKeyID: e.Server.AccessKeyID, SecretAccessKey: e.Server.SecretAccessKey,
		HTTPClient: &http.Client{Transport: tr},
		Retry:      qsapi.RetryPolicy{MaxAttempts: 4, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// relTypedErr reports whether err is one a caller can act on: a server answer
// (*qsapi.Error), a context error, or a network/transport error (which
// includes resets and bodies cut short).
func relTypedErr(err error) bool {
	if _, ok := qsapi.AsError(err); ok {
		return true
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// relOp is one operation of the matrix. prepare sets up state through the
// direct client and returns run (sent through the proxy) and check (which
// verifies the outcome through the direct client).
type relOp struct {
	name  string
	match faults.Matcher
	// bodyless ops are skipped for OKErrorBody where a 200 is their success
	// and carries no information to contradict (GET data, HEAD).
	no200 bool
	// skip lets that many matching requests pass before the fault, to aim
	// it at a later page or part.
	skip int
	prep func(t *testing.T, e *faults.Env, key string) (run func(ctx context.Context, c *qsapi.Client) error, check func(t *testing.T, err error))
}

const relObjSize = 96 << 10

func relOps() []relOp {
	isObjPut := faults.And(faults.Method(http.MethodPut), faults.Not(faults.HasQuery("upload_id")))
	return []relOp{
		{name: "PutObject", match: isObjPut, prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			old, neu := faults.Payload(1, relObjSize), faults.Payload(2, relObjSize)
			e.Put(t, key, old)
			run := func(ctx context.Context, c *qsapi.Client) error {
				_, err := c.PutObject(ctx, relBucket, key, bytes.NewReader(neu), &qsapi.PutObjectInput{ContentLength: int64(len(neu))})
				return err
			}
			return run, func(t *testing.T, err error) {
				got := e.Read(t, key)
				if err == nil {
					faults.OneOf(t, "after a successful put", got, neu)
					return
				}
				faults.OneOf(t, "after a failed put", got, old, neu)
			}
		}},
		{name: "GetObject", match: faults.Method(http.MethodGet), no200: true, prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			data := faults.Payload(3, relObjSize)
			e.Put(t, key, data)
			return relReadRun(key, "", data), func(*testing.T, error) {}
		}},
		{name: "GetObjectRange", match: faults.Method(http.MethodGet), no200: true, prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			data := faults.Payload(4, relObjSize)
			e.Put(t, key, data)
			return relReadRun(key, "bytes=1000-60999", data[1000:61000]), func(*testing.T, error) {}
		}},
		{name: "HeadObject", match: faults.Method(http.MethodHead), no200: true, prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			data := faults.Payload(5, 1234)
			e.Put(t, key, data)
			m := md5.Sum(data)
			return func(ctx context.Context, c *qsapi.Client) error {
				out, err := c.HeadObject(ctx, relBucket, key, nil)
				if err != nil {
					return err
				}
				if out.ContentLength != int64(len(data)) || strings.Trim(out.ETag, `"`) != fmt.Sprintf("%x", m) {
					return fmt.Errorf("HEAD reported size %d etag %s: %w", out.ContentLength, out.ETag, faults.ErrWrongData)
				}
				return nil
			}, func(*testing.T, error) {}
		}},
		{name: "ListObjectPages", match: faults.And(faults.Method(http.MethodGet), faults.HasQuery("limit")), skip: 1, prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			want := []string{}
			for i := 0; i < 7; i++ {
				k := fmt.Sprintf("%s/%02d", key, i)
				e.Put(t, k, []byte(k))
				want = append(want, k)
			}
			return func(ctx context.Context, c *qsapi.Client) error {
				var got []string
				for page, err := range c.ObjectPages(ctx, relBucket, qsapi.ListObjectsInput{Prefix: key + "/", Limit: 2}) {
					if err != nil {
						return err
					}
					for _, o := range page.Keys {
						got = append(got, o.Key)
					}
				}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					return fmt.Errorf("listing %v, want %v: %w", got, want, faults.ErrWrongData)
				}
				return nil
			}, func(*testing.T, error) {}
		}},
		{name: "DeleteObject", match: faults.Method(http.MethodDelete), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			data := faults.Payload(6, 100)
			e.Put(t, key, data)
			return func(ctx context.Context, c *qsapi.Client) error {
					_, err := c.DeleteObject(ctx, relBucket, key)
					return err
				}, func(t *testing.T, err error) {
					got := e.Read(t, key)
					if err == nil {
						faults.OneOf(t, "after a successful delete", got, nil)
						return
					}
					faults.OneOf(t, "after a failed delete", got, nil, data)
				}
		}},
		{name: "AppendObject", match: faults.HasQuery("append"), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			first, next := faults.Payload(7, 5000), faults.Payload(8, relObjSize)
			if _, err := e.Direct.AppendObject(context.Background(), relBucket, key, 0, bytes.NewReader(first), &qsapi.AppendObjectInput{ContentLength: int64(len(first))}); err != nil {
				t.Fatal(err)
			}
			both := append(append([]byte(nil), first...), next...)
			return func(ctx context.Context, c *qsapi.Client) error {
					out, err := c.AppendObject(ctx, relBucket, key, int64(len(first)), bytes.NewReader(next), &qsapi.AppendObjectInput{ContentLength: int64(len(next))})
					if err == nil && out.NextPosition != int64(len(both)) {
						return fmt.Errorf("next position %d, want %d: %w", out.NextPosition, len(both), faults.ErrWrongData)
					}
					return err
				}, func(t *testing.T, err error) {
					got := e.Read(t, key)
					if err == nil {
						faults.OneOf(t, "after a successful append", got, both)
						return
					}
					faults.OneOf(t, "after a failed append", got, first, both)
				}
		}},
		{name: "InitiateMultipart", match: faults.HasQuery("uploads"), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			var id string
			return func(ctx context.Context, c *qsapi.Client) error {
					out, err := c.InitiateMultipartUpload(ctx, relBucket, key, nil)
					if err == nil {
						id = out.UploadID
					}
					return err
				}, func(t *testing.T, err error) {
					if err != nil {
						return
					}
					if _, err := e.Direct.ListParts(context.Background(), relBucket, key, id, nil); err != nil {
						t.Fatalf("upload id %q from a successful initiate is unusable: %v", id, err)
					}
				}
		}},
		relWithSkip(relMultipartStep("UploadPart", faults.And(faults.Method(http.MethodPut), faults.HasQuery("upload_id"))), 1),
		relMultipartStep("ListParts", faults.And(faults.Method(http.MethodGet), faults.HasQuery("upload_id"))),
		relMultipartStep("CompleteMultipart", faults.And(faults.Method(http.MethodPost), faults.HasQuery("upload_id"))),
		relMultipartStep("AbortMultipart", faults.And(faults.Method(http.MethodDelete), faults.HasQuery("upload_id"))),
		{name: "CopyObject", match: faults.HasHeader("X-Qs-Copy-Source"), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			src := faults.Payload(9, relObjSize)
			e.Put(t, key+"-src", src)
			return func(ctx context.Context, c *qsapi.Client) error {
					_, err := c.CopyObject(ctx, relBucket, key, &qsapi.CopyObjectInput{SourceBucket: relBucket, SourceKey: key + "-src"})
					return err
				}, func(t *testing.T, err error) {
					got := e.Read(t, key)
					faults.OneOf(t, "copy source", e.Read(t, key+"-src"), src)
					if err == nil {
						faults.OneOf(t, "after a successful copy", got, src)
						return
					}
					faults.OneOf(t, "after a failed copy", got, nil, src)
				}
		}},
		{name: "MoveObject", match: faults.HasHeader("X-Qs-Move-Source"), prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			src := faults.Payload(10, relObjSize)
			e.Put(t, key+"-src", src)
			return func(ctx context.Context, c *qsapi.Client) error {
					_, err := c.MoveObject(ctx, relBucket, key, relBucket, key+"-src")
					return err
				}, func(t *testing.T, err error) {
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

func relWithSkip(op relOp, n int) relOp { op.skip = n; return op }

// readRun reads key (with rng as Range) and compares with want: a short or
// different body is faults.ErrWrongData unless the read itself failed.
func relReadRun(key, rng string, want []byte) func(context.Context, *qsapi.Client) error {
	return func(ctx context.Context, c *qsapi.Client) error {
		out, err := c.GetObject(ctx, relBucket, key, &qsapi.GetObjectInput{Range: rng})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		got, err := io.ReadAll(out.Body)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			return fmt.Errorf("read %d bytes (want %d), content differs: %w", len(got), len(want), faults.ErrWrongData)
		}
		return nil
	}
}

// multipartStep builds an op that uploads three parts and completes, with
// the fault aimed at one step (match). Whatever happens, a completed object
// must hold exactly the three parts, and an object never exists half-built.
func relMultipartStep(name string, match faults.Matcher) relOp {
	return relOp{name: name, match: match, prep: func(t *testing.T, e *faults.Env, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
		parts := [][]byte{faults.Payload(11, 40<<10), faults.Payload(12, 40<<10), faults.Payload(13, 7<<10)}
		whole := bytes.Join(parts, nil)
		var id string
		completed := false
		return func(ctx context.Context, c *qsapi.Client) error {
				init, err := c.InitiateMultipartUpload(ctx, relBucket, key, nil)
				if err != nil {
					return err
				}
				id = init.UploadID
				var done []qsapi.CompletedPart
				for i, p := range parts {
					out, err := c.UploadPart(ctx, relBucket, key, id, i, bytes.NewReader(p), &qsapi.UploadPartInput{ContentLength: int64(len(p))})
					if err != nil {
						return err
					}
					m := md5.Sum(p)
					if strings.Trim(out.ETag, `"`) != fmt.Sprintf("%x", m) {
						return fmt.Errorf("part %d etag %s: %w", i, out.ETag, faults.ErrWrongData)
					}
					done = append(done, qsapi.CompletedPart{PartNumber: i, ETag: out.ETag})
				}
				lp, err := c.ListParts(ctx, relBucket, key, id, nil)
				if err != nil {
					return err
				}
				if len(lp.Parts) != len(parts) {
					return fmt.Errorf("list parts shows %d parts: %w", len(lp.Parts), faults.ErrWrongData)
				}
				if name == "AbortMultipart" {
					_, err := c.AbortMultipartUpload(ctx, relBucket, key, id)
					return err
				}
				if _, err := c.CompleteMultipartUpload(ctx, relBucket, key, id, done, nil); err != nil {
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
					if _, lerr := e.Direct.ListParts(context.Background(), relBucket, key, id, nil); !qsapi.IsNotFound(lerr) {
						t.Fatalf("parts of an aborted upload still listed: %v", lerr)
					}
				default:
					faults.OneOf(t, "after a failed multipart upload", got, nil, whole)
				}
			}
	}}
}

// TestFaultMatrix runs every operation under every fault column (see
// internal/faults): mustSucceed columns need a replayable body, which every
// operation here has; for append, Complete and Move whose lost attempt was
// applied, qsapi confirms with a HEAD.
func TestFaultMatrix(t *testing.T) {
	e := newRelEnv(t)
	for _, op := range relOps() {
		for _, col := range faults.Columns() {
			if col.Name == "200-error-body" && op.no200 {
				continue
			}
			t.Run(op.name+"/"+col.Name, func(t *testing.T) {
				e.Run(t, faults.Cell{Column: col, Match: op.match, Skip: op.skip, Typed: relTypedErr,
					Start: func(t *testing.T, p *faults.Proxy) (func(context.Context) error, func(*testing.T, error)) {
						// The header timeout turns slow headers into a retryable timeout.
						c := viaProxy(t, e, p, col.GiveUpAfter())
						run, check := op.prep(t, e, strings.ReplaceAll(op.name+"-"+col.Name, "/", "-"))
						return func(ctx context.Context) error { return run(ctx, c) }, check
					}})
			})
		}
	}
}

// TestRetriesThenSucceeds pins the retry contract: N transient failures
// below MaxAttempts are invisible, the request count is exact.
func TestRetriesThenSucceeds(t *testing.T) {
	e := newRelEnv(t)
	data := faults.Payload(20, 4096)
	for _, n := range []int{1, 2, 3} {
		p := e.Proxy(t)
		p.Add(faults.Rule{Faults: faults.Times(n, faults.Fault{Kind: faults.Status, Code: 503})})
		c := viaProxy(t, e, p, 0)
		key := fmt.Sprintf("retry-%d", n)
		if _, err := c.PutObject(context.Background(), relBucket, key, bytes.NewReader(data), &qsapi.PutObjectInput{ContentLength: int64(len(data))}); err != nil {
			t.Fatalf("%d x 503: %v", n, err)
		}
		if got := len(p.Events()); got != n+1 {
			t.Fatalf("%d x 503: %d requests, want %d", n, got, n+1)
		}
		faults.OneOf(t, key, e.Read(t, key), data)
		p.Close()
	}
}

// TestNonReplayableBodyIsNotRetried: a body that cannot be rewound is sent
// once; the failure comes back typed and nothing is stored.
func TestNonReplayableBodyIsNotRetried(t *testing.T) {
	e := newRelEnv(t)
	p := e.Proxy(t)
	p.Add(faults.Rule{Faults: []faults.Fault{{Kind: faults.Status, Code: 503}}})
	c := viaProxy(t, e, p, 0)
	data := faults.Payload(21, 4096)
	_, err := c.PutObject(context.Background(), relBucket, "once", io.MultiReader(bytes.NewReader(data)), &qsapi.PutObjectInput{ContentLength: int64(len(data))})
	if qe, ok := qsapi.AsError(err); !ok || qe.StatusCode != 503 {
		t.Fatalf("err %v, want the 503", err)
	}
	if len(p.Events()) != 1 {
		t.Fatalf("%d requests, want 1", len(p.Events()))
	}
	faults.OneOf(t, "once", e.Read(t, "once"), nil)
}

// TestSlowHeadersStopAtDeadline: without a header timeout, a server that
// never answers is left when the context ends, with ctx.Err() unwrapped.
func TestSlowHeadersStopAtDeadline(t *testing.T) {
	e := newRelEnv(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := e.Proxy(t)
	defer p.Close()
	p.Add(faults.Rule{Faults: faults.Times(10, faults.Fault{Kind: faults.SlowHeaders})})
	c := viaProxy(t, e, p, 0)
	defer c.HTTPClient().CloseIdleConnections()
	ops := map[string]func(ctx context.Context) error{
		"put": func(ctx context.Context) error {
			_, err := c.PutObject(ctx, relBucket, "slow", strings.NewReader("abc"), &qsapi.PutObjectInput{ContentLength: 3})
			return err
		},
		"get": func(ctx context.Context) error { _, err := c.GetObject(ctx, relBucket, "slow", nil); return err },
		"list": func(ctx context.Context) error {
			_, err := c.ListObjects(ctx, relBucket, nil)
			return err
		},
	}
	for name, op := range ops {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- op(ctx) }()
		select {
		case err := <-done:
			if err != context.DeadlineExceeded {
				t.Errorf("%s: err %v, want context.DeadlineExceeded itself", name, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: still running 30s after a 150ms deadline", name)
		}
		cancel()
	}
}

// TestResponseHeaderTimeoutIsRetried: RetryPolicy documents response-header
// timeouts as retryable; one slow answer must cost one retry, not the call.
func TestResponseHeaderTimeoutIsRetried(t *testing.T) {
	e := newRelEnv(t)
	p := e.Proxy(t)
	p.Add(faults.Rule{Faults: []faults.Fault{{Kind: faults.SlowHeaders}}})
	c := viaProxy(t, e, p, time.Second)
	data := faults.Payload(22, 1000)
	_, err := c.PutObject(context.Background(), relBucket, "header-timeout", bytes.NewReader(data), &qsapi.PutObjectInput{ContentLength: int64(len(data))})
	if err != nil {
		t.Fatalf("slow headers once: %v (requests %+v)", err, p.Events())
	}
	// Normally two requests; a loaded machine whose answer outlasts the
	// timeout costs one more retry each time, which is the same contract.
	if ev := p.Events(); len(ev) < 2 || ev[0].Fault.Kind != faults.SlowHeaders {
		t.Fatalf("requests %+v, want the slow one and a retry", ev)
	}
	faults.OneOf(t, "header-timeout", e.Read(t, "header-timeout"), data)
}
