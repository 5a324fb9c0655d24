package types

import (
	"errors"
	"fmt"
)

// Continuable is a page status that can give a continuation token.
type Continuable interface {
	// ContinuationToken returns the token from which listing continues.
	ContinuationToken() string
}

// continuationToken returns the token of status, or "" for a nil status.
func continuationToken(status Continuable) string {
	if status == nil {
		return ""
	}
	return status.ContinuationToken()
}

// pageEnd reads the result of a next function: IterateDone (or an error
// wrapping it) marks the last page, any other error comes back wrapped as
// "iterator next failed: ...".
func pageEnd(err error) (last bool, failure error) {
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, IterateDone):
		return true, nil
	default:
		return false, fmt.Errorf("iterator next failed: %w", err)
	}
}
