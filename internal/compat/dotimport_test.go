package compat

// Generated go-storage service code imports types and pairs both with a dot
// import. Go rejects two dot imports that export the same name even when it
// is unused, so this file compiles only while no name of types collides
// with one of pairs.

import (
	. "github.com/qsgo/qsgo/pairs"
	. "github.com/qsgo/qsgo/types"
)

var _ Pair = WithSize(1)

var _ *Error = &Error{Op: "x", Err: ErrPairTypeMismatch}
