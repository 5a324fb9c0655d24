// Command gen generates the repetitive code of qsgo from one definition: the
// go-storage surface of package types (Object and StorageMeta accessors,
// operation interfaces with their WithContext twins, Unimplemented stubs,
// iterators), the pair constructors of package pairs, and a service's
// generated.go from the service.json in its directory. See README.md.
//
// Usage (from go:generate, in the package directory):
//
//	go run ../internal/gen types      # writes generated.go of package types
//	go run ../internal/gen pairs      # writes generated.go of package pairs
//	go run ../../internal/gen service # reads service.json, writes generated.go
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: gen types|pairs|service")
	}
	switch args[0] {
	case "types":
		return genTypes("generated.go")
	case "pairs":
		return genPairs("generated.go")
	case "service":
		return genServiceFile("service.json", "generated.go")
	default:
		return fmt.Errorf("unknown target %q (want types, pairs or service)", args[0])
	}
}
