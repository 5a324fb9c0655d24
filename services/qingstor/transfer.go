package qingstor

import (
	"context"
	"fmt"
	"strings"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/types"
)

// copy copies src to dst on the server (one request for sources up to
// 5 GiB, part copies above), overwriting dst. The copy source header is QS-escaped by qsapi ("/" kept,
// space as %20, "+" as %2B). SSE-C pairs encrypt dst; copy_source_* pairs
// open an encrypted src.
func (s *Storage) copy(ctx context.Context, src string, dst string, opt pairStorageCopy) error {
	return s.copyFrom(ctx, s, src, dst, opt)
}

// CopyFrom copies the object at srcPath of src, a storage of another bucket
// (or of the same one) of the same account, to dstPath of s, on the server:
// no byte passes through the client. It takes the pairs of Copy and works
// as Copy does: one request for sources up to 5 GiB, above that a multipart
// upload of dstPath whose parts the server copies from ranges of the source
// (see partcopy.go), aborted on any failure. src may be in another zone:
// it is asked for the source's size, s sends the copies.
func (s *Storage) CopyFrom(ctx context.Context, src *Storage, srcPath, dstPath string, pairs ...types.Pair) (err error) {
	defer func() {
		if err != nil {
			err = s.formatError("copy", err, srcPath, dstPath)
		}
	}()
	if src == nil {
		return fmt.Errorf("%w: nil source storage", ErrPathInvalid)
	}
	pairs = append(pairs[:len(pairs):len(pairs)], s.defaultPairs.Copy...)
	opt, err := s.parsePairStorageCopy(pairs)
	if err != nil {
		return err
	}
	return s.copyFrom(ctx, src, strings.ReplaceAll(srcPath, "\\", "/"), strings.ReplaceAll(dstPath, "\\", "/"), opt)
}

// copyFrom copies src's object at srcPath to dstPath of s.
func (s *Storage) copyFrom(ctx context.Context, src *Storage, srcPath, dstPath string, opt pairStorageCopy) error {
	sk, err := src.fileKey(srcPath)
	if err != nil {
		return err
	}
	dk, err := s.fileKey(dstPath)
	if err != nil {
		return err
	}
	key, err := sseKey(opt.HasEncryptionCustomerAlgorithm, opt.EncryptionCustomerAlgorithm, opt.HasEncryptionCustomerKey, opt.EncryptionCustomerKey)
	if err != nil {
		return err
	}
	srcKey, err := copySourceKey(opt)
	if err != nil {
		return err
	}
	p, err := s.upload.plan(opt.HasPartSize, opt.PartSize, opt.HasPartConcurrency, opt.PartConcurrency)
	if err != nil {
		return err
	}
	if err := s.checkNotDir(ctx, dk); err != nil {
		return err
	}
	_, err = s.client.CopyObject(ctx, s.name, dk, &qsapi.CopyObjectInput{
		SourceBucket: src.name, SourceKey: sk, SourceSSECKey: srcKey, SSECKey: key,
	})
	if isTooLarge(err) {
		return s.copyLarge(ctx, src, sk, dk, srcKey, key, p) // see partcopy.go
	}
	return err
}

// move renames src to dst on the server, keeping metadata and encryption.
func (s *Storage) move(ctx context.Context, src string, dst string, _ pairStorageMove) error {
	sk, err := s.fileKey(src)
	if err != nil {
		return err
	}
	dk, err := s.fileKey(dst)
	if err != nil {
		return err
	}
	if err := s.checkNotDir(ctx, dk); err != nil {
		return err
	}
	_, err = s.client.MoveObject(ctx, s.name, dk, s.name, sk)
	return err
}

// fetch makes the server download url into path (below the work dir like
// every other path).
func (s *Storage) fetch(ctx context.Context, path string, url string, _ pairStorageFetch) error {
	k, err := s.fileKey(path)
	if err != nil {
		return err
	}
	_, err = s.client.FetchObject(ctx, s.name, k, url)
	return err
}
