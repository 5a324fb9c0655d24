package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
)

// Exit codes of qs.
const (
	exitOK          = 0
	exitFailure     = 1   // an operation failed
	exitUsage       = 2   // bad flags, arguments, URLs or configuration
	exitInterrupted = 130 // cancelled by Ctrl-C (128 + SIGINT)
)

// usageError marks an error in what the user typed or configured.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// opError is the failure of one operation on one target: "cp qs://b/k".
type opError struct {
	Op     string
	Target string
	Err    error
}

func (e *opError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Op, e.Target, explain(e.Err))
}

func (e *opError) Unwrap() error { return e.Err }

// wrapOp wraps err (if not nil) as the failure of op on target. Context
// errors are returned as they are.
func wrapOp(op, target string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	return &opError{Op: op, Target: target, Err: err}
}

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &ue), errors.Is(err, errBadURL), errors.Is(err, errNoCredentials):
		return exitUsage
	}
	return exitFailure
}

// serverErrRE matches the text of a *qsapi.Error that a service wrapped
// with %v (go-storage services keep SDK errors out of errors.As).
var serverErrRE = regexp.MustCompile(`qsapi: (\w+): (\d{3})(?: ([a-z_]+))?(?:: ([^(]*))? \(request id ([^)]*)\)`)

// explain turns an error chain into one readable line: what went wrong in
// plain words, then the server's status, code, message and request id when
// the server answered.
func explain(err error) string {
	reason := ""
	switch {
	case errors.Is(err, services.ErrObjectNotExist):
		reason = "no such object"
	case errors.Is(err, services.ErrPermissionDenied):
		reason = "permission denied (check the access key, the secret key and the bucket's owner)"
	case errors.Is(err, services.ErrRequestThrottled):
		reason = "the server is throttling requests; try again later"
	case errors.Is(err, services.ErrServiceInternal):
		reason = "the server failed"
	case errors.Is(err, services.ErrObjectModeInvalid):
		reason = "the object has the wrong type for this operation"
	}
	if e, ok := qsapi.AsError(err); ok {
		return joinReason(reason, e.Message, fmt.Sprintf("server said %d %s (request id %s)", e.StatusCode, e.Code, e.RequestID))
	}
	if m := serverErrRE.FindStringSubmatch(err.Error()); m != nil {
		detail := "server said " + m[2]
		if m[3] != "" {
			detail += " " + m[3]
		}
		return joinReason(reason, strings.TrimSpace(m[4]), detail+" (request id "+m[5]+")")
	}
	var se services.StorageError
	if errors.As(err, &se) && se.Err != nil {
		if reason != "" {
			return reason
		}
		return se.Err.Error()
	}
	var sve services.ServiceError
	if errors.As(err, &sve) && sve.Err != nil {
		if reason != "" {
			return reason
		}
		return sve.Err.Error()
	}
	if reason != "" {
		return reason
	}
	return err.Error()
}

func joinReason(reason, message, detail string) string {
	parts := []string{}
	if reason != "" {
		parts = append(parts, reason)
	}
	if message != "" && !strings.EqualFold(message, reason) {
		parts = append(parts, message)
	}
	parts = append(parts, detail)
	return strings.Join(parts, "; ")
}
