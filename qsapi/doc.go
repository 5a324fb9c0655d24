// Package qsapi is a QingStor Object Storage wire client: one method per
// QingStor operation, context first, typed inputs and outputs, streaming
// bodies. It knows nothing of go-storage; services/qingstor builds on it.
//
// A Client is built from Options (endpoint, zone, credentials, addressing
// style, *http.Client, retry policy). Every request is signed with
// qsapi/sign in the header form; Presign* methods produce presigned URLs
// with the same canonical URI, so both forms always agree.
//
// Addressing. Path style (the default) sends <proto>://<zone>.<host>:<port>/<bucket>/<key>;
// virtual-host style sends <proto>://<bucket>.<zone>.<host>:<port>/<key>.
// Service-level calls (ListBuckets) and location discovery go to the global
// host without a zone. An endpoint whose host is an IP address or
// "localhost" never gets a zone prefix and always uses path style.
//
// Keys. Object keys are QS-escaped in the URL (see sign.Escape), so the wire
// path equals the canonical URI. Like the official SDK, the client collapses
// runs of '/' in the path (key "a//b" is sent as "a/b" and a leading '/' of a
// key is lost) unless Options.DisableURICleaning is set.
//
// Bodies. A request body is sent with its declared length and must end
// (io.EOF) exactly there: before sending the last bytes the client reads one
// byte more to make sure the server never receives a silently truncated
// body, and fails if there is one. A reader that carries more data, or never
// ends (a pipe, a socket), must be cut with io.LimitReader first, or the call
// fails (or waits for that extra byte).
//
// Retries. Requests whose body can be replayed (none, an io.Seeker, or a
// GetBody function) are retried on 408, 429, 5xx gateway/server statuses and
// connection failures, with capped exponential backoff and full jitter (see
// RetryPolicy); a cancelled context stops at once and returns its own error.
// A request whose body cannot be replayed is sent exactly once.
//
// Retries of operations that are not idempotent. When an attempt's response
// is lost (connection broken after sending, or 500/502/504) the server may
// have applied it, and the retry then fails: an append with a stale
// position, a Complete whose upload is gone, a Move whose source is gone. In
// exactly that case the client checks the result with one HEAD and reports
// success when the object shows the lost attempt's effect (append: next
// position == position+size; Complete: the object exists, has the requested
// ETag and is recent; Move: the destination exists). Otherwise the retry's
// error is returned. PutBucket and DeleteBucket follow the same rule (bucket
// exists and is accessible; bucket gone). A concurrent writer doing the very
// same thing in between cannot be told apart (the source file ambiguous.go
// states the remaining cases).
//
// Errors. Every failure from the server is a *Error carrying the operation,
// HTTP status, QingStor code, message and request id; IsNotFound,
// IsPermission, IsThrottling and IsServerFault classify it.
//
// Decisions where the protocol is uncertain are documented where they are
// made: list-objects page size (DefaultListLimit), list-parts paging
// (ListPartsInput), upload_not_exists as 400 or 404 (IsNotFound),
// Content-MD5 as base64 (PutObjectInput), 304/412 as errors (GetObject).
package qsapi
