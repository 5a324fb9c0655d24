package main

import (
	"io"

	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newTeeCmd) }

func newTeeCmd() *cobra.Command {
	var f copyFlags
	var echo bool
	cmd := &cobra.Command{
		Use:   "tee qs://BUCKET/KEY",
		Short: "Upload standard input to an object (--echo: and copy it to standard output)",
		Long: `Upload standard input to the object as it arrives, printing nothing, as qsctl's
tee does; --echo also copies the input to standard output, as tee(1) does.
Input longer than --part-size is uploaded in parts; at most --concurrency
parts are held in memory.

` + objectHelp,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a := appOf(cmd)
			l, err := mustRemote(args[0])
			if err != nil {
				return err
			}
			if l.isDir() {
				return usagef("tee: give an object key, not the directory %s", l)
			}
			// No progress display: standard output carries the data.
			x, err := newXfer(cmd.Context(), &f)
			if err != nil {
				return err
			}
			s, err := a.storage(l.Bucket)
			if err != nil {
				return err
			}
			in := a.stdin
			if echo {
				in = io.TeeReader(a.stdin, a.stdout)
			}
			_, err = uploadStream(cmd.Context(), s, l.Key, in, x, "stdin")
			return wrapOp("tee", l.String(), err)
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&echo, "echo", false, "copy standard input to standard output too")
	cmd.Flags().MarkHidden("recursive")
	return cmd
}
