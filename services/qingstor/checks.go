package qingstor

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"

	"github.com/qsgo/qsgo/qsapi"
)

// contentMD5 decodes the content_md5 pair (base64 of the 16-byte digest).
func contentMD5(has bool, v string) ([]byte, error) {
	if !has {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) != md5.Size {
		return nil, fmt.Errorf("%w: %q is not the base64 of a 16-byte MD5", ErrContentMD5Invalid, v)
	}
	return b, nil
}

// checkStorageClass accepts QingStor's storage classes, STANDARD and
// STANDARD_IA, so that a typo fails before any request.
func checkStorageClass(has bool, v string) error {
	if !has || v == qsapi.StorageClassStandard || v == qsapi.StorageClassStandardIA {
		return nil
	}
	return fmt.Errorf("%w: %q is not %s or %s", ErrStorageClassInvalid, v, qsapi.StorageClassStandard, qsapi.StorageClassStandardIA)
}
