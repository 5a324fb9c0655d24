package qsapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// Retrying requests that are not idempotent.
//
// A retry follows an attempt whose outcome the client did not see: the
// connection broke after the request may have reached the server, or a
// gateway answered 500, 502 or 504 while the server behind it may have
// finished the work. Repeating most operations is harmless (put, get, head,
// delete, copy, abort, fetch). Three are not, and when the lost attempt was
// applied their retry fails in a recognisable way:
//
//   - AppendObject: the position no longer matches the object's size
//     (400 invalid_argument per the docs; any 400 is checked, since the
//     real server's code is not documented anywhere);
//   - CompleteMultipartUpload: the upload no longer exists (upload_not_exists);
//   - MoveObject: the source no longer exists (404 object_not_exists).
//
// Decision: keep retrying these operations (a transient failure before the
// server acted is far more common than one after), and when, and only when,
// an earlier attempt may have been applied and the retry fails in that
// way, look at the object with one HEAD and report success if it shows what
// the lost attempt would have produced:
//
//   - append: the object is appendable and its next append position is
//     position+size;
//   - complete: the object exists, carries the ETag the caller asked for (if
//     any), and was modified no earlier than the protocol's 15 minutes of
//     allowed clock skew before the call began (an object completed by this
//     call cannot be older);
//   - move: the destination exists.
//
// Bucket calls follow the same rule: a retried PutBucket that finds the
// bucket existing succeeds if a HEAD finds it accessible to us, and a
// retried DeleteBucket that finds it gone succeeds (the state asked for
// holds either way).
//
// A retried InitiateMultipartUpload whose lost attempt was applied leaves
// one extra, empty upload behind: nothing fails, and the upload stays listed
// by ListMultipartUploads until it is aborted (the caller only knows the
// upload id of the attempt that answered).
//
// What cannot be told apart: another writer appending exactly as many bytes
// at the same position in between, another client completing the same
// upload, or a destination that existed before a move whose source someone
// else deleted. QingStor offers no request token that would settle these;
// callers that share keys between writers need their own coordination. When
// the check does not confirm success, the retry's own error is returned.

// clockSkew is how far client and server clocks may differ: QingStor rejects
// signed requests whose date is further off (request_expired).
const clockSkew = 15 * time.Minute

// attemptTrace records, for one operation, whether an attempt that was
// retried may have been applied by the server. A nil *attemptTrace records
// nothing.
type attemptTrace struct {
	maybeApplied bool
}

// noteTransportErr records a retried transport failure. Only a connection
// that was never established (dial failure, refused) proves the request was
// not delivered.
func (t *attemptTrace) noteTransportErr(err error) {
	if t == nil {
		return
	}
	var oe *net.OpError
	if errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &oe) && oe.Op == "dial") {
		return
	}
	t.maybeApplied = true
}

// noteStatus records a retried error status. 408, 429 and 503 say the
// request was not processed; 500, 502 and 504 leave it open.
func (t *attemptTrace) noteStatus(status int) {
	if t == nil {
		return
	}
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		t.maybeApplied = true
	}
}

// isStatus reports whether err is a *Error with the given HTTP status.
func isStatus(err error, status int) bool {
	e, ok := AsError(err)
	return ok && e.StatusCode == status
}

// hasCode reports whether err is a *Error with the given QingStor code and,
// when status is not 0, that status.
func hasCode(err error, status int, code string) bool {
	e, ok := AsError(err)
	return ok && e.Code == code && (status == 0 || e.StatusCode == status)
}

// appendApplied checks, after a retried append failed with a position
// mismatch, whether the lost attempt appended size bytes at position.
func (c *Client) appendApplied(ctx context.Context, bucket, key string, position, size int64) (*AppendObjectOutput, bool) {
	m, err := c.HeadObject(ctx, bucket, key, nil)
	if err != nil || !m.HasNextAppendPosition || m.NextAppendPosition != position+size {
		return nil, false
	}
	return &AppendObjectOutput{NextPosition: m.NextAppendPosition, RequestID: m.RequestID}, true
}

// completeApplied checks, after a retried Complete found its upload gone,
// whether the lost attempt created the object.
func (c *Client) completeApplied(ctx context.Context, bucket, key, etag string, began time.Time) (*PutObjectOutput, bool) {
	m, err := c.HeadObject(ctx, bucket, key, nil)
	if err != nil {
		return nil, false
	}
	if etag != "" && strings.Trim(m.ETag, `"`) != strings.Trim(etag, `"`) {
		return nil, false
	}
	if m.LastModified.IsZero() || m.LastModified.Before(began.Add(-clockSkew)) {
		return nil, false
	}
	return &PutObjectOutput{ETag: m.ETag, EncryptionAlgorithm: m.EncryptionAlgorithm, RequestID: m.RequestID}, true
}

// bucketCallApplied checks, after a retried PutBucket or DeleteBucket failed
// with err, whether the lost attempt did the work.
func (c *Client) bucketCallApplied(ctx context.Context, method, bucket string, err error) (*Result, bool) {
	switch {
	case method == http.MethodPut && hasCode(err, http.StatusConflict, CodeBucketExists):
		out, herr := c.HeadBucket(ctx, bucket)
		return out, herr == nil
	case method == http.MethodDelete && hasCode(err, http.StatusNotFound, CodeBucketNotExists):
		e, _ := AsError(err)
		return &Result{RequestID: e.RequestID}, true
	}
	return nil, false
}

// moveApplied checks, after a retried Move found its source gone, whether
// the lost attempt moved it: the destination exists.
func (c *Client) moveApplied(ctx context.Context, bucket, key string) (*Result, bool) {
	m, err := c.HeadObject(ctx, bucket, key, nil)
	if err != nil {
		return nil, false
	}
	return &Result{RequestID: m.RequestID}, true
}
