package main

import (
	"github.com/spf13/cobra"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/types"
)

func init() { subcommands = append(subcommands, newRbCmd) }

func newRbCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "rb qs://BUCKET",
		Short: "Remove a bucket (--force: with everything in it)",
		Long: `Remove an empty bucket. With --force, every object is deleted and every
unfinished multipart upload aborted first.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a := appOf(cmd)
			ctx := cmd.Context()
			l, err := mustRemote(args[0])
			if err != nil {
				return err
			}
			if l.Key != "" {
				return usagef("rb: give a bucket URL (qs://bucket), not a key")
			}
			rem, err := a.remote()
			if err != nil {
				return err
			}
			if force {
				s, err := rem.storage(l.Bucket)
				if err != nil {
					return err
				}
				if _, err := a.removeAll(ctx, s, l, 8, nil, false); err != nil {
					return wrapOp("rb --force", l.String(), err)
				}
				if _, ok := s.(types.Multiparter); ok {
					if _, err := a.abortUploads(ctx, s, location{Remote: true, Bucket: l.Bucket}, 0, false); err != nil {
						return wrapOp("rb --force", l.String(), err)
					}
				}
			}
			svc, err := rem.servicer()
			if err != nil {
				return err
			}
			var ps []types.Pair
			if rem.zone != "" {
				ps = append(ps, pairs.WithLocation(rem.zone))
			}
			if err := svc.DeleteWithContext(ctx, l.Bucket, ps...); err != nil {
				return wrapOp("rb", l.String(), err)
			}
			a.say(false, "removed bucket %s", l)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "delete all objects and unfinished uploads first")
	return cmd
}
