package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/types"
)

// entry is one file of a local or remote tree, by its '/'-separated path
// relative to the tree's root.
type entry struct {
	rel   string
	size  int64
	mtime time.Time
	etag  string // remote only, quotes removed
}

// links says what a local walk does with symbolic links: follow them
// (-L/--copy-links), or skip them, telling skip about each one.
type links struct {
	follow bool
	skip   func(path, why string)
}

// links returns how the invocation's walks treat symbolic links: follow
// them with -L; else skip each, naming it on stderr, or with -q counting it
// for linkSummary.
func (a *app) links(follow bool) links {
	return links{follow: follow, skip: func(p, why string) {
		a.outMu.Lock()
		defer a.outMu.Unlock()
		a.skippedLinks++
		if !a.quiet {
			fmt.Fprintf(a.stderr, "qs: skipped %s: %s\n", p, why)
		}
	}}
}

// linkSummary prints, with -q, how many links the walks skipped.
func (a *app) linkSummary() {
	a.outMu.Lock()
	defer a.outMu.Unlock()
	if a.quiet && a.skippedLinks > 0 {
		fmt.Fprintf(a.stderr, "qs: skipped %d symbolic link%s (-L follows links)\n", a.skippedLinks, plural(a.skippedLinks))
	}
	a.skippedLinks = 0
}

// plural returns "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// listLocal returns the regular files under root (root itself when it is a
// file, with rel equal to its base name) that flt keeps, skipping the
// directories it excludes whole. root is followed if it is a link; links
// below it are followed or skipped as ln says (a followed link to a
// directory that holds it is a loop, and skipped).
func listLocal(root string, flt *filter, ln links) ([]entry, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file", root)
		}
		return []entry{{rel: filepath.Base(root), size: fi.Size(), mtime: fi.ModTime()}}, nil
	}
	w := &localWalk{flt: flt, links: ln}
	err = w.dir(root, "", []os.FileInfo{fi})
	return w.out, err
}

// localWalk is the state of one listLocal.
type localWalk struct {
	flt   *filter
	links links
	out   []entry
}

// dir walks the directory at p (rel from the root, "" for the root);
// parents are the directories from the root down to p, for loops.
func (w *localWalk) dir(p, rel string, parents []os.FileInfo) error {
	des, err := os.ReadDir(p)
	if err != nil {
		return err
	}
	for _, d := range des {
		cp, crel := filepath.Join(p, d.Name()), path.Join(rel, d.Name())
		fi, err := w.info(cp, d)
		if err != nil {
			return err
		}
		if fi == nil {
			continue
		}
		switch {
		case fi.IsDir():
			if slices.ContainsFunc(parents, func(q os.FileInfo) bool { return os.SameFile(q, fi) }) {
				w.links.skip(cp, "it loops back to a directory that holds it")
				continue
			}
			if w.flt.skipDir(crel) {
				continue
			}
			if err := w.dir(cp, crel, append(slices.Clip(parents), fi)); err != nil {
				return err
			}
		case fi.Mode().IsRegular():
			if w.flt.keep(crel) {
				w.out = append(w.out, entry{rel: crel, size: fi.Size(), mtime: fi.ModTime()})
			}
		}
	}
	return nil
}

// info returns what the walk sees at p: the entry itself, or for a link
// the file it points to when links are followed; nil (after telling
// links.skip) for a link that is skipped.
func (w *localWalk) info(p string, d fs.DirEntry) (os.FileInfo, error) {
	if d.Type()&fs.ModeSymlink == 0 {
		return d.Info()
	}
	if !w.links.follow {
		w.links.skip(p, "a symbolic link (-L follows links)")
		return nil, nil
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		w.links.skip(p, "a dangling symbolic link")
		return nil, nil
	}
	return fi, err
}

// dirPrefix turns a key into the prefix of a recursive operation: "" stays
// "", anything else gets one trailing '/'.
func dirPrefix(key string) string {
	if key == "" || strings.HasSuffix(key, "/") {
		return key
	}
	return key + "/"
}

// walkRemote calls fn for every object whose key starts with prefix (a flat
// prefix listing), with rel the key without the prefix. Directory markers
// (keys ending in '/') are skipped.
func walkRemote(ctx context.Context, s types.Storager, prefix string, fn func(entry) error) error {
	return walkPrefix(ctx, s, prefix, func(o *types.Object) error {
		if strings.HasSuffix(o.Path, "/") {
			return nil
		}
		return fn(objectEntry(o, strings.TrimPrefix(o.Path, prefix)))
	})
}

// walkPrefix calls fn with every object of a flat listing of prefix whose
// key starts with it, directory markers included.
func walkPrefix(ctx context.Context, s types.Storager, prefix string, fn func(*types.Object) error) error {
	it, err := s.ListWithContext(ctx, prefix, pairs.WithListMode(types.ListModePrefix))
	if err != nil {
		return err
	}
	return each(it.Next, func(o *types.Object) error {
		if !strings.HasPrefix(o.Path, prefix) {
			return nil
		}
		return fn(o)
	})
}

// each calls fn with every item of an iterator's next method (objects,
// parts, storagers) until types.IterateDone, stopping at the first error
// of next or of fn.
func each[T any](next func() (T, error), fn func(T) error) error {
	for {
		v, err := next()
		if errors.Is(err, types.IterateDone) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
}

// objectEntry describes a listed object.
func objectEntry(o *types.Object, rel string) entry {
	e := entry{rel: rel}
	e.size, _ = o.GetContentLength()
	e.mtime, _ = o.GetLastModified()
	etag, _ := o.GetEtag()
	e.etag = strings.Trim(etag, `"`)
	return e
}

// listRemote collects walkRemote's entries.
func listRemote(ctx context.Context, s types.Storager, prefix string) ([]entry, error) {
	var out []entry
	err := walkRemote(ctx, s, prefix, func(e entry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// walkRemoteAll calls fn with the key of every object under prefix,
// directory markers included.
func walkRemoteAll(ctx context.Context, s types.Storager, prefix string, fn func(key string)) error {
	return walkPrefix(ctx, s, prefix, func(o *types.Object) error {
		fn(o.Path)
		return nil
	})
}

// deleteKey deletes one key; a key ending in '/' is a directory marker.
func deleteKey(ctx context.Context, s types.Storager, key string) error {
	if d, ok := strings.CutSuffix(key, "/"); ok {
		return s.DeleteWithContext(ctx, d, pairs.WithObjectMode(types.ModeDir))
	}
	return s.DeleteWithContext(ctx, key)
}
