// Package headers holds HTTP header names (lower case) and the Range header
// formatter services share.
package headers

import "fmt"

// Header names, in lower case.
const (
	ContentLength = "content-length"
	ContentType   = "content-type"
	ETag          = "etag"
	LastModified  = "last-modified"
	Location      = "location"
)

// FormatRange returns the Range header value of size bytes from offset:
// "bytes=<offset>-<offset+size-1>", or "bytes=<offset>-" when size is 0
// (to the end).
func FormatRange(offset, size int64) string {
	if size == 0 {
		return fmt.Sprintf("bytes=%d-", offset)
	}
	return fmt.Sprintf("bytes=%d-%d", offset, offset+size-1)
}
