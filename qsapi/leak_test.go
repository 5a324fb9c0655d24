package qsapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"go.uber.org/goleak"
)

// TestNoGoroutineLeak runs successes, retries, errors, cancellations and a
// half-read GET body, then checks that nothing of qsapi's keeps running once
// the idle connections are closed.
func TestNoGoroutineLeak(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	sc := &scripted{script: []string{"503", "reset", "201"}}
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Length", "1048576")
			_, _ = w.Write(make([]byte, 1<<20))
			return
		}
		sc.handle(w, r)
	})
	c := s.client()
	if _, err := c.PutObject(ctx, "bkt", "k", bytes.NewReader([]byte("abc")), &PutObjectInput{ContentLength: 3}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetObject(ctx, "bkt", "k", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.CopyN(io.Discard, out.Body, 10) // read a little, then close
	out.Body.Close()
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.GetObject(cctx, "bkt", "k", nil); err != context.Canceled {
		t.Fatal(err)
	}
	c.HTTPClient().CloseIdleConnections()
	s.srv.Close()
}
