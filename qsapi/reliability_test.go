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
	"crypto/sha256"
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
	"github.com/qsgo/qsgo/qslocal"
	"go.uber.org/goleak"
)

const relBucket = "reliability"

// relEnv is a qslocal server and a direct (fault-free) client to it.
type relEnv struct {
	ts     *qslocal.TestServer
	direct *qsapi.Client
}

func newRelEnv(t *testing.T) *relEnv {
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.Memory = true; o.MinPartSize = 1 << 10 })
	ts.CreateBucket(relBucket)
	direct, err := qsapi.New(qsapi.Options{Protocol: "http", Host: ts.Host, Port: ts.Port,
		AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(direct.HTTPClient().CloseIdleConnections)
	return &relEnv{ts: ts, direct: direct}
}

// viaProxy returns a client that talks to the server through p, retrying
// without sleeping. headerTimeout bounds the wait for response headers (0: none).
func (e *relEnv) viaProxy(t *testing.T, p *faults.Proxy, headerTimeout time.Duration) *qsapi.Client {
	tr := &http.Transport{ResponseHeaderTimeout: headerTimeout, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := qsapi.New(qsapi.Options{Protocol: "http", Host: "127.0.0.1", Port: p.Port(),
		AccessKeyID: e.ts.AccessKeyID, SecretAccessKey: e.ts.SecretAccessKey,
		HTTPClient: &http.Client{Transport: tr},
		Retry:      qsapi.RetryPolicy{MaxAttempts: 4, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// typedErr reports whether err is one a caller can act on: a server answer
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

func relPayload(seed byte, n int) []byte {
	b := make([]byte, n)
	x := uint32(seed) + 1
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	return b
}

func relSum(b []byte) [32]byte { return sha256.Sum256(b) }

// read returns the object's bytes through the direct client, or nil if it
// does not exist.
func (e *relEnv) read(t *testing.T, key string) []byte {
	t.Helper()
	out, err := e.direct.GetObject(context.Background(), relBucket, key, nil)
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

func (e *relEnv) put(t *testing.T, key string, b []byte) {
	t.Helper()
	if _, err := e.direct.PutObject(context.Background(), relBucket, key, bytes.NewReader(b),
		&qsapi.PutObjectInput{ContentLength: int64(len(b))}); err != nil {
		t.Fatalf("direct put %s: %v", key, err)
	}
}

// oneOf fails unless got equals one of the allowed contents (nil = absent).
func relOneOf(t *testing.T, what string, got []byte, allowed ...[]byte) {
	t.Helper()
	for _, a := range allowed {
		if (a == nil) == (got == nil) && relSum(a) == relSum(got) {
			return
		}
	}
	t.Fatalf("%s: %d bytes (sha256 %x) match none of the %d allowed states", what, len(got), relSum(got), len(allowed))
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
	prep func(t *testing.T, e *relEnv, key string) (run func(ctx context.Context, c *qsapi.Client) error, check func(t *testing.T, err error))
}

const relObjSize = 96 << 10

func relOps() []relOp {
	isObjPut := faults.And(faults.Method(http.MethodPut), faults.Not(faults.HasQuery("upload_id")))
	return []relOp{
		{name: "PutObject", match: isObjPut, prep: func(t *testing.T, e *relEnv, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			old, neu := relPayload(1, relObjSize), relPayload(2, relObjSize)
			e.put(t, key, old)
			run := func(ctx context.Context, c *qsapi.Client) error {
				_, err := c.PutObject(ctx, relBucket, key, bytes.NewReader(neu), &qsapi.PutObjectInput{ContentLength: int64(len(neu))})
				return err
			}
			return run, func(t *testing.T, err error) {
				got := e.read(t, key)
				if err == nil {
					relOneOf(t, "after a successful put", got, neu)
					return
				}
				relOneOf(t, "after a failed put", got, old, neu)
			}
		}},
		{name: "GetObject", match: faults.Method(http.MethodGet), no200: true, prep: func(t *testing.T, e *relEnv, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			data := relPayload(3, relObjSize)
			e.put(t, key, data)
			return relReadRun(key, "", data), func(*testing.T, error) {}
		}},
		{name: "GetObjectRange", match: faults.Method(http.MethodGet), no200: true, prep: func(t *testing.T, e *relEnv, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			data := relPayload(4, relObjSize)
			e.put(t, key, data)
			return relReadRun(key, "bytes=1000-60999", data[1000:61000]), func(*testing.T, error) {}
		}},
		{name: "HeadObject", match: faults.Method(http.MethodHead), no200: true, prep: func(t *testing.T, e *relEnv, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			data := relPayload(5, 1234)
			e.put(t, key, data)
			m := md5.Sum(data)
			return func(ctx context.Context, c *qsapi.Client) error {
				out, err := c.HeadObject(ctx, relBucket, key, nil)
				if err != nil {
					return err
				}
				if out.ContentLength != int64(len(data)) || strings.Trim(out.ETag, `"`) != fmt.Sprintf("%x", m) {
					return fmt.Errorf("HEAD reported size %d etag %s: %w", out.ContentLength, out.ETag, errRelWrongData)
				}
				return nil
			}, func(*testing.T, error) {}
		}},
		{name: "ListObjectPages", match: faults.And(faults.Method(http.MethodGet), faults.HasQuery("limit")), skip: 1, prep: func(t *testing.T, e *relEnv, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			want := []string{}
			for i := 0; i < 7; i++ {
				k := fmt.Sprintf("%s/%02d", key, i)
				e.put(t, k, []byte(k))
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
					return fmt.Errorf("listing %v, want %v: %w", got, want, errRelWrongData)
				}
				return nil
			}, func(*testing.T, error) {}
		}},
		{name: "DeleteObject", match: faults.Method(http.MethodDelete), prep: func(t *testing.T, e *relEnv, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			data := relPayload(6, 100)
			e.put(t, key, data)
			return func(ctx context.Context, c *qsapi.Client) error {
					_, err := c.DeleteObject(ctx, relBucket, key)
					return err
				}, func(t *testing.T, err error) {
					got := e.read(t, key)
					if err == nil {
						relOneOf(t, "after a successful delete", got, nil)
						return
					}
					relOneOf(t, "after a failed delete", got, nil, data)
				}
		}},
		{name: "AppendObject", match: faults.HasQuery("append"), prep: func(t *testing.T, e *relEnv, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			first, next := relPayload(7, 5000), relPayload(8, relObjSize)
			if _, err := e.direct.AppendObject(context.Background(), relBucket, key, 0, bytes.NewReader(first), &qsapi.AppendObjectInput{ContentLength: int64(len(first))}); err != nil {
				t.Fatal(err)
			}
			both := append(append([]byte(nil), first...), next...)
			return func(ctx context.Context, c *qsapi.Client) error {
					out, err := c.AppendObject(ctx, relBucket, key, int64(len(first)), bytes.NewReader(next), &qsapi.AppendObjectInput{ContentLength: int64(len(next))})
					if err == nil && out.NextPosition != int64(len(both)) {
						return fmt.Errorf("next position %d, want %d: %w", out.NextPosition, len(both), errRelWrongData)
					}
					return err
				}, func(t *testing.T, err error) {
					got := e.read(t, key)
					if err == nil {
						relOneOf(t, "after a successful append", got, both)
						return
					}
					relOneOf(t, "after a failed append", got, first, both)
				}
		}},
		{name: "InitiateMultipart", match: faults.HasQuery("uploads"), prep: func(t *testing.T, e *relEnv, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
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
					if _, err := e.direct.ListParts(context.Background(), relBucket, key, id, nil); err != nil {
						t.Fatalf("upload id %q from a successful initiate is unusable: %v", id, err)
					}
				}
		}},
		relWithSkip(relMultipartStep("UploadPart", faults.And(faults.Method(http.MethodPut), faults.HasQuery("upload_id"))), 1),
		relMultipartStep("ListParts", faults.And(faults.Method(http.MethodGet), faults.HasQuery("upload_id"))),
		relMultipartStep("CompleteMultipart", faults.And(faults.Method(http.MethodPost), faults.HasQuery("upload_id"))),
		relMultipartStep("AbortMultipart", faults.And(faults.Method(http.MethodDelete), faults.HasQuery("upload_id"))),
		{name: "CopyObject", match: faults.HasHeader("X-Qs-Copy-Source"), prep: func(t *testing.T, e *relEnv, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			src := relPayload(9, relObjSize)
			e.put(t, key+"-src", src)
			return func(ctx context.Context, c *qsapi.Client) error {
					_, err := c.CopyObject(ctx, relBucket, key, &qsapi.CopyObjectInput{SourceBucket: relBucket, SourceKey: key + "-src"})
					return err
				}, func(t *testing.T, err error) {
					got := e.read(t, key)
					relOneOf(t, "copy source", e.read(t, key+"-src"), src)
					if err == nil {
						relOneOf(t, "after a successful copy", got, src)
						return
					}
					relOneOf(t, "after a failed copy", got, nil, src)
				}
		}},
		{name: "MoveObject", match: faults.HasHeader("X-Qs-Move-Source"), prep: func(t *testing.T, e *relEnv, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
			src := relPayload(10, relObjSize)
			e.put(t, key+"-src", src)
			return func(ctx context.Context, c *qsapi.Client) error {
					_, err := c.MoveObject(ctx, relBucket, key, relBucket, key+"-src")
					return err
				}, func(t *testing.T, err error) {
					got, gotSrc := e.read(t, key), e.read(t, key+"-src")
					if err == nil {
						relOneOf(t, "move target after success", got, src)
						relOneOf(t, "move source after success", gotSrc, nil)
						return
					}
					if got == nil {
						relOneOf(t, "move source after a failed move", gotSrc, src)
					} else {
						relOneOf(t, "move target after a failed move", got, src)
						relOneOf(t, "move source after a failed move", gotSrc, nil)
					}
				}
		}},
	}
}

func relWithSkip(op relOp, n int) relOp { op.skip = n; return op }

// errRelWrongData marks a call that "succeeded" with wrong data: always a failure.
var errRelWrongData = errors.New("wrong data reported as success")

// readRun reads key (with rng as Range) and compares with want: a short or
// different body is errRelWrongData unless the read itself failed.
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
		if relSum(got) != relSum(want) {
			return fmt.Errorf("read %d bytes (want %d), content differs: %w", len(got), len(want), errRelWrongData)
		}
		return nil
	}
}

// multipartStep builds an op that uploads three parts and completes, with
// the fault aimed at one step (match). Whatever happens, a completed object
// must hold exactly the three parts, and an object never exists half-built.
func relMultipartStep(name string, match faults.Matcher) relOp {
	return relOp{name: name, match: match, prep: func(t *testing.T, e *relEnv, key string) (func(context.Context, *qsapi.Client) error, func(*testing.T, error)) {
		parts := [][]byte{relPayload(11, 40<<10), relPayload(12, 40<<10), relPayload(13, 7<<10)}
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
						return fmt.Errorf("part %d etag %s: %w", i, out.ETag, errRelWrongData)
					}
					done = append(done, qsapi.CompletedPart{PartNumber: i, ETag: out.ETag})
				}
				lp, err := c.ListParts(ctx, relBucket, key, id, nil)
				if err != nil {
					return err
				}
				if len(lp.Parts) != len(parts) {
					return fmt.Errorf("list parts shows %d parts: %w", len(lp.Parts), errRelWrongData)
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
				got := e.read(t, key)
				switch {
				case completed:
					relOneOf(t, "after a successful complete", got, whole)
				case name == "AbortMultipart" && err == nil:
					relOneOf(t, "after abort", got, nil)
					if _, lerr := e.direct.ListParts(context.Background(), relBucket, key, id, nil); !qsapi.IsNotFound(lerr) {
						t.Fatalf("parts of an aborted upload still listed: %v", lerr)
					}
				default:
					relOneOf(t, "after a failed multipart upload", got, nil, whole)
				}
			}
	}}
}

// relFault is one column of the matrix.
type relFault struct {
	name   string
	faults []faults.Fault
	// mustFail: the fault outlasts the retries, so success would be wrong.
	mustFail bool
	// mustSucceed: the fault hits before any response arrived and every
	// body is replayable, so a retry must hide it (for append, Complete and
	// Move whose lost attempt was applied, qsapi confirms with a HEAD).
	mustSucceed bool
}

// relFaults is the fault column of the matrix.
func relFaults() []relFault {
	f := func(k faults.Kind, n int64) []faults.Fault { return []faults.Fault{{Kind: k, Bytes: n}} }
	return []relFault{
		{name: "2x500", faults: faults.Times(2, faults.Fault{Kind: faults.Status, Code: 500}), mustSucceed: true},
		{name: "3x503", faults: faults.Times(3, faults.Fault{Kind: faults.Status, Code: 503}), mustSucceed: true},
		{name: "4x503", faults: faults.Times(4, faults.Fault{Kind: faults.Status, Code: 503}), mustFail: true},
		{name: "reset-on-request", faults: f(faults.ResetOnRequest, 0), mustSucceed: true},
		{name: "reset-mid-request-body", faults: f(faults.ResetMidRequestBody, 10<<10), mustSucceed: true},
		{name: "reset-before-response", faults: f(faults.ResetBeforeResponse, 0), mustSucceed: true},
		{name: "reset-mid-response-body", faults: f(faults.ResetMidResponseBody, 10<<10)},
		{name: "short-body", faults: f(faults.ShortBody, 1)},
		{name: "slow-headers", faults: f(faults.SlowHeaders, 0), mustSucceed: true},
		{name: "200-error-body", faults: f(faults.OKErrorBody, 0)},
	}
}

func TestFaultMatrix(t *testing.T) {
	e := newRelEnv(t)
	for _, op := range relOps() {
		for _, fc := range relFaults() {
			if fc.name == "200-error-body" && op.no200 {
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
				// The header timeout turns slow headers into a retryable timeout.
				c := e.viaProxy(t, p, 250*time.Millisecond)
				defer c.HTTPClient().CloseIdleConnections()
				key := strings.ReplaceAll(op.name+"-"+fc.name, "/", "-")
				run, check := op.prep(t, e, key)
				p.Add(faults.Rule{Match: op.match, Skip: op.skip, Faults: fc.faults})
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				err = run(ctx, c)
				if p.Injected() == 0 {
					t.Fatalf("no fault was injected; requests: %+v", p.Events())
				}
				switch {
				case ctx.Err() != nil:
					t.Fatalf("hit the 30s test deadline: %v", err)
				case errors.Is(err, errRelWrongData):
					t.Fatalf("%v", err)
				case err != nil && !relTypedErr(err):
					t.Fatalf("untyped error %T: %v", err, err)
				case err == nil && fc.mustFail:
					t.Fatalf("succeeded although every attempt failed; requests: %+v", p.Events())
				case err != nil && fc.mustSucceed:
					t.Fatalf("a retry should have hidden the fault: %v; requests: %+v", err, p.Events())
				}
				check(t, err)
				p.Close()
				c.HTTPClient().CloseIdleConnections()
			})
		}
	}
}

// TestRetriesThenSucceeds pins the retry contract: N transient failures
// below MaxAttempts are invisible, the request count is exact.
func TestRetriesThenSucceeds(t *testing.T) {
	e := newRelEnv(t)
	data := relPayload(20, 4096)
	for _, n := range []int{1, 2, 3} {
		p, err := faults.New(e.ts.Endpoint)
		if err != nil {
			t.Fatal(err)
		}
		p.Add(faults.Rule{Faults: faults.Times(n, faults.Fault{Kind: faults.Status, Code: 503})})
		c := e.viaProxy(t, p, 0)
		key := fmt.Sprintf("retry-%d", n)
		if _, err := c.PutObject(context.Background(), relBucket, key, bytes.NewReader(data), &qsapi.PutObjectInput{ContentLength: int64(len(data))}); err != nil {
			t.Fatalf("%d x 503: %v", n, err)
		}
		if got := len(p.Events()); got != n+1 {
			t.Fatalf("%d x 503: %d requests, want %d", n, got, n+1)
		}
		relOneOf(t, key, e.read(t, key), data)
		p.Close()
	}
}

// TestNonReplayableBodyIsNotRetried: a body that cannot be rewound is sent
// once; the failure comes back typed and nothing is stored.
func TestNonReplayableBodyIsNotRetried(t *testing.T) {
	e := newRelEnv(t)
	p, err := faults.New(e.ts.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Add(faults.Rule{Faults: []faults.Fault{{Kind: faults.Status, Code: 503}}})
	c := e.viaProxy(t, p, 0)
	data := relPayload(21, 4096)
	_, err = c.PutObject(context.Background(), relBucket, "once", io.MultiReader(bytes.NewReader(data)), &qsapi.PutObjectInput{ContentLength: int64(len(data))})
	if qe, ok := qsapi.AsError(err); !ok || qe.StatusCode != 503 {
		t.Fatalf("err %v, want the 503", err)
	}
	if len(p.Events()) != 1 {
		t.Fatalf("%d requests, want 1", len(p.Events()))
	}
	relOneOf(t, "once", e.read(t, "once"), nil)
}

// TestSlowHeadersStopAtDeadline: without a header timeout, a server that
// never answers is left when the context ends, with ctx.Err() unwrapped.
func TestSlowHeadersStopAtDeadline(t *testing.T) {
	e := newRelEnv(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p, err := faults.New(e.ts.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Add(faults.Rule{Faults: faults.Times(10, faults.Fault{Kind: faults.SlowHeaders})})
	c := e.viaProxy(t, p, 0)
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
	p, err := faults.New(e.ts.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Add(faults.Rule{Faults: []faults.Fault{{Kind: faults.SlowHeaders}}})
	c := e.viaProxy(t, p, 300*time.Millisecond)
	data := relPayload(22, 1000)
	_, err = c.PutObject(context.Background(), relBucket, "header-timeout", bytes.NewReader(data), &qsapi.PutObjectInput{ContentLength: int64(len(data))})
	if err != nil {
		t.Fatalf("slow headers once: %v (requests %+v)", err, p.Events())
	}
	if n := len(p.Events()); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	relOneOf(t, "header-timeout", e.read(t, "header-timeout"), data)
}
