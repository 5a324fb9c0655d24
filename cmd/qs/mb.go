package main

import (
	"context"

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
			if err := makeBucket(cmd.Context(), rem, l.Bucket); err != nil {
				return wrapOp("mb", l.String(), err)
			}
			a.say(false, "made bucket %s", l)
			return nil
		},
	}
}

// makeBucket creates bucket in the configured zone through the go-storage
// servicer; without a zone it asks the wire client, whose request goes to
// the endpoint as given (a local server then uses its default zone).
func makeBucket(ctx context.Context, rem *remote, bucket string) error {
	if rem.zone == "" && rem.api != nil {
		_, err := rem.api.PutBucket(ctx, bucket)
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
	_, err = svc.CreateWithContext(ctx, bucket, ps...)
	return err
}
