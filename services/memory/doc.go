// Package memory is the in-memory reference service of qsgo: a complete
// go-storage Storager that keeps every object in the process's memory. It is
// the test double for code written against types.Storager and the proof that
// the conformance suite (package storagetest) describes a service that can
// exist. It is safe for concurrent use and never panics on input.
//
// # Opening a store
//
// The service registers itself as "memory" (blank-import the package to use
// connection strings):
//
//	store, err := services.NewStoragerFromString("memory://shared/work/dir/")
//	store, err := memory.NewStorager(pairs.WithName("shared"), pairs.WithWorkDir("/work/dir/"))
//
// name (optional) selects a named space: every store opened with the same
// non-empty name, in the same process, sees the same objects, like two
// clients of one bucket; named spaces live as long as the process. Without a
// name each store gets a private, empty space. work_dir (default "/") must
// be absolute; it is cleaned and gets a trailing "/".
//
// # Paths and objects
//
// Paths are relative to the work dir or absolute; "\" is read as "/". Keys
// are cleaned absolute paths. Object.Path echoes the path given; objects
// from listings have Paths relative to the work dir (absolute when outside
// it). Object.ID is the absolute key (directories end in "/").
//
// Directories are real objects: a name holds a file (or link) or a
// directory, never both, so writing, copying, moving or linking onto an
// existing directory, or creating a directory where a file is, fails with
// services.ErrObjectModeInvalid. Paths ending in "/" name directories and
// cannot receive files. Parents are implicit, as in an object store: writing
// "a/b/c" needs no CreateDir, and nothing stops a file "a" from coexisting
// with objects under "a/". Stat and Delete address files and links unless
// given object_mode dir, which addresses the directory (Stat also finds a
// directory implied only by objects below it). Delete never recurses.
//
// List defaults to dir mode. In dir mode the path is a directory (trailing
// "/" optional) and its sub-directories are listed once each as ModeDir
// objects whose Path ends in "/". Prefix mode lists every key starting with
// the path as given (not cleaned), flat. Part mode lists uploads in progress.
// Pages hold 100 objects.
//
// # Capabilities
//
// Write stores exactly size bytes (ETag: quoted hex MD5; content_type and
// content_md5 are kept as given) and Read honours offset and size (size 0
// reads nothing). Appender: CreateAppend truncates; appends are durable and
// visible at once; WriteAppend checks the object's append offset against the
// stored size (ErrAppendOffsetMismatch). Copier copies the target of a link;
// Mover moves a link as a link. Linker stores absolute, cleaned targets
// (path.Join(WorkDir, target) for relative ones); Read and Copy follow up to
// 16 links. Multiparter: part indexes 0..9999, no minimum part size;
// CompleteMultipart needs the parts in increasing index order with the sizes
// (and ETags, when given) they were uploaded with.
//
// # Servicer
//
// Service (NewServicer, "memory://") manages the named spaces as storages:
// Create and Get open the space of that name (named spaces come into being
// on first use, so both succeed for a new name and keep an existing one's
// objects), List lists the spaces that exist, Delete forgets one (storages
// already open keep their detached copy).
package memory
