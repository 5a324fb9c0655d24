package qsapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// ObjectTypeAppendable is the X-QS-Object-Type of appendable objects.
const ObjectTypeAppendable = "appendable"

// AppendObjectInput are the options of AppendObject. ContentType and
// StorageClass take effect only on the first append.
type AppendObjectInput struct {
	// ContentLength is the exact length of the appended body (required).
	ContentLength int64
	// ContentMD5 is the raw 16-byte MD5 of the body; sent base64-encoded.
	ContentMD5 []byte
	// ContentType is the object's Content-Type (first append only).
	ContentType string
	// StorageClass is STANDARD (default) or STANDARD_IA (first append only).
	StorageClass string
	// GetBody, when set, returns a fresh copy of the body, allowing retries of
	// a body that is not an io.Seeker.
	GetBody func() (io.ReadCloser, error)
}

// AppendObjectOutput is the result of AppendObject.
type AppendObjectOutput struct {
	// NextPosition is the object's size after the append: the position to
	// pass to the next append.
	NextPosition int64
	RequestID    string
}

// AppendObjectRequest returns the request AppendObject sends.
func (c *Client) AppendObjectRequest(bucket, key string, position int64, in *AppendObjectInput) (*Request, error) {
	const op = "AppendObject"
	if err := checkObject(op, bucket, key); err != nil {
		return nil, err
	}
	if position < 0 {
		return nil, invalidArg(op, "negative position %d", position)
	}
	r := &Request{Op: op, Method: http.MethodPost, Bucket: bucket, Key: key}
	r.addFlag("append")
	r.addQuery("position", strconv.FormatInt(position, 10))
	if in == nil {
		return r, nil
	}
	if in.ContentLength < 0 {
		return nil, invalidArg(op, "negative content length %d", in.ContentLength)
	}
	r.setHeader("Content-Type", in.ContentType)
	r.setHeader("X-Qs-Storage-Class", in.StorageClass)
	if err := setContentMD5(r, in.ContentMD5); err != nil {
		return nil, err
	}
	return r, nil
}

// AppendObject appends body at position, which must equal the object's
// current size (0 creates the object) (POST /<bucket>/<key>?append&position=N,
// 200). It returns the next position from X-QS-Next-Append-Position; a
// response without that header is an error. When a retry follows an attempt
// whose response was lost and fails with a position mismatch, the object is
// checked with HEAD: a next position of position+size means the lost attempt
// was applied, and that is reported as success (see the package doc).
func (c *Client) AppendObject(ctx context.Context, bucket, key string, position int64, body io.Reader, in *AppendObjectInput) (*AppendObjectOutput, error) {
	if in == nil {
		in = &AppendObjectInput{}
	}
	r, err := c.AppendObjectRequest(bucket, key, position, in)
	if err != nil {
		return nil, err
	}
	trace := &attemptTrace{}
	resp, err := c.sendNoBody(ctx, call{req: r, body: body, size: in.ContentLength, getBody: in.GetBody, ok: okOK, trace: trace})
	if err != nil {
		// A lost attempt that was applied makes the retry's position stale
		// (see ambiguous.go). The docs give 400 invalid_argument for a
		// position mismatch, but no source shows what the real server sends,
		// so any 400 triggers the check: the HEAD alone decides.
		if trace.maybeApplied && isStatus(err, http.StatusBadRequest) {
			if out, ok := c.appendApplied(ctx, bucket, key, position, in.ContentLength); ok {
				return out, nil
			}
		}
		return nil, err
	}
	next, ok := parseInt64(resp.Header.Get("X-Qs-Next-Append-Position"))
	if !ok {
		return nil, fmt.Errorf("%w: %s: X-QS-Next-Append-Position missing or not a number (request id %s)", ErrNoNextAppendPosition, r.Op, requestID(resp.Header))
	}
	return &AppendObjectOutput{NextPosition: next, RequestID: requestID(resp.Header)}, nil
}
