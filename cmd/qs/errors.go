package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/qingstor"
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
		reason = "permission denied"
	case errors.Is(err, services.ErrRequestThrottled):
		reason = "the server is throttling requests; try again later"
	case errors.Is(err, services.ErrServiceInternal):
		reason = "the server failed"
	case errors.Is(err, services.ErrObjectModeInvalid):
		reason = "the object has the wrong type for this operation"
	}
	if msg, ok := explainNetwork(err); ok {
		return msg
	}
	var qe *qingstor.ServerError
	if errors.As(err, &qe) {
		return serverReason(reason, qe.StatusCode, qe.Code, qe.Message, qe.RequestID)
	}
	if e, ok := qsapi.AsError(err); ok {
		return serverReason(reason, e.StatusCode, e.Code, e.Message, e.RequestID)
	}
	if m := serverErrRE.FindStringSubmatch(err.Error()); m != nil {
		status, _ := strconv.Atoi(m[2])
		return serverReason(reason, status, m[3], strings.TrimSpace(m[4]), m[5])
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

// explainNetwork describes failures to reach the server at all, which
// are nearly always a wrong host, port or protocol, or a server not
// running.
func explainNetwork(err error) (string, bool) {
	text := err.Error()
	switch {
	case errors.Is(err, http.ErrSchemeMismatch) || strings.Contains(text, http.ErrSchemeMismatch.Error()):
		return "the server answered plain HTTP to an HTTPS request; set protocol: http in the configuration (or --protocol http), or check the port", true
	case strings.Contains(text, "first record does not look like a TLS handshake"):
		return "the server did not answer with TLS; check protocol (http or https) and port", true
	case strings.Contains(text, "tls: failed to verify certificate") || strings.Contains(text, "x509: "):
		return "the server's TLS certificate was refused (" + lastCause(text) + "); check host and protocol", true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return fmt.Sprintf(dnsFailed, dns.Name, dns.Err), true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		addr := ""
		if op.Addr != nil {
			addr = " " + op.Addr.String()
		}
		return fmt.Sprintf(dialFailed, addr, op.Err), true
	}
	// The same, from the text of errors a service wrapped with %v.
	if m := dnsErrRE.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Sprintf(dnsFailed, m[1], m[2]), true
	}
	if m := dialErrRE.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Sprintf(dialFailed, " "+m[1], m[2]), true
	}
	return "", false
}

// lastCause returns the text after the last ": " of an error message.
func lastCause(text string) string {
	if i := strings.LastIndex(text, ": "); i >= 0 {
		return text[i+2:]
	}
	return text
}

// dialFailed is the message of a failed connection: address, cause.
const dialFailed = "cannot connect to the server%s (%v); check host, port and protocol, and that the server runs"

// dnsFailed is the message of a failed host lookup: host, cause.
const dnsFailed = "cannot find the host %s (%s); check host in the configuration"

// dnsErrRE matches a *net.DNSError in an error's text.
var dnsErrRE = regexp.MustCompile(`lookup ([^ ]+?)(?: on [^ ]+)?: ([^:]+)$`)

// dialErrRE matches a *net.OpError of a dial in an error's text.
var dialErrRE = regexp.MustCompile(`dial tcp ([^ ]+): (?:connect: )?([^:]+)$`)

// serverReason formats a server's answer: "no such bucket (server: 404
// bucket_not_exists "The bucket ...", request id 1a2b)".
func serverReason(reason string, status int, code, message, requestID string) string {
	switch code {
	case qsapi.CodeBucketNotExists:
		reason = "no such bucket"
	case qsapi.CodeBucketNotEmpty:
		reason = "the bucket is not empty (use rb --force to delete its objects too)"
	case qsapi.CodeBucketExists:
		reason = "the bucket name is taken"
	case qsapi.CodeSignatureMismatch, qsapi.CodeInvalidAccessKey:
		reason = "the server refused the credentials (check access_key_id and secret_access_key)"
	}
	if reason == "" {
		reason = "the request failed"
	}
	detail := fmt.Sprintf("server: %d", status)
	if code != "" {
		detail += " " + code
	}
	if message != "" {
		detail += fmt.Sprintf(" %q", message)
	}
	if requestID != "" {
		detail += ", request id " + requestID
	}
	return reason + " (" + detail + ")"
}
