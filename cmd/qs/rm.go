package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/qsgo/qsgo/types"
)

func init() { subcommands = append(subcommands, newRmCmd) }

func newRmCmd() *cobra.Command {
	var recursive bool
	var concurrency int
	cmd := &cobra.Command{
		Use:   "rm qs://BUCKET/KEY...",
		Short: "Delete objects",
		Long: `Delete objects. Removing an object that does not exist is an error. With -r,
every object under the key prefix is deleted.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("rm needs at least one qs://bucket/key")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			a := appOf(cmd)
			locs := make([]location, len(args))
			for i, arg := range args {
				l, err := mustRemote(arg)
				if err != nil {
					return err
				}
				if !recursive && l.isDir() {
					return usagef("rm: %s is a directory (key prefix); use -r", l)
				}
				locs[i] = l
			}
			rem, err := a.remote()
			if err != nil {
				return err
			}
			for _, l := range locs {
				s, err := rem.storage(l.Bucket)
				if err != nil {
					return err
				}
				if recursive {
					n, err := a.removeAll(cmd.Context(), s, l, concurrency)
					if err != nil {
						return wrapOp("rm -r", l.String(), err)
					}
					if n == 0 {
						return wrapOp("rm -r", l.String(), fmt.Errorf("no objects under this prefix"))
					}
					continue
				}
				if _, err := s.StatWithContext(cmd.Context(), l.Key); err != nil {
					return wrapOp("rm", l.String(), err)
				}
				if err := s.DeleteWithContext(cmd.Context(), l.Key); err != nil {
					return wrapOp("rm", l.String(), err)
				}
				a.say(false, "deleted %s", l)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&recursive, "recursive", "r", false, "delete every object under the key prefix")
	cmd.Flags().IntVar(&concurrency, "concurrency", 8, "deletions in parallel")
	return cmd
}

// removeAll deletes every object under l's prefix (directory markers
// included), conc at a time, and returns how many it deleted.
func (a *app) removeAll(ctx context.Context, s types.Storager, l location, conc int) (int, error) {
	prefix := dirPrefix(l.Key)
	var keys []string
	err := walkRemoteAll(ctx, s, prefix, func(key string) { keys = append(keys, key) })
	if err != nil {
		return 0, err
	}
	if conc < 1 {
		conc = 1
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(conc)
	var mu sync.Mutex
	n := 0
	for _, k := range keys {
		g.Go(func() error {
			if err := deleteKey(gctx, s, k); err != nil {
				return fmt.Errorf("%s%s/%s: %w", scheme, l.Bucket, k, err)
			}
			mu.Lock()
			n++
			mu.Unlock()
			a.say(false, "deleted %s%s/%s", scheme, l.Bucket, k)
			return nil
		})
	}
	return n, g.Wait()
}
