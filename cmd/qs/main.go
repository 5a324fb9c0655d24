// Command qs is the qsgo command-line tool: object operations against
// QingStor (or a local qslocal server) and "qs serve", which runs qslocal.
package main

import (
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		os.Exit(1)
	}
}
