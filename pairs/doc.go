// Package pairs holds the constructors of the global pairs (options) of
// go-storage v4: WithSize, WithOffset, WithIoCallback, ... Each returns a
// types.Pair whose Value is the argument, unconverted. The constructors are
// generated from internal/gen (see generated.go).
package pairs

//go:generate go run ../internal/gen pairs
