package qingstor

import (
	"context"

	"github.com/qsgo/qsgo/qsapi"
)

// copy copies src to dst on the server (one request for sources up to
// 5 GiB, part copies above), overwriting dst. The copy source header is QS-escaped by qsapi ("/" kept,
// space as %20, "+" as %2B). SSE-C pairs encrypt dst; copy_source_* pairs
// open an encrypted src.
func (s *Storage) copy(ctx context.Context, src string, dst string, opt pairStorageCopy) error {
	sk, err := s.fileKey(src)
	if err != nil {
		return err
	}
	dk, err := s.fileKey(dst)
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
	if err := s.checkNotDir(ctx, dk); err != nil {
		return err
	}
	_, err = s.client.CopyObject(ctx, s.name, dk, &qsapi.CopyObjectInput{
		SourceBucket: s.name, SourceKey: sk, SourceSSECKey: srcKey, SSECKey: key,
	})
	if isTooLarge(err) {
		return s.copyLarge(ctx, sk, dk, srcKey, key) // see partcopy.go
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
