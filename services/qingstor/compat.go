package qingstor

import (
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// Names go-service-qingstor v3 exported besides its generated pairs, kept
// with the same types so that ported code compiles after the import
// rewrite alone (compat_test.go pins every one of them).

// QingStor's storage classes, the values of the storage_class pair.
const (
	// StorageClassStandard is the default storage class.
	StorageClassStandard = qsapi.StorageClassStandard
	// StorageClassStandardIA is the infrequent-access storage class.
	StorageClassStandardIA = qsapi.StorageClassStandardIA
)

// SseCustomerAlgorithmAes256 is the one SSE-C algorithm QingStor accepts, the
// value for WithEncryptionCustomerAlgorithm and
// WithCopySourceEncryptionCustomerAlgorithm (go-service-qingstor v3 exported
// it under this name, untyped).
const SseCustomerAlgorithmAes256 = qsapi.SSECAlgorithm

var (
	// ErrEncryptionCustomerKeyInvalid is returned, before any request is
	// sent, when an SSE-C pair is unusable: an algorithm other than AES256,
	// a key that is not 32 bytes, a key MD5 that does not match the key.
	// It is the same code as ErrInvalidEncryptionCustomerKey.
	ErrEncryptionCustomerKeyInvalid = ErrInvalidEncryptionCustomerKey
	// ErrAppendNextPositionEmpty is returned by CreateAppend and WriteAppend
	// when the server acknowledges an append without saying the next append
	// position (X-QS-Next-Append-Position), so the object's size is unknown.
	ErrAppendNextPositionEmpty = services.NewErrorCode("next append position is empty")
)

// IsBucketNameValid reports whether s follows QingStor's bucket naming
// rule: 6 to 63 characters of [a-z0-9-], starting and ending with a letter
// or digit. NewStorager and Service.Create refuse other names with
// ErrBucketNameInvalid.
func IsBucketNameValid(s string) bool { return checkBucketName(s) == nil }

// ObjectMetadata is the name go-service-qingstor v3.0.0 gave to
// ObjectSystemMetadata.
//
// Deprecated: use ObjectSystemMetadata.
type ObjectMetadata = ObjectSystemMetadata

// GetObjectMetadata returns the ObjectSystemMetadata of o, the zero value
// when o has none (the name of go-service-qingstor v3.0.0).
//
// Deprecated: use GetObjectSystemMetadata.
func GetObjectMetadata(o *types.Object) ObjectMetadata { return GetObjectSystemMetadata(o) }
