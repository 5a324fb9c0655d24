package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/types"
)

func init() { subcommands = append(subcommands, newLsCmd) }

// lsFlags are the flags of ls.
type lsFlags struct {
	long, human, recursive bool
}

func newLsCmd() *cobra.Command {
	var f lsFlags
	cmd := &cobra.Command{
		Use:   "ls [qs://BUCKET[/PREFIX]]",
		Short: "List buckets, or the objects of a bucket",
		Long: `Without an argument, list the buckets. With qs://bucket/prefix, list one level
below the prefix: "directories" (common prefixes, shown with a trailing /)
and objects. -R lists every object under the prefix. -l adds size and time
(and, for buckets, zone and creation time); -h shows sizes as 1.5MiB.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("ls takes at most one qs:// URL")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			a := appOf(cmd)
			if len(args) == 0 {
				rem, err := a.remote()
				if err != nil {
					return err
				}
				return wrapOp("ls", "buckets", a.listBuckets(cmd.Context(), rem, f))
			}
			l, err := mustRemote(args[0])
			if err != nil {
				return err
			}
			s, err := a.storage(l.Bucket)
			if err != nil {
				return err
			}
			return wrapOp("ls", l.String(), listObjects(cmd.Context(), a.stdout, s, l.Key, f))
		},
	}
	cmd.Flags().BoolVarP(&f.long, "long", "l", false, "show size and last-modified time")
	cmd.Flags().BoolVarP(&f.human, "human-readable", "h", false, "show sizes in KiB, MiB, GiB")
	cmd.Flags().BoolVarP(&f.recursive, "recursive", "R", false, "list every object under the prefix")
	cmd.Flags().Bool("help", false, "help for ls")
	return cmd
}

// listBuckets prints the account's buckets: through the QingStor wire
// client (which gives zone and creation time), or the go-storage servicer
// for other services.
func (a *app) listBuckets(ctx context.Context, rem *remote, f lsFlags) error {
	if rem.api == nil {
		svc, err := rem.servicer()
		if err != nil {
			return err
		}
		it, err := svc.ListWithContext(ctx)
		if err != nil {
			return err
		}
		return each(it.Next, func(s types.Storager) error {
			_, err := fmt.Fprintln(a.stdout, s.Metadata().Name)
			return err
		})
	}
	in := qsapi.ListBucketsInput{}
	if rem.zone != "" && !isLocalHost(rem.host) {
		in.Location = rem.zone
	}
	for page, err := range rem.api.BucketPages(ctx, in) {
		if err != nil {
			return err
		}
		for _, b := range page.Buckets {
			if f.long {
				fmt.Fprintf(a.stdout, "%-8s  %s  %s\n", b.Location, b.Created.Local().Format("2006-01-02 15:04:05"), b.Name)
			} else {
				fmt.Fprintln(a.stdout, b.Name)
			}
		}
	}
	return nil
}

// listObjects prints the objects under prefix: one level (ListModeDir)
// or, with -R, all of them (ListModePrefix).
func listObjects(ctx context.Context, w io.Writer, s types.Storager, prefix string, f lsFlags) error {
	mode := types.ListModeDir
	if f.recursive {
		mode = types.ListModePrefix
	}
	it, err := s.ListWithContext(ctx, prefix, pairs.WithListMode(mode))
	if err != nil {
		return err
	}
	return each(it.Next, func(o *types.Object) error {
		if strings.HasPrefix(o.Path, prefix) {
			printObject(w, o, f)
		}
		return nil
	})
}

// printObject prints one listed object or directory.
func printObject(w io.Writer, o *types.Object, f lsFlags) {
	name := o.Path
	isDir := o.Mode.IsDir() && !o.Mode.IsRead()
	if isDir && !strings.HasSuffix(name, "/") {
		name += "/"
	}
	if !f.long {
		fmt.Fprintln(w, name)
		return
	}
	if isDir {
		fmt.Fprintf(w, "%12s  %19s  %s\n", "DIR", "", name)
		return
	}
	size, _ := o.GetContentLength()
	sz := strconv.FormatInt(size, 10)
	if f.human {
		sz = humanSize(size)
	}
	mt := ""
	if t, ok := o.GetLastModified(); ok {
		mt = t.Local().Format(time.DateTime)
	}
	fmt.Fprintf(w, "%12s  %19s  %s\n", sz, mt, name)
}
