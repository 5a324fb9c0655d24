package qingstor

import (
	"errors"
	"io"
)

// progressReader passes the bytes read from r to cb, each byte once: after
// a Seek back (a retried request re-reading its body, or a part read once for
// its MD5 and again to send it), bytes already shown are not shown again.
// It is an io.ReadSeeker when r is, so the wire client can still rewind and
// retry. A nil cb shows nothing.
type progressReader struct {
	r     io.Reader
	cb    func([]byte)
	pos   int64 // offset of the next byte read
	shown int64 // bytes [0, shown) were passed to cb
}

// Read reads from r and shows the bytes past the high-water mark.
func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		end := p.pos + int64(n)
		if p.cb != nil && end > p.shown {
			p.cb(b[max(0, p.shown-p.pos):n])
			p.shown = end
		}
		p.pos = end
	}
	return n, err
}

// errNotSeeker is the error of Seek over a reader that cannot seek.
var errNotSeeker = errors.New("qingstor: the body cannot be rewound")

// Seek seeks r and follows its offset.
func (p *progressReader) Seek(offset int64, whence int) (int64, error) {
	s, ok := p.r.(io.Seeker)
	if !ok {
		return 0, errNotSeeker
	}
	pos, err := s.Seek(offset, whence)
	if err == nil {
		p.pos = pos
	}
	return pos, err
}
