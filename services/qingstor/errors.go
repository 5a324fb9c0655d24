package qingstor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// Service-specific error codes. Each is a services error code: compare with
// errors.Is.
var (
	// ErrBucketNameInvalid is returned when a bucket name breaks QingStor's
	// naming rule (6 to 63 characters of [a-z0-9-], alphanumeric at both ends).
	ErrBucketNameInvalid = services.NewErrorCode("invalid bucket name")
	// ErrWorkDirInvalid is returned when work_dir is not an absolute path.
	ErrWorkDirInvalid = services.NewErrorCode("invalid work dir")
	// ErrLocationInvalid is returned when location is not a zone id.
	ErrLocationInvalid = services.NewErrorCode("invalid location")
	// ErrPathInvalid is returned when a path cannot name the object the
	// operation needs (an empty path, or a directory path for a file).
	ErrPathInvalid = services.NewErrorCode("invalid path")
	// ErrInvalidEncryptionCustomerKey is returned, before any request is
	// sent, when an SSE-C pair is unusable: an algorithm other than AES256, a
	// key that is not 32 bytes, a key MD5 that does not match the key.
	ErrInvalidEncryptionCustomerKey = services.NewErrorCode("invalid encryption customer key")
	// ErrStorageClassInvalid is returned when storage_class is not STANDARD
	// or STANDARD_IA.
	ErrStorageClassInvalid = services.NewErrorCode("invalid storage class")
	// ErrPartNumberInvalid is returned when a multipart index is outside
	// QingStor's part numbers 0..10000.
	ErrPartNumberInvalid = services.NewErrorCode("part number invalid")
	// ErrSizeInvalid is returned when a size is negative, larger than
	// QingStor allows, or does not fit the reader (nil reader with size > 0).
	ErrSizeInvalid = services.NewErrorCode("size invalid")
	// ErrContentMD5Invalid is returned when content_md5 is not the base64
	// of a 16-byte MD5 digest.
	ErrContentMD5Invalid = services.NewErrorCode("content md5 invalid")
	// ErrContentMD5Mismatch is returned by Read with check_md5 when the
	// received bytes do not hash to the object's ETag, and by a multipart
	// Write whose bytes do not hash to its content_md5 (the upload is then
	// aborted and nothing is stored).
	ErrContentMD5Mismatch = services.NewErrorCode("content md5 mismatch")
)

// ServerError is a failure reported by QingStor, classified as a go-storage
// error code: errors.Is(err, services.ErrObjectNotExist) (or
// ErrPermissionDenied, ErrRequestThrottled, ErrServiceInternal,
// ErrUnexpected) holds for it. It keeps what the server said, including the
// request id to quote to QingStor support.
type ServerError struct {
	// Err is the go-storage error code.
	Err error
	// Op is the QingStor operation, e.g. "PutObject".
	Op string
	// StatusCode is the HTTP status; Code the QingStor error code (may be
	// empty, e.g. for HEAD); Message the server's text.
	StatusCode int
	Code       string
	Message    string
	// RequestID is the x-qs-request-id of the failed response.
	RequestID string
}

// Error returns "<code>: qingstor <op>: status <n> <code>: <message> (request id <id>)".
func (e *ServerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: qingstor %s: status %d", e.Err, e.Op, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	return b.String()
}

// Unwrap returns the go-storage error code.
func (e *ServerError) Unwrap() error { return e.Err }

// IsInternalError marks ServerError as an error of this service (not an SDK error).
func (e *ServerError) IsInternalError() {}

// RequestID returns the QingStor request id carried by err, or "".
func RequestID(err error) string {
	var se *ServerError
	if errors.As(err, &se) {
		return se.RequestID
	}
	return ""
}

// classify turns err into the inner error of a go-storage error (GSP-51):
// errors of go-storage (services.InternalError, *pairs.Error) and context
// errors keep their identity; QingStor's answers become a *ServerError with
// the matching code; anything else (transport failures, a failing reader
// or writer of the caller) becomes ErrUnexpected. Secret-bearing pairs in a
// PairUnsupportedError are redacted.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pu services.PairUnsupportedError
	if errors.As(err, &pu) {
		if isSecretKey(pu.Pair.Key) {
			pu.Pair.Value = "***"
		}
		return pu
	}
	var ie services.InternalError
	var pe *ps.Error
	if errors.As(err, &ie) || errors.As(err, &pe) {
		return err
	}
	if qe, ok := qsapi.AsError(err); ok {
		code := services.ErrUnexpected
		switch {
		case qsapi.IsNotFound(err):
			code = services.ErrObjectNotExist
		case qsapi.IsThrottling(err):
			code = services.ErrRequestThrottled
		case qsapi.IsPermission(err):
			code = services.ErrPermissionDenied
		case qsapi.IsServerFault(err):
			code = services.ErrServiceInternal
		}
		msg := qe.Message
		if msg == "" {
			msg = qe.Body
		}
		return &ServerError{Err: code, Op: qe.Op, StatusCode: qe.StatusCode, Code: qe.Code, Message: msg, RequestID: qe.RequestID}
	}
	return fmt.Errorf("%w: %v", services.ErrUnexpected, err)
}

// isSecretKey reports whether a pair key carries a secret value.
func isSecretKey(key string) bool {
	k := strings.ToLower(key)
	return k == "credential" || strings.HasSuffix(k, "key") || strings.Contains(k, "secret")
}

// formatError wraps err as the services.StorageError of op on paths.
func (s *Storage) formatError(op string, err error, paths ...string) error {
	if err == nil {
		return nil
	}
	return services.StorageError{Op: op, Err: classify(err), Storager: s, Path: paths}
}

// formatError wraps err as the services.ServiceError of op on the bucket name.
func (s *Service) formatError(op string, err error, name string) error {
	if err == nil {
		return nil
	}
	return services.ServiceError{Op: op, Err: classify(err), Servicer: s, Name: name}
}

// modeInvalid is the error of an operation on a path of the wrong kind.
func modeInvalid(expected, actual types.ObjectMode) error {
	return services.ObjectModeInvalidError{Expected: expected, Actual: actual}
}
