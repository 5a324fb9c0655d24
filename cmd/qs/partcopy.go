package main

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/qsgo/qsgo/qsapi"
)

// Copies between buckets of sources above 5 GiB. QingStor copies at most
// 5 GiB in one request and refuses more with entity_too_large; such a copy
// becomes a multipart upload of the destination whose parts the server
// copies from ranges of the source (X-QS-Copy-Range), so no byte passes
// through qs. Within one bucket services/qingstor's Copy does the same.
//
// Decision: the single request is tried first and part copy is the
// fallback on entity_too_large (as services/qingstor does), so the common
// small copy costs one request and no HEAD.
const (
	// defaultCopyPartSize is the part size of part copies (raised when
	// 10000 parts would not do): parts cost no client memory, so they are
	// large to keep the request count low.
	defaultCopyPartSize = 1 << 30
)

// copyPartSizeFor returns the part size of a part copy of size bytes.
func (x *xfer) copyPartSizeFor(size int64) int64 {
	ps := x.copyPartSize
	if ps <= 0 {
		ps = defaultCopyPartSize
	}
	return fitParts(ps, size)
}

// isTooLarge reports whether err is the server refusing a copy source
// above its single-request limit.
func isTooLarge(err error) bool {
	qe, ok := qsapi.AsError(err)
	return ok && qe.Code == "entity_too_large"
}

// copyByParts copies src to dst (other buckets) part by part on the server,
// x.concurrency parts at a time. dst gets src's content type, storage class
// and user metadata. srcAPI and dstAPI are the wire clients of the two
// buckets' zones. Any failure, cancellation included, aborts the upload, so
// dst is replaced only when every part was copied.
func copyByParts(ctx context.Context, srcAPI, dstAPI *qsapi.Client, src, dst location, x *xfer) error {
	m, err := srcAPI.HeadObject(ctx, src.Bucket, src.Key, &qsapi.HeadObjectInput{})
	if err != nil {
		return err
	}
	size := m.ContentLength
	init, err := dstAPI.InitiateMultipartUpload(ctx, dst.Bucket, dst.Key, &qsapi.InitiateMultipartUploadInput{
		ContentType: m.ContentType, StorageClass: m.StorageClass, Metadata: m.Metadata,
	})
	if err != nil {
		return err
	}
	b := x.prog.file(src.String(), size)
	ps := x.copyPartSizeFor(size)
	n := int((size + ps - 1) / ps)
	parts := make([]qsapi.CompletedPart, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(x.concurrency)
	for i := range n {
		start := int64(i) * ps
		end := min(start+ps, size) - 1
		g.Go(func() error {
			out, err := dstAPI.UploadPartCopy(gctx, dst.Bucket, dst.Key, init.UploadID, i, &qsapi.UploadPartCopyInput{
				SourceBucket: src.Bucket, SourceKey: src.Key, RangeStart: start, RangeEnd: end, HasRange: true,
			})
			if err != nil {
				return fmt.Errorf("copy part %d (bytes %d-%d): %w", i, start, end, err)
			}
			parts[i] = qsapi.CompletedPart{PartNumber: i, ETag: out.ETag}
			b.add(int(end - start + 1))
			return nil
		})
	}
	err = g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		_, err = dstAPI.CompleteMultipartUpload(ctx, dst.Bucket, dst.Key, init.UploadID, parts, &qsapi.CompleteMultipartUploadInput{})
	}
	b.done(err)
	if err != nil {
		actx, cancel := abortCtx(ctx)
		defer cancel()
		if _, aerr := dstAPI.AbortMultipartUpload(actx, dst.Bucket, dst.Key, init.UploadID); aerr != nil {
			return fmt.Errorf("%w (and aborting multipart upload %s failed: %v)", err, init.UploadID, aerr)
		}
		return err
	}
	return nil
}
