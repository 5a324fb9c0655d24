package main

import "github.com/spf13/cobra"

func init() { subcommands = append(subcommands, newMvCmd) }

func newMvCmd() *cobra.Command {
	var f copyFlags
	cmd := &cobra.Command{
		Use:   "mv SOURCE DEST",
		Short: "Move files and objects (copy, then delete the source)",
		Long: `Move a file or object: like cp, then the source is deleted once its copy
is complete. Remote to remote moves happen on the server (a rename). With
-r, everything under a local directory or key prefix is moved (see
"Recursive commands" in qs --help), as the filters below select.

` + objectHelp + "\n\n" + linksHelp + "\n\n" + filterHelp,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return appOf(cmd).transfer(cmd.Context(), "mv", args[0], args[1], &f, true)
		},
	}
	f.register(cmd)
	f.registerTree(cmd)
	return cmd
}
