package qslocal

import (
	"crypto/cipher"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/qsgo/qsgo/qslocal/store"
)

// Receive pipeline: the request goroutine reads the body into fixed
// buffers, a second goroutine hashes them, a third encrypts (SSE-C) and writes
// them to the temporary file. The three stages overlap, so MD5 (the slowest
// stage, ~750 MiB/s per core) runs while the next buffer arrives and the
// previous one is written. Memory per request is recvBuffers x recvChunk
// whatever the body size.
const (
	recvChunk   = 512 << 10
	recvBuffers = 4
)

var recvPool = sync.Pool{New: func() any { b := make([]byte, recvChunk); return &b }}

// received is the outcome of receiveBody.
type received struct {
	n   int64
	md5 [md5.Size]byte
}

// receiveBody copies src to dst through the pipeline, encrypting with enc
// when not nil, and returns the byte count and the MD5 of the plaintext.
// extra hashes (if any) also see the plaintext. A read error is returned
// as is; a write error is wrapped.
func receiveBody(src io.Reader, dst io.Writer, enc cipher.Stream, extra ...hash.Hash) (received, error) {
	var res received
	h := md5.New()
	free := make(chan *[]byte, recvBuffers)
	for i := 0; i < recvBuffers; i++ {
		free <- recvPool.Get().(*[]byte)
	}
	type chunk struct {
		buf *[]byte
		n   int
	}
	toHash := make(chan chunk, recvBuffers)
	toWrite := make(chan chunk, recvBuffers)
	var writeErr atomic.Value
	var failed atomic.Bool
	done := make(chan struct{})
	go func() {
		for c := range toHash {
			b := (*c.buf)[:c.n]
			h.Write(b)
			for _, x := range extra {
				x.Write(b)
			}
			toWrite <- c
		}
		close(toWrite)
	}()
	go func() {
		defer close(done)
		for c := range toWrite {
			if !failed.Load() {
				b := (*c.buf)[:c.n]
				if enc != nil {
					enc.XORKeyStream(b, b)
				}
				if _, err := dst.Write(b); err != nil {
					writeErr.Store(err)
					failed.Store(true)
				}
			}
			free <- c.buf
		}
	}()
	var readErr error
	for !failed.Load() {
		buf := <-free
		n, err := io.ReadFull(src, *buf)
		if n > 0 {
			toHash <- chunk{buf, n}
			res.n += int64(n)
		} else {
			free <- buf
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			readErr = err
			break
		}
	}
	close(toHash)
	<-done
	for i := 0; i < recvBuffers; i++ {
		recvPool.Put(<-free)
	}
	if readErr != nil {
		return res, readErr
	}
	if err, _ := writeErr.Load().(error); err != nil {
		return res, err
	}
	copy(res.md5[:], h.Sum(nil))
	return res, nil
}

// parseContentMD5 accepts Content-MD5 as base64 of the 16-byte digest (24
// characters, the RFC and the docs) or as 32 hex digits (what the SDK's own
// integration test sends), a decision listed in the package doc.
func parseContentMD5(v string) ([]byte, *apiError) {
	if v == "" {
		return nil, nil
	}
	if len(v) == 32 {
		if b, err := hex.DecodeString(v); err == nil {
			return b, nil
		}
	}
	if b, err := base64.StdEncoding.DecodeString(v); err == nil && len(b) == md5.Size {
		return b, nil
	}
	return nil, errf(http.StatusBadRequest, "invalid_argument", "Content-MD5 is neither base64 nor hex of a 16-byte MD5.")
}

// checkUploadBody checks the headers of a body to store (PUT, upload part,
// append) before it is read: it returns the Content-MD5 digest (nil when
// absent) and refuses a body without Content-Length or above maxSinglePut
// (400 entity_too_large with the message tooLarge).
//
// Decision: QingStor documents Content-Length as required on PUT, upload
// part and append, and every SDK sends it; no error code is documented, so
// a chunked body is 400 invalid_request (411 would be plain HTTP, but
// QingStor clients only understand its JSON codes).
func checkUploadBody(q *request, tooLarge string) (wantMD5 []byte, e *apiError) {
	wantMD5, e = parseContentMD5(q.r.Header.Get("Content-Md5"))
	if e != nil {
		return nil, e
	}
	if q.r.ContentLength < 0 {
		return nil, errf(http.StatusBadRequest, "invalid_request", "Content-Length is required (chunked bodies are not accepted).")
	}
	if q.r.ContentLength > maxSinglePut {
		return nil, errf(http.StatusBadRequest, "entity_too_large", "%s", tooLarge)
	}
	return wantMD5, nil
}

// bodyUpload is a body being received into a new blob.
type bodyUpload struct {
	id  string // committed blob id; "" for an empty body, which stores no blob
	res received
}

// segments returns the object segments holding the body: none for an empty
// body, else one with the given IV (nil when not encrypted).
func (u *bodyUpload) segments(iv []byte) []store.Segment {
	if u.id == "" {
		return nil
	}
	return []store.Segment{{Blob: u.id, Size: u.res.n, IV: iv}}
}

// receiveBlob streams q's body (limited to maxSize) into a new blob and
// commits it only when the whole declared body arrived and matches
// Content-MD5; otherwise nothing stays behind. An empty body commits no blob
// (id ""): objects and parts of size 0 reference none. The caller must
// reference or discard the returned blob (discarding "" is a no-op).
func (s *Server) receiveBlob(q *request, body io.Reader, wantLen int64, wantMD5 []byte, enc cipher.Stream, extra ...hash.Hash) (*bodyUpload, *apiError) {
	bw, err := s.st.NewBlob()
	if err != nil {
		return nil, s.internal(q, err)
	}
	res, err := receiveBody(body, bw, enc, extra...)
	if err != nil {
		bw.Abort()
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, errf(http.StatusBadRequest, "entity_too_large", "The body is larger than allowed.")
		case errors.Is(err, io.ErrUnexpectedEOF) || isReadErr(err):
			return nil, errf(http.StatusBadRequest, "incomplete_body", "The request body ended before Content-Length bytes arrived.")
		}
		return nil, s.internal(q, err)
	}
	if wantLen >= 0 && res.n != wantLen {
		bw.Abort()
		return nil, errf(http.StatusBadRequest, "incomplete_body", "Received %d bytes, Content-Length said %d.", res.n, wantLen)
	}
	if wantMD5 != nil && string(wantMD5) != string(res.md5[:]) {
		bw.Abort()
		return nil, errf(http.StatusBadRequest, "bad_digest", "The Content-MD5 you specified did not match what we received.")
	}
	if res.n == 0 {
		bw.Abort()
		return &bodyUpload{res: res}, nil
	}
	id, err := bw.Commit()
	if err != nil {
		return nil, s.internal(q, err)
	}
	return &bodyUpload{id: id, res: res}, nil
}

// readErr marks errors that come from reading the client's body (a dropped
// connection), as opposed to writing the blob.
type readErr struct{ err error }

func (e readErr) Error() string { return e.err.Error() }
func (e readErr) Unwrap() error { return e.err }

func isReadErr(err error) bool { var r readErr; return errors.As(err, &r) }

// bodyReader wraps the request body so read failures are told apart from
// write failures, and caps it at limit bytes.
func bodyReader(q *request, limit int64) io.Reader {
	return readErrReader{http.MaxBytesReader(q.w, q.r.Body, limit)}
}

type readErrReader struct{ r io.Reader }

func (r readErrReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			err = readErr{err}
		}
	}
	return n, err
}
