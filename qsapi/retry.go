package qsapi

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// RetryPolicy says how failed requests are retried. A request is retried only
// when its body can be replayed (no body, an io.Seeker, or a GetBody
// function), only for the statuses 408, 429, 500, 502, 503 and 504 and for
// connection errors (reset, refused, broken pipe, EOF before the response,
// dial and response-header timeouts), and never after ctx is done. Other
// statuses are final: 507 insufficient_storage (a full disk on qslocal)
// would fail the same way until space is freed.
// Waits use capped exponential backoff with full jitter:
// a uniform duration in [0, min(MaxDelay, BaseDelay*2^retry)). A Retry-After
// header (seconds or HTTP date) replaces that wait, capped at MaxRetryAfter.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts including the first
	// (default 4). 1 disables retries.
	MaxAttempts int
	// BaseDelay is the first backoff ceiling (default 100ms).
	BaseDelay time.Duration
	// MaxDelay caps the backoff ceiling (default 5s).
	MaxDelay time.Duration
	// MaxRetryAfter caps a server's Retry-After (default 30s).
	MaxRetryAfter time.Duration
	// Sleep waits d or until ctx is done, returning ctx.Err() then. Tests
	// inject it so that they never wait real time. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a uniform duration in [0, max). Default: math/rand/v2.
	Jitter func(max time.Duration) time.Duration
}

// DefaultRetryPolicy is used for the zero RetryPolicy.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:   4,
	BaseDelay:     100 * time.Millisecond,
	MaxDelay:      5 * time.Second,
	MaxRetryAfter: 30 * time.Second,
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy
	if p.MaxAttempts > 0 {
		d.MaxAttempts = p.MaxAttempts
	}
	if p.BaseDelay > 0 {
		d.BaseDelay = p.BaseDelay
	}
	if p.MaxDelay > 0 {
		d.MaxDelay = p.MaxDelay
	}
	if p.MaxRetryAfter > 0 {
		d.MaxRetryAfter = p.MaxRetryAfter
	}
	d.Sleep = p.Sleep
	if d.Sleep == nil {
		d.Sleep = sleepCtx
	}
	d.Jitter = p.Jitter
	if d.Jitter == nil {
		d.Jitter = func(max time.Duration) time.Duration {
			if max <= 0 {
				return 0
			}
			return time.Duration(rand.Int64N(int64(max)))
		}
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return contextErr(ctx)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff returns the wait before retry number n (n = 1 for the first retry).
func (p RetryPolicy) backoff(n int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			return min(d, p.MaxRetryAfter)
		}
	}
	ceil := p.BaseDelay
	for i := 1; i < n && ceil < p.MaxDelay; i++ {
		ceil *= 2
	}
	return p.Jitter(min(ceil, p.MaxDelay))
}

// retryAfter parses a Retry-After value: delta seconds or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(24*time.Hour/time.Second) {
			s = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// retryableStatus reports whether status is worth retrying.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableErr reports whether a transport error is a connection failure
// worth retrying. It is only asked once the caller has checked that the
// request's own context is not done, so it must not look for context errors
// in the chain: net/http's "timeout awaiting response headers" answers
// errors.Is(err, context.DeadlineExceeded) and is a retryable timeout.
// net.ErrClosed is what net/http returns when the peer resets the connection
// while the request body is still being written.
func retryableErr(err error) bool {
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}

// replayer makes a request body sendable once per attempt.
type replayer struct {
	body    io.Reader
	getBody func() (io.ReadCloser, error)
	start   int64 // seek offset of the first attempt
	seeker  io.Seeker
	cur     *attemptBody
	opened  io.ReadCloser
}

// errBodyDetached is returned by a body read after its attempt ended.
var errBodyDetached = errors.New("qsapi: request body read after its attempt ended")

// attemptBody guards one attempt's use of a replayable body: once detached
// (the attempt is over) a transport goroutine that still holds it can no
// longer read, so rewinding the underlying body for the next attempt is safe.
type attemptBody struct {
	mu   sync.Mutex
	r    io.Reader
	dead bool
}

func (b *attemptBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dead {
		return 0, errBodyDetached
	}
	return b.r.Read(p)
}

func (b *attemptBody) Close() error { return nil }

func (b *attemptBody) detach() {
	b.mu.Lock()
	b.dead = true
	b.mu.Unlock()
}

// newReplayer returns how to send body; replayable reports whether a retry may
// send it again.
func newReplayer(body io.Reader, getBody func() (io.ReadCloser, error)) (rp *replayer, replayable bool, err error) {
	if body == http.NoBody {
		body = nil
	}
	rp = &replayer{body: body, getBody: getBody}
	if body == nil {
		return rp, true, nil
	}
	if s, ok := body.(io.Seeker); ok {
		off, err := s.Seek(0, io.SeekCurrent)
		if err == nil {
			rp.seeker, rp.start = s, off
			return rp, true, nil
		}
	}
	return rp, getBody != nil, nil
}

// next returns the body for attempt n (0-based); it detaches the previous one.
func (rp *replayer) next(n int) (io.Reader, error) {
	if rp.body == nil {
		return nil, nil
	}
	if rp.cur != nil {
		rp.cur.detach()
	}
	if rp.opened != nil {
		_ = rp.opened.Close()
		rp.opened = nil
	}
	r := rp.body
	if n > 0 {
		switch {
		case rp.seeker != nil:
			if _, err := rp.seeker.Seek(rp.start, io.SeekStart); err != nil {
				return nil, err
			}
		case rp.getBody != nil:
			rc, err := rp.getBody()
			if err != nil {
				return nil, err
			}
			rp.opened, r = rc, rc
		}
	}
	if rp.seeker == nil && rp.getBody == nil {
		return r, nil // sent once, no guard needed
	}
	rp.cur = &attemptBody{r: r}
	return rp.cur, nil
}

// done releases the last attempt's body.
func (rp *replayer) done() {
	if rp.cur != nil {
		rp.cur.detach()
	}
	if rp.opened != nil {
		_ = rp.opened.Close()
	}
}
