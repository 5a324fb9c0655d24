package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

func init() { subcommands = append(subcommands, newSyncCmd) }

// syncFlags are the flags of sync.
type syncFlags struct {
	copyFlags
	delete   bool
	checksum bool
}

func newSyncCmd() *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "sync SOURCE DEST",
		Short: "Make a remote prefix match a local directory, or the reverse",
		Long: `Copy to DEST every file of SOURCE that DEST lacks or has in another
version; one of them is a local directory, the other a qs://bucket/prefix.

A file is copied when DEST has none of that name, when the sizes differ, or
when the source is newer (whole seconds); with --checksum, when the MD5
differs instead of the time. QingStor gives objects uploaded in parts no MD5
ETag: sync --checksum uploads set the file's MD5 as their ETag, other such
objects are compared by time. Downloaded files get the object's time, so running
sync twice copies nothing the second time. --delete removes what DEST has and
SOURCE lacks (files that filters exclude are neither copied nor deleted).
--dry-run prints the plan.

` + linksHelp + "\n\n" + filterHelp,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return appOf(cmd).sync(cmd.Context(), args[0], args[1], &f)
		},
	}
	f.copyFlags.register(cmd)
	cmd.Flags().MarkHidden("recursive")
	f.copyFlags.registerTree(cmd)
	cmd.Flags().BoolVar(&f.delete, "delete", false, "delete destination files that the source lacks")
	cmd.Flags().BoolVarP(&f.checksum, "checksum", "c", false, "compare MD5 instead of modification time")
	return cmd
}

// syncPlan is what a sync will do.
type syncPlan struct {
	copy      []entry // source entries to copy
	del       []entry // destination entries to delete
	unchanged int
}

// sync implements the sync command.
func (a *app) sync(ctx context.Context, srcArg, dstArg string, f *syncFlags) error {
	src, err := parseLocation(srcArg)
	if err != nil {
		return err
	}
	dst, err := parseLocation(dstArg)
	if err != nil {
		return err
	}
	if src.Stdio || dst.Stdio || src.Remote == dst.Remote {
		return usagef("sync: one side must be a local directory and the other a qs://bucket/prefix")
	}
	flt := f.filters.filter(a)
	local := src
	if dst.Path != "" {
		local = dst
	}
	if fi, err := os.Stat(local.Path); err == nil && !fi.IsDir() {
		return usagef("sync: %s is not a directory", local.Path)
	} else if err != nil && local == src {
		return wrapOp("sync", local.Path, err)
	}
	x, err := a.xferFor(ctx, &f.copyFlags)
	if err != nil {
		return err
	}
	defer x.prog.wait()
	rem, err := a.remote()
	if err != nil {
		return err
	}
	remote := src
	if dst.Remote {
		remote = dst
	}
	s, err := rem.storage(remote.Bucket)
	if err != nil {
		return err
	}
	if f.checksum && dst.Remote {
		// Uploads in parts get the file's MD5 as their ETag, so that the
		// next sync --checksum can compare them.
		x.verify = true
	}
	prefix := dirPrefix(remote.Key)
	remoteEntries, err := listRemote(ctx, s, prefix)
	if err != nil {
		return wrapOp("sync", remote.String(), err)
	}
	var localEntries []entry
	if _, err := os.Stat(local.Path); err == nil {
		localEntries, err = listLocal(local.Path, flt, a.links(f.copyLinks))
		a.linkSummary()
		if err != nil {
			return wrapOp("sync", local.Path, err)
		}
	}
	srcEntries, dstEntries := localEntries, remoteEntries
	if src.Remote {
		srcEntries, dstEntries = remoteEntries, localEntries
	}
	localPath := func(rel string) string { return filepath.Join(local.Path, filepath.FromSlash(rel)) }
	plan, err := planSync(srcEntries, dstEntries, flt, f.checksum, src.Remote, localPath)
	if err != nil {
		return err
	}
	return a.runSync(ctx, s, plan, src, dst, prefix, localPath, x, f)
}

// planSync compares the two sides. Paths are relative; srcRemote says which
// side is local (for reading MD5s).
func planSync(srcEntries, dstEntries []entry, flt *filter, checksum, srcRemote bool, localPath func(string) string) (*syncPlan, error) {
	dstBy := make(map[string]entry, len(dstEntries))
	for _, e := range dstEntries {
		dstBy[e.rel] = e
	}
	srcSeen := make(map[string]bool, len(srcEntries))
	p := &syncPlan{}
	for _, e := range srcEntries {
		if !flt.keep(e.rel) {
			continue
		}
		srcSeen[e.rel] = true
		d, ok := dstBy[e.rel]
		differ, err := entriesDiffer(e, d, ok, checksum, srcRemote, localPath)
		if err != nil {
			return nil, err
		}
		if differ {
			p.copy = append(p.copy, e)
		} else {
			p.unchanged++
		}
	}
	for _, d := range dstEntries {
		if !srcSeen[d.rel] && flt.keep(d.rel) {
			p.del = append(p.del, d)
		}
	}
	sort.Slice(p.copy, func(i, j int) bool { return p.copy[i].rel < p.copy[j].rel })
	sort.Slice(p.del, func(i, j int) bool { return p.del[i].rel < p.del[j].rel })
	return p, nil
}

var md5ETag = regexp.MustCompile(`^[0-9a-f]{32}$`)

// entriesDiffer says whether src must be copied over dst.
func entriesDiffer(src, dst entry, exists, checksum, srcRemote bool, localPath func(string) string) (bool, error) {
	if !exists || src.size != dst.size {
		return true, nil
	}
	remoteE, localE := dst, src
	if srcRemote {
		remoteE, localE = src, dst
	}
	if checksum && md5ETag.MatchString(remoteE.etag) {
		sum, err := fileMD5(localPath(localE.rel))
		if err != nil {
			return false, err
		}
		return sum != remoteE.etag, nil
	}
	return src.mtime.Truncate(time.Second).After(dst.mtime.Truncate(time.Second)), nil
}

// fileMD5 returns the hex MD5 of a local file.
func fileMD5(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum, err := qingstor.ReaderMD5(context.Background(), f)
	return hex.EncodeToString(sum), err
}

// runSync carries out (or, with --dry-run, prints) the plan.
func (a *app) runSync(ctx context.Context, s types.Storager, p *syncPlan, src, dst location, prefix string, localPath func(string) string, x *xfer, f *syncFlags) error {
	remoteOf := func(rel string) location {
		b := src
		if dst.Remote {
			b = dst
		}
		return location{Remote: true, Bucket: b.Bucket, Key: prefix + rel}
	}
	verb := "upload"
	if src.Remote {
		verb = "download"
	}
	var (
		mu     sync.Mutex
		errs   []error
		copied int
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for _, e := range p.copy {
		x.prog.addTotal(e.size)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(x.concurrency)
	for _, e := range p.copy {
		r, l := remoteOf(e.rel), localPath(e.rel)
		if f.dryRun {
			a.say(false, "would %s %s", verb, e.rel)
			continue
		}
		g.Go(func() error {
			var err error
			if src.Remote {
				_, err = downloadFile(gctx, s, r.Key, l, x, true)
			} else {
				_, err = uploadFile(gctx, s, r.Key, l, x)
			}
			if errors.Is(err, context.Canceled) {
				return err
			}
			if err != nil {
				fail(wrapOp("sync: "+verb, e.rel, err))
				return nil
			}
			mu.Lock()
			copied++
			mu.Unlock()
			a.say(false, "%s %s", verb, e.rel)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	deleted := 0
	if f.delete {
		for _, e := range p.del {
			if f.dryRun {
				a.say(false, "would delete %s", e.rel)
				continue
			}
			var err error
			if dst.Remote {
				err = s.DeleteWithContext(ctx, remoteOf(e.rel).Key)
			} else {
				err = os.Remove(localPath(e.rel))
			}
			if err != nil {
				fail(wrapOp("sync: delete", e.rel, err))
				continue
			}
			deleted++
			a.say(false, "delete %s", e.rel)
		}
	}
	a.say(false, "sync: %d copied, %d deleted, %d unchanged", copied, deleted, p.unchanged)
	if len(errs) > 0 {
		return fmt.Errorf("%d sync operations failed:\n  %w", len(errs), joinLines(errs))
	}
	return nil
}
