package types

import "errors"

// Continuable is a page status that can give a continuation token.
type Continuable interface {
	// ContinuationToken returns the token from which listing continues.
	ContinuationToken() string
}

// isIterateDone reports whether err is, or wraps, IterateDone.
func isIterateDone(err error) bool {
	return errors.Is(err, IterateDone)
}
