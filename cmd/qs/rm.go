package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/qsgo/qsgo/types"
)

func init() { subcommands = append(subcommands, newRmCmd) }

func newRmCmd() *cobra.Command {
	var recursive, dryRun, uploads bool
	var olderThan time.Duration
	var concurrency int
	var ff filterFlags
	cmd := &cobra.Command{
		Use:   "rm qs://BUCKET/KEY...",
		Short: "Delete objects",
		Long: `Delete objects. Removing an object that does not exist is an error. With -r,
every object under the key taken as a directory is deleted (qs://b/logs means
qs://b/logs/, see qs --help), as the filters select; given filters, directory
markers are left in place (files only are deleted, as rclone delete does).
--dry-run (-n) prints what would be deleted.

` + uploadsHelp + `

` + filterHelp,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("rm needs at least one qs://bucket/key")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			a := appOf(cmd)
			if uploads {
				return a.rmUploads(cmd.Context(), args, olderThan, dryRun, recursive || ff.flt.active())
			}
			if olderThan != 0 {
				return usagef("rm: --older-than needs --uploads")
			}
			locs := make([]location, len(args))
			for i, arg := range args {
				l, err := mustRemote(arg)
				if err != nil {
					return err
				}
				if !recursive && ff.flt.active() {
					return usagef("rm: --include and --exclude need -r")
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
				if err := a.rmOne(cmd.Context(), s, l, rmOptions{recursive, dryRun, concurrency, &ff}); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&recursive, "recursive", "r", false, "delete every object under the key prefix")
	cmd.Flags().IntVar(&concurrency, "concurrency", 8, "deletions in parallel")
	cmd.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "print what would be deleted, delete nothing")
	cmd.Flags().BoolVar(&uploads, "uploads", false, "abort the unfinished multipart uploads of the keys instead")
	cmd.Flags().DurationVar(&olderThan, "older-than", 0, "with --uploads: only uploads started longer ago than this (e.g. 24h)")
	ff.register(cmd)
	return cmd
}

// rmUploads implements rm --uploads (see uploadsHelp).
func (a *app) rmUploads(ctx context.Context, args []string, olderThan time.Duration, dryRun, withObjectFlags bool) error {
	if withObjectFlags {
		return usagef("rm --uploads takes no -r and no filters: it selects the uploads of a key and of the keys under key/")
	}
	if olderThan < 0 {
		return usagef("rm: --older-than %s is negative", olderThan)
	}
	locs := make([]location, len(args))
	for i, arg := range args {
		l, err := mustRemote(arg)
		if err != nil {
			return err
		}
		locs[i] = l
	}
	for _, l := range locs {
		s, err := a.storage(l.Bucket)
		if err != nil {
			return err
		}
		if _, err := a.abortUploads(ctx, s, l, olderThan, dryRun); err != nil {
			return wrapOp("rm --uploads", l.String(), err)
		}
	}
	return nil
}

// rmOptions are the flags of rm that act on each argument.
type rmOptions struct {
	recursive, dryRun bool
	concurrency       int
	ff                *filterFlags
}

// rmOne deletes the object l, or with -r everything under it.
func (a *app) rmOne(ctx context.Context, s types.Storager, l location, o rmOptions) error {
	if o.recursive {
		n, err := a.removeAll(ctx, s, l, o.concurrency, o.ff.filter(a), o.dryRun)
		if err != nil {
			return wrapOp("rm -r", l.String(), err)
		}
		if n == 0 {
			msg := "no objects under this prefix"
			if o.ff.flt.active() {
				msg += " pass the filters"
			}
			return wrapOp("rm -r", l.String(), errors.New(msg))
		}
		return nil
	}
	if _, err := s.StatWithContext(ctx, l.Key); err != nil {
		return wrapOp("rm", l.String(), err)
	}
	if o.dryRun {
		a.say(false, "would delete %s", l)
		return nil
	}
	if err := s.DeleteWithContext(ctx, l.Key); err != nil {
		return wrapOp("rm", l.String(), err)
	}
	a.say(false, "deleted %s", l)
	return nil
}

// removeAll deletes every object under l's prefix that flt keeps
// (directory markers too when no filter is given), conc at a time, and
// returns how many it deleted (would delete, with dryRun).
func (a *app) removeAll(ctx context.Context, s types.Storager, l location, conc int, flt *filter, dryRun bool) (int, error) {
	prefix := dirPrefix(l.Key)
	var keys []string
	err := walkRemoteAll(ctx, s, prefix, func(key string) {
		rel := strings.TrimPrefix(key, prefix)
		if flt.active() && (rel == "" || strings.HasSuffix(rel, "/") || !flt.keep(rel)) {
			return
		}
		keys = append(keys, key)
	})
	if err != nil {
		return 0, err
	}
	if dryRun {
		for _, k := range keys {
			a.say(false, "would delete %s%s/%s", scheme, l.Bucket, k)
		}
		return len(keys), nil
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
