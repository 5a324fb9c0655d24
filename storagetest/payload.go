package storagetest

import (
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand"

	"github.com/qsgo/qsgo/pkg/randbytes"
)

// Size classes drawn by the tests. Payloads stay small except one large size
// per round-trip test so that a full run against memory takes seconds.
const (
	smallMax = 64 << 10 // upper bound of a "small" payload
	largeMin = 1 << 20  // lower bound of the one large payload
	largeMax = 4 << 20  // upper bound of every payload
)

// blockSize is the size of every read the payload makes from its source, so
// that its bytes do not depend on how the consumer slices its reads.
const blockSize = 32 << 10

// payload describes deterministic pseudo-random content: size bytes drawn
// from pkg/randbytes seeded with seed. Two readers of one payload yield the
// same bytes, which is how the suite knows what a store should hold without
// keeping it in memory.
type payload struct {
	seed int64
	size int64
}

func (p payload) String() string { return fmt.Sprintf("payload(size=%d seed=%d)", p.size, p.seed) }

// reader returns a fresh reader of the payload, optionally followed by extra
// bytes of the same stream (for "reader longer than size" checks).
func (p payload) reader() io.Reader { return p.readerWithExtra(0) }

func (p payload) readerWithExtra(extra int64) io.Reader {
	return &blockReader{src: &randbytes.Rand{Source: rand.NewSource(p.seed)}, left: p.size + extra}
}

// sum is the SHA-256 of the whole payload.
func (p payload) sum() [32]byte { return p.rangeSum(0, p.size) }

// rangeSum is the SHA-256 of bytes [off, off+n) of the payload (clipped to its end).
func (p payload) rangeSum(off, n int64) [32]byte {
	h := sha256.New()
	r := p.reader()
	if _, err := io.CopyN(io.Discard, r, off); err != nil && err != io.EOF {
		panic(err) // cannot happen: the reader never fails
	}
	if _, err := io.CopyN(h, r, n); err != nil && err != io.EOF {
		panic(err)
	}
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}

// blockReader hands out at most left bytes of src, pulling them in fixed
// blocks so its output is independent of the sizes its callers ask for.
type blockReader struct {
	src      io.Reader
	buf      [blockSize]byte
	pos, end int
	left     int64
}

func (r *blockReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if r.pos == r.end {
		n, err := io.ReadFull(r.src, r.buf[:])
		if err != nil {
			return 0, err
		}
		r.pos, r.end = 0, n
	}
	n := copy(p, r.buf[r.pos:r.end])
	if int64(n) > r.left {
		n = int(r.left)
	}
	r.pos += n
	r.left -= int64(n)
	return n, nil
}

// hashWriter counts and hashes what is written to it.
type hashWriter struct {
	n int64
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
}

func newHashWriter() *hashWriter { return &hashWriter{h: sha256.New()} }

func (w *hashWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return w.h.Write(p)
}

func (w *hashWriter) sum() [32]byte {
	var s [32]byte
	copy(s[:], w.h.Sum(nil))
	return s
}
