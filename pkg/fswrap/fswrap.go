// Package fswrap adapts a types.Storager to io/fs and net/http: Fs gives an
// fs.FS, HttpFs an http.FileSystem. Files stream their content from the
// storage (nothing is buffered whole); directories come from List.
package fswrap

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// Fs returns a read-only fs.FS over the work dir of s. Names follow io/fs
// (slash-separated, unrooted, "." is the work dir; backslashes are refused). A name is a directory when
// the storage says so or when objects exist below it (object stores have no
// real directories). Opened files implement io.Seeker and fs.ReadDirFile.
// The FS also implements fs.StatFS, fs.ReadFileFS, fs.ReadDirFS, fs.GlobFS
// and fs.SubFS, as go-storage v4's Fs did, so code that type-asserts them
// keeps working.
func Fs(s types.Storager) fs.FS {
	return &fileSystem{s: s}
}

// The optional io/fs interfaces go-storage v4's Fs value implemented.
var (
	_ fs.StatFS     = (*fileSystem)(nil)
	_ fs.ReadFileFS = (*fileSystem)(nil)
	_ fs.ReadDirFS  = (*fileSystem)(nil)
	_ fs.GlobFS     = (*fileSystem)(nil)
	_ fs.SubFS      = (*fileSystem)(nil)
)

// HttpFs returns an http.FileSystem over the work dir of s (http.FS of Fs(s)).
func HttpFs(s types.Storager) http.FileSystem {
	return http.FS(Fs(s))
}

type fileSystem struct {
	s types.Storager
}

// Open opens name, a file or a directory.
func (f *fileSystem) Open(name string) (fs.File, error) {
	// Storages turn '\\' into '/' (GSP-749), so a name with a backslash would
	// alias another one: refuse it.
	if !fs.ValidPath(name) || strings.Contains(name, "\\") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return &dir{fsys: f, name: name}, nil
	}
	o, err := f.s.Stat(name)
	switch {
	case err == nil && !o.Mode.IsDir():
		return &file{fsys: f, name: name, info: newInfo(path.Base(name), o)}, nil
	case err == nil:
		return &dir{fsys: f, name: name}, nil
	case !errors.Is(err, services.ErrObjectNotExist):
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	entries, err := f.list(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if len(entries) == 0 {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &dir{fsys: f, name: name, entries: entries, listed: true}, nil
}

// Stat returns the FileInfo of name, a file or a directory.
func (f *fileSystem) Stat(name string) (fs.FileInfo, error) {
	fl, err := f.Open(name)
	if err != nil {
		return nil, renameOp(err, "stat")
	}
	defer fl.Close()
	return fl.Stat()
}

// ReadFile returns the whole content of the file name (the one fs call that
// holds an object in memory, as its contract demands).
func (f *fileSystem) ReadFile(name string) ([]byte, error) {
	fl, err := f.Open(name)
	if err != nil {
		return nil, renameOp(err, "readfile")
	}
	defer fl.Close()
	file, ok := fl.(*file)
	if !ok {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: errors.New("is a directory")}
	}
	var buf bytes.Buffer
	buf.Grow(int(min(file.info.size, 64<<20)))
	if _, err := f.s.Read(name, &buf); err != nil {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: err}
	}
	return buf.Bytes(), nil
}

// ReadDir returns the entries of the directory name, sorted by name.
func (f *fileSystem) ReadDir(name string) ([]fs.DirEntry, error) {
	fl, err := f.Open(name)
	if err != nil {
		return nil, renameOp(err, "readdir")
	}
	defer fl.Close()
	d, ok := fl.(*dir)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return d.ReadDir(-1)
}

// Glob returns the names matching pattern, with io/fs's Glob semantics
// (path.Match per segment, walking only the directories the pattern needs).
func (f *fileSystem) Glob(pattern string) ([]string, error) {
	// The wrapper hides this method so that fs.Glob walks with ReadDir
	// instead of calling back here.
	return fs.Glob(struct{ fs.ReadDirFS }{f}, pattern)
}

// Sub returns the FS rooted at the directory dir of this one.
func (f *fileSystem) Sub(dir string) (fs.FS, error) {
	// The wrapper hides this method so that fs.Sub builds its own view
	// instead of calling back here; the view still uses the methods above.
	type withoutSub interface {
		fs.StatFS
		fs.ReadFileFS
		fs.ReadDirFS
		fs.GlobFS
	}
	return fs.Sub(struct{ withoutSub }{f}, dir)
}

// renameOp gives an error of Open the operation name of the caller.
func renameOp(err error, op string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: op, Path: pe.Path, Err: pe.Err}
	}
	return err
}

// list returns the sorted entries directly under the directory name. It uses
// ListModeDir and falls back to a prefix listing for storages without it.
func (f *fileSystem) list(name string) ([]fs.DirEntry, error) {
	prefix := ""
	if name != "." {
		prefix = name + "/"
	}
	it, err := f.s.List(prefix, pairs.WithListMode(types.ListModeDir))
	if errors.Is(err, services.ErrListModeInvalid) || errors.Is(err, services.ErrCapabilityInsufficient) {
		it, err = f.s.List(prefix, pairs.WithListMode(types.ListModePrefix))
	}
	if err != nil {
		return nil, err
	}
	byName := map[string]fs.DirEntry{}
	for {
		o, err := it.Next()
		if errors.Is(err, types.IterateDone) {
			break
		}
		if err != nil {
			return nil, err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(o.Path, "/"), prefix)
		child, rest, isDeeper := strings.Cut(strings.TrimSuffix(rel, "/"), "/")
		if child == "" || byName[child] != nil {
			continue
		}
		if isDeeper && rest != "" || o.Mode.IsDir() {
			byName[child] = dirEntry{info: &info{name: child, mode: fs.ModeDir | 0o555}}
			continue
		}
		byName[child] = dirEntry{info: newInfo(child, o)}
	}
	out := make([]fs.DirEntry, 0, len(byName))
	for _, e := range byName {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// info is the fs.FileInfo of an object or a directory.
type info struct {
	name    string
	size    int64
	mode    fs.FileMode
	modTime time.Time
	obj     *types.Object
}

func newInfo(name string, o *types.Object) *info {
	i := &info{name: name, mode: 0o444, obj: o}
	if n, ok := o.GetContentLength(); ok {
		i.size = n
	}
	if t, ok := o.GetLastModified(); ok {
		i.modTime = t
	}
	return i
}

// Name returns the base name.
func (i *info) Name() string { return i.name }

// Size returns the content length (0 for directories).
func (i *info) Size() int64 { return i.size }

// Mode returns 0444 for files and fs.ModeDir|0555 for directories.
func (i *info) Mode() fs.FileMode { return i.mode }

// ModTime returns the last-modified time, or the zero time.
func (i *info) ModTime() time.Time { return i.modTime }

// IsDir reports whether this is a directory.
func (i *info) IsDir() bool { return i.mode.IsDir() }

// Sys returns the *types.Object of a file, nil for a directory.
func (i *info) Sys() any {
	if i.obj == nil {
		return nil
	}
	return i.obj
}

type dirEntry struct{ info *info }

// Name returns the base name of the entry.
func (e dirEntry) Name() string { return e.info.name }

// IsDir reports whether the entry is a directory.
func (e dirEntry) IsDir() bool { return e.info.IsDir() }

// Type returns the type bits of the entry.
func (e dirEntry) Type() fs.FileMode { return e.info.mode.Type() }

// Info returns the FileInfo of the entry.
func (e dirEntry) Info() (fs.FileInfo, error) { return e.info, nil }

// dir is an open directory.
type dir struct {
	fsys    *fileSystem
	name    string
	entries []fs.DirEntry
	listed  bool
	offset  int
}

// Stat returns the FileInfo of the directory.
func (d *dir) Stat() (fs.FileInfo, error) {
	return &info{name: path.Base(d.name), mode: fs.ModeDir | 0o555}, nil
}

// Read fails: a directory has no content.
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}

// Close does nothing.
func (d *dir) Close() error { return nil }

// ReadDir returns the next n entries (all remaining ones when n <= 0).
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	if !d.listed {
		entries, err := d.fsys.list(d.name)
		if err != nil {
			return nil, &fs.PathError{Op: "readdir", Path: d.name, Err: err}
		}
		d.entries, d.listed = entries, true
	}
	rest := d.entries[d.offset:]
	if n <= 0 {
		d.offset = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	d.offset += len(rest)
	return rest, nil
}

// file is an open object whose content streams from the storage through a
// pipe fed by one Read call per position.
type file struct {
	fsys   *fileSystem
	name   string
	info   *info
	offset int64

	pr     *io.PipeReader
	cancel context.CancelFunc
	done   chan struct{}
	closed bool
}

// Stat returns the FileInfo of the object, from the Stat done by Open.
func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }

// Read reads the next bytes of the object.
func (f *file) Read(p []byte) (int, error) {
	if f.closed {
		return 0, &fs.PathError{Op: "read", Path: f.name, Err: fs.ErrClosed}
	}
	if f.offset >= f.info.size {
		return 0, io.EOF
	}
	if f.pr == nil {
		f.start()
	}
	n, err := f.pr.Read(p)
	f.offset += int64(n)
	if err != nil && err != io.EOF {
		err = &fs.PathError{Op: "read", Path: f.name, Err: err}
	}
	return n, err
}

// start streams the object from the current offset into a pipe.
func (f *file) start() {
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var ps []types.Pair
	if f.offset > 0 {
		ps = append(ps, pairs.WithOffset(f.offset))
	}
	go func() {
		defer close(done)
		_, err := f.fsys.s.ReadWithContext(ctx, f.name, pw, ps...)
		pw.CloseWithError(err) // nil closes with io.EOF
	}()
	f.pr, f.cancel, f.done = pr, cancel, done
}

// stop ends the current stream and waits for its goroutine.
func (f *file) stop() {
	if f.pr == nil {
		return
	}
	f.cancel()
	f.pr.Close()
	<-f.done
	f.pr = nil
}

// Seek moves the read position; reading restarts from there.
func (f *file) Seek(offset int64, whence int) (int64, error) {
	if f.closed {
		return 0, &fs.PathError{Op: "seek", Path: f.name, Err: fs.ErrClosed}
	}
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += f.offset
	case io.SeekEnd:
		offset += f.info.size
	default:
		return 0, &fs.PathError{Op: "seek", Path: f.name, Err: fs.ErrInvalid}
	}
	if offset < 0 {
		return 0, &fs.PathError{Op: "seek", Path: f.name, Err: fs.ErrInvalid}
	}
	if offset != f.offset {
		f.stop()
		f.offset = offset
	}
	return offset, nil
}

// Close stops any stream in progress.
func (f *file) Close() error {
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.name, Err: fs.ErrClosed}
	}
	f.stop()
	f.closed = true
	return nil
}
