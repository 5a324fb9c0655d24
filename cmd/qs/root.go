package main

import (
	"github.com/spf13/cobra"
)

// subcommands lists the constructors of qs's subcommands; each command's
// file adds itself from an init function, so commands stay one file each.
var subcommands []func() *cobra.Command

// newRootCmd builds the qs command tree.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "qs",
		Short:         "QingStor object storage from the command line, and a local QingStor-compatible server",
		SilenceUsage:  true,
		SilenceErrors: false,
	}
	for _, f := range subcommands {
		root.AddCommand(f())
	}
	return root
}
