package main

import (
	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

// objectStorageClass returns the storage class the service reported for o
// (QingStor only; empty otherwise).
func objectStorageClass(o *types.Object) string {
	return qingstor.GetObjectSystemMetadata(o).StorageClass
}

// objectEncryption returns the SSE-C algorithm of o, empty if unencrypted.
func objectEncryption(o *types.Object) string {
	return qingstor.GetObjectSystemMetadata(o).EncryptionCustomerAlgorithm
}
