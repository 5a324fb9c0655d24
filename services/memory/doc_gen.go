package memory

// generated.go comes from service.json (see internal/gen/README.md).
//go:generate go run ../../internal/gen service
