package main

import "github.com/spf13/cobra"

func init() { subcommands = append(subcommands, newCatCmd) }

func newCatCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "cat qs://BUCKET/KEY",
		Short: "Write an object to standard output",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a := appOf(cmd)
			l, err := mustRemote(args[0])
			if err != nil {
				return err
			}
			if l.isDir() {
				return usagef("cat: %s names a directory, not an object", l)
			}
			s, err := a.storage(l.Bucket)
			if err != nil {
				return err
			}
			_, err = s.ReadWithContext(cmd.Context(), l.Key, a.stdout)
			return wrapOp("cat", l.String(), err)
		},
	}
}
