package pairs

import (
	"errors"
	"fmt"
)

// ErrPairTypeMismatch means a pair value does not have the type its key requires.
var ErrPairTypeMismatch = errors.New("pair type mismatch")

// Error is an error about one pair: the operation, the key, the expected type
// and the value given.
type Error struct {
	// Op is the operation that received the pair.
	Op string
	// Err is the cause, e.g. ErrPairTypeMismatch.
	Err error
	// Key is the pair's key.
	Key string
	// Type is the Go type the key requires.
	Type string
	// Value is the value that was given.
	Value interface{}
}

// Error returns "<Op>: key <Key>, type <Type>, value <Value>: <Err>".
func (e *Error) Error() string {
	return fmt.Sprintf("%s: key %s, type %s, value %s: %s", e.Op, e.Key, e.Type, e.Value, e.Err)
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }
