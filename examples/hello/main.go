// Command hello writes, stats and lists objects through the go-storage API
// on QingStor, checking every error. Give it a connection string:
//
//	QINGSTOR_CONNECTION_STRING='qingstor://bucket-name/?credential=hmac:AK:SK&endpoint=https:qingstor.com:443' go run .
//
// (qs serve prints one for a local server.)
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	_ "github.com/qsgo/qsgo/services/qingstor" // registers "qingstor"
	"github.com/qsgo/qsgo/types"
)

func main() {
	cs := os.Getenv("QINGSTOR_CONNECTION_STRING")
	if cs == "" {
		log.Fatal("set QINGSTOR_CONNECTION_STRING, e.g. qingstor://bucket-name/?credential=hmac:AK:SK&endpoint=https:qingstor.com:443")
	}
	if err := run(cs, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run writes hello.txt, stats a missing object and lists the top level.
func run(connectionString string, out io.Writer) error {
	store, err := services.NewStoragerFromString(connectionString)
	if err != nil {
		return err
	}
	n, err := store.Write("hello.txt", strings.NewReader("hi"), 2, pairs.WithContentType("text/plain"))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %d bytes\n", n)

	_, err = store.Stat("missing")
	switch {
	case errors.Is(err, services.ErrObjectNotExist):
		fmt.Fprintln(out, "missing: no such object")
	case err != nil:
		return err
	}

	it, err := store.List("", pairs.WithListMode(types.ListModeDir))
	if err != nil {
		return err
	}
	for {
		o, err := it.Next()
		if errors.Is(err, types.IterateDone) {
			return nil
		}
		if err != nil {
			return err
		}
		size, _ := o.GetContentLength() // directories have none
		fmt.Fprintf(out, "%s %d %v\n", o.Path, size, o.Mode)
	}
}
