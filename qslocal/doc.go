// Package qslocal is a local QingStor-compatible object storage server: an
// http.Handler that speaks the QingStor REST API (as the official SDKs and
// the qsapi client send it), verifies header and presigned signatures with
// qsapi/sign, and keeps data in a store (bbolt metadata plus files on disk,
// or memory for tests).
//
// Use New for the handler, Start to run it on a listener, StartTest in tests.
//
// qslocal answers as the QingStor API documentation describes each
// operation. The lists below are every place where that documentation
// disagrees with itself or says nothing, and what qslocal does there; each
// decision is explained again where the code makes it. (docs/protocol.md
// in this repository summarises the protocol itself.)
//
// # Where the docs disagree
//
// The operation's own page is followed:
//
//   - upload_not_exists is 404, as the upload-part and list-parts pages say
//     (the error table says 400).
//   - GET Bucket's marker field carries the same value as next_marker, as its
//     field table says (the page's example shows an empty marker).
//   - A bad Range is 416 invalid_range, the code of the error table (the
//     common-header page spells it differently).
//   - X-QS-Metadata-Directive is compared case-insensitively (COPY/REPLACE
//     in one place, copy/replace in another).
//   - Fetch needs a source that sends Content-Length, as the fetch page says:
//     a chunked source fails (503 upstream_failed, the code being a
//     decision); the error table's upstream_failed entry does not mention it.
//
// # Where the docs are silent
//
// Hosts and zones:
//
//   - Hosts are read as [bucket.][zone.]base, with a configured base domain
//     (Options.BaseDomain) and "localhost" as bases. IP, plain localhost and
//     unknown hosts are direct: path style, the default zone
//     (Options.Zone, qs serve --zone), every bucket served (parseHost).
//   - A host label is a zone when configured or when shaped like a zone id
//     (2 to 5 letters and digits, starting with a letter, holding a digit),
//     which no bucket name can be (isZone).
//   - A bucket lives in the zone of the host it was created on; created on a
//     direct or the global host, in the default zone.
//   - A bucket request on the zone-less global host gets 301 to the bucket's
//     zone host, before authentication (clients discover zones with an
//     unsigned HEAD); a missing bucket is 404 there (redirectToZone).
//   - On another zone's host a bucket does not exist: 404 bucket_not_exists,
//     and creating it is 409 bucket_already_exists (names are global)
//     (checkZone).
//   - GET /?location lists the configured zones and those buckets live in.
//   - Listings name the bucket's creator as owner: id "usr-" and 8 hex digits
//     derived from the access key id, name the key id; buckets created
//     without a request belong to the first configured key.
//
// Requests and signatures:
//
//   - Signatures: the v2 canonical URI, the "/bucket" variant of bucket-level
//     virtual-host requests and the raw wire path are all accepted; 15-minute
//     clock skew; expired presigned URLs are 403 request_expired (auth.go).
//   - Signature diagnostics (beyond QingStor, as S3 does): a
//     signature_not_matched message quotes the string to sign the server
//     computed for the v2 canonical URI, SSE-C key values redacted and cut at
//     8 KiB; it is also logged at debug level (auth.go).
//   - Append signed without position (the official JavaScript SDK leaves it
//     out; the docs sign it) is accepted once per signature and position
//     (that SDK signs two appends within one second alike) and only for
//     signatures valid for at most 15 minutes; a reuse at the same position
//     is 403 request_expired (authappend.go explains the trade-off).
//   - A request with more than 2048 x-qs- headers is 400 invalid_request
//     before any signing work (valid metadata needs about 1,050 at most).
//   - Content-MD5 is base64 (24 characters) or hex (32); "flag" and "flag="
//     are the same; query keys that are not signed sub-resources are ignored,
//     signed sub-resources an operation does not support are 400
//     invalid_request. A signed sub-resource or presigned parameter that
//     appears twice in the query is 400 invalid_request before
//     authentication (the string to sign joins the values, handlers would act
//     on the first).
//   - PUT, upload part and append need Content-Length: a chunked body is 400
//     invalid_request.
//   - Header values may be percent-encoded (the JavaScript SDK runs encodeURI
//     on every value): ETag and date conditions are decoded. An unreadable
//     date is ignored on GET and HEAD (as HTTP says) and is 400
//     invalid_argument for copy, part copy and move sources, whose
//     conditions never pass on a date that could not be read.
//   - Keys: 1 to 1024 bytes of UTF-8, no NUL, no empty, "." or ".." segment.
//     A JSON body (Delete Multiple, Complete) that is not valid UTF-8 or
//     holds an unpaired \u surrogate escape is refused whole with 400
//     invalid_json, since decoding would turn a bad key into another key.
//
// Listings:
//
//   - Objects (the 100-key cap and default are documented): results start
//     strictly after marker; next_marker is the last key or common prefix of
//     the page; keys come in byte order.
//   - Parts (part_number_marker exclusive, as documented): limit defaults to
//     and is capped at 1000; count is the upload's total number of parts;
//     etag is the bare hex digest, as in the docs' example.
//   - Uploads and buckets: limit defaults to 200 and is capped at 1000;
//     buckets page by offset, with count the total.
//
// Objects:
//
//   - Complete without an ETag header gives the object no ETag (the docs say
//     the server computes none): HEAD and GET send no ETag header, listings
//     show "etag": "", If-Match and If-None-Match match it only with "*". A
//     copy of it gets the MD5 of its bytes.
//   - A failed If-Match or If-Unmodified-Since is 412 precondition_failed with
//     the JSON error body on GET (nothing on HEAD); 304 has no body. A 416
//     carries Content-Range: bytes */<size>. HEAD ignores Range and answers
//     200 for the whole object.
//   - Append: a position mismatch is 400 invalid_argument (documented);
//     appending to an object that is not appendable is 400
//     invalid_object_state; X-QS-Object-Type is "appendable"; appendable
//     objects cannot be encrypted.
//   - DELETE object and abort are idempotent (204).
//   - Copy part answers X-QS-Content-Copy-Range also for a whole source.
//   - Move works within one zone (documented): between buckets of two zones
//     it is 400 invalid_request. Copy sources may be in any zone.
//   - Fetch takes no SSE-C headers (none are documented for it): they are 400
//     invalid_request, never a plaintext object the client believes
//     encrypted.
//   - SSE-C: AES-256-CTR per segment with a random IV; malformed key headers
//     400 invalid_request, missing or wrong key 403 permission_denied. The
//     key is never stored; a salted HMAC checks it and its MD5 is kept (the
//     docs say the server keeps it) so GET, HEAD (also without the key) and
//     Complete answer both the algorithm and the key MD5 (ssec.go).
//   - Bucket statistics always list STANDARD and STANDARD_IA in
//     storage_classes, with billing_size equal to size (nothing is billed).
//   - A write that fails because the data directory's file system is full
//     (ENOSPC, EDQUOT) is 507 insufficient_storage, a code of qslocal's own
//     that clients do not retry; nothing is stored and reads keep working.
//     Tests simulate it with store.Store.SetWriteFault.
//   - Slow clients: in each transfer window (30 s) a request body must
//     deliver, and a response accept, at least 4 KiB/s on average, else the
//     connection is closed and the request's files are released (pace.go;
//     Options.TransferWindow and MinTransferRate, qs serve
//     --transfer-window and --min-transfer-rate).
package qslocal
