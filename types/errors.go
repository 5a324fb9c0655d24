package types

// internalError is the type of the sentinels of this package. It is a
// comparable struct whose IsInternalError marker makes it satisfy
// services.InternalError (types cannot import services).
type internalError struct {
	s string
}

// Error returns the message of the sentinel.
func (e internalError) Error() string { return e.s }

// IsInternalError marks the error as produced by go-storage itself.
func (e internalError) IsInternalError() {}

// IterateDone is returned, unwrapped, by iterators at the end of the iteration,
// and by next functions on the last page. Its message is "iterate is done".
var IterateDone error = internalError{"iterate is done"}

// ErrNotImplemented is wrapped by the OperationError the Unimplemented stubs
// return. Its message is "not implemented".
var ErrNotImplemented = internalError{"not implemented"}

// OperationError is the error of an operation: it names the operation and
// wraps the cause.
type OperationError struct {
	op  string
	err error
}

// Error returns "operation <op>: <err>".
func (oe OperationError) Error() string {
	return "operation " + oe.op + ": " + oe.err.Error()
}

// Unwrap returns the wrapped error.
func (oe OperationError) Unwrap() error { return oe.err }

// IsInternalError marks the error as produced by go-storage itself.
func (oe OperationError) IsInternalError() {}

// NewOperationNotImplementedError returns the OperationError of op wrapping
// ErrNotImplemented.
func NewOperationNotImplementedError(op string) error {
	return OperationError{op: op, err: ErrNotImplemented}
}
