package qslocal

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

// TestServer is a server started by StartTest.
type TestServer struct {
	*Running
	tb testing.TB
}

// StartTest starts a server for a test: on 127.0.0.1 with a free port,
// fresh random credentials, a temporary data directory (removed with the
// test) and logs discarded; opts may change any Options field (for example
// set Memory or MinPartSize). It is stopped by t.Cleanup.
func StartTest(tb testing.TB, opts ...func(*Options)) *TestServer {
	tb.Helper()
	ak, sk := GenerateCredentials()
	o := Options{
		DataDir:     tb.TempDir(),
		Credentials: map[string]string{ak: sk},
		Addr:        "127.0.0.1:0",
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, f := range opts {
		f(&o)
	}
	rn, err := Start(context.Background(), o)
	if err != nil {
		tb.Fatalf("qslocal.StartTest: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := rn.Shutdown(ctx); err != nil {
			tb.Errorf("qslocal: shutdown: %v", err)
		}
	})
	return &TestServer{Running: rn, tb: tb}
}

// CreateBucket creates a bucket in the default zone, failing the test on error.
func (ts *TestServer) CreateBucket(name string) {
	ts.tb.Helper()
	if err := ts.Server.CreateBucket(name); err != nil {
		ts.tb.Fatalf("qslocal: create bucket %s: %v", name, err)
	}
}
