package store

import (
	"bytes"
	"errors"
	"sync"
)

// memBlobs keeps blobs in memory (the memory store).
type memBlobs struct {
	mu    sync.Mutex
	blobs map[string][]byte
}

func newMemBlobs() *memBlobs { return &memBlobs{blobs: map[string][]byte{}} }

func (m *memBlobs) create() (BlobWriter, error) { return &memBlobWriter{m: m}, nil }

type memBlobWriter struct {
	m    *memBlobs
	buf  bytes.Buffer
	done bool
}

func (w *memBlobWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *memBlobWriter) Commit() (string, error) {
	if w.done {
		return "", errors.New("store: blob already committed or aborted")
	}
	w.done = true
	id := newBlobID()
	w.m.mu.Lock()
	w.m.blobs[id] = w.buf.Bytes()
	w.m.mu.Unlock()
	return id, nil
}

func (w *memBlobWriter) Abort() { w.done = true; w.buf = bytes.Buffer{} }

type memBlobReader struct{ *bytes.Reader }

func (memBlobReader) Close() error { return nil }

func (m *memBlobs) open(id string) (BlobReader, error) {
	m.mu.Lock()
	b, ok := m.blobs[id]
	m.mu.Unlock()
	if !ok {
		return nil, ErrBlobNotFound
	}
	return memBlobReader{bytes.NewReader(b)}, nil
}

func (m *memBlobs) remove(id string) error {
	m.mu.Lock()
	delete(m.blobs, id)
	m.mu.Unlock()
	return nil
}

func (m *memBlobs) sweep(keep func(string) bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id := range m.blobs {
		if !keep(id) {
			delete(m.blobs, id)
		}
	}
	return nil
}
