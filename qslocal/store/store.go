// Package store is the storage layer of qslocal: bucket, object and
// multipart-upload metadata in an ordered key-value store (bbolt on disk, or
// memory for tests) and object bytes in blobs named by random ids (files
// under the data directory, or memory).
//
// Write protocol: a body is streamed into a BlobWriter (a temporary file),
// committed (fsync + rename into place), and only then referenced by a
// metadata transaction (bbolt, fsync on commit). Blobs an update makes
// unreferenced are removed after the commit. A crash between the blob commit
// and the metadata commit leaves an unreferenced blob, which Open sweeps, as
// it sweeps temporary files. Readers pin the blobs they read so that a
// concurrent overwrite defers removal until the reader is done.
package store

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Errors returned by the store; the server maps them to QingStor codes.
var (
	ErrNoSuchBucket   = errors.New("store: bucket does not exist")
	ErrBucketExists   = errors.New("store: bucket already exists")
	ErrBucketNotEmpty = errors.New("store: bucket is not empty")
	ErrNoSuchObject   = errors.New("store: object does not exist")
	ErrNoSuchUpload   = errors.New("store: multipart upload does not exist")
)

// Bucket is a bucket record.
type Bucket struct {
	Name    string    `json:"name"`
	Zone    string    `json:"zone"`
	Owner   string    `json:"owner,omitempty"` // access key id of the creator ("" for buckets made without a request)
	Created time.Time `json:"created"`
}

// SSE records server-side encryption with a customer key. The key is not
// kept: a keyed digest (HMAC-SHA256 under a random per-object salt) checks
// the key a later request brings, and KeyMD5 (base64, as clients send it in
// x-qs-encryption-customer-key-md5) is echoed in answers. KeyMD5 is empty in
// records written before it was kept.
type SSE struct {
	Salt   []byte `json:"salt"`
	Digest []byte `json:"digest"`
	KeyMD5 string `json:"md5,omitempty"`
}

// Segment is one stored piece of an object: a single-part or appended object
// has one segment per write, a multipart object one per part. IV is the
// AES-CTR initial counter block when the object is encrypted.
type Segment struct {
	Blob string `json:"b"`
	Size int64  `json:"s"`
	IV   []byte `json:"iv,omitempty"`
}

// Object is an object's metadata.
type Object struct {
	Key          string            `json:"k"`
	Size         int64             `json:"s"`
	ETag         string            `json:"e"` // quoted
	ContentType  string            `json:"ct,omitempty"`
	StorageClass string            `json:"sc,omitempty"`
	Meta         map[string]string `json:"m,omitempty"` // lower-case name after x-qs-meta- -> value
	Headers      map[string]string `json:"h,omitempty"` // Cache-Control, Content-Encoding, ...
	Created      time.Time         `json:"c"`
	Modified     time.Time         `json:"t"`
	Appendable   bool              `json:"a,omitempty"`
	MD5State     []byte            `json:"ms,omitempty"` // appendable: marshalled MD5 state of the content so far
	SSE          *SSE              `json:"x,omitempty"`
	Segments     []Segment         `json:"g,omitempty"`
}

// Upload is an unfinished multipart upload; the Object template holds what
// Initiate set (content type, storage class, metadata, SSE).
type Upload struct {
	ID       string    `json:"id"`
	Bucket   string    `json:"bucket"`
	Key      string    `json:"key"`
	Created  time.Time `json:"created"`
	Template Object    `json:"template"`
}

// Part is an uploaded part of a multipart upload.
type Part struct {
	Number  int       `json:"n"`
	Size    int64     `json:"s"`
	ETag    string    `json:"e"` // quoted
	MD5     []byte    `json:"md5"`
	Created time.Time `json:"c"`
	Blob    string    `json:"b"`
	IV      []byte    `json:"iv,omitempty"`
}

// Store is the storage layer. It is safe for concurrent use.
type Store struct {
	kv    kv
	blobs blobStore

	// gate orders pinning against removal: PinObject holds it shared from
	// before its metadata read until its pins are in place, removeBlobs holds
	// it exclusively, so a blob a reader saw is either pinned before removal
	// is considered or was never visible to that reader.
	gate   sync.RWMutex
	pinMu  sync.Mutex
	pins   map[string]int
	doomed map[string]bool
	faults faults
}

// Open opens (creating it if needed) a disk store in dir: metadata in
// dir/meta.db, blobs under dir/blobs, temporary files under dir/tmp. It
// sweeps leftover temporary files and unreferenced blobs.
func Open(dir string) (*Store, error) {
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	if errors.Is(statErr, os.ErrNotExist) {
		// a new data directory: make its entry durable in the parent
		if err := syncDir(filepath.Dir(dir)); err != nil {
			return nil, err
		}
	}
	k, err := openBoltKV(filepath.Join(dir, "meta.db"))
	if err != nil {
		return nil, err
	}
	b, err := newFileBlobs(dir)
	if err != nil {
		k.Close()
		return nil, err
	}
	s := newStore(k, b)
	if err := s.sweep(); err != nil {
		k.Close()
		return nil, err
	}
	return s, nil
}

// OpenMemory returns an empty store held in memory.
func OpenMemory() *Store { return newStore(newMemKV(), newMemBlobs()) }

func newStore(k kv, b blobStore) *Store {
	s := &Store{blobs: b, pins: map[string]int{}, doomed: map[string]bool{}}
	s.kv = faultKV{kv: k, fs: &s.faults}
	return s
}

// Close closes the metadata store.
func (s *Store) Close() error { return s.kv.Close() }

// sweep removes temporary files and blobs no metadata references.
func (s *Store) sweep() error {
	used := map[string]bool{}
	err := s.kv.View(func(tx kvTx) error {
		for c := tx.Seek(tableObjects, nil); c.Key() != nil; c.Next() {
			var o Object
			if err := o.UnmarshalBinary(c.Value()); err != nil {
				return err
			}
			for _, g := range o.Segments {
				used[g.Blob] = true
			}
		}
		for c := tx.Seek(tableParts, nil); c.Key() != nil; c.Next() {
			var p Part
			if err := json.Unmarshal(c.Value(), &p); err != nil {
				return err
			}
			used[p.Blob] = true
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: sweep: %w", err)
	}
	return s.blobs.sweep(func(id string) bool { return used[id] })
}

// NewBlob starts receiving a new blob.
func (s *Store) NewBlob() (BlobWriter, error) {
	w, err := s.blobs.create()
	if err != nil {
		return nil, err
	}
	return faultBlobWriter{BlobWriter: w, fs: &s.faults}, nil
}

// DiscardBlob removes a committed blob that no metadata references (for
// example when the metadata commit that was to reference it failed); ""
// (no blob, as for an empty body) is a no-op.
func (s *Store) DiscardBlob(id string) { s.removeBlobs([]string{id}) }

// OpenBlob opens a blob; callers hold a pin (see PinObject) while reading.
func (s *Store) OpenBlob(id string) (BlobReader, error) { return s.blobs.open(id) }

// removeBlobs deletes blobs, deferring those a reader has pinned. The empty
// id (an empty part or body, which has no blob) is skipped.
func (s *Store) removeBlobs(ids []string) {
	if len(ids) == 0 {
		return
	}
	var now []string
	s.gate.Lock()
	s.pinMu.Lock()
	for _, id := range ids {
		switch {
		case id == "":
		case s.pins[id] > 0:
			s.doomed[id] = true
		default:
			now = append(now, id)
		}
	}
	s.pinMu.Unlock()
	s.gate.Unlock()
	// The files go after the locks are released, so readers (PinObject)
	// do not wait for the file system: no reader can pin these ids any more,
	// since the metadata no longer names them and every reader that saw the
	// old metadata pinned before the gate was taken.
	for _, id := range now {
		s.blobs.remove(id)
	}
}

func (s *Store) pin(ids []string) {
	s.pinMu.Lock()
	for _, id := range ids {
		s.pins[id]++
	}
	s.pinMu.Unlock()
}

func (s *Store) unpin(ids []string) {
	var gone []string
	s.pinMu.Lock()
	for _, id := range ids {
		s.pins[id]--
		if s.pins[id] <= 0 {
			delete(s.pins, id)
			if s.doomed[id] {
				delete(s.doomed, id)
				gone = append(gone, id)
			}
		}
	}
	s.pinMu.Unlock()
	// A doomed blob is unreferenced: nobody can pin it again, so it is
	// removed outside pinMu.
	for _, id := range gone {
		s.blobs.remove(id)
	}
}

func segmentBlobs(o *Object) []string {
	if o == nil {
		return nil
	}
	ids := make([]string, len(o.Segments))
	for i, g := range o.Segments {
		ids[i] = g.Blob
	}
	return ids
}

// droppedBlobs returns the blobs of old that new no longer references.
func droppedBlobs(old, new *Object) []string {
	keep := map[string]bool{}
	for _, id := range segmentBlobs(new) {
		keep[id] = true
	}
	var out []string
	for _, id := range segmentBlobs(old) {
		if !keep[id] {
			out = append(out, id)
		}
	}
	return out
}

func objKey(bucket, key string) []byte {
	b := make([]byte, 0, len(bucket)+1+len(key))
	b = append(b, bucket...)
	b = append(b, 0)
	return append(b, key...)
}

// getRec reads a record: binary for types with UnmarshalBinary (objects),
// JSON otherwise. nil, nil when absent.
func getRec[T any](tx kvTx, table string, k []byte) (*T, error) {
	v := tx.Get(table, k)
	if v == nil {
		return nil, nil
	}
	var t T
	var err error
	if u, ok := any(&t).(encoding.BinaryUnmarshaler); ok {
		err = u.UnmarshalBinary(v)
	} else {
		err = json.Unmarshal(v, &t)
	}
	if err != nil {
		return nil, fmt.Errorf("store: corrupt %s record: %w", table, err)
	}
	return &t, nil
}

// putRec writes a record in the form getRec reads.
func putRec(tx kvTx, table string, k []byte, v any) error {
	var b []byte
	var err error
	if m, ok := v.(encoding.BinaryMarshaler); ok {
		b, err = m.MarshalBinary()
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		return err
	}
	return tx.Put(table, k, b)
}

// CreateBucket records a new bucket; ErrBucketExists if the name is taken.
func (s *Store) CreateBucket(b Bucket) error {
	return s.kv.Update(func(tx kvTx) error {
		if tx.Get(tableBuckets, []byte(b.Name)) != nil {
			return ErrBucketExists
		}
		return putRec(tx, tableBuckets, []byte(b.Name), b)
	})
}

// GetBucket returns a bucket or ErrNoSuchBucket.
func (s *Store) GetBucket(name string) (*Bucket, error) {
	var b *Bucket
	err := s.kv.View(func(tx kvTx) error {
		var err error
		b, err = getRec[Bucket](tx, tableBuckets, []byte(name))
		if err == nil && b == nil {
			err = ErrNoSuchBucket
		}
		return err
	})
	return b, err
}

// ListBuckets returns all buckets in name order.
func (s *Store) ListBuckets() ([]Bucket, error) {
	var out []Bucket
	err := s.kv.View(func(tx kvTx) error {
		for c := tx.Seek(tableBuckets, nil); c.Key() != nil; c.Next() {
			var b Bucket
			if err := json.Unmarshal(c.Value(), &b); err != nil {
				return fmt.Errorf("store: corrupt bucket record: %w", err)
			}
			out = append(out, b)
		}
		return nil
	})
	return out, err
}

func hasEntryWithPrefix(tx kvTx, table string, prefix []byte) bool {
	c := tx.Seek(table, prefix)
	k := c.Key()
	return k != nil && len(k) >= len(prefix) && string(k[:len(prefix)]) == string(prefix)
}

// DeleteBucket removes an empty bucket: ErrBucketNotEmpty while it holds
// objects or unfinished multipart uploads.
func (s *Store) DeleteBucket(name string) error {
	return s.kv.Update(func(tx kvTx) error {
		if tx.Get(tableBuckets, []byte(name)) == nil {
			return ErrNoSuchBucket
		}
		p := objKey(name, "")
		if hasEntryWithPrefix(tx, tableObjects, p) || hasEntryWithPrefix(tx, tableUploads, p) {
			return ErrBucketNotEmpty
		}
		return tx.Delete(tableBuckets, []byte(name))
	})
}

// ClassStats counts the objects of one storage class.
type ClassStats struct {
	Count int64
	Size  int64
}

// BucketStats returns the number of objects and their total size, in all
// and per storage class.
func (s *Store) BucketStats(name string) (total ClassStats, byClass map[string]ClassStats, err error) {
	byClass = map[string]ClassStats{}
	err = s.kv.View(func(tx kvTx) error {
		if tx.Get(tableBuckets, []byte(name)) == nil {
			return ErrNoSuchBucket
		}
		p := objKey(name, "")
		for c := tx.Seek(tableObjects, p); c.Key() != nil && hasPrefix(c.Key(), p); c.Next() {
			var o Object
			if err := o.UnmarshalBinary(c.Value()); err != nil {
				return fmt.Errorf("store: corrupt object record: %w", err)
			}
			cs := byClass[o.StorageClass]
			cs.Count++
			cs.Size += o.Size
			byClass[o.StorageClass] = cs
			total.Count++
			total.Size += o.Size
		}
		return nil
	})
	return total, byClass, err
}

func hasPrefix(k, p []byte) bool { return len(k) >= len(p) && string(k[:len(p)]) == string(p) }

// GetObject returns an object's metadata (ErrNoSuchBucket, ErrNoSuchObject).
func (s *Store) GetObject(bucket, key string) (*Object, error) {
	var o *Object
	err := s.kv.View(func(tx kvTx) error {
		var err error
		o, err = s.getObject(tx, bucket, key)
		return err
	})
	return o, err
}

func (s *Store) getObject(tx kvTx, bucket, key string) (*Object, error) {
	if tx.Get(tableBuckets, []byte(bucket)) == nil {
		return nil, ErrNoSuchBucket
	}
	o, err := getRec[Object](tx, tableObjects, objKey(bucket, key))
	if err == nil && o == nil {
		err = ErrNoSuchObject
	}
	return o, err
}

// PinObject returns an object's metadata with its blobs pinned against
// removal; call release when done reading. If a concurrent overwrite replaces
// the object meanwhile, the replaced blobs stay until release.
func (s *Store) PinObject(bucket, key string) (o *Object, release func(), err error) {
	s.gate.RLock()
	defer s.gate.RUnlock()
	err = s.kv.View(func(tx kvTx) error {
		var err error
		o, err = s.getObject(tx, bucket, key)
		if err == nil {
			s.pin(segmentBlobs(o))
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	ids := segmentBlobs(o)
	var once sync.Once
	return o, func() { once.Do(func() { s.unpin(ids) }) }, nil
}

// UpdateObject replaces bucket/key with what fn returns. fn runs inside the
// metadata transaction (keep it quick, no I/O) and gets the current object or
// nil; its error aborts the update unchanged. Blobs of the old object that the
// new one does not reference are removed after the commit.
func (s *Store) UpdateObject(bucket, key string, fn func(old *Object) (*Object, error)) error {
	var old, nu *Object
	err := s.kv.Update(func(tx kvTx) error {
		if tx.Get(tableBuckets, []byte(bucket)) == nil {
			return ErrNoSuchBucket
		}
		var err error
		old, err = getRec[Object](tx, tableObjects, objKey(bucket, key))
		if err != nil {
			return err
		}
		nu, err = fn(old)
		if err != nil {
			return err
		}
		nu.Key = key
		return putRec(tx, tableObjects, objKey(bucket, key), nu)
	})
	if err != nil {
		return err
	}
	s.removeBlobs(droppedBlobs(old, nu))
	return nil
}

// PutObject stores o under bucket/o.Key, replacing any previous object.
func (s *Store) PutObject(bucket string, o *Object) error {
	return s.UpdateObject(bucket, o.Key, func(*Object) (*Object, error) { return o, nil })
}

// DeleteObject removes an object; a missing object is not an error, a
// missing bucket is ErrNoSuchBucket.
func (s *Store) DeleteObject(bucket, key string) error {
	var old *Object
	err := s.kv.Update(func(tx kvTx) error {
		if tx.Get(tableBuckets, []byte(bucket)) == nil {
			return ErrNoSuchBucket
		}
		var err error
		old, err = getRec[Object](tx, tableObjects, objKey(bucket, key))
		if err != nil || old == nil {
			return err
		}
		return tx.Delete(tableObjects, objKey(bucket, key))
	})
	if err == nil {
		s.removeBlobs(segmentBlobs(old))
	}
	return err
}

// MoveObject renames srcBucket/srcKey to dstBucket/dstKey in one
// transaction, keeping the stored bytes. fn may adjust the moved object (or
// refuse with an error) and sees the source and any existing destination.
func (s *Store) MoveObject(srcBucket, srcKey, dstBucket, dstKey string, fn func(src, dst *Object) (*Object, error)) error {
	var old, nu *Object
	err := s.kv.Update(func(tx kvTx) error {
		src, err := s.getObject(tx, srcBucket, srcKey)
		if err != nil {
			return err
		}
		if tx.Get(tableBuckets, []byte(dstBucket)) == nil {
			return ErrNoSuchBucket
		}
		if srcBucket == dstBucket && srcKey == dstKey {
			nu, err = fn(src, src)
			if err != nil {
				return err
			}
			old = src
			nu.Key = dstKey
			return putRec(tx, tableObjects, objKey(dstBucket, dstKey), nu)
		}
		old, err = getRec[Object](tx, tableObjects, objKey(dstBucket, dstKey))
		if err != nil {
			return err
		}
		nu, err = fn(src, old)
		if err != nil {
			return err
		}
		nu.Key = dstKey
		if err := tx.Delete(tableObjects, objKey(srcBucket, srcKey)); err != nil {
			return err
		}
		return putRec(tx, tableObjects, objKey(dstBucket, dstKey), nu)
	})
	if err != nil {
		return err
	}
	s.removeBlobs(droppedBlobs(old, nu))
	return nil
}

// PutObjects stores many objects in one transaction (bulk import and
// benchmarks); like PutObject it replaces existing keys.
func (s *Store) PutObjects(bucket string, objs []*Object) error {
	// Insert in key order: bbolt splits nodes only at commit, and appending
	// to a node is cheap where inserting into its middle is not.
	objs = slices.Clone(objs)
	slices.SortStableFunc(objs, func(a, b *Object) int { return strings.Compare(a.Key, b.Key) })
	var dropped []string
	err := s.kv.Update(func(tx kvTx) error {
		if tx.Get(tableBuckets, []byte(bucket)) == nil {
			return ErrNoSuchBucket
		}
		for _, o := range objs {
			old, err := getRec[Object](tx, tableObjects, objKey(bucket, o.Key))
			if err != nil {
				return err
			}
			dropped = append(dropped, droppedBlobs(old, o)...)
			if err := putRec(tx, tableObjects, objKey(bucket, o.Key), o); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.removeBlobs(dropped)
	}
	return err
}

// DeleteObjects removes many keys in one transaction (absent keys are not
// an error) and then their blobs; ErrNoSuchBucket if the bucket is missing.
func (s *Store) DeleteObjects(bucket string, keys []string) error {
	var dropped []string
	err := s.kv.Update(func(tx kvTx) error {
		if tx.Get(tableBuckets, []byte(bucket)) == nil {
			return ErrNoSuchBucket
		}
		for _, k := range keys {
			old, err := getRec[Object](tx, tableObjects, objKey(bucket, k))
			if err != nil {
				return err
			}
			if old == nil {
				continue
			}
			dropped = append(dropped, segmentBlobs(old)...)
			if err := tx.Delete(tableObjects, objKey(bucket, k)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.removeBlobs(dropped)
	}
	return err
}
