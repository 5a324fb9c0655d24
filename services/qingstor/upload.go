package qingstor

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/qsgo/qsgo/qsapi"
)

// Large objects. Write of more than uploadConfig.threshold() bytes uploads
// the object as a multipart upload: parts are read from the caller's reader
// one after the other into at most concurrency buffers of partSize bytes,
// each part is sent with its Content-MD5 while the next ones are read, and
// the upload is completed only when every part is stored, so readers never
// see a partial object. Any failure, including cancellation of the context,
// aborts the upload. Memory is bounded by partSize x concurrency.
const (
	// defaultUploadThreshold: objects above 64 MiB go multipart.
	defaultUploadThreshold = 64 << 20
	// defaultPartSize is the part size of large writes, grown when an object
	// needs more than 10000 parts.
	defaultPartSize = 16 << 20
	// defaultUploadConcurrency is the number of parts in flight.
	defaultUploadConcurrency = 4
	// abortTimeout bounds the abort sent after a failure.
	abortTimeout = 30 * time.Second
)

// uploadConfig tunes large writes; zero fields mean the defaults.
type uploadConfig struct {
	Threshold   int64
	PartSize    int64
	Concurrency int
	// CopyPartSize is the part size of copies of sources above 5 GiB.
	CopyPartSize int64
}

func (c uploadConfig) threshold() int64 {
	if c.Threshold > 0 {
		return c.Threshold
	}
	return defaultUploadThreshold
}

// partSize returns the part size for an object of size bytes: the
// configured size, grown (in whole MiB) so that at most 10000 parts are needed.
func (c uploadConfig) partSize(size int64) int64 {
	p := int64(defaultPartSize)
	if c.PartSize > 0 {
		p = c.PartSize
	}
	return growPartSize(p, size)
}

// growPartSize returns p, or when size needs more than 10000 parts of p,
// the smallest whole number of MiB that fits size in 10000 parts.
func growPartSize(p, size int64) int64 {
	if need := (size + multipartNumberMaximum - 1) / multipartNumberMaximum; need > p {
		p = (need + 1<<20 - 1) &^ (1<<20 - 1)
	}
	return p
}

func (c uploadConfig) concurrency() int {
	if c.Concurrency > 0 {
		return c.Concurrency
	}
	return defaultUploadConcurrency
}

// largeWrite are the options of a large write.
type largeWrite struct {
	contentType  string
	storageClass string
	sseKey       []byte
	callback     func([]byte)
	wantMD5      []byte // content_md5 of the whole object, checked before completing
}

// writeLarge uploads size bytes of r to key k as a parallel multipart upload.
func (s *Storage) writeLarge(ctx context.Context, k string, r io.Reader, size int64, lw largeWrite) (int64, error) {
	init, err := s.client.InitiateMultipartUpload(ctx, s.name, k, &qsapi.InitiateMultipartUploadInput{
		ContentType: lw.contentType, StorageClass: lw.storageClass, SSECKey: lw.sseKey,
	})
	if err != nil {
		return 0, err
	}
	parts, whole, err := s.uploadParts(ctx, k, init.UploadID, r, size, lw)
	if err == nil && lw.wantMD5 != nil && !bytes.Equal(whole, lw.wantMD5) {
		err = fmt.Errorf("%w: the %d bytes written do not hash to content_md5", ErrContentMD5Mismatch, size)
	}
	if err == nil {
		_, err = s.client.CompleteMultipartUpload(ctx, s.name, k, init.UploadID, parts,
			&qsapi.CompleteMultipartUploadInput{ETag: `"` + hex.EncodeToString(whole) + `"`})
	}
	if err != nil {
		s.abortUpload(ctx, k, init.UploadID)
		return 0, err
	}
	return size, nil
}

// abortUpload abandons upload id of key k after a failure. The caller's
// context may be done, so the abort gets a fresh one (bounded by
// abortTimeout); its own failure is dropped in favour of the first error.
func (s *Storage) abortUpload(ctx context.Context, k, id string) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	_, _ = s.client.AbortMultipartUpload(actx, s.name, k, id)
}

// uploadParts reads r part by part and uploads the parts concurrently. It
// returns the completed parts in order and the MD5 of the whole object.
func (s *Storage) uploadParts(ctx context.Context, k, uploadID string, r io.Reader, size int64, lw largeWrite) ([]qsapi.CompletedPart, []byte, error) {
	psz := s.upload.partSize(size)
	n := int((size + psz - 1) / psz)
	parts := make([]qsapi.CompletedPart, n)
	conc := s.upload.concurrency()
	free := make(chan []byte, conc)
	for i := 0; i < conc && i < n; i++ {
		free <- nil // allocated on first use, at most min(psz, size)
	}
	whole := md5.New()
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(cctx)
	readErr := func() error {
		for i, left := 0, size; left > 0; i++ {
			var buf []byte
			select {
			case buf = <-free:
			case <-gctx.Done():
				return nil // the failing upload reports the error
			}
			m := min(psz, left)
			if buf == nil {
				buf = make([]byte, min(psz, size))
			}
			if err := readPart(r, buf[:m], whole, lw.callback); err != nil {
				cancel() // stop the parts in flight
				return err
			}
			left -= m
			num, data := i, buf[:m]
			g.Go(func() error {
				defer func() { free <- buf }()
				sum := md5.Sum(data)
				out, err := s.client.UploadPart(gctx, s.name, k, uploadID, num, bytes.NewReader(data),
					&qsapi.UploadPartInput{ContentLength: int64(len(data)), ContentMD5: sum[:], SSECKey: lw.sseKey})
				if err != nil {
					return err
				}
				parts[num] = qsapi.CompletedPart{PartNumber: num, ETag: out.ETag}
				return nil
			})
		}
		return nil
	}()
	err := g.Wait()
	if readErr != nil {
		return nil, nil, readErr
	}
	if err != nil {
		return nil, nil, err
	}
	if cerr := ctx.Err(); cerr != nil {
		return nil, nil, cerr
	}
	return parts, whole.Sum(nil), nil
}

// readPart fills buf from r, feeding the whole-object hash and the callback.
// A reader that ends early is an error.
func readPart(r io.Reader, buf []byte, h hash.Hash, cb func([]byte)) error {
	n, err := io.ReadFull(r, buf)
	if n > 0 {
		h.Write(buf[:n])
		if cb != nil {
			cb(buf[:n])
		}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: the reader ended after fewer bytes than size", ErrSizeInvalid)
	}
	return err
}
