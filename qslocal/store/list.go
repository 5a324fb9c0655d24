package store

import (
	"bytes"
	"fmt"
	"strings"
)

// ListPage is one page of a listing.
type ListPage struct {
	Objects        []Object
	CommonPrefixes []string
	// NextMarker is the last key or common prefix of the page ("" if empty).
	NextMarker string
	// HasMore reports whether entries follow the page.
	HasMore bool
}

// successor returns the smallest byte string greater than every string that
// starts with p, or nil when there is none (p all 0xff).
func successor(p []byte) []byte {
	s := bytes.Clone(p)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] < 0xff {
			s[i]++
			return s[:i+1]
		}
	}
	return nil
}

// ListObjects lists bucket's keys that start with prefix and sort strictly
// after marker, at most limit entries (keys plus common prefixes). With a
// delimiter, keys whose remainder after prefix contains it are rolled up
// into one common prefix each; the scan jumps past a rolled-up prefix with one
// cursor seek, so the cost is proportional to the page, not the bucket.
func (s *Store) ListObjects(bucket, prefix, delimiter, marker string, limit int) (*ListPage, error) {
	page := &ListPage{}
	err := s.kv.View(func(tx kvTx) error {
		if tx.Get(tableBuckets, []byte(bucket)) == nil {
			return ErrNoSuchBucket
		}
		base := len(bucket) + 1
		pfx := objKey(bucket, prefix)
		start := pfx
		if marker != "" && marker >= prefix {
			start = append(objKey(bucket, marker), 0)
		}
		c := tx.Seek(tableObjects, start)
		for k := c.Key(); k != nil && hasPrefix(k, pfx); k = c.Key() {
			key := string(k[base:])
			if delimiter != "" {
				if i := strings.Index(key[len(prefix):], delimiter); i >= 0 {
					cp := key[:len(prefix)+i+len(delimiter)]
					if cp > marker {
						if len(page.Objects)+len(page.CommonPrefixes) >= limit {
							page.HasMore = true
							return nil
						}
						page.CommonPrefixes = append(page.CommonPrefixes, cp)
						page.NextMarker = cp
					}
					next := successor(objKey(bucket, cp))
					if next == nil {
						return nil
					}
					c.Seek(next)
					continue
				}
			}
			if len(page.Objects)+len(page.CommonPrefixes) >= limit {
				page.HasMore = true
				return nil
			}
			var o Object
			if err := o.UnmarshalBinary(c.Value()); err != nil {
				return fmt.Errorf("store: corrupt object record: %w", err)
			}
			page.Objects = append(page.Objects, o)
			page.NextMarker = key
			c.Next()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}
