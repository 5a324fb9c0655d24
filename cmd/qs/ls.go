package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

func init() { subcommands = append(subcommands, newLsCmd) }

// lsFlags are the flags of ls.
type lsFlags struct {
	long, human, recursive, uploads bool
	// longFormat is qsctl's --long-format: -l with a total line first.
	longFormat bool
}

func newLsCmd() *cobra.Command {
	var f lsFlags
	var ff filterFlags
	cmd := &cobra.Command{
		Use:   "ls [qs://BUCKET[/PREFIX]]",
		Short: "List buckets, or the objects of a bucket",
		Long: `Without an argument, list the buckets. With qs://bucket/key, print the object
key if there is one, then list the directory key/ one level deep:
"directories" (common prefixes, shown with a trailing /) and objects. -R lists
every object below key/ instead (qs://b/logs never lists qs://b/logs-archive/,
see qs --help). A key naming neither an object nor a directory is an error.
-l adds size and time (and, for buckets, zone and creation time); -h shows
sizes as 1.5MiB.

` + uploadsHelp + `

` + filterHelp,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("ls takes at most one qs:// URL")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			a := appOf(cmd)
			if f.uploads && (len(args) == 0 || ff.flt.active()) {
				return usagef("ls --uploads takes a qs://bucket[/key] URL and no filters")
			}
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
			if f.uploads {
				return wrapOp("ls --uploads", l.String(), printUploads(cmd.Context(), a.stdout, s, l, f.human))
			}
			return wrapOp("ls", l.String(), a.listLong(cmd.Context(), s, l.Key, f, ff.filter(a)))
		},
	}
	cmd.Flags().BoolVarP(&f.long, "long", "l", false, "show size and last-modified time")
	cmd.Flags().BoolVar(&f.longFormat, "long-format", false, "as -l, after a line with the total size of the objects listed (as qsctl)")
	cmd.Flags().BoolVarP(&f.human, "human-readable", "h", false, "show sizes in KiB, MiB, GiB")
	cmd.Flags().BoolVarP(&f.recursive, "recursive", "R", false, "list every object under the prefix")
	cmd.Flags().BoolVar(&f.uploads, "uploads", false, "list unfinished multipart uploads instead of objects")
	cmd.Flags().Bool("help", false, "help for ls")
	ff.register(cmd)
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

// listLong prints listObjects' lines; with --long-format, those of -l after
// a "total SIZE" line (the sum of the listed objects' sizes, as qsctl
// printed it before its long listing).
func (a *app) listLong(ctx context.Context, s types.Storager, key string, f lsFlags, flt *filter) error {
	if !f.longFormat {
		_, err := listObjects(ctx, a.stdout, s, key, f, flt)
		return err
	}
	f.long = true
	var buf bytes.Buffer
	total, err := listObjects(ctx, &buf, s, key, f, flt)
	if err != nil {
		return err
	}
	size := strconv.FormatInt(total, 10)
	if f.human {
		size = humanSize(total)
	}
	fmt.Fprintf(a.stdout, "total %s\n", size)
	_, err = buf.WriteTo(a.stdout)
	return err
}

// listObjects prints the object key names, if it exists, then the
// directory key/: one level (ListModeDir) or, with -R, every object below it
// (ListModePrefix) that flt keeps. A key that names nothing is an error.
// It returns the total size of the objects printed.
func listObjects(ctx context.Context, w io.Writer, s types.Storager, key string, f lsFlags, flt *filter) (int64, error) {
	found := false
	var total int64
	if key != "" && !strings.HasSuffix(key, "/") {
		o, err := s.StatWithContext(ctx, key)
		switch {
		case err == nil:
			total += printObject(w, o, f)
			found = true
		case !errors.Is(err, services.ErrObjectNotExist):
			return 0, err
		}
	}
	mode, prefix := types.ListModeDir, key
	if f.recursive {
		mode, prefix = types.ListModePrefix, dirPrefix(key)
	}
	it, err := s.ListWithContext(ctx, prefix, pairs.WithListMode(mode))
	if err != nil {
		return 0, err
	}
	dir := dirPrefix(key)
	err = each(it.Next, func(o *types.Object) error {
		if !strings.HasPrefix(o.Path, dir) {
			return nil
		}
		found = true
		rel := strings.TrimPrefix(o.Path, dir)
		if o.Mode.IsDir() && !o.Mode.IsRead() {
			if flt.skipDir(strings.TrimSuffix(rel, "/")) {
				return nil
			}
		} else if !flt.keep(rel) {
			return nil
		}
		total += printObject(w, o, f)
		return nil
	})
	if err != nil || found || key == "" {
		return total, err
	}
	return 0, dirExists(ctx, s, key)
}

// dirExists returns nil when key names a directory (its marker), else an
// error: a listing that found nothing is an empty directory or a typo.
func dirExists(ctx context.Context, s types.Storager, key string) error {
	_, err := s.StatWithContext(ctx, strings.TrimSuffix(key, "/"), pairs.WithObjectMode(types.ModeDir))
	if errors.Is(err, services.ErrObjectNotExist) {
		return errors.New("no such object or directory")
	}
	return err
}

// printObject prints one listed object or directory and returns the
// object's size (0 for a directory).
func printObject(w io.Writer, o *types.Object, f lsFlags) int64 {
	name := o.Path
	isDir := o.Mode.IsDir() && !o.Mode.IsRead()
	if isDir && !strings.HasSuffix(name, "/") {
		name += "/"
	}
	size, _ := o.GetContentLength()
	switch {
	case isDir:
		size = 0
		if f.long {
			fmt.Fprintf(w, "%12s  %19s  %s\n", "DIR", "", name)
			return 0
		}
	case f.long:
		sz := strconv.FormatInt(size, 10)
		if f.human {
			sz = humanSize(size)
		}
		mt := ""
		if t, ok := o.GetLastModified(); ok {
			mt = t.Local().Format(time.DateTime)
		}
		fmt.Fprintf(w, "%12s  %19s  %s\n", sz, mt, name)
		return size
	}
	fmt.Fprintln(w, name)
	return size
}
