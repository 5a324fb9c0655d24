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
	Op    string
	Err   error
	Key   string
	Type  string
	Value interface{}
}

// Error returns "<Op>: key <Key>, type <Type>, value <Value>: <Err>".
func (e *Error) Error() string {
	return fmt.Sprintf("%s: key %s, type %s, value %s: %s", e.Op, e.Key, e.Type, e.Value, e.Err)
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }
