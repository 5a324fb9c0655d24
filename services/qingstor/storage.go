package qingstor

import (
	"context"
	"fmt"
	"strings"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/types"
)

// Storage is the QingStor Storager: one bucket, seen through a work dir. It
// implements types.Storager and types.Appender, types.Copier, types.Direr,
// types.Fetcher, types.Linker, types.Mover, types.Multiparter,
// types.Reacher, types.StorageHTTPSigner and types.MultipartHTTPSigner. It is
// safe for concurrent use. Build it with NewStorager, New, Service.Get or
// services.NewStoragerFromString("qingstor://<bucket>/<work dir>?credential=...").
type Storage struct {
	client   *qsapi.Client // bound to the bucket's zone
	name     string        // bucket
	location string        // zone
	workDir  string        // absolute, starts and ends with "/"
	prefix   string        // workDir without its leading "/": the key prefix
	noClean  bool          // disable_uri_cleaning: keep runs of "/" in keys

	// large writes (see upload.go); the zero values mean the defaults.
	upload uploadConfig

	features     StorageFeatures
	defaultPairs DefaultStoragePairs

	types.UnimplementedStorager
	types.UnimplementedAppender
	types.UnimplementedCopier
	types.UnimplementedDirer
	types.UnimplementedFetcher
	types.UnimplementedLinker
	types.UnimplementedMover
	types.UnimplementedMultiparter
	types.UnimplementedReacher
	types.UnimplementedStorageHTTPSigner
	types.UnimplementedMultipartHTTPSigner
}

// storageConfig is what a Storage is built from, by newStorager or by the
// Service.
type storageConfig struct {
	client       *qsapi.Client // any zone; rebound to location
	name         string
	location     string // "" = discover
	workDir      string // "" = "/"
	noClean      bool
	features     StorageFeatures
	defaultPairs DefaultStoragePairs
}

// newStorage validates cfg, discovers the location when it is not given
// (one unsigned HEAD on the global host, as QingStor clients do) and returns
// the Storage.
func newStorage(ctx context.Context, cfg storageConfig) (*Storage, error) {
	if err := checkBucketName(cfg.name); err != nil {
		return nil, err
	}
	wd, err := normaliseWorkDir(cfg.workDir)
	if err != nil {
		return nil, err
	}
	if !cfg.noClean {
		wd = qsapi.CollapseSlashes(wd)
	}
	loc := strings.ToLower(cfg.location)
	if loc == "" {
		loc, err = cfg.client.DetectLocation(ctx, cfg.name)
		if err != nil {
			return nil, classify(fmt.Errorf("detect the location of bucket %s: %w", cfg.name, err))
		}
	} else if strings.ContainsAny(loc, "/:?#@. \t\r\n") {
		return nil, fmt.Errorf("%w: location %q is not a zone id", ErrLocationInvalid, cfg.location)
	}
	return &Storage{
		client:       cfg.client.WithZone(loc),
		name:         cfg.name,
		location:     loc,
		workDir:      wd,
		prefix:       wd[1:],
		noClean:      cfg.noClean,
		features:     cfg.features,
		defaultPairs: cfg.defaultPairs,
	}, nil
}

// String describes the storage: "Storager qingstor {Name: b, Location: z, WorkDir: /w/}".
func (s *Storage) String() string {
	return fmt.Sprintf("Storager qingstor {Name: %s, Location: %s, WorkDir: %s}", s.name, s.location, s.workDir)
}

// checkBucketName applies QingStor's bucket naming rule: 6 to 63 bytes of
// [a-z0-9-], beginning and ending with a letter or digit.
func checkBucketName(name string) error {
	ok := len(name) >= 6 && len(name) <= 63
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		ok = alnum || (c == '-' && i > 0 && i < len(name)-1)
	}
	if !ok {
		return fmt.Errorf("%w: %q must be 6 to 63 characters of [a-z0-9-], starting and ending with a letter or digit", ErrBucketNameInvalid, name)
	}
	return nil
}

// normaliseWorkDir checks that wd is absolute and gives it exactly one
// trailing "/" ("" means "/"; "\" counts as "/").
func normaliseWorkDir(wd string) (string, error) {
	if wd == "" {
		return "/", nil
	}
	wd = strings.ReplaceAll(wd, `\`, "/")
	if !strings.HasPrefix(wd, "/") {
		return "", fmt.Errorf("%w: work_dir %q must be absolute (start with /)", ErrWorkDirInvalid, wd)
	}
	for _, seg := range strings.Split(wd, "/") {
		if seg == "." || seg == ".." {
			return "", fmt.Errorf("%w: work_dir %q must not contain . or .. segments", ErrWorkDirInvalid, wd)
		}
	}
	if !strings.HasSuffix(wd, "/") {
		wd += "/"
	}
	return wd, nil
}

// key maps a user path, relative to the work dir or absolute, to the object
// key (no leading "/"). Unless disable_uri_cleaning is set, runs of "/" are
// collapsed here, as the wire client collapses them in request paths, so
// that keys in URLs, copy sources, listing prefixes and returned IDs agree.
func (s *Storage) key(p string) string {
	if !s.noClean {
		p = qsapi.CollapseSlashes(p)
	}
	if strings.HasPrefix(p, "/") {
		return p[1:]
	}
	return s.prefix + p
}

// dirKey is the key of the directory marker of p: the key with one trailing "/".
func (s *Storage) dirKey(p string) string {
	k := s.key(p)
	if k == "" || strings.HasSuffix(k, "/") {
		return k
	}
	return k + "/"
}

// fileKey is the key of a file at p; p must name something below the
// bucket root that is not a directory (no trailing "/").
func (s *Storage) fileKey(p string) (string, error) {
	k := s.key(p)
	if k == "" || strings.HasSuffix(k, "/") {
		return "", fmt.Errorf("%w: %q names a directory, not a file", ErrPathInvalid, p)
	}
	return k, nil
}

// relPath gives the Path of a listed key: relative to the work dir when it
// lies below it, else absolute.
func (s *Storage) relPath(key string) string {
	if strings.HasPrefix(key, s.prefix) {
		return key[len(s.prefix):]
	}
	return "/" + key
}

// objectKey returns the key of an object handed to an operation: its ID
// when set (objects made by this storage carry their key), else the key of
// its Path.
func (s *Storage) objectKey(o *types.Object) (string, error) {
	if o == nil {
		return "", fmt.Errorf("%w: nil object", ErrPathInvalid)
	}
	if o.ID != "" && !strings.HasPrefix(o.ID, "/") {
		return o.ID, nil
	}
	if o.ID != "" {
		return o.ID[1:], nil
	}
	return s.fileKey(o.Path)
}

// newObject returns an object of this storage for path p and key k; done
// says whether its fields are complete (no lazy stat).
func (s *Storage) newObject(p, k string, mode types.ObjectMode, done bool) *types.Object {
	o := types.NewObject(s, done)
	o.ID = k
	o.Path = p
	o.Mode = mode
	return o
}

// metadata returns the bucket name, work dir, location and QingStor's limits.
func (s *Storage) metadata(_ pairStorageMetadata) *types.StorageMeta {
	m := types.NewStorageMeta()
	m.Name = s.name
	m.WorkDir = s.workDir
	m.SetLocation(s.location)
	m.SetWriteSizeMaximum(maxObjectSize)
	m.SetCopySizeMaximum(maxObjectSize) // above 5 GiB by part copy (partcopy.go)
	m.SetAppendSizeMaximum(appendSizeMaximum)
	m.SetAppendTotalSizeMaximum(appendTotalSizeMaximum)
	m.SetMultipartNumberMaximum(multipartNumberMaximum)
	m.SetMultipartSizeMaximum(qsapi.MaxPartSize)
	m.SetMultipartSizeMinimum(qsapi.MinPartSize)
	return m
}

// QingStor's limits (docs/protocol.md, "Limits").
const (
	// appendSizeMaximum is the largest single append (5 GiB).
	appendSizeMaximum = 5 << 30
	// appendTotalSizeMaximum is the largest appendable object (50 TiB).
	appendTotalSizeMaximum = 50 << 40
	// multipartNumberMaximum is the most parts of one upload. Part numbers
	// run from 0 to 10000 (qsapi.MaxPartNumber), but at most 10000 parts.
	multipartNumberMaximum = 10000
	// maxObjectSize is the largest object: 10000 parts of 5 GiB.
	maxObjectSize = multipartNumberMaximum * qsapi.MaxPartSize
)
