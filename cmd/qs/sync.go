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
	"strings"
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
	delete bool
	syncRules
}

// syncRules decide which source files sync copies (rclone's flags).
type syncRules struct {
	checksum       bool // compare MD5s instead of times
	sizeOnly       bool // compare sizes only
	update         bool // skip files newer on the destination
	ignoreExisting bool // skip files the destination has, whatever they hold
	existing       bool // skip files the destination lacks
}

// needsCopy says whether src must be copied over dst (exists says whether
// the destination has the file).
func (r syncRules) needsCopy(src, dst entry, exists, srcRemote bool, localPath func(string) string) (bool, error) {
	switch {
	case !exists:
		return !r.existing, nil
	case r.ignoreExisting:
		return false, nil
	case r.update && dst.mtime.Truncate(time.Second).After(src.mtime.Truncate(time.Second)):
		return false, nil
	case r.sizeOnly:
		return src.size != dst.size, nil
	}
	return entriesDiffer(src, dst, true, r.checksum, srcRemote, localPath)
}

func newSyncCmd() *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "sync SOURCE DEST",
		Short: "Make a prefix or directory match another (local or remote)",
		Long: `Copy to DEST every file of SOURCE that DEST lacks or has in another
version. One of them is a qs://bucket/prefix; the other a local directory or
another qs://bucket/prefix (overlapping prefixes of one bucket are refused):
between two prefixes the objects are copied on the server, part by part for
large ones, and nothing passes through this machine.

A file is copied when DEST has none of that name, when the sizes differ, or
when the source is newer (whole seconds); with --checksum, when the MD5
differs instead of the time. QingStor gives objects uploaded in parts no MD5
ETag: sync --checksum uploads set the file's MD5 as their ETag, other such
objects are compared by time. Downloaded files get the object's time, so running
sync twice copies nothing the second time. --delete removes what DEST has and
SOURCE lacks (files that filters exclude are neither copied nor deleted).
--dry-run prints the plan.

As rclone: --size-only compares sizes only; -u/--update skips files that are
newer on DEST; --ignore-existing skips every file DEST has; --existing
copies only files DEST has (updates, no new files).

` + objectHelp + "\n\n" + linksHelp + "\n\n" + filterHelp,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return appOf(cmd).sync(cmd.Context(), args[0], args[1], &f)
		},
	}
	f.copyFlags.register(cmd)
	cmd.Flags().MarkHidden("recursive")
	f.copyFlags.registerTree(cmd)
	cmd.Flags().BoolVar(&f.delete, "delete", false, "delete destination files that the source lacks")
	cmd.Flags().BoolVar(&f.checksum, "checksum", false, "compare MD5 instead of modification time (no -c: that is --config, as in qsctl)")
	cmd.Flags().BoolVar(&f.sizeOnly, "size-only", false, "compare sizes only")
	cmd.Flags().BoolVarP(&f.update, "update", "u", false, "skip files that are newer on the destination")
	cmd.Flags().BoolVar(&f.ignoreExisting, "ignore-existing", false, "skip files the destination has")
	cmd.Flags().BoolVar(&f.existing, "existing", false, "skip files the destination lacks (update existing ones only)")
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
	if err := checkSyncSides(src, dst); err != nil {
		return err
	}
	if f.checksum && f.sizeOnly || f.existing && f.ignoreExisting {
		return usagef("sync: --checksum and --size-only, or --existing and --ignore-existing, exclude each other")
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
	if src.Remote && dst.Remote {
		return a.syncRemotes(ctx, rem, src, dst, x, f)
	}
	return a.syncLocal(ctx, rem, src, dst, x, f)
}

// checkSyncSides refuses pairs of sides that sync cannot work on: no
// remote side, standard streams, a local side that is a file (or a missing
// local source), overlapping prefixes of one bucket.
func checkSyncSides(src, dst location) error {
	switch {
	case src.Stdio || dst.Stdio || !src.Remote && !dst.Remote:
		return usagef("sync: one side must be a qs://bucket/prefix, the other a local directory or another qs://bucket/prefix")
	case src.Remote && dst.Remote:
		sp, dp := dirPrefix(src.Key), dirPrefix(dst.Key)
		if src.Bucket == dst.Bucket && (strings.HasPrefix(sp, dp) || strings.HasPrefix(dp, sp)) {
			return usagef("sync: %s and %s overlap (one holds the other)", src, dst)
		}
		return nil
	}
	local := src
	if dst.Path != "" {
		local = dst
	}
	if fi, err := os.Stat(local.Path); err == nil && !fi.IsDir() {
		return usagef("sync: %s is not a directory", local.Path)
	} else if err != nil && local == src {
		return wrapOp("sync", local.Path, err)
	}
	return nil
}

// syncLocal syncs a local directory and a remote prefix, either way.
func (a *app) syncLocal(ctx context.Context, rem *remote, src, dst location, x *xfer, f *syncFlags) error {
	flt := f.filters.filter(a)
	local, remote := src, dst
	if src.Remote {
		local, remote = dst, src
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
	plan, err := planSync(srcEntries, dstEntries, flt, f.syncRules, src.Remote, localPath)
	if err != nil {
		return err
	}
	return a.runSync(ctx, plan, localSyncOps(s, prefix, src.Remote, localPath, x), x, f)
}

// syncRemotes syncs two remote prefixes with copies on the server (see
// remoteCopy); --checksum compares the two ETags when both are MD5s.
func (a *app) syncRemotes(ctx context.Context, rem *remote, src, dst location, x *xfer, f *syncFlags) error {
	sp, dp := dirPrefix(src.Key), dirPrefix(dst.Key)
	ss, err := rem.storage(src.Bucket)
	if err != nil {
		return err
	}
	ds, err := rem.storage(dst.Bucket)
	if err != nil {
		return err
	}
	srcEntries, err := listRemote(ctx, ss, sp)
	if err != nil {
		return wrapOp("sync", src.String(), err)
	}
	dstEntries, err := listRemote(ctx, ds, dp)
	if err != nil {
		return wrapOp("sync", dst.String(), err)
	}
	plan, err := planSync(srcEntries, dstEntries, f.filters.filter(a), f.syncRules, true, nil)
	if err != nil {
		return err
	}
	at := func(l location, prefix, rel string) location {
		return location{Remote: true, Bucket: l.Bucket, Key: prefix + rel}
	}
	ops := syncOps{verb: "copy",
		copy: func(ctx context.Context, rel string) error {
			return a.remoteCopy(ctx, rem, at(src, sp, rel), at(dst, dp, rel), x, false)
		},
		remove: func(ctx context.Context, rel string) error { return ds.DeleteWithContext(ctx, dp+rel) },
	}
	return a.runSync(ctx, plan, ops, x, f)
}

// planSync compares the two sides. Paths are relative; srcRemote says which
// side is local (for reading MD5s); a nil localPath means both are remote.
func planSync(srcEntries, dstEntries []entry, flt *filter, rules syncRules, srcRemote bool, localPath func(string) string) (*syncPlan, error) {
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
		differ, err := rules.needsCopy(e, d, ok, srcRemote, localPath)
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
	if checksum && localPath == nil {
		if md5ETag.MatchString(src.etag) && md5ETag.MatchString(dst.etag) {
			return src.etag != dst.etag, nil
		}
		checksum = false // no MD5 on one side: compare times
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

// syncOps are how one direction of sync copies and deletes a relative
// path.
type syncOps struct {
	verb   string // "upload", "download" or "copy"
	copy   func(ctx context.Context, rel string) error
	remove func(ctx context.Context, rel string) error
}

// localSyncOps are the operations between the local directory at
// localPath and the storage s under prefix.
func localSyncOps(s types.Storager, prefix string, srcRemote bool, localPath func(string) string, x *xfer) syncOps {
	if srcRemote {
		return syncOps{verb: "download",
			copy: func(ctx context.Context, rel string) error {
				_, err := downloadFile(ctx, s, prefix+rel, localPath(rel), x, true)
				return err
			},
			remove: func(_ context.Context, rel string) error { return os.Remove(localPath(rel)) },
		}
	}
	return syncOps{verb: "upload",
		copy: func(ctx context.Context, rel string) error {
			_, err := uploadFile(ctx, s, prefix+rel, localPath(rel), x)
			return err
		},
		remove: func(ctx context.Context, rel string) error { return s.DeleteWithContext(ctx, prefix+rel) },
	}
}

// runSync carries out (or, with --dry-run, prints) the plan.
func (a *app) runSync(ctx context.Context, p *syncPlan, ops syncOps, x *xfer, f *syncFlags) error {
	copied, errs, err := a.syncCopies(ctx, p, ops, x, f.dryRun)
	if err != nil {
		return err
	}
	deleted := 0
	if f.delete {
		var derrs []error
		deleted, derrs = a.syncDeletes(ctx, p, ops, f.dryRun)
		errs = append(errs, derrs...)
	}
	a.say(false, "sync: %d copied, %d deleted, %d unchanged", copied, deleted, p.unchanged)
	if len(errs) > 0 {
		return fmt.Errorf("%d sync operation%s failed:\n  %w", len(errs), plural(len(errs)), joinLines(errs))
	}
	return nil
}

// syncCopies copies the plan's entries, x.concurrency at a time, and
// returns how many were copied and the failures; an interruption ends it
// with an error.
func (a *app) syncCopies(ctx context.Context, p *syncPlan, ops syncOps, x *xfer, dryRun bool) (int, []error, error) {
	var (
		mu     sync.Mutex
		errs   []error
		copied int
	)
	if ops.verb != "copy" { // server-side copies report no bytes
		for _, e := range p.copy {
			x.prog.addTotal(e.size)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(x.concurrency)
	for _, e := range p.copy {
		if dryRun {
			a.say(false, "would %s %s", ops.verb, e.rel)
			continue
		}
		g.Go(func() error {
			err := ops.copy(gctx, e.rel)
			if errors.Is(err, context.Canceled) {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, wrapOp("sync: "+ops.verb, e.rel, err))
				return nil
			}
			copied++
			a.say(false, "%s %s", ops.verb, e.rel)
			return nil
		})
	}
	err := g.Wait()
	return copied, errs, err
}

// syncDeletes deletes the plan's destination entries that the source
// lacks and returns how many were deleted and the failures.
func (a *app) syncDeletes(ctx context.Context, p *syncPlan, ops syncOps, dryRun bool) (int, []error) {
	deleted := 0
	var errs []error
	for _, e := range p.del {
		if dryRun {
			a.say(false, "would delete %s", e.rel)
			continue
		}
		if err := ops.remove(ctx, e.rel); err != nil {
			errs = append(errs, wrapOp("sync: delete", e.rel, err))
			continue
		}
		deleted++
		a.say(false, "delete %s", e.rel)
	}
	return deleted, errs
}
