package main

import (
	"github.com/spf13/cobra"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/types"
)

func init() { subcommands = append(subcommands, newMbCmd) }

func newMbCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "mb qs://BUCKET",
		Short: "Make a bucket (in --zone, or the configured zone)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a := appOf(cmd)
			l, err := mustRemote(args[0])
			if err != nil {
				return err
			}
			if l.Key != "" {
				return usagef("mb: give a bucket URL (qs://bucket), not a key")
			}
			rem, err := a.remote()
			if err != nil {
				return err
			}
			svc, err := rem.servicer()
			if err != nil {
				return err
			}
			var ps []types.Pair
			if rem.zone != "" {
				ps = append(ps, pairs.WithLocation(rem.zone))
			}
			if _, err := svc.CreateWithContext(cmd.Context(), l.Bucket, ps...); err != nil {
				return wrapOp("mb", l.String(), err)
			}
			a.say(false, "made bucket %s", l)
			return nil
		},
	}
}
