package services_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	_ "github.com/qsgo/qsgo/services/memory" // registers "memory"; services/qingstor registers "qingstor"
	"github.com/qsgo/qsgo/types"
)

// Open a storage from a connection string, then write, read and list.
func ExampleNewStoragerFromString() {
	store, err := services.NewStoragerFromString("memory://example-bucket/work/")
	if err != nil {
		fmt.Println("open:", err)
		return
	}
	if _, err := store.Write("hello.txt", strings.NewReader("hello, world"), 12, pairs.WithContentType("text/plain")); err != nil {
		fmt.Println("write:", err)
		return
	}
	var buf bytes.Buffer
	n, err := store.Read("hello.txt", &buf, pairs.WithOffset(7), pairs.WithSize(5))
	fmt.Println(n, buf.String(), err)

	it, err := store.List("")
	if err != nil {
		fmt.Println("list:", err)
		return
	}
	for {
		o, err := it.Next()
		if errors.Is(err, types.IterateDone) {
			break
		}
		if err != nil {
			fmt.Println("next:", err)
			return
		}
		fmt.Println(o.Path, o.MustGetContentLength())
	}
	fmt.Println(store.Metadata().WorkDir)
	// Output:
	// 5 world <nil>
	// hello.txt 12
	// /work/
}

// Errors carry a code (errors.Is) and their context (errors.As).
func ExampleStorageError() {
	store, err := services.NewStoragerFromString("memory://example-errors/")
	if err != nil {
		fmt.Println("open:", err)
		return
	}
	_, err = store.Stat("missing")
	fmt.Println(errors.Is(err, services.ErrObjectNotExist))
	var se services.StorageError
	if errors.As(err, &se) {
		fmt.Println(se.Op, se.Path)
	}
	// Unsupported pairs are refused unless the storage was opened with enable_loose_pair.
	_, err = store.Stat("missing", pairs.WithSize(1))
	fmt.Println(errors.Is(err, services.ErrCapabilityInsufficient))
	// Output:
	// true
	// stat [missing]
	// true
}

// Malformed connection strings give an InitError wrapping ErrConnectionStringInvalid.
func ExampleNewStoragerFromString_invalid() {
	_, err := services.NewStoragerFromString("memory://bucket?no_such_pair=1")
	fmt.Println(errors.Is(err, services.ErrConnectionStringInvalid))
	fmt.Println(err)
	_, err = services.NewStoragerFromString("unknown://bucket")
	fmt.Println(errors.Is(err, services.ErrServiceNotRegistered))
	// Output:
	// true
	// memory new_storager: []: connection string is invalid: pair not registered: no_such_pair
	// true
}

// Services define their own codes; codes with the same text are equal.
func ExampleNewErrorCode() {
	errBusy := services.NewErrorCode("bucket busy")
	err := fmt.Errorf("create: %w", errBusy)
	fmt.Println(errors.Is(err, services.NewErrorCode("bucket busy")))
	// Output: true
}
