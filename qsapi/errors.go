package qsapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Error is a failure reported by the server: a non-success status, or a
// QingStor error object inside a success response. A HEAD error (which has no
// body) still carries StatusCode and RequestID; a body that is not a JSON
// error object is kept, bounded, in Body.
type Error struct {
	// Op is the operation, e.g. "PutObject".
	Op string
	// Resource is "<bucket>" or "<bucket>/<key>" (empty for service calls).
	Resource string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the QingStor error code, e.g. "object_not_exists"; empty when
	// the response had no JSON error body.
	Code string
	// Message is the server's human-readable message.
	Message string
	// RequestID is the x-qs-request-id of the response (or of the body).
	RequestID string
	// HelpURL is the documentation link the server sent, if any.
	HelpURL string
	// Body is the response body when it was not a JSON error object
	// (at most 4 KiB of it).
	Body string
}

// Error returns "qsapi: <op> <resource>: status <status> <code>: <message> (request id <id>)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("qsapi: ")
	b.WriteString(e.Op)
	if e.Resource != "" {
		b.WriteString(" ")
		b.WriteString(e.Resource)
	}
	fmt.Fprintf(&b, ": status %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	switch {
	case e.Message != "":
		b.WriteString(": ")
		b.WriteString(e.Message)
	case e.Body != "":
		b.WriteString(": ")
		b.WriteString(e.Body)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// Codes of the QingStor errors that the helpers below recognise.
const (
	CodeObjectNotExists   = "object_not_exists"
	CodeBucketNotExists   = "bucket_not_exists"
	CodeUploadNotExists   = "upload_not_exists"
	CodePermissionDenied  = "permission_denied"
	CodeSignatureMismatch = "signature_not_matched"
	CodeInvalidAccessKey  = "invalid_access_key_id"
	CodeRequestExpired    = "request_expired"
	CodeFetchThrottled    = "fetch_throttled"
	CodeInternalError     = "internal_error"
	CodeServiceUnavail    = "service_unavailable"
	CodeBucketNotEmpty    = "bucket_not_empty"
	CodeBucketExists      = "bucket_already_exists"
)

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsNotFound reports whether err says the bucket, object or multipart upload
// does not exist: status 404 (HEAD errors have no code), or one of the codes
// object_not_exists, bucket_not_exists, upload_not_exists whatever the status
// (the docs give upload_not_exists as 400 in one place and 404 in others).
func IsNotFound(err error) bool {
	e, ok := AsError(err)
	if !ok {
		return false
	}
	switch e.Code {
	case CodeObjectNotExists, CodeBucketNotExists, CodeUploadNotExists:
		return true
	}
	return e.StatusCode == http.StatusNotFound
}

// IsPermission reports whether err is an authentication or authorisation
// failure: status 401 or 403, or one of the codes permission_denied,
// signature_not_matched, invalid_access_key_id, request_expired.
func IsPermission(err error) bool {
	e, ok := AsError(err)
	if !ok {
		return false
	}
	switch e.Code {
	case CodePermissionDenied, CodeSignatureMismatch, CodeInvalidAccessKey, CodeRequestExpired:
		return true
	}
	return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
}

// IsThrottling reports whether err says the client sends too much: status 429
// or the code fetch_throttled.
func IsThrottling(err error) bool {
	e, ok := AsError(err)
	return ok && (e.StatusCode == http.StatusTooManyRequests || e.Code == CodeFetchThrottled)
}

// IsServerFault reports whether err is the server's fault: status 5xx, or
// the code internal_error or service_unavailable (also inside a 200).
func IsServerFault(err error) bool {
	e, ok := AsError(err)
	return ok && (e.StatusCode >= 500 && e.StatusCode <= 599 ||
		e.Code == CodeInternalError || e.Code == CodeServiceUnavail)
}

// IsNotModified reports whether err is a 304 answer to a conditional GET or HEAD.
func IsNotModified(err error) bool {
	e, ok := AsError(err)
	return ok && e.StatusCode == http.StatusNotModified
}

// IsPreconditionFailed reports whether err is a 412 answer to a conditional request.
func IsPreconditionFailed(err error) bool {
	e, ok := AsError(err)
	return ok && e.StatusCode == http.StatusPreconditionFailed
}

// errorBody is the QingStor JSON error object.
type errorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
	URL       string `json:"url"`
}

const maxErrorBody = 64 << 10

// errorFrom builds the *Error for a non-success response and closes its body.
func errorFrom(op, resource string, resp *http.Response) *Error {
	e := &Error{Op: op, Resource: resource, StatusCode: resp.StatusCode, RequestID: requestID(resp.Header)}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	drainAndClose(resp.Body)
	if len(data) == 0 {
		return e
	}
	var eb errorBody
	if json.Unmarshal(data, &eb) == nil && (eb.Code != "" || eb.Message != "") {
		e.Code, e.Message, e.HelpURL = eb.Code, eb.Message, eb.URL
		if e.RequestID == "" {
			e.RequestID = eb.RequestID
		}
		return e
	}
	e.Body = boundedText(data, 4<<10)
	return e
}

// boundedText returns at most n bytes of data as valid UTF-8 text.
func boundedText(data []byte, n int) string {
	if len(data) > n {
		data = data[:n]
	}
	return strings.TrimSpace(strings.ToValidUTF8(string(data), string(utf8.RuneError)))
}

// requestID returns the x-qs-request-id header.
func requestID(h http.Header) string { return h.Get("X-Qs-Request-Id") }
