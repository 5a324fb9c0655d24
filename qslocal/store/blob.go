package store

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// BlobReader reads a stored blob. The file store returns an *os.File so that
// net/http can use sendfile for plaintext GETs.
type BlobReader interface {
	io.Reader
	io.ReaderAt
	io.Seeker
	io.Closer
}

// BlobWriter receives a new blob. Nothing is visible under the blob's id
// until Commit returns; Abort (safe after Commit, then a no-op) discards it.
type BlobWriter interface {
	io.Writer
	// Commit makes the blob durable (fsync, rename, directory fsync for the
	// file store) and returns its id.
	Commit() (id string, err error)
	// Abort discards an uncommitted blob.
	Abort()
}

// blobStore holds object bytes under random ids.
type blobStore interface {
	create() (BlobWriter, error)
	open(id string) (BlobReader, error)
	remove(id string) error
	// sweep removes leftover temporary files and the committed blobs for
	// which keep returns false.
	sweep(keep func(id string) bool) error
}

// ErrBlobNotFound is returned when a blob id names nothing (for example
// because a concurrent overwrite removed it); callers re-read the metadata.
var ErrBlobNotFound = errors.New("store: blob not found")

// newBlobID returns 32 random hex digits. Blob file names come only from
// these ids, never from object keys, so no key can name a path outside the
// data directory.
func newBlobID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// validBlobID reports whether id has the shape newBlobID produces.
func validBlobID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// fileBlobs keeps blobs as files: dir/tmp holds bodies being received,
// dir/blobs/<first 2 hex digits>/<id> the committed ones.
type fileBlobs struct{ dir string }

func newFileBlobs(dir string) (*fileBlobs, error) {
	for _, d := range []string{filepath.Join(dir, "tmp"), filepath.Join(dir, "blobs")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("store: create %s: %w", d, err)
		}
	}
	// Create the 256 fan-out directories up front and make their entries
	// durable, so a committed blob never sits in a directory a crash could
	// forget.
	root := filepath.Join(dir, "blobs")
	for i := 0; i < 256; i++ {
		if err := os.MkdirAll(filepath.Join(root, fmt.Sprintf("%02x", i)), 0o700); err != nil {
			return nil, fmt.Errorf("store: create blob directory: %w", err)
		}
	}
	for _, d := range []string{root, dir} {
		if err := syncDir(d); err != nil {
			return nil, err
		}
	}
	return &fileBlobs{dir: dir}, nil
}

func (f *fileBlobs) path(id string) string {
	return filepath.Join(f.dir, "blobs", id[:2], id)
}

func (f *fileBlobs) create() (BlobWriter, error) {
	id := newBlobID()
	tmp, err := os.OpenFile(filepath.Join(f.dir, "tmp", id+".tmp"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: create temporary file: %w", err)
	}
	return &fileBlobWriter{fs: f, id: id, f: tmp}, nil
}

type fileBlobWriter struct {
	fs   *fileBlobs
	id   string
	f    *os.File
	done bool
}

func (w *fileBlobWriter) Write(p []byte) (int, error) { return w.f.Write(p) }

func (w *fileBlobWriter) Commit() (string, error) {
	if w.done {
		return "", errors.New("store: blob already committed or aborted")
	}
	w.done = true
	tmpName := w.f.Name()
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		os.Remove(tmpName)
		return "", fmt.Errorf("store: sync blob: %w", err)
	}
	if err := w.f.Close(); err != nil {
		os.Remove(tmpName)
		return "", fmt.Errorf("store: close blob: %w", err)
	}
	final := w.fs.path(w.id)
	if err := os.Rename(tmpName, final); err != nil {
		os.Remove(tmpName)
		return "", fmt.Errorf("store: move blob into place: %w", err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		os.Remove(final)
		return "", err
	}
	return w.id, nil
}

func (w *fileBlobWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	os.Remove(w.f.Name())
}

func (f *fileBlobs) open(id string) (BlobReader, error) {
	if !validBlobID(id) {
		return nil, fmt.Errorf("store: invalid blob id: %w", ErrBlobNotFound)
	}
	fh, err := os.Open(f.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrBlobNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: open blob: %w", err)
	}
	return fh, nil
}

func (f *fileBlobs) remove(id string) error {
	if !validBlobID(id) {
		return nil
	}
	err := os.Remove(f.path(id))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: remove blob: %w", err)
	}
	return nil
}

func (f *fileBlobs) sweep(keep func(string) bool) error {
	tmp := filepath.Join(f.dir, "tmp")
	ents, err := os.ReadDir(tmp)
	if err != nil {
		return fmt.Errorf("store: sweep: %w", err)
	}
	for _, e := range ents {
		os.Remove(filepath.Join(tmp, e.Name()))
	}
	root := filepath.Join(f.dir, "blobs")
	subs, err := os.ReadDir(root)
	if err != nil {
		return fmt.Errorf("store: sweep: %w", err)
	}
	for _, s := range subs {
		files, err := os.ReadDir(filepath.Join(root, s.Name()))
		if err != nil {
			continue
		}
		for _, e := range files {
			if !keep(e.Name()) {
				os.Remove(filepath.Join(root, s.Name(), e.Name()))
			}
		}
	}
	return nil
}

// syncDir fsyncs a directory so the entries created in it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: open directory for sync: %w", err)
	}
	err = d.Sync()
	d.Close()
	if err != nil {
		return fmt.Errorf("store: sync directory %s: %w", dir, err)
	}
	return nil
}
