package console

import (
	"context"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qslocal"
)

// StartTest starts a qslocal test server (qslocal.StartTest; opts may change
// any of its Options, e.g. set Memory) whose requests feed a console served
// on a free loopback port, and logs the console's URL and the access key id
// (tb.Logf; the secret is in the returned server, never in the log), so a
// developer stopped in a failing test (a breakpoint, a pause) can open it.
// Both stop at test cleanup.
func StartTest(tb testing.TB, opts ...func(*qslocal.Options)) (*qslocal.TestServer, *Running) {
	tb.Helper()
	log := NewRequestLog(0)
	observe := func(o *qslocal.Options) { o.Observe = log.Observe }
	ts := qslocal.StartTest(tb, append([]func(*qslocal.Options){observe}, opts...)...)
	con, err := Start(context.Background(), Options{Server: ts.Server, Endpoint: ts.Endpoint, Log: log, Addr: "127.0.0.1:0"})
	if err != nil {
		tb.Fatalf("console.StartTest: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		con.Shutdown(ctx)
	})
	tb.Logf("qslocal console: %s (log in with access key id %s and the test server's SecretAccessKey)", con.URL, ts.AccessKeyID)
	return ts, con
}
