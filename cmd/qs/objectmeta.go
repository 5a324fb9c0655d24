package main

import "github.com/qsgo/qsgo/types"

// objectStorageClass returns the storage class the service reported for o.
func objectStorageClass(o *types.Object) string { return "" }

// objectEncryption returns the SSE-C algorithm of o, empty if unencrypted.
func objectEncryption(o *types.Object) string { return "" }
