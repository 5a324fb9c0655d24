package qingstor

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"

	"github.com/qsgo/qsgo/qsapi"
)

// sseKey validates the SSE-C pairs of one operation and returns the key to
// send (nil: none). The algorithm must be AES256 (it may be left out when a
// key is given); the key must be 32 bytes; an algorithm without a key is an
// error. Nothing of the key appears in the error.
func sseKey(hasAlg bool, alg string, hasKey bool, key []byte) ([]byte, error) {
	if hasAlg && alg != qsapi.SSECAlgorithm {
		return nil, fmt.Errorf("%w: algorithm %q is not supported, only %s", ErrInvalidEncryptionCustomerKey, alg, qsapi.SSECAlgorithm)
	}
	if !hasKey {
		if hasAlg {
			return nil, fmt.Errorf("%w: an algorithm is given without a key", ErrInvalidEncryptionCustomerKey)
		}
		return nil, nil
	}
	if len(key) != qsapi.SSECKeySize {
		return nil, fmt.Errorf("%w: key must be %d bytes, got %d", ErrInvalidEncryptionCustomerKey, qsapi.SSECKeySize, len(key))
	}
	return key, nil
}

// copySourceKey validates the copy_source_* SSE-C pairs: as sseKey, and a
// given key MD5 must be the base64 MD5 of the key.
func copySourceKey(opt pairStorageCopy) ([]byte, error) {
	key, err := sseKey(opt.HasCopySourceEncryptionCustomerAlgorithm, opt.CopySourceEncryptionCustomerAlgorithm,
		opt.HasCopySourceEncryptionCustomerKey, opt.CopySourceEncryptionCustomerKey)
	if err != nil {
		return nil, fmt.Errorf("copy source: %w", err)
	}
	if opt.HasCopySourceEncryptionCustomerKeyMd5 {
		if key == nil {
			return nil, fmt.Errorf("copy source: %w: a key MD5 is given without a key", ErrInvalidEncryptionCustomerKey)
		}
		sum := md5.Sum(key)
		if opt.CopySourceEncryptionCustomerKeyMd5 != base64.StdEncoding.EncodeToString(sum[:]) {
			return nil, fmt.Errorf("copy source: %w: the key MD5 does not match the key", ErrInvalidEncryptionCustomerKey)
		}
	}
	return key, nil
}
