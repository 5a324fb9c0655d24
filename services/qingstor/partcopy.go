package qingstor

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/qsgo/qsgo/qsapi"
)

// Copies of sources above 5 GiB. QingStor copies at most 5 GiB in one
// request; a larger source is copied as a multipart upload of dst whose
// parts are copied on the server from ranges of src (X-QS-Copy-Range), so
// no byte passes through the client.
//
// Decision: Copy first sends the single-request copy and falls back to part
// copy when the server refuses it with entity_too_large, the code
// QingStor's error table gives to bodies above the 5 GB limit (its copy
// page names no code; qslocal answers that). Small copies, by far the
// common case, so cost one request and no HEAD.
const (
	// defaultCopyPartSize is the part size of large copies (grown when
	// 10000 parts would not do); parts are copied on the server, so the
	// size costs no client memory.
	defaultCopyPartSize = 1 << 30
)

// copyPartSize returns the part size of a copy of a size-byte source.
func (c uploadConfig) copyPartSize(size int64) int64 {
	p := int64(defaultCopyPartSize)
	if c.CopyPartSize > 0 {
		p = c.CopyPartSize
	}
	return growPartSize(p, size)
}

// isTooLarge reports whether err is the server refusing a body or copy
// source above its single-request limit.
func isTooLarge(err error) bool {
	qe, ok := qsapi.AsError(err)
	return ok && qe.Code == "entity_too_large"
}

// copyLarge copies key sk of bucket src to key dk of s with a multipart
// upload filled by part copies, p.concurrency parts at a time (parts of
// p.partSize when part_size was given, else of the copy part size). dst
// gets src's content type, storage class and user metadata (links stay
// links), and src's ETag when that is a plain MD5 (same bytes, same
// digest). dstKey encrypts dst, srcKey opens an encrypted src. Any failure,
// cancellation included, aborts the upload: dst is replaced only when every
// part is copied.
func (s *Storage) copyLarge(ctx context.Context, src *Storage, sk, dk string, srcKey, dstKey []byte, p plan) error {
	m, err := src.client.HeadObject(ctx, src.name, sk, &qsapi.HeadObjectInput{SSECKey: srcKey})
	if err != nil {
		return err
	}
	size := m.ContentLength
	if size > maxObjectSize {
		return fmt.Errorf("%w: source of %d bytes is larger than QingStor's largest object", ErrSizeInvalid, size)
	}
	init, err := s.client.InitiateMultipartUpload(ctx, s.name, dk, &qsapi.InitiateMultipartUploadInput{
		ContentType: m.ContentType, StorageClass: m.StorageClass, Metadata: m.Metadata, SSECKey: dstKey,
	})
	if err != nil {
		return err
	}
	psz := s.upload.copyPartSize(size)
	if p.custom {
		psz = growPartSize(p.partSize, size)
	}
	n := int((size + psz - 1) / psz)
	parts := make([]qsapi.CompletedPart, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.concurrency)
	for i := 0; i < n && gctx.Err() == nil; i++ { // stop starting parts once one failed
		start := int64(i) * psz
		end := min(start+psz, size) - 1
		g.Go(func() error {
			out, err := s.client.UploadPartCopy(gctx, s.name, dk, init.UploadID, i, &qsapi.UploadPartCopyInput{
				SourceBucket: src.name, SourceKey: sk, RangeStart: start, RangeEnd: end, HasRange: true,
				SourceSSECKey: srcKey, SSECKey: dstKey,
			})
			if err != nil {
				return err
			}
			parts[i] = qsapi.CompletedPart{PartNumber: i, ETag: out.ETag}
			return nil
		})
	}
	err = g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		in := &qsapi.CompleteMultipartUploadInput{SSECKey: dstKey}
		if plainMD5(m.ETag) != "" {
			in.ETag = m.ETag
		}
		_, err = s.client.CompleteMultipartUpload(ctx, s.name, dk, init.UploadID, parts, in)
	}
	if err != nil {
		s.abortUpload(ctx, dk, init.UploadID)
		return err
	}
	return nil
}
