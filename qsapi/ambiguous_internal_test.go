package qsapi

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"
)

func TestAttemptTraceClassification(t *testing.T) {
	dial := &url.Error{Op: "Put", URL: "http://x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("no route")}}
	refused := &url.Error{Op: "Put", URL: "http://x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Put", URL: "http://x", Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
	eof := &url.Error{Op: "Put", URL: "http://x", Err: io.EOF}
	for _, c := range []struct {
		err  error
		want bool
	}{{dial, false}, {refused, false}, {fmt.Errorf("wrapped: %w", syscall.ECONNREFUSED), false}, {reset, true}, {eof, true}} {
		tr := &attemptTrace{}
		tr.noteTransportErr(c.err)
		if tr.maybeApplied != c.want {
			t.Errorf("%v: maybeApplied %v, want %v", c.err, tr.maybeApplied, c.want)
		}
	}
	for status, want := range map[int]bool{408: false, 429: false, 503: false, 500: true, 502: true, 504: true} {
		tr := &attemptTrace{}
		tr.noteStatus(status)
		if tr.maybeApplied != want {
			t.Errorf("status %d: maybeApplied %v, want %v", status, tr.maybeApplied, want)
		}
	}
	var none *attemptTrace // operations without a trace record nothing
	none.noteStatus(500)
	none.noteTransportErr(reset)
}
