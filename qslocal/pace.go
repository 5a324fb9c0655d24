package qslocal

import (
	"io"
	"math"
	"net/http"
	"time"
)

// Slow clients.
//
// A client that trickles its body or stops reading its response would hold
// a goroutine, a temporary file or an open blob (kept on disk even after
// the object is deleted) and its descriptors for as long as it likes. So
// every request body is read, and every response written, through a pacer:
// in each transfer window (Options.TransferWindow, from the first byte
// asked for) at least Options.MinTransferRate × TransferWindow bytes must
// move, or the connection's read or write deadline (set with
// http.ResponseController) expires. The handler's read or write then fails,
// it returns, releasing what it held, and the connection is closed. A body
// that ended clears the read deadline again (net/http then watches the
// connection for the next request); net/http clears the write deadline
// after each response, so a kept-alive connection idle between requests is
// not cut by the previous request's deadline.
//
// Writes are cut into pieces of at most one window's quota, so that the
// bound holds whatever size a handler writes at once; plaintext file
// bodies still go out with sendfile, one piece at a time.

// Defaults of Options.TransferWindow and Options.MinTransferRate: 30 s and
// 4 KiB/s, i.e. at least 120 KiB per 30 s, far below any real link.
const (
	DefaultTransferWindow  = 30 * time.Second
	DefaultMinTransferRate = 4 << 10
)

// pacer enforces the transfer windows of one request.
type pacer struct {
	rc     *http.ResponseController
	window time.Duration
	quota  int64
	wLeft  int64 // bytes still due in the current write window
}

// newPacer returns the pacer of a request answered through rw, or nil when
// the bound is disabled (Options.TransferWindow < 0).
func (s *Server) newPacer(rw http.ResponseWriter) *pacer {
	if s.opts.TransferWindow < 0 {
		return nil
	}
	return &pacer{rc: http.NewResponseController(rw), window: s.opts.TransferWindow,
		quota: max(1, int64(s.opts.TransferWindow.Seconds()*float64(s.opts.MinTransferRate)))}
}

// writeBudget returns the bytes the next write may carry, opening a new
// window (and deadline) when the current one's quota is met.
func (p *pacer) writeBudget() int64 {
	if p.wLeft <= 0 {
		p.wLeft = p.quota
		p.rc.SetWriteDeadline(time.Now().Add(p.window))
	}
	return p.wLeft
}

// write writes b to dst in pieces of at most one window's quota.
func (p *pacer) write(dst io.Writer, b []byte) (n int, err error) {
	for len(b) > 0 && err == nil {
		var m int
		m, err = dst.Write(b[:min(int64(len(b)), p.writeBudget())])
		n += m
		p.wLeft -= int64(m)
		b = b[m:]
	}
	return n, err
}

// readFrom copies src to dst in pieces of at most one window's quota. A
// *io.LimitedReader source is unwrapped so that each piece is again a
// LimitedReader of the underlying reader (an *os.File goes out with
// sendfile).
func (p *pacer) readFrom(dst io.Writer, src io.Reader) (n int64, err error) {
	lr, ok := src.(*io.LimitedReader)
	if !ok {
		lr = &io.LimitedReader{R: src, N: math.MaxInt64}
	}
	for lr.N > 0 {
		k := min(lr.N, p.writeBudget())
		m, err := io.Copy(dst, &io.LimitedReader{R: lr.R, N: k})
		n += m
		lr.N -= m
		p.wLeft -= m
		if err != nil || m < k {
			return n, err
		}
	}
	return n, nil
}

// pacedBody is a request body read under the pacer's read windows.
type pacedBody struct {
	io.ReadCloser
	p    *pacer
	left int64 // bytes still due in the current read window
	eof  bool
}

// body wraps a request body (nil stays nil).
func (p *pacer) body(rc io.ReadCloser) io.ReadCloser {
	if p == nil || rc == nil || rc == http.NoBody {
		return rc
	}
	return &pacedBody{ReadCloser: rc, p: p}
}

func (b *pacedBody) Read(buf []byte) (int, error) {
	if b.left <= 0 && !b.eof {
		b.left = b.p.quota
		b.p.rc.SetReadDeadline(time.Now().Add(b.p.window))
	}
	n, err := b.ReadCloser.Read(buf)
	b.left -= int64(n)
	if err == io.EOF && !b.eof {
		b.eof = true
		b.p.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// finish runs when the handler returned. It gives what net/http still
// writes (buffered bytes, and the header of a response without body) a
// window of its own, and bounds what net/http still reads of a body the
// handler left unread (it discards up to 256 KiB). Errors are ignored:
// they only mean the writer has no connection (a test recorder).
func (p *pacer) finish(body io.ReadCloser) {
	if p == nil {
		return
	}
	p.rc.SetWriteDeadline(time.Now().Add(p.window))
	if pb, ok := body.(*pacedBody); ok && !pb.eof {
		p.rc.SetReadDeadline(time.Now().Add(p.window))
	}
}
