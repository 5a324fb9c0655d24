package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

func init() { subcommands = append(subcommands, newCpCmd) }

// copyFlags are the flags cp and mv share.
type copyFlags struct {
	recursive   bool
	partSize    sizeValue
	concurrency int
	verify      bool
	// object sets the headers and metadata uploads store.
	object objectFlags
	// rateLimit caps the bytes per second of the command (0: no cap).
	rateLimit sizeValue
	// filters and dryRun serve the commands that walk trees (registerTree).
	filters   filterFlags
	dryRun    bool
	copyLinks bool
	// resume makes file uploads resumable (cp --resume, see resume.go).
	resume bool
}

func (f *copyFlags) register(cmd *cobra.Command) {
	f.partSize = defaultPartSize
	cmd.Flags().BoolVarP(&f.recursive, "recursive", "r", false, "copy everything under a directory or key prefix")
	cmd.Flags().Var(&f.partSize, "part-size", "multipart part size (4MiB to 5GiB); files larger than this go multipart")
	cmd.Flags().IntVar(&f.concurrency, "concurrency", defaultConc, "parts (and files) transferred in parallel")
	cmd.Flags().BoolVar(&f.verify, "verify", false, "full verification of uploads: every part sent with its MD5, multipart objects get the MD5 of their content as ETag (costs client CPU)")
	f.object.register(cmd)
	for _, name := range []string{"rate-limit", "bwlimit"} {
		cmd.Flags().Var(&f.rateLimit, name, "cap the bytes per second read or written locally by all transfers together, e.g. 500k, 10M (binary units; server-side copies are not limited)")
		cmd.Flags().Lookup(name).DefValue = "0" // no limit: not shown as a default
	}
}

// registerTree adds the flags of commands that walk trees: filters and
// --dry-run.
func (f *copyFlags) registerTree(cmd *cobra.Command) {
	f.filters.register(cmd)
	cmd.Flags().BoolVarP(&f.dryRun, "dry-run", "n", false, "print what would be done, do nothing")
	cmd.Flags().BoolVarP(&f.copyLinks, "copy-links", "L", false, "follow symbolic links in local trees (default: skip each, naming it on stderr)")
}

// linksHelp is the part of a local-tree command's help about links.
const linksHelp = `Symbolic links in a local tree (to files, to directories, dangling) are
skipped, each named on stderr (with -q, a count); -L/--copy-links follows
them, skipping dangling links and links that loop back to a directory that
holds them. A link given as SOURCE itself is always followed.`

func newCpCmd() *cobra.Command {
	var f copyFlags
	cmd := &cobra.Command{
		Use:   "cp SOURCE DEST",
		Short: "Copy files and objects (local to remote, remote to local, remote to remote)",
		Long: `Copy a file or object. SOURCE and DEST are local paths, qs://bucket/key URLs or
"-" (standard input or output). A DEST ending in "/" (or an existing local
directory) receives the source under its base name. Remote to remote copies
happen on the server (part by part for objects above 5 GiB). With -r, everything under a local directory or a key
prefix is copied (see "Recursive commands" in qs --help), as the filters
below select. Files larger than --part-size are uploaded in parts,
--concurrency at a time; Ctrl-C aborts unfinished uploads.

With --resume, such an upload can be continued instead: interrupted (Ctrl-C,
crash, network loss) it leaves its parts on the server and a small state
file (upload id, part MD5s, the file's size and time; no secret) under the
user cache directory (e.g. ~/.cache/qs/uploads); the same command run again
with --resume sends only the parts the server lacks, after checking that
each kept part's ETag is the MD5 of that range of the file. A file changed
since (size or time), another --part-size, or an upload gone from the server
starts over. The first run needs --resume too: without it, parts go without
their MD5 and Ctrl-C aborts. qs ls --uploads shows unfinished uploads.

` + objectHelp + "\n\n" + linksHelp + "\n\n" + filterHelp,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a := appOf(cmd)
			return a.transfer(cmd.Context(), "cp", args[0], args[1], &f, false)
		},
	}
	f.register(cmd)
	f.registerTree(cmd)
	cmd.Flags().BoolVar(&f.resume, "resume", false, "make uploads of files above --part-size resumable, and continue one that an earlier --resume run left unfinished")
	return cmd
}

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %d argument(s), got %d (see qs %s --help)", cmd.Name(), n, len(args), cmd.Name())
		}
		return nil
	}
}

// newXfer builds the transfer settings of f, without progress display.
// ctx bounds the waits of the rate limit.
func newXfer(ctx context.Context, f *copyFlags) (*xfer, error) {
	x := &xfer{partSize: int64(f.partSize), concurrency: f.concurrency, verify: f.verify}
	if err := x.check(); err != nil {
		return nil, err
	}
	meta, err := f.object.parse()
	if err != nil {
		return nil, err
	}
	x.meta = meta
	x.limit = newRateLimit(ctx, int64(f.rateLimit))
	return x, nil
}

// xferFor builds the transfer settings of a command, with a progress
// display when standard error is a terminal and --quiet is not given.
func (a *app) xferFor(ctx context.Context, f *copyFlags) (*xfer, error) {
	x, err := newXfer(ctx, f)
	if err != nil {
		return nil, err
	}
	if !a.quiet {
		if fd, ok := a.stderr.(*os.File); ok && isTerminal(fd) {
			x.prog = newProgress(ctx, a.stderr, true)
			a.outMu.Lock()
			a.prog = x.prog
			a.outMu.Unlock()
		}
	}
	return x, nil
}

// say prints one line about a finished action unless --quiet, or unless
// standard output carries data.
func (a *app) say(dataOnStdout bool, format string, args ...any) {
	if a.quiet || dataOnStdout {
		return
	}
	a.outMu.Lock()
	defer a.outMu.Unlock()
	if f, ok := a.stdout.(*os.File); ok && a.prog != nil && isTerminal(f) {
		// Print above the bars rather than through them.
		a.prog.println(fmt.Sprintf(format, args...))
		return
	}
	fmt.Fprintf(a.stdout, format+"\n", args...)
}

// job is one file or object to copy.
type job struct {
	src, dst location
	size     int64 // -1 when unknown
}

// transfer implements cp and mv (move deletes each source once copied).
func (a *app) transfer(ctx context.Context, op, srcArg, dstArg string, f *copyFlags, move bool) error {
	src, dst, err := transferArgs(op, srcArg, dstArg, f, move)
	if err != nil {
		return err
	}
	x, err := a.xferFor(ctx, f)
	if err != nil {
		return err
	}
	defer x.prog.wait()
	rem, err := a.remote()
	if err != nil {
		return err
	}
	if f.resume {
		if x.resume, err = a.resumer(rem); err != nil {
			return err
		}
	}
	jobs, err := a.plan(ctx, rem, op, src, dst, f)
	if err != nil {
		return err
	}
	if f.dryRun {
		verb := map[bool]string{false: "copy", true: "move"}[move]
		for _, j := range jobs {
			a.say(false, "would %s %s -> %s", verb, j.src, j.dst)
		}
		return nil
	}
	if len(jobs) == 1 && !f.recursive {
		return a.runJob(ctx, rem, op, jobs[0], x, move)
	}
	for _, j := range jobs {
		if j.size > 0 {
			x.prog.addTotal(j.size)
		}
	}
	var (
		mu   sync.Mutex
		errs []error
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(x.concurrency)
	for _, j := range jobs {
		g.Go(func() error {
			if err := a.runJob(gctx, rem, op, j, x, move); err != nil {
				if errors.Is(err, context.Canceled) {
					return err
				}
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d transfers failed:\n  %w", len(errs), len(jobs), joinLines(errs))
	}
	return nil
}

// transferArgs parses and checks the locations of cp and mv.
func transferArgs(op, srcArg, dstArg string, f *copyFlags, move bool) (src, dst location, err error) {
	if src, err = parseLocation(srcArg); err != nil {
		return
	}
	if dst, err = parseLocation(dstArg); err != nil {
		return
	}
	switch {
	case src.Stdio && dst.Stdio:
		err = usagef("%s: source and destination cannot both be -", op)
	case !src.Remote && !dst.Remote:
		err = usagef("%s: neither %s nor %s is a qs:// URL; use the system's cp or mv for local files", op, srcArg, dstArg)
	case f.recursive && (src.Stdio || dst.Stdio):
		err = usagef("%s -r: - cannot be a directory", op)
	case move && src.Stdio:
		err = usagef("mv: cannot move standard input; use cp")
	case !f.recursive && f.filters.flt.active():
		err = usagef("%s: --include and --exclude need -r", op)
	case f.resume && (src.Remote || src.Stdio || !dst.Remote):
		err = usagef("%s --resume: only uploads of local files to qs:// can be resumed", op)
	}
	return
}

// joinLines joins errors one per line.
func joinLines(errs []error) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return errors.New(strings.Join(msgs, "\n  "))
}

// plan expands a cp/mv command line into jobs.
// With -r, flt selects the files and objects by their path relative to the
// source directory.
func (a *app) plan(ctx context.Context, rem *remote, op string, src, dst location, f *copyFlags) ([]job, error) {
	flt := f.filters.filter(a)
	if !f.recursive {
		return planOne(op, src, dst)
	}
	if !src.Remote {
		return a.planLocalTree(op, src, dst, f, flt)
	}
	var jobs []job
	s, err := rem.storage(src.Bucket)
	if err != nil {
		return nil, err
	}
	prefix := dirPrefix(src.Key)
	err = walkRemote(ctx, s, prefix, func(e entry) error {
		if !flt.keep(e.rel) {
			return nil
		}
		j := job{src: location{Remote: true, Bucket: src.Bucket, Key: prefix + e.rel}, size: e.size}
		if dst.Remote {
			j.dst = dst.child(e.rel)
		} else {
			j.dst = location{Path: filepath.Join(dst.Path, filepath.FromSlash(e.rel))}
		}
		jobs = append(jobs, j)
		return nil
	})
	if err != nil {
		return nil, wrapOp(op, src.String(), err)
	}
	if len(jobs) == 0 {
		msg := "no objects under this prefix"
		if flt.active() {
			msg += " pass the filters"
		}
		return nil, wrapOp(op, src.String(), errors.New(msg))
	}
	return jobs, nil
}

// planOne is plan without -r: one file or object.
func planOne(op string, src, dst location) ([]job, error) {
	j := job{src: src, dst: dst, size: -1}
	switch {
	case src.Remote && src.isDir():
		return nil, usagef("%s: %s is a directory (key prefix); use -r", op, src)
	case !src.Remote && !src.Stdio:
		fi, err := os.Stat(src.Path)
		if err != nil {
			return nil, wrapOp(op, src.Path, err)
		}
		if fi.IsDir() {
			return nil, usagef("%s: %s is a directory; use -r", op, src.Path)
		}
		j.size = fi.Size()
	}
	switch {
	case dst.Remote && dst.isDir():
		if src.Stdio {
			return nil, usagef("%s: give the key to write standard input to, not the directory %s", op, dst)
		}
		j.dst = dst.child(baseName(srcName(src)))
	case !dst.Remote && !dst.Stdio && isLocalDir(dst.Path):
		j.dst = location{Path: filepath.Join(dst.Path, baseName(src.Key))}
	}
	return []job{j}, nil
}

// planLocalTree is plan of a local directory: its files that flt keeps.
func (a *app) planLocalTree(op string, src, dst location, f *copyFlags, flt *filter) ([]job, error) {
	var jobs []job
	fi, err := os.Stat(src.Path)
	if err != nil {
		return nil, wrapOp(op, src.Path, err)
	}
	if !fi.IsDir() {
		return nil, usagef("%s -r: %s is not a directory", op, src.Path)
	}
	files, err := listLocal(src.Path, flt, a.links(f.copyLinks))
	a.linkSummary()
	if err != nil {
		return nil, wrapOp(op, src.Path, err)
	}
	for _, e := range files {
		jobs = append(jobs, job{src: location{Path: filepath.Join(src.Path, filepath.FromSlash(e.rel))}, dst: dst.child(e.rel), size: e.size})
	}
	return jobs, nil
}

// srcName is the name a source gives to a destination directory entry.
func srcName(l location) string {
	if l.Remote {
		return l.Key
	}
	return filepath.ToSlash(l.Path)
}

func isLocalDir(p string) bool {
	if strings.HasSuffix(p, string(os.PathSeparator)) || strings.HasSuffix(p, "/") {
		return true
	}
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// runJob copies (or moves) one file or object.
func (a *app) runJob(ctx context.Context, rem *remote, op string, j job, x *xfer, move bool) error {
	target := j.src.String() + " -> " + j.dst.String()
	start := time.Now()
	err := a.copyOne(ctx, rem, j, x, move)
	// Each request is logged by the debug transport; this line sums up
	// the transfer.
	a.log.Debug("transfer", "op", op, "src", j.src.String(), "dst", j.dst.String(), "size", j.size,
		"duration", time.Since(start).Round(time.Millisecond), "error", err)
	if err != nil {
		return wrapOp(op, target, err)
	}
	verb := map[bool]string{false: "copied", true: "moved"}[move]
	a.say(j.dst.Stdio, "%s %s", verb, target)
	return nil
}

// copyOne does the work of runJob.
func (a *app) copyOne(ctx context.Context, rem *remote, j job, x *xfer, move bool) error {
	switch {
	case !j.src.Remote: // local or stdin -> remote
		s, err := rem.storage(j.dst.Bucket)
		if err != nil {
			return err
		}
		if j.src.Stdio {
			_, err = uploadStream(ctx, s, j.dst.Key, a.stdin, x, "stdin")
			return err
		}
		if _, err := uploadFile(ctx, s, j.dst.Key, j.src.Path, x); err != nil {
			return err
		}
		if move {
			return os.Remove(j.src.Path)
		}
		return nil
	case !j.dst.Remote: // remote -> local or stdout
		s, err := rem.storage(j.src.Bucket)
		if err != nil {
			return err
		}
		if j.dst.Stdio {
			_, err = downloadStream(ctx, s, j.src.Key, a.stdout, x)
		} else {
			_, err = downloadFile(ctx, s, j.src.Key, j.dst.Path, x, false)
		}
		if err != nil || !move {
			return err
		}
		return s.DeleteWithContext(ctx, j.src.Key)
	}
	return a.remoteCopy(ctx, rem, j.src, j.dst, x, move)
}

// remoteCopy copies or moves an object on the server: through go-storage
// (Copier, Mover) within a bucket; across buckets (go-storage has no
// cross-storage copy) a move is one QingStor move request and a copy goes
// through the QingStor storage's CopyFrom (part by part on the server for
// sources above 5 GiB).
func (a *app) remoteCopy(ctx context.Context, rem *remote, src, dst location, x *xfer, move bool) error {
	if src.Bucket == dst.Bucket {
		s, err := rem.storage(src.Bucket)
		if err != nil {
			return err
		}
		if move {
			if m, ok := s.(types.Mover); ok {
				return m.MoveWithContext(ctx, src.Key, dst.Key)
			}
		} else if c, ok := s.(types.Copier); ok {
			return c.CopyWithContext(ctx, src.Key, dst.Key)
		}
		return fmt.Errorf("the service cannot copy on the server")
	}
	if move {
		api, err := rem.wireFor(ctx, "moving between buckets", dst.Bucket)
		if err != nil {
			return err
		}
		_, err = api.MoveObject(ctx, dst.Bucket, dst.Key, src.Bucket, src.Key)
		return err
	}
	from, err := qingstorOf(rem, src.Bucket)
	if err != nil {
		return err
	}
	to, err := qingstorOf(rem, dst.Bucket)
	if err != nil {
		return err
	}
	var ps []types.Pair
	if x.copyPartSize > 0 {
		ps = append(ps, qingstor.WithPartSize(x.copyPartSize))
	}
	b := x.prog.file(src.String(), -1)
	err = to.CopyFrom(ctx, from, src.Key, dst.Key, append(ps, qingstor.WithPartConcurrency(x.concurrency))...)
	b.done(err)
	return err
}

// qingstorOf returns the QingStor storage of bucket, for what only QingStor
// can do (copies between buckets).
func qingstorOf(rem *remote, bucket string) (*qingstor.Storage, error) {
	s, err := rem.storage(bucket)
	if err != nil {
		return nil, err
	}
	qs, ok := s.(*qingstor.Storage)
	if !ok {
		return nil, fmt.Errorf("copying between buckets needs the qingstor service, not %s", s)
	}
	return qs, nil
}
