// Command qs is the qsgo command-line tool: object operations against
// QingStor (or a local qslocal server), "qs serve", which runs qslocal, and
// "qs demo", which runs the whole go-storage API against an in-process
// qslocal and checks every result.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(qsMain())
}

// qsMain runs qs with the process's arguments and standard streams and
// returns the exit code; tests register it as the "qs" command.
func qsMain() int {
	return run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

// run executes one qs command line. SIGINT and SIGTERM cancel the context,
// which stops transfers and aborts unfinished multipart uploads. Errors are
// printed once, as "qs: <what failed>: <why>".
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	root, a := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		if !a.ran {
			err = usageError{err}
		}
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "qs: interrupted")
			return exitInterrupted
		}
		fmt.Fprintf(stderr, "qs: %s\n", err)
	}
	a.close()
	return exitCode(err)
}
