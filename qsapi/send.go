package qsapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
)

// call is one operation to send: the request, its body and the statuses
// that count as success.
type call struct {
	req     *Request
	body    io.Reader
	size    int64
	getBody func() (io.ReadCloser, error)
	ok      []int
	// trace, when set, learns whether an attempt that was retried may have
	// been applied by the server (see ambiguous.go).
	trace *attemptTrace
}

// send sends cl, retrying per the client's policy. On success it returns the
// response with its body open (the caller reads and closes it). Any other
// outcome is an error: a *Error for a server answer, ctx.Err() (unwrapped)
// when ctx is done, or a wrapped transport error.
func (c *Client) send(ctx context.Context, cl call) (*http.Response, error) {
	op := cl.req.Op
	if cl.size == 0 && cl.body != nil && cl.body != http.NoBody {
		// net/http cannot check a zero length for us (it would switch to
		// chunked encoding): make sure the body really is empty.
		var one [1]byte
		if n, _ := io.ReadFull(cl.body, one[:]); n > 0 {
			return nil, invalidArg(op, "body is longer than its content length 0")
		}
		cl.body = nil
	}
	rp, replayable, err := newReplayer(cl.body, cl.getBody)
	if err != nil {
		return nil, fmt.Errorf("qsapi: %s: %w", op, err)
	}
	defer rp.done()
	for attempt := 0; ; attempt++ {
		if err := contextErr(ctx); err != nil {
			return nil, err
		}
		body, err := rp.next(attempt)
		if err != nil {
			return nil, fmt.Errorf("qsapi: %s: rewind body: %w", op, err)
		}
		b, err := c.BuildRequest(ctx, cl.req, body, cl.size)
		if err != nil {
			return nil, err
		}
		last := !replayable || attempt+1 >= c.retry.MaxAttempts
		resp, err := c.hc.Do(b.HTTP)
		if err != nil {
			if cerr := contextErr(ctx); cerr != nil {
				return nil, cerr
			}
			if b.body != nil {
				if berr := b.body.failure(); berr != nil && !errors.Is(berr, errBodyDetached) {
					// The body itself failed (too short, too long, or a read
					// error): another attempt would not help.
					return nil, fmt.Errorf("qsapi: %s: request body: %w", op, berr)
				}
			}
			if last || !retryableErr(err) {
				return nil, fmt.Errorf("qsapi: %s: %w", op, err)
			}
			cl.trace.noteTransportErr(err)
			if err := c.retry.Sleep(ctx, c.retry.backoff(attempt+1, nil)); err != nil {
				return nil, err
			}
			continue
		}
		if slices.Contains(cl.ok, resp.StatusCode) {
			return resp, nil
		}
		if last || !retryableStatus(resp.StatusCode) {
			return nil, errorFrom(op, cl.req.resource(), resp)
		}
		cl.trace.noteStatus(resp.StatusCode)
		wait := c.retry.backoff(attempt+1, resp)
		drainAndClose(resp.Body)
		if err := c.retry.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// sendNoBody sends cl, whose success has no meaningful body, and returns
// the response with its body consumed. A QingStor error object in that body
// (an error inside a success status) is returned as a *Error.
func (c *Client) sendNoBody(ctx context.Context, cl call) (*http.Response, error) {
	resp, err := c.send(ctx, cl)
	if err != nil {
		return nil, err
	}
	defer drainAndClose(resp.Body)
	if resp.Request != nil && resp.Request.Method == http.MethodHead {
		return resp, nil
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if e := errorInSuccess(cl.req, resp, data); e != nil {
		return nil, e
	}
	return resp, nil
}

// errorInSuccess returns the *Error for a QingStor error object ("code" set)
// in data, the body of the success response resp to r; nil when data is
// anything else.
func errorInSuccess(r *Request, resp *http.Response, data []byte) *Error {
	if len(data) == 0 {
		return nil
	}
	var eb errorBody
	if json.Unmarshal(data, &eb) != nil || eb.Code == "" {
		return nil
	}
	rid := requestID(resp.Header)
	if rid == "" {
		rid = eb.RequestID
	}
	return &Error{Op: r.Op, Resource: r.resource(), StatusCode: resp.StatusCode,
		Code: eb.Code, Message: eb.Message, RequestID: rid, HelpURL: eb.URL}
}

// maxJSONBody bounds a JSON response body (listings of 1000 entries are far
// smaller).
const maxJSONBody = 32 << 20

// errTooLarge is returned for a JSON response body above maxJSONBody.
var errTooLarge = errors.New("response body too large")

// sendJSON sends cl and decodes the JSON response body into out. Unknown
// fields are ignored. A top-level QingStor error object ("code" set) inside a
// success response is returned as a *Error with the response's status. A
// truncated or malformed body is an error.
func (c *Client) sendJSON(ctx context.Context, cl call, out any) (*http.Response, error) {
	resp, err := c.send(ctx, cl)
	if err != nil {
		return nil, err
	}
	defer drainAndClose(resp.Body)
	op := cl.req.Op
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxJSONBody+1))
	if err != nil {
		if cerr := contextErr(ctx); cerr != nil {
			return nil, cerr
		}
		return nil, fmt.Errorf("qsapi: %s: read response (request id %s): %w", op, requestID(resp.Header), err)
	}
	if len(data) > maxJSONBody {
		return nil, fmt.Errorf("qsapi: %s: %w", op, errTooLarge)
	}
	if e := errorInSuccess(cl.req, resp, data); e != nil {
		return nil, e
	}
	if err := json.Unmarshal(data, out); err != nil {
		return nil, fmt.Errorf("qsapi: %s: decode response (request id %s): %w", op, requestID(resp.Header), err)
	}
	return resp, nil
}

// statusOK lists for the operations.
var (
	okOK        = []int{http.StatusOK}
	okCreated   = []int{http.StatusCreated}
	okNoContent = []int{http.StatusNoContent}
	okGet       = []int{http.StatusOK, http.StatusPartialContent}
)
