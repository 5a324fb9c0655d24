// Package services is the registry of go-storage services, the parser of
// connection strings, and the error codes and error structs every service
// returns.
//
// A service package registers its constructors and its pair schema from
// init(), so a program blank-imports it and opens storages by type or by
// connection string:
//
//	store, err := services.NewStoragerFromString("memory://bucket/work/?enable_virtual_dir")
//
// Errors compare with errors.Is against the codes (ErrObjectNotExist, ...) and
// carry context in InitError, ServiceError and StorageError (errors.As).
package services
