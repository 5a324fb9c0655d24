package store

import (
	"sync/atomic"
)

// WriteFault is called before every write the store makes: each blob Write
// and Commit and each metadata transaction. A non-nil error fails that
// write with it, as a full disk would (tests return an error wrapping
// syscall.ENOSPC). Reads never call it.
type WriteFault func() error

// faults holds the store's WriteFault (nil: none).
type faults struct{ f atomic.Pointer[WriteFault] }

// SetWriteFault installs f (nil removes it). It is safe to call while the
// store is in use.
func (s *Store) SetWriteFault(f WriteFault) {
	if f == nil {
		s.faults.f.Store(nil)
		return
	}
	s.faults.f.Store(&f)
}

// check returns the installed fault's error, or nil.
func (fs *faults) check() error {
	if f := fs.f.Load(); f != nil {
		return (*f)()
	}
	return nil
}

// faultKV runs the write fault before each Update.
type faultKV struct {
	kv
	fs *faults
}

func (k faultKV) Update(fn func(tx kvTx) error) error {
	if err := k.fs.check(); err != nil {
		return err
	}
	return k.kv.Update(fn)
}

// faultBlobWriter runs the write fault before each Write and Commit.
type faultBlobWriter struct {
	BlobWriter
	fs *faults
}

func (w faultBlobWriter) Write(p []byte) (int, error) {
	if err := w.fs.check(); err != nil {
		return 0, err
	}
	return w.BlobWriter.Write(p)
}

func (w faultBlobWriter) Commit() (string, error) {
	if err := w.fs.check(); err != nil {
		w.Abort()
		return "", err
	}
	return w.BlobWriter.Commit()
}
