// Package randbytes is an endless reader of pseudo-random bytes, for tests and
// benchmarks (io.LimitReader(randbytes.NewRand(), size)). It is not
// cryptographically secure.
package randbytes

import (
	"io"
	"math/rand"
	"time"
)

// Rand reads pseudo-random bytes from its Source. It is not safe for
// concurrent use.
type Rand struct {
	rand.Source
}

// NewRand returns a *Rand seeded from the current time.
func NewRand() io.Reader {
	return &Rand{Source: rand.NewSource(time.Now().UnixNano())}
}

// Read fills all of p with pseudo-random bytes and returns len(p), nil; it
// never returns io.EOF.
func (r *Rand) Read(p []byte) (n int, err error) {
	for len(p) >= 7 {
		v := r.Int63()
		for i := 0; i < 7; i++ {
			p[i] = byte(v >> (8 * i))
		}
		n += 7
		p = p[7:]
	}
	if len(p) > 0 {
		v := r.Int63()
		for i := range p {
			p[i] = byte(v >> (8 * i))
		}
		n += len(p)
	}
	return n, nil
}
