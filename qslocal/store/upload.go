package store

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// NewUploadID returns a new upload id: 16 hex digits of the creation time
// in nanoseconds then 16 random hex digits, so ids of one key sort by age.
func NewUploadID(now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixNano()))
	if _, err := rand.Read(b[8:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

func uploadKey(bucket, key, id string) []byte {
	return append(append(objKey(bucket, key), 0), id...)
}

func partKey(id string, n int) []byte {
	b := append([]byte(id), 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(b[len(id)+1:], uint32(n))
	return b
}

// CreateUpload records a new multipart upload (u.ID, u.Bucket, u.Key set).
func (s *Store) CreateUpload(u *Upload) error {
	return s.kv.Update(func(tx kvTx) error {
		if tx.Get(tableBuckets, []byte(u.Bucket)) == nil {
			return ErrNoSuchBucket
		}
		k := uploadKey(u.Bucket, u.Key, u.ID)
		if err := putRec(tx, tableUploads, k, u); err != nil {
			return err
		}
		return tx.Put(tableUpIndex, []byte(u.ID), k)
	})
}

func getUpload(tx kvTx, bucket, key, id string) (*Upload, error) {
	if tx.Get(tableBuckets, []byte(bucket)) == nil {
		return nil, ErrNoSuchBucket
	}
	u, err := getRec[Upload](tx, tableUploads, uploadKey(bucket, key, id))
	if err == nil && u == nil {
		err = ErrNoSuchUpload
	}
	return u, err
}

// GetUpload returns an upload (ErrNoSuchBucket, ErrNoSuchUpload).
func (s *Store) GetUpload(bucket, key, id string) (*Upload, error) {
	var u *Upload
	err := s.kv.View(func(tx kvTx) error {
		var err error
		u, err = getUpload(tx, bucket, key, id)
		return err
	})
	return u, err
}

// PutPart records part p of an upload, replacing a previous part with the
// same number (whose blob is then removed).
func (s *Store) PutPart(bucket, key, id string, p *Part) error {
	var oldBlob string
	err := s.kv.Update(func(tx kvTx) error {
		if _, err := getUpload(tx, bucket, key, id); err != nil {
			return err
		}
		old, err := getRec[Part](tx, tableParts, partKey(id, p.Number))
		if err != nil {
			return err
		}
		if old != nil {
			oldBlob = old.Blob
		}
		return putRec(tx, tableParts, partKey(id, p.Number), p)
	})
	if err == nil && oldBlob != "" && oldBlob != p.Blob {
		s.removeBlobs([]string{oldBlob})
	}
	return err
}

func allParts(tx kvTx, id string) ([]Part, error) {
	var out []Part
	pfx := append([]byte(id), 0)
	for c := tx.Seek(tableParts, pfx); c.Key() != nil && hasPrefix(c.Key(), pfx); c.Next() {
		var p Part
		if err := json.Unmarshal(c.Value(), &p); err != nil {
			return nil, fmt.Errorf("store: corrupt part record: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// ListParts returns up to limit parts numbered >= marker, in number order,
// and the total number of parts of the upload.
func (s *Store) ListParts(bucket, key, id string, marker, limit int) (parts []Part, total int, err error) {
	err = s.kv.View(func(tx kvTx) error {
		if _, err := getUpload(tx, bucket, key, id); err != nil {
			return err
		}
		all, err := allParts(tx, id)
		if err != nil {
			return err
		}
		total = len(all)
		for _, p := range all {
			if p.Number >= marker && len(parts) < limit {
				parts = append(parts, p)
			}
		}
		return nil
	})
	return parts, total, err
}

// CompleteUpload turns an upload into an object. fn (run inside the
// transaction, no I/O) receives the upload and all its parts in number order
// and returns the object, or an error that leaves everything unchanged. The
// upload and its parts are deleted; part blobs the object does not reference
// and the replaced object's blobs are removed after the commit.
func (s *Store) CompleteUpload(bucket, key, id string, fn func(u *Upload, parts []Part) (*Object, error)) error {
	var old, nu *Object
	var partBlobs []string
	err := s.kv.Update(func(tx kvTx) error {
		u, err := getUpload(tx, bucket, key, id)
		if err != nil {
			return err
		}
		parts, err := allParts(tx, id)
		if err != nil {
			return err
		}
		nu, err = fn(u, parts)
		if err != nil {
			return err
		}
		nu.Key = key
		if old, err = getRec[Object](tx, tableObjects, objKey(bucket, key)); err != nil {
			return err
		}
		if err := putRec(tx, tableObjects, objKey(bucket, key), nu); err != nil {
			return err
		}
		for _, p := range parts {
			partBlobs = append(partBlobs, p.Blob)
			if err := tx.Delete(tableParts, partKey(id, p.Number)); err != nil {
				return err
			}
		}
		if err := tx.Delete(tableUpIndex, []byte(id)); err != nil {
			return err
		}
		return tx.Delete(tableUploads, uploadKey(bucket, key, id))
	})
	if err != nil {
		return err
	}
	drop := droppedBlobs(old, nu)
	used := map[string]bool{}
	for _, b := range segmentBlobs(nu) {
		used[b] = true
	}
	for _, b := range partBlobs {
		if !used[b] {
			drop = append(drop, b)
		}
	}
	s.removeBlobs(drop)
	return nil
}

// AbortUpload deletes an upload and its parts. An unknown upload is not an
// error (abort is idempotent); a missing bucket is ErrNoSuchBucket.
func (s *Store) AbortUpload(bucket, key, id string) error {
	var blobs []string
	err := s.kv.Update(func(tx kvTx) error {
		_, err := getUpload(tx, bucket, key, id)
		if err == ErrNoSuchUpload {
			return nil
		}
		if err != nil {
			return err
		}
		parts, err := allParts(tx, id)
		if err != nil {
			return err
		}
		for _, p := range parts {
			blobs = append(blobs, p.Blob)
			if err := tx.Delete(tableParts, partKey(id, p.Number)); err != nil {
				return err
			}
		}
		if err := tx.Delete(tableUpIndex, []byte(id)); err != nil {
			return err
		}
		return tx.Delete(tableUploads, uploadKey(bucket, key, id))
	})
	if err == nil {
		s.removeBlobs(blobs)
	}
	return err
}

// UploadPage is one page of a multipart-upload listing.
type UploadPage struct {
	Uploads            []Upload
	CommonPrefixes     []string
	NextKeyMarker      string
	NextUploadIDMarker string
	HasMore            bool
}

// ListUploads lists unfinished uploads of bucket whose key starts with
// prefix, ordered by key then age, starting after (keyMarker, idMarker): with
// only keyMarker, after every upload of that key.
func (s *Store) ListUploads(bucket, prefix, delimiter, keyMarker, idMarker string, limit int) (*UploadPage, error) {
	page := &UploadPage{}
	err := s.kv.View(func(tx kvTx) error {
		if tx.Get(tableBuckets, []byte(bucket)) == nil {
			return ErrNoSuchBucket
		}
		base := len(bucket) + 1
		pfx := objKey(bucket, prefix)
		start := pfx
		switch {
		case keyMarker != "" && idMarker != "":
			start = append(uploadKey(bucket, keyMarker, idMarker), 0)
		case keyMarker != "":
			start = append(objKey(bucket, keyMarker), 1)
		}
		if string(start) < string(pfx) {
			start = pfx
		}
		c := tx.Seek(tableUploads, start)
		n := 0
		for k := c.Key(); k != nil && hasPrefix(k, pfx); k = c.Key() {
			rest := string(k[base:])
			i := strings.LastIndexByte(rest, 0)
			key := rest[:i]
			if delimiter != "" {
				if j := strings.Index(key[len(prefix):], delimiter); j >= 0 {
					cp := key[:len(prefix)+j+len(delimiter)]
					if cp > keyMarker {
						if n >= limit {
							page.HasMore = true
							return nil
						}
						n++
						page.CommonPrefixes = append(page.CommonPrefixes, cp)
						page.NextKeyMarker, page.NextUploadIDMarker = cp, ""
					}
					next := successor(objKey(bucket, cp))
					if next == nil {
						return nil
					}
					c.Seek(next)
					continue
				}
			}
			if n >= limit {
				page.HasMore = true
				return nil
			}
			var u Upload
			if err := json.Unmarshal(c.Value(), &u); err != nil {
				return fmt.Errorf("store: corrupt upload record: %w", err)
			}
			n++
			page.Uploads = append(page.Uploads, u)
			page.NextKeyMarker, page.NextUploadIDMarker = u.Key, u.ID
			c.Next()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}
