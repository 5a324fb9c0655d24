// Package types is the go-storage v4 contract: the Storager and Servicer
// interfaces and the optional capability interfaces (Appender, Copier, ...),
// Object, Pair, object and list modes, page iterators and StorageMeta.
//
// It is source-compatible with github.com/beyondstorage/go-storage/v4/types
// (v4.8.0). Services implement the interfaces by embedding the matching
// Unimplemented<Name> structs; most of this package is generated from the
// definitions in internal/gen (see generated.go).
package types

//go:generate go run ../internal/gen types
