package main

import (
	"io"

	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newTeeCmd) }

func newTeeCmd() *cobra.Command {
	var f copyFlags
	cmd := &cobra.Command{
		Use:   "tee qs://BUCKET/KEY",
		Short: "Copy standard input to standard output and to an object",
		Long: `Copy standard input to standard output and upload it to the object at the
same time. Input longer than --part-size is uploaded in parts; at most
--concurrency parts are held in memory.`,
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
			x, err := newXfer(&f)
			if err != nil {
				return err
			}
			s, err := a.storage(l.Bucket)
			if err != nil {
				return err
			}
			_, err = uploadStream(cmd.Context(), s, l.Key, io.TeeReader(a.stdin, a.stdout), x, "stdin")
			return wrapOp("tee", l.String(), err)
		},
	}
	f.register(cmd)
	cmd.Flags().MarkHidden("recursive")
	return cmd
}
