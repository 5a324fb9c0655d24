package main

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
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

// listLocal returns the regular files under root (root itself when it is a
// file, with rel equal to its base name) that flt keeps, skipping the
// directories it excludes whole. Symbolic links are not followed.
func listLocal(root string, flt *filter) ([]entry, error) {
	var out []entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && flt.skipDir(rel) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if rel == "." {
			rel = filepath.Base(p)
		}
		if !flt.keep(rel) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, entry{rel: rel, size: fi.Size(), mtime: fi.ModTime()})
		return nil
	})
	return out, err
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
