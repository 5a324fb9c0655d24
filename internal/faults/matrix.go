package faults

// The fault matrix shared by the reliability tests of the wire client (qsapi)
// and of the QingStor service: every operation of a client runs once per
// fault column through a Proxy in front of an in-process qslocal server, and
// each run must end in success with the right bytes or in an error the
// caller can act on, leave the old or the new state (never a mix), end before
// its deadline and leak no goroutine.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qslocal"
	"go.uber.org/goleak"
)

// Env is an in-process qslocal server (in memory, any part size accepted)
// with one bucket, and a client that reaches it directly, without faults, to
// set up and check state.
type Env struct {
	Server *qslocal.TestServer
	Bucket string
	Direct *qsapi.Client
}

// NewEnv starts the server of an Env with bucket; everything stops when t ends.
func NewEnv(t testing.TB, bucket string) *Env {
	t.Helper()
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.Memory = true; o.MinPartSize = 1 })
	ts.CreateBucket(bucket)
	direct, err := qsapi.New(qsapi.Options{Protocol: "http", Host: ts.Host, Port: ts.Port,
		AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(direct.HTTPClient().CloseIdleConnections)
	return &Env{Server: ts, Bucket: bucket, Direct: direct}
}

// Proxy returns a new proxy to e's server, closed when t ends.
func (e *Env) Proxy(t testing.TB) *Proxy {
	t.Helper()
	p, err := New(e.Server.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// Read returns the bytes of key read directly, or nil when it does not exist.
func (e *Env) Read(t testing.TB, key string) []byte {
	t.Helper()
	out, err := e.Direct.GetObject(context.Background(), e.Bucket, key, nil)
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

// Put stores b at key directly.
func (e *Env) Put(t testing.TB, key string, b []byte) {
	t.Helper()
	if _, err := e.Direct.PutObject(context.Background(), e.Bucket, key, bytes.NewReader(b),
		&qsapi.PutObjectInput{ContentLength: int64(len(b))}); err != nil {
		t.Fatalf("direct put %s: %v", key, err)
	}
}

// Payload returns n deterministic bytes; different seeds give different bytes.
func Payload(seed byte, n int) []byte {
	b := make([]byte, n)
	x := uint32(seed)*7919 + 17
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	return b
}

// OneOf fails t unless got equals one of the allowed contents (nil: absent).
func OneOf(t testing.TB, what string, got []byte, allowed ...[]byte) {
	t.Helper()
	for _, a := range allowed {
		if (a == nil) == (got == nil) && bytes.Equal(a, got) {
			return
		}
	}
	t.Fatalf("%s: %d bytes (sha256 %x) match none of the %d allowed states", what, len(got), sha256.Sum256(got), len(allowed))
}

// ErrWrongData marks an operation that reported success with wrong data:
// always a failure of the cell.
var ErrWrongData = errors.New("wrong data reported as success")

// Column is one fault of the matrix and what it allows.
type Column struct {
	Name   string
	Faults []Fault
	// MustFail: the fault outlasts the client's retries (4 attempts), so
	// success would be wrong.
	MustFail bool
	// MustSucceed: the fault hits before any response arrived and every body
	// is replayable, so a retry must hide it.
	MustSucceed bool
	// Long marks the longer retry sequences, which a slow client's matrix
	// may run only on demand.
	Long bool
}

// GiveUpAfter is the response-header (or read) timeout a client needs under
// c: slow headers end only when the client gives up, so a column with
// SlowHeaders needs one, and retries then hide it. For every other column it
// is 0 (no timeout), so that no answer of a loaded machine races a timer.
// The second is generous: a legitimate answer that takes longer costs a
// retry, and only four slow answers in a row fail a cell.
func (c Column) GiveUpAfter() time.Duration {
	for _, f := range c.Faults {
		if f.Kind == SlowHeaders {
			return time.Second
		}
	}
	return 0
}

// Columns returns the fault columns of the matrix.
func Columns() []Column {
	one := func(k Kind, n int64) []Fault { return []Fault{{Kind: k, Bytes: n}} }
	return []Column{
		{Name: "2x500", Faults: Times(2, Fault{Kind: Status, Code: 500}), MustSucceed: true},
		{Name: "3x503", Faults: Times(3, Fault{Kind: Status, Code: 503}), MustSucceed: true, Long: true},
		{Name: "4x503", Faults: Times(4, Fault{Kind: Status, Code: 503}), MustFail: true, Long: true},
		{Name: "reset-on-request", Faults: one(ResetOnRequest, 0), MustSucceed: true},
		{Name: "reset-mid-request-body", Faults: one(ResetMidRequestBody, 10<<10), MustSucceed: true},
		{Name: "reset-before-response", Faults: one(ResetBeforeResponse, 0), MustSucceed: true},
		{Name: "reset-mid-response-body", Faults: one(ResetMidResponseBody, 10<<10)},
		{Name: "short-body", Faults: one(ShortBody, 1)},
		{Name: "slow-headers", Faults: one(SlowHeaders, 0), MustSucceed: true},
		{Name: "200-error-body", Faults: one(OKErrorBody, 0)},
	}
}

// Cell is one operation under one fault column.
type Cell struct {
	Column Column
	// Match and Skip aim the faults (see Rule).
	Match Matcher
	Skip  int
	// Spread: the operation sends its matching requests in parallel, so a
	// fault sequence meant to outlast one request's retries may not, and
	// MustFail is not enforced.
	Spread bool
	// Typed reports whether an error is one a caller can act on.
	Typed func(error) bool
	// Start sets up state through e.Direct and returns the operation, sent
	// through p, and the check of the state it left (through e.Direct).
	Start func(t *testing.T, p *Proxy) (run func(ctx context.Context) error, check func(t *testing.T, err error))
}

// cellDeadline bounds every cell; reaching it fails the cell.
const cellDeadline = 30 * time.Second

// Run runs c against e in t: it fails t when no fault was injected, when the
// operation outlived its deadline, reported wrong data, failed with an
// untyped error or an outcome c.Column forbids, when the check fails, or
// when a goroutine is left behind (checked after the cleanups Start
// registered, which should close the idle connections of its clients).
func (e *Env) Run(t *testing.T, c Cell) {
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) })
	defer e.Direct.HTTPClient().CloseIdleConnections()
	p, err := New(e.Server.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	run, check := c.Start(t, p)
	p.Add(Rule{Match: c.Match, Skip: c.Skip, Faults: c.Column.Faults})
	ctx, cancel := context.WithTimeout(context.Background(), cellDeadline)
	defer cancel()
	err = run(ctx)
	if p.Injected() == 0 {
		t.Fatalf("no fault was injected; requests: %+v", p.Events())
	}
	switch {
	case ctx.Err() != nil:
		t.Fatalf("hit the %v cell deadline: %v", cellDeadline, err)
	case errors.Is(err, ErrWrongData):
		t.Fatalf("%v", err)
	case err != nil && !c.Typed(err):
		t.Fatalf("untyped error %T: %v", err, err)
	case err == nil && c.Column.MustFail && !c.Spread:
		t.Fatalf("succeeded although every attempt failed; requests: %+v", p.Events())
	case err != nil && c.Column.MustSucceed:
		t.Fatalf("a retry should have hidden the fault: %v; requests: %+v", err, p.Events())
	}
	check(t, err)
}
