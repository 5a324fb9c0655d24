package services

import (
	"fmt"
	"strings"

	"github.com/qsgo/qsgo/types"
)

// InternalError marks errors produced by go-storage and its services
// themselves (error codes, contextual errors), as opposed to errors of an SDK.
type InternalError interface {
	IsInternalError()
}

// errorCode is the comparable type of the error codes: two codes with equal
// text are equal.
type errorCode struct {
	s string
}

// Error returns the text of the code.
func (e errorCode) Error() string { return e.s }

// IsInternalError marks the code as an InternalError.
func (e errorCode) IsInternalError() {}

// NewErrorCode returns the error code with the given text. Codes are values of
// a comparable type, so two codes with equal text compare equal (==, errors.Is).
func NewErrorCode(text string) error {
	return errorCode{s: text}
}

// The error codes shared by every service. Test them with errors.Is.
var (
	// ErrUnexpected is an error no other code describes.
	ErrUnexpected = NewErrorCode("unexpected")
	// ErrCapabilityInsufficient means the service cannot do what was asked.
	ErrCapabilityInsufficient = NewErrorCode("capability insufficient")
	// ErrRestrictionDissatisfied means a requirement of the operation is not met.
	ErrRestrictionDissatisfied = NewErrorCode("restriction dissatisfied")
	// ErrObjectNotExist means the object does not exist.
	ErrObjectNotExist = NewErrorCode("object not exist")
	// ErrObjectModeInvalid means the object does not have the mode the operation needs.
	ErrObjectModeInvalid = NewErrorCode("object mode invalid")
	// ErrPermissionDenied means the credential may not do the operation.
	ErrPermissionDenied = NewErrorCode("permission denied")
	// ErrListModeInvalid means the service does not support the list mode.
	ErrListModeInvalid = NewErrorCode("list mode invalid")
	// ErrServiceNotRegistered means no service is registered with the type.
	ErrServiceNotRegistered = NewErrorCode("service not registered")
	// ErrServiceInternal means the service failed internally; retrying may help (GSP-127).
	ErrServiceInternal = NewErrorCode("service internal")
	// ErrRequestThrottled means the service throttled the request; retrying later may help (GSP-127).
	ErrRequestThrottled = NewErrorCode("request throttled")
)

// ErrConnectionStringInvalid means a connection string does not follow the
// grammar or names an unknown pair or an invalid value.
var ErrConnectionStringInvalid = NewErrorCode("connection string is invalid")

// InitError is the error of a service constructor.
type InitError struct {
	Op   string // "new_servicer" or "new_storager"
	Type string // the service type
	Err  error  // the cause: a code such as ErrServiceNotRegistered, or a contextual error
	// Pairs are the pairs given to the constructor (for a connection string,
	// only the caller's extra pairs).
	Pairs []types.Pair
}

// Error returns "<Type> <Op>: <Pairs>: <Err>". Values of pairs that may hold
// secrets (credential, and keys containing "secret", "password", "signature"
// or ending in "key") are shown as "***": unlike go-storage, qsgo never puts
// secrets into error messages. The Pairs field itself is unchanged.
func (e InitError) Error() string {
	return fmt.Sprintf("%s %s: %v: %s", e.Type, e.Op, redactPairs(e.Pairs), errString(e.Err))
}

// redactPairs returns ps with the values of secret-bearing pairs replaced.
func redactPairs(ps []types.Pair) []types.Pair {
	if ps == nil {
		return nil
	}
	out := make([]types.Pair, len(ps))
	for i, p := range ps {
		out[i] = p
		if isSecretKey(p.Key) {
			out[i].Value = "***"
		}
	}
	return out
}

// isSecretKey reports whether a pair key may carry a secret value.
func isSecretKey(key string) bool {
	k := strings.ToLower(key)
	return k == "credential" || strings.HasSuffix(k, "key") || strings.Contains(k, "secret") ||
		strings.Contains(k, "password") || strings.Contains(k, "signature")
}

// Unwrap returns Err.
func (e InitError) Unwrap() error { return e.Err }

// ServiceError is the error of a Servicer operation.
type ServiceError struct {
	Op  string // the snake_case operation, e.g. "create"
	Err error  // the cause; errors.Is finds the code through it
	// Servicer is the service the operation ran on.
	types.Servicer
	Name string // the storage name, or "" when the operation has none
}

// Error returns "<Op>: <Servicer>: <Err>", or "<Op>: <Servicer>, <Name>: <Err>"
// when Name is set.
func (e ServiceError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("%s: %s: %s", e.Op, describe(e.Servicer), errString(e.Err))
	}
	return fmt.Sprintf("%s: %s, %s: %s", e.Op, describe(e.Servicer), e.Name, errString(e.Err))
}

// Unwrap returns Err.
func (e ServiceError) Unwrap() error { return e.Err }

// StorageError is the error of a Storager operation.
type StorageError struct {
	Op  string // the snake_case operation, e.g. "read"
	Err error  // the cause; errors.Is finds the code through it
	// Storager is the storage the operation ran on.
	types.Storager
	Path []string // the string parameters of the call, nil for ops on an *Object
}

// Error returns "<Op>: <Storager>: <Err>", or "<Op>: <Storager>, <Path>: <Err>"
// when Path is set.
func (e StorageError) Error() string {
	if e.Path == nil {
		return fmt.Sprintf("%s: %s: %s", e.Op, describe(e.Storager), errString(e.Err))
	}
	return fmt.Sprintf("%s: %s, %s: %s", e.Op, describe(e.Storager), e.Path, errString(e.Err))
}

// Unwrap returns Err.
func (e StorageError) Unwrap() error { return e.Err }

// describe formats a servicer or storager without panicking on a nil one:
// fmt prints "<nil>" for a nil interface and for a nil pointer whose String
// method would dereference it.
func describe(v fmt.Stringer) string { return fmt.Sprint(v) }

// errString formats an error without panicking on nil.
func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// MetadataUnrecognizedError means the service does not know a metadata key.
type MetadataUnrecognizedError struct {
	Key   string      // the metadata key the service does not know
	Value interface{} // its value
}

// Error returns "metadata unrecognized, <Key>, <Value>: capability insufficient".
func (e MetadataUnrecognizedError) Error() string {
	return fmt.Sprintf("metadata unrecognized, %s, %v: %s", e.Key, e.Value, ErrCapabilityInsufficient)
}

// Unwrap returns ErrCapabilityInsufficient.
func (e MetadataUnrecognizedError) Unwrap() error { return ErrCapabilityInsufficient }

// IsInternalError marks the error as an InternalError.
func (e MetadataUnrecognizedError) IsInternalError() {}

// PairUnsupportedError means the operation does not support the pair.
type PairUnsupportedError struct {
	Pair types.Pair // the pair the operation does not accept
}

// Error returns "pair unsupported, <Pair>: capability insufficient"; the value
// of a pair that may hold a secret (see InitError) is shown as "***".
func (e PairUnsupportedError) Error() string {
	return fmt.Sprintf("pair unsupported, %s: %s", redactPairs([]types.Pair{e.Pair})[0], ErrCapabilityInsufficient)
}

// Unwrap returns ErrCapabilityInsufficient.
func (e PairUnsupportedError) Unwrap() error { return ErrCapabilityInsufficient }

// IsInternalError marks the error as an InternalError.
func (e PairUnsupportedError) IsInternalError() {}

// PairRequiredError means required pairs are missing.
type PairRequiredError struct {
	Keys []string // the keys of the missing pairs
}

// Error returns "pair required, <Keys>: restriction dissatisfied".
func (e PairRequiredError) Error() string {
	return fmt.Sprintf("pair required, %v: %s", e.Keys, ErrRestrictionDissatisfied)
}

// Unwrap returns ErrRestrictionDissatisfied.
func (e PairRequiredError) Unwrap() error { return ErrRestrictionDissatisfied }

// IsInternalError marks the error as an InternalError.
func (e PairRequiredError) IsInternalError() {}

// ObjectModeInvalidError means the object lacks the mode the operation needs.
type ObjectModeInvalidError struct {
	Expected types.ObjectMode // the mode the operation needs
	Actual   types.ObjectMode // the mode the object has
}

// Error returns "object mode invalid, expected <Expected>, actual <Actual>".
func (e ObjectModeInvalidError) Error() string {
	return fmt.Sprintf("object mode invalid, expected %s, actual %s", e.Expected, e.Actual)
}

// Unwrap returns ErrObjectModeInvalid.
func (e ObjectModeInvalidError) Unwrap() error { return ErrObjectModeInvalid }

// IsInternalError marks the error as an InternalError.
func (e ObjectModeInvalidError) IsInternalError() {}

// ListModeInvalidError means the service does not support the list mode.
type ListModeInvalidError struct {
	Actual types.ListMode // the list mode that was asked for
}

// Error returns "list mode invalid, actual <Actual>".
func (e ListModeInvalidError) Error() string {
	return fmt.Sprintf("list mode invalid, actual %s", e.Actual)
}

// Unwrap returns ErrListModeInvalid.
func (e ListModeInvalidError) Unwrap() error { return ErrListModeInvalid }

// IsInternalError marks the error as an InternalError.
func (e ListModeInvalidError) IsInternalError() {}
