package qsapi

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// PutObjectInput are the options of PutObject. ContentLength is required.
type PutObjectInput struct {
	// ContentLength is the exact body length (QingStor needs it).
	ContentLength int64
	// ContentMD5 is the raw 16-byte MD5 of the body; sent base64-encoded.
	ContentMD5 []byte
	// ContentType defaults on the server to application/octet-stream.
	ContentType string
	// CacheControl, ContentEncoding and ContentDisposition are stored and
	// served back as the object's headers.
	CacheControl       string
	ContentEncoding    string
	ContentDisposition string
	// StorageClass is STANDARD (default) or STANDARD_IA.
	StorageClass string
	// Metadata becomes x-qs-meta-<name> headers.
	Metadata map[string]string
	// SSECKey is a 32-byte SSE-C key; nil for none.
	SSECKey []byte
	// GetBody, when set, returns a fresh copy of the body, allowing retries of
	// a body that is not an io.Seeker.
	GetBody func() (io.ReadCloser, error)
}

// PutObjectOutput is the result of PutObject.
type PutObjectOutput struct {
	ETag                string
	EncryptionAlgorithm string
	RequestID           string
}

func checkObject(op, bucket, key string) error {
	if err := checkBucket(op, bucket); err != nil {
		return err
	}
	if key == "" {
		return invalidArg(op, "empty object key")
	}
	return nil
}

// PutObjectRequest returns the request PutObject sends (without the body).
func (c *Client) PutObjectRequest(bucket, key string, in *PutObjectInput) (*Request, error) {
	const op = "PutObject"
	if err := checkObject(op, bucket, key); err != nil {
		return nil, err
	}
	r := &Request{Op: op, Method: http.MethodPut, Bucket: bucket, Key: key}
	if in == nil {
		return r, nil
	}
	if in.ContentLength < 0 {
		return nil, invalidArg(op, "negative content length %d", in.ContentLength)
	}
	r.setHeader("Content-Type", in.ContentType)
	r.setHeader("Cache-Control", in.CacheControl)
	r.setHeader("Content-Encoding", in.ContentEncoding)
	r.setHeader("Content-Disposition", in.ContentDisposition)
	r.setHeader("X-Qs-Storage-Class", in.StorageClass)
	if err := setContentMD5(r, in.ContentMD5); err != nil {
		return nil, err
	}
	if err := setMetadata(r, in.Metadata); err != nil {
		return nil, err
	}
	if err := setSSEC(r, sseHeaderPrefix, in.SSECKey); err != nil {
		return nil, err
	}
	return r, nil
}

// PutObject uploads body as bucket/key (PUT /<bucket>/<key>, 201), streaming
// it. in.ContentLength must be the body's exact length; body may be nil for
// an empty object. It is retried only if body is nil, an io.Seeker or
// in.GetBody is set.
func (c *Client) PutObject(ctx context.Context, bucket, key string, body io.Reader, in *PutObjectInput) (*PutObjectOutput, error) {
	if in == nil {
		in = &PutObjectInput{}
	}
	r, err := c.PutObjectRequest(bucket, key, in)
	if err != nil {
		return nil, err
	}
	if body == nil {
		body = http.NoBody
	}
	resp, err := c.sendNoBody(ctx, call{req: r, body: body, size: in.ContentLength, getBody: in.GetBody, ok: okCreated})
	if err != nil {
		return nil, err
	}
	return &PutObjectOutput{
		ETag:                resp.Header.Get("Etag"),
		EncryptionAlgorithm: resp.Header.Get("X-Qs-Encryption-Customer-Algorithm"),
		RequestID:           requestID(resp.Header),
	}, nil
}

// Conditions are the conditional headers of GET and HEAD. A failed
// If-None-Match/If-Modified-Since gives a 304 *Error (IsNotModified), a
// failed If-Match/If-Unmodified-Since a 412 *Error (IsPreconditionFailed).
type Conditions struct {
	IfMatch           string    // serve only if the ETag matches (else 412)
	IfNoneMatch       string    // serve only if the ETag differs (else 304)
	IfModifiedSince   time.Time // serve only if modified after it (else 304); zero: unset
	IfUnmodifiedSince time.Time // serve only if not modified after it (else 412); zero: unset
}

func (cd *Conditions) apply(r *Request) {
	r.setHeader("If-Match", cd.IfMatch)
	r.setHeader("If-None-Match", cd.IfNoneMatch)
	setTime(r, "If-Modified-Since", cd.IfModifiedSince)
	setTime(r, "If-Unmodified-Since", cd.IfUnmodifiedSince)
}

// ResponseOverrides set response headers of a GET through the response-*
// query parameters (signed sub-resources).
type ResponseOverrides struct {
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	ContentLanguage    string
	ContentType        string
	Expires            string
}

func (o *ResponseOverrides) apply(r *Request) {
	for _, p := range []struct{ k, v string }{
		{"response-cache-control", o.CacheControl},
		{"response-content-disposition", o.ContentDisposition},
		{"response-content-encoding", o.ContentEncoding},
		{"response-content-language", o.ContentLanguage},
		{"response-content-type", o.ContentType},
		{"response-expires", o.Expires},
	} {
		if p.v != "" {
			r.addQuery(p.k, p.v)
		}
	}
}

// GetObjectInput are the options of GetObject.
type GetObjectInput struct {
	// Range is a Range header value, e.g. "bytes=0-99", "bytes=100-", "bytes=-10".
	Range string
	Conditions
	// Response overrides headers of the response (signed response-* queries).
	Response ResponseOverrides
	// SSECKey is the 32-byte SSE-C key the object was written with.
	SSECKey []byte
}

// ObjectMeta is what GET and HEAD say about an object.
type ObjectMeta struct {
	StatusCode          int
	ContentLength       int64
	ContentType         string
	ContentRange        string
	ETag                string
	LastModified        time.Time
	StorageClass        string
	EncryptionAlgorithm string
	CacheControl        string
	ContentEncoding     string
	ContentDisposition  string
	ContentLanguage     string
	Expires             string
	// ObjectType is "appendable" for appendable objects, else empty.
	ObjectType string
	// NextAppendPosition is set (HasNextAppendPosition) for appendable objects.
	NextAppendPosition    int64
	HasNextAppendPosition bool
	// Metadata holds x-qs-meta-* headers keyed by lower-cased name without prefix.
	Metadata  map[string]string
	RequestID string
}

func metaFrom(resp *http.Response) ObjectMeta {
	h := resp.Header
	m := ObjectMeta{
		StatusCode:          resp.StatusCode,
		ContentLength:       resp.ContentLength,
		ContentType:         h.Get("Content-Type"),
		ContentRange:        h.Get("Content-Range"),
		ETag:                h.Get("Etag"),
		LastModified:        parseTime(h.Get("Last-Modified")),
		StorageClass:        h.Get("X-Qs-Storage-Class"),
		EncryptionAlgorithm: h.Get("X-Qs-Encryption-Customer-Algorithm"),
		CacheControl:        h.Get("Cache-Control"),
		ContentEncoding:     h.Get("Content-Encoding"),
		ContentDisposition:  h.Get("Content-Disposition"),
		ContentLanguage:     h.Get("Content-Language"),
		Expires:             h.Get("Expires"),
		ObjectType:          h.Get("X-Qs-Object-Type"),
		Metadata:            metadataFrom(h),
		RequestID:           requestID(h),
	}
	if resp.Request != nil && resp.Request.Method == http.MethodHead {
		// A HEAD response has no body; its Content-Length is the object size.
		if n, ok := parseInt64(h.Get("Content-Length")); ok {
			m.ContentLength = n
		}
	}
	m.NextAppendPosition, m.HasNextAppendPosition = parseInt64(h.Get("X-Qs-Next-Append-Position"))
	return m
}

// GetObjectOutput is an open object body and its metadata. The caller must
// close Body. A body cut short reads io.ErrUnexpectedEOF.
type GetObjectOutput struct {
	ObjectMeta
	Body io.ReadCloser
}

// GetObjectRequest returns the request GetObject sends.
func (c *Client) GetObjectRequest(bucket, key string, in *GetObjectInput) (*Request, error) {
	const op = "GetObject"
	if err := checkObject(op, bucket, key); err != nil {
		return nil, err
	}
	r := &Request{Op: op, Method: http.MethodGet, Bucket: bucket, Key: key}
	if in == nil {
		return r, nil
	}
	r.setHeader("Range", in.Range)
	in.Conditions.apply(r)
	in.Response.apply(r)
	if err := setSSEC(r, sseHeaderPrefix, in.SSECKey); err != nil {
		return nil, err
	}
	return r, nil
}

// GetObject opens bucket/key for reading (GET /<bucket>/<key>, 200 or 206),
// streaming the body. 304 and 412 answers to conditions are *Error values.
// Retries happen only before the response arrives: a failure while reading
// Body (a reset, a short body) is returned by Read, and the caller may resume
// with a Range from the bytes it has.
func (c *Client) GetObject(ctx context.Context, bucket, key string, in *GetObjectInput) (*GetObjectOutput, error) {
	r, err := c.GetObjectRequest(bucket, key, in)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, call{req: r, ok: okGet})
	if err != nil {
		return nil, err
	}
	return &GetObjectOutput{ObjectMeta: metaFrom(resp), Body: resp.Body}, nil
}

// HeadObjectInput are the options of HeadObject.
type HeadObjectInput struct {
	Conditions
	// SSECKey, when set, is checked by the server; HEAD works without it.
	SSECKey []byte
}

// HeadObjectRequest returns the request HeadObject sends.
func (c *Client) HeadObjectRequest(bucket, key string, in *HeadObjectInput) (*Request, error) {
	const op = "HeadObject"
	if err := checkObject(op, bucket, key); err != nil {
		return nil, err
	}
	r := &Request{Op: op, Method: http.MethodHead, Bucket: bucket, Key: key}
	if in == nil {
		return r, nil
	}
	in.Conditions.apply(r)
	if err := setSSEC(r, sseHeaderPrefix, in.SSECKey); err != nil {
		return nil, err
	}
	return r, nil
}

// HeadObject returns the metadata of bucket/key (HEAD /<bucket>/<key>, 200):
// size, type, ETag, Last-Modified, storage class, encryption, object type and
// next append position, and user metadata. Errors have no body; a missing
// object is a 404 *Error (IsNotFound).
func (c *Client) HeadObject(ctx context.Context, bucket, key string, in *HeadObjectInput) (*ObjectMeta, error) {
	r, err := c.HeadObjectRequest(bucket, key, in)
	if err != nil {
		return nil, err
	}
	resp, err := c.sendNoBody(ctx, call{req: r, ok: okOK})
	if err != nil {
		return nil, err
	}
	m := metaFrom(resp)
	return &m, nil
}

// DeleteObjectRequest returns the request DeleteObject sends.
func (c *Client) DeleteObjectRequest(bucket, key string) (*Request, error) {
	const op = "DeleteObject"
	if err := checkObject(op, bucket, key); err != nil {
		return nil, err
	}
	return &Request{Op: op, Method: http.MethodDelete, Bucket: bucket, Key: key}, nil
}

// DeleteObject deletes bucket/key (DELETE /<bucket>/<key>, 204). Deleting a
// missing object succeeds; only a missing bucket is an error.
func (c *Client) DeleteObject(ctx context.Context, bucket, key string) (*Result, error) {
	r, err := c.DeleteObjectRequest(bucket, key)
	if err != nil {
		return nil, err
	}
	resp, err := c.sendNoBody(ctx, call{req: r, ok: okNoContent})
	if err != nil {
		return nil, err
	}
	return &Result{RequestID: requestID(resp.Header)}, nil
}

// sourceHeader returns "/<bucket>/<key>" with the key QS-escaped, so spaces
// are %20 and '+' is %2B, never '+' (which servers may decode as a space).
func sourceHeader(bucket, key string) string {
	return "/" + bucket + "/" + sign.Escape(key)
}

// Metadata directives of CopyObject.
const (
	MetadataDirectiveCopy    = "COPY"
	MetadataDirectiveReplace = "REPLACE"
)

// CopyObjectInput are the options of CopyObject.
type CopyObjectInput struct {
	// SourceBucket and SourceKey name the object to copy (same zone, at most
	// 5 GB; larger objects need UploadPartCopy).
	SourceBucket string
	SourceKey    string
	// MetadataDirective is COPY (default: metadata copied from the source) or
	// REPLACE (metadata, content type and storage class from this request).
	MetadataDirective string
	ContentType       string
	StorageClass      string
	Metadata          map[string]string
	// SourceIfMatch etc. are the X-QS-Copy-Source-If-* conditions (412 on failure).
	SourceIfMatch           string
	SourceIfNoneMatch       string
	SourceIfModifiedSince   time.Time
	SourceIfUnmodifiedSince time.Time
	// SourceSSECKey reads an encrypted source; SSECKey encrypts the target.
	SourceSSECKey []byte
	SSECKey       []byte
}

// CopyObjectRequest returns the request CopyObject sends.
func (c *Client) CopyObjectRequest(bucket, key string, in *CopyObjectInput) (*Request, error) {
	const op = "CopyObject"
	if err := checkObject(op, bucket, key); err != nil {
		return nil, err
	}
	if in == nil || checkObject(op, in.SourceBucket, in.SourceKey) != nil {
		return nil, invalidArg(op, "copy needs a source bucket and key")
	}
	r := &Request{Op: op, Method: http.MethodPut, Bucket: bucket, Key: key}
	r.setHeader("X-Qs-Copy-Source", sourceHeader(in.SourceBucket, in.SourceKey))
	if d := strings.ToUpper(in.MetadataDirective); d != "" {
		if d != MetadataDirectiveCopy && d != MetadataDirectiveReplace {
			return nil, invalidArg(op, "metadata directive %q is not COPY or REPLACE", in.MetadataDirective)
		}
		r.setHeader("X-Qs-Metadata-Directive", d)
	}
	r.setHeader("Content-Type", in.ContentType)
	r.setHeader("X-Qs-Storage-Class", in.StorageClass)
	if err := setMetadata(r, in.Metadata); err != nil {
		return nil, err
	}
	// The docs' example escapes the ETag quotes of this header.
	if in.SourceIfMatch != "" {
		r.setHeader("X-Qs-Copy-Source-If-Match", url.PathEscape(in.SourceIfMatch))
	}
	if in.SourceIfNoneMatch != "" {
		r.setHeader("X-Qs-Copy-Source-If-None-Match", url.PathEscape(in.SourceIfNoneMatch))
	}
	setTime(r, "X-Qs-Copy-Source-If-Modified-Since", in.SourceIfModifiedSince)
	setTime(r, "X-Qs-Copy-Source-If-Unmodified-Since", in.SourceIfUnmodifiedSince)
	if err := setSSEC(r, copySSEHeaderPrefix, in.SourceSSECKey); err != nil {
		return nil, err
	}
	if err := setSSEC(r, sseHeaderPrefix, in.SSECKey); err != nil {
		return nil, err
	}
	return r, nil
}

// CopyObject copies in.SourceBucket/in.SourceKey to bucket/key on the server
// (PUT /<bucket>/<key> with X-QS-Copy-Source: /<src-bucket>/<QS-escaped
// src-key>, 201).
func (c *Client) CopyObject(ctx context.Context, bucket, key string, in *CopyObjectInput) (*PutObjectOutput, error) {
	r, err := c.CopyObjectRequest(bucket, key, in)
	if err != nil {
		return nil, err
	}
	resp, err := c.sendNoBody(ctx, call{req: r, body: http.NoBody, size: 0, ok: okCreated})
	if err != nil {
		return nil, err
	}
	return &PutObjectOutput{ETag: resp.Header.Get("Etag"),
		EncryptionAlgorithm: resp.Header.Get("X-Qs-Encryption-Customer-Algorithm"),
		RequestID:           requestID(resp.Header)}, nil
}

// MoveObject renames srcBucket/srcKey to bucket/key on the server (PUT
// /<bucket>/<key> with X-QS-Move-Source, 201), keeping metadata and
// encryption. When a retry follows an attempt whose response was lost and
// finds the source gone, an existing destination is taken as proof that the
// lost attempt moved it (see the package doc).
func (c *Client) MoveObject(ctx context.Context, bucket, key, srcBucket, srcKey string) (*Result, error) {
	const op = "MoveObject"
	if err := checkObject(op, bucket, key); err != nil {
		return nil, err
	}
	if err := checkObject(op, srcBucket, srcKey); err != nil {
		return nil, err
	}
	r := &Request{Op: op, Method: http.MethodPut, Bucket: bucket, Key: key}
	r.setHeader("X-Qs-Move-Source", sourceHeader(srcBucket, srcKey))
	trace := &attemptTrace{}
	resp, err := c.sendNoBody(ctx, call{req: r, body: http.NoBody, size: 0, ok: okCreated, trace: trace})
	if err != nil {
		// A lost attempt that was applied leaves the retry without its
		// source (see ambiguous.go).
		if trace.maybeApplied && hasCode(err, http.StatusNotFound, CodeObjectNotExists) {
			if out, ok := c.moveApplied(ctx, bucket, key); ok {
				return out, nil
			}
		}
		return nil, err
	}
	return &Result{RequestID: requestID(resp.Header)}, nil
}

// FetchObject asks the server to download sourceURL (http or https) into
// bucket/key (PUT /<bucket>/<key> with X-QS-Fetch-Source, 201).
func (c *Client) FetchObject(ctx context.Context, bucket, key, sourceURL string) (*Result, error) {
	const op = "FetchObject"
	if err := checkObject(op, bucket, key); err != nil {
		return nil, err
	}
	u, err := url.Parse(sourceURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, invalidArg(op, "fetch source must be an absolute http(s) URL")
	}
	r := &Request{Op: op, Method: http.MethodPut, Bucket: bucket, Key: key}
	r.setHeader("X-Qs-Fetch-Source", u.String())
	resp, err := c.sendNoBody(ctx, call{req: r, body: http.NoBody, size: 0, ok: okCreated})
	if err != nil {
		return nil, err
	}
	return &Result{RequestID: requestID(resp.Header)}, nil
}
