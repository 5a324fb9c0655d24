// Package qingstor is the QingStor Object Storage service of qsgo on the
// go-storage v4 API: a drop-in replacement for go-service-qingstor v3.
//
// Open a bucket with a connection string, exactly as go-service-qingstor
// users write it (the blank import registers the type "qingstor"):
//
//	import _ "github.com/qsgo/qsgo/services/qingstor"
//
//	store, err := services.NewStoragerFromString(
//		"qingstor://bucket-name/path/to/workdir?credential=hmac:ak:sk&endpoint=https:qingstor.com")
//
// or with pairs: qingstor.NewStorager(pairs.WithCredential(...),
// pairs.WithName(...), pairs.WithWorkDir(...)). The servicer (the buckets of
// the account) is qingstor.NewServicer or
// services.NewServicerFromString("qingstor://?credential=...&endpoint=...").
//
// The Storage implements types.Storager and the capabilities Appender,
// Copier, Direr, Fetcher, Linker (with enable_virtual_link), Mover,
// Multiparter, Reacher, StorageHTTPSigner and MultipartHTTPSigner. The
// protocol itself lives in package qsapi; this package maps paths, parses
// pairs (generated from service.json), maps errors to go-storage codes and
// adds what the go-storage contract demands. README.md lists the pairs,
// the SSE-C support and the go-service-qingstor defects that are fixed.
//
// Transport. WithHTTPClient(*http.Client) makes every request of a
// Servicer or Storager (and of the storages a Servicer makes) go through the
// caller's client (for logging, tracing or tests); it wins over
// http_client_options and cannot be given in a connection string.
// WithEnableVirtualHostStyle() addresses buckets as <bucket>.<zone>.<host>
// instead of <zone>.<host>/<bucket>; IP and localhost endpoints always use
// path style, so there it changes nothing.
//
// Paths are relative to the work dir or absolute ("/a/b" is key "a/b").
// Directories are empty objects "<dir>/" of type application/x-directory.
// Links are empty objects whose x-qs-meta-bs-link-target metadata holds the
// percent-encoded target. Writes above 64 MiB become parallel multipart
// uploads (parts of 16 MiB or more, 4 in flight), invisible until complete,
// sent straight from a source that can be read by offset (a file) or through
// bounded buffers from a stream; verify_content adds per-part Content-MD5
// and a whole-content MD5 ETag, multipart_id resumes an upload, WriteStream
// takes streams of unknown length. Reads of whole objects into a file use
// parallel ranged GETs. Copies of sources above 5 GiB, within a bucket or
// across buckets (CopyFrom), become multipart uploads filled by server-side
// part copies. The part_size and part_concurrency pairs tune all of them.
//
// Code written for go-service-qingstor v3 compiles after rewriting its
// imports: every name v3.3.0 exported is here with the same type.
package qingstor
