package qsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"iter"
	"net/http"
	"strconv"
	"time"
)

// Multipart limits.
const (
	// MaxPartNumber is the highest part number; part numbers start at 0.
	MaxPartNumber = 10000
	// MinPartSize is the smallest size of every part but the last.
	MinPartSize = 4 << 20
	// MaxPartSize is the largest part.
	MaxPartSize = 5 << 30
)

// InitiateMultipartUploadInput are the options of InitiateMultipartUpload.
type InitiateMultipartUploadInput struct {
	// ContentType is the Content-Type of the completed object.
	ContentType string
	// CacheControl, ContentEncoding and ContentDisposition are stored and
	// served back as the completed object's headers.
	CacheControl       string
	ContentEncoding    string
	ContentDisposition string
	// StorageClass is STANDARD (default) or STANDARD_IA.
	StorageClass string
	// Metadata becomes x-qs-meta-<name> headers of the completed object.
	Metadata map[string]string
	// SSECKey encrypts the object; every part must then carry the same key.
	SSECKey []byte
}

// InitiateMultipartUploadOutput is the result of InitiateMultipartUpload.
type InitiateMultipartUploadOutput struct {
	Bucket    string `json:"bucket"`
	Key       string `json:"key"`
	UploadID  string `json:"upload_id"`
	RequestID string `json:"-"`
}

// InitiateMultipartUploadRequest returns the request InitiateMultipartUpload sends.
func (c *Client) InitiateMultipartUploadRequest(bucket, key string, in *InitiateMultipartUploadInput) (*Request, error) {
	const op = "InitiateMultipartUpload"
	if err := checkObject(op, bucket, key); err != nil {
		return nil, err
	}
	r := &Request{Op: op, Method: http.MethodPost, Bucket: bucket, Key: key}
	r.addFlag("uploads")
	if in == nil {
		return r, nil
	}
	r.setHeader("Content-Type", in.ContentType)
	r.setHeader("Cache-Control", in.CacheControl)
	r.setHeader("Content-Encoding", in.ContentEncoding)
	r.setHeader("Content-Disposition", in.ContentDisposition)
	r.setHeader("X-Qs-Storage-Class", in.StorageClass)
	if err := setMetadata(r, in.Metadata); err != nil {
		return nil, err
	}
	if err := setSSEC(r, sseHeaderPrefix, in.SSECKey); err != nil {
		return nil, err
	}
	return r, nil
}

// InitiateMultipartUpload starts a multipart upload of bucket/key (POST
// /<bucket>/<key>?uploads, 200) and returns its upload id.
func (c *Client) InitiateMultipartUpload(ctx context.Context, bucket, key string, in *InitiateMultipartUploadInput) (*InitiateMultipartUploadOutput, error) {
	r, err := c.InitiateMultipartUploadRequest(bucket, key, in)
	if err != nil {
		return nil, err
	}
	out := &InitiateMultipartUploadOutput{}
	resp, err := c.sendJSON(ctx, call{req: r, body: http.NoBody, ok: okOK}, out)
	if err != nil {
		return nil, err
	}
	if out.UploadID == "" {
		return nil, &Error{Op: r.Op, StatusCode: resp.StatusCode, Code: "missing_upload_id",
			Message: "response has no upload_id", RequestID: requestID(resp.Header)}
	}
	out.RequestID = requestID(resp.Header)
	return out, nil
}

// UploadPartInput are the options of UploadPart.
type UploadPartInput struct {
	// ContentLength is the exact part length (required).
	ContentLength int64
	// ContentMD5 is the raw 16-byte MD5 of the part; sent base64-encoded.
	ContentMD5 []byte
	// SSECKey must be the key given at initiation, if any.
	SSECKey []byte
	// GetBody, when set, returns a fresh copy of the body, allowing retries of
	// a body that is not an io.Seeker.
	GetBody func() (io.ReadCloser, error)
}

// UploadPartOutput is the result of UploadPart.
type UploadPartOutput struct {
	ETag      string
	RequestID string
}

func checkUpload(op, bucket, key, uploadID string) error {
	if err := checkObject(op, bucket, key); err != nil {
		return err
	}
	if uploadID == "" {
		return invalidArg(op, "empty upload id")
	}
	return nil
}

// UploadPartRequest returns the request UploadPart sends.
func (c *Client) UploadPartRequest(bucket, key, uploadID string, partNumber int, in *UploadPartInput) (*Request, error) {
	const op = "UploadPart"
	if err := checkUpload(op, bucket, key, uploadID); err != nil {
		return nil, err
	}
	if partNumber < 0 || partNumber > MaxPartNumber {
		return nil, invalidArg(op, "part number %d outside 0..%d", partNumber, MaxPartNumber)
	}
	r := &Request{Op: op, Method: http.MethodPut, Bucket: bucket, Key: key}
	r.addQuery("part_number", strconv.Itoa(partNumber))
	r.addQuery("upload_id", uploadID)
	if in == nil {
		return r, nil
	}
	if in.ContentLength < 0 || in.ContentLength > MaxPartSize {
		return nil, invalidArg(op, "part size %d outside 0..%d", in.ContentLength, int64(MaxPartSize))
	}
	if err := setContentMD5(r, in.ContentMD5); err != nil {
		return nil, err
	}
	if err := setSSEC(r, sseHeaderPrefix, in.SSECKey); err != nil {
		return nil, err
	}
	return r, nil
}

// UploadPart uploads body as part partNumber (0..10000) of the upload (PUT
// /<bucket>/<key>?part_number=N&upload_id=ID, 201). Re-uploading a part
// number replaces it.
func (c *Client) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, body io.Reader, in *UploadPartInput) (*UploadPartOutput, error) {
	if in == nil {
		in = &UploadPartInput{}
	}
	r, err := c.UploadPartRequest(bucket, key, uploadID, partNumber, in)
	if err != nil {
		return nil, err
	}
	resp, err := c.sendNoBody(ctx, call{req: r, body: body, size: in.ContentLength, getBody: in.GetBody, ok: okCreated})
	if err != nil {
		return nil, err
	}
	return &UploadPartOutput{ETag: resp.Header.Get("Etag"), RequestID: requestID(resp.Header)}, nil
}

// ListPartsInput pages through parts.
type ListPartsInput struct {
	// PartNumberMarker: the server returns the parts numbered after it (the
	// documented reading; PartLister also copes with servers that read it as
	// inclusive or as an offset). It is sent when positive or when
	// HasPartNumberMarker is set (to ask for the parts after part 0).
	PartNumberMarker    int
	HasPartNumberMarker bool
	// Limit is the page size (max 1000). 0 means unset.
	Limit int
}

// PartInfo is one uploaded part. ETag is as the server lists it: the docs
// show (and qslocal sends) the hex digest without the quotes UploadPart's
// ETag header has, so compare part ETags with quotes trimmed.
type PartInfo struct {
	PartNumber int       `json:"part_number"`
	Size       int64     `json:"size"`
	ETag       string    `json:"etag"`
	Created    time.Time `json:"created"`
}

// ListPartsOutput is one page of parts. Count is the server's count field
// (the total number of parts of the upload).
type ListPartsOutput struct {
	Count     int        `json:"count"`
	Parts     []PartInfo `json:"object_parts"`
	RequestID string     `json:"-"`
}

// ListPartsRequest returns the request ListParts sends.
func (c *Client) ListPartsRequest(bucket, key, uploadID string, in *ListPartsInput) (*Request, error) {
	const op = "ListParts"
	if err := checkUpload(op, bucket, key, uploadID); err != nil {
		return nil, err
	}
	r := &Request{Op: op, Method: http.MethodGet, Bucket: bucket, Key: key}
	if in != nil {
		if in.Limit > 0 {
			r.addQuery("limit", strconv.Itoa(in.Limit))
		}
		if in.PartNumberMarker > 0 || in.HasPartNumberMarker {
			r.addQuery("part_number_marker", strconv.Itoa(in.PartNumberMarker))
		}
	}
	r.addQuery("upload_id", uploadID)
	return r, nil
}

// ListParts returns one page of the parts of an upload (GET
// /<bucket>/<key>?upload_id=ID, 200). An unknown upload is an *Error with
// code upload_not_exists (IsNotFound, whether the status is 404 or 400).
func (c *Client) ListParts(ctx context.Context, bucket, key, uploadID string, in *ListPartsInput) (*ListPartsOutput, error) {
	r, err := c.ListPartsRequest(bucket, key, uploadID, in)
	if err != nil {
		return nil, err
	}
	out := &ListPartsOutput{}
	resp, err := c.sendJSON(ctx, call{req: r, ok: okOK}, out)
	if err != nil {
		return nil, err
	}
	out.RequestID = requestID(resp.Header)
	return out, nil
}

// PartPages iterates over all parts of an upload, page by page, with a
// PartLister (see there for how it pages). The iteration stops after
// yielding an error.
func (c *Client) PartPages(ctx context.Context, bucket, key, uploadID string, in ListPartsInput) iter.Seq2[*ListPartsOutput, error] {
	return func(yield func(*ListPartsOutput, error) bool) {
		l := c.NewPartLister(bucket, key, uploadID, in)
		for !l.Done() {
			out, err := l.Next(ctx)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(out, nil) {
				return
			}
		}
	}
}

// PartLister lists the parts of an upload page by page. The docs define
// part_number_marker as exclusive (parts after it), but servers have been
// seen to read it as inclusive (parts from it) or as an offset into the
// list; the lister is correct against all three: it asks for the parts after
// the last part received, drops every part number it already returned (parts
// come in increasing number order), and ends on a page with nothing new or
// once it has returned count parts (the server's count field, the upload's
// total). Against an offset server the marker skips as many parts as the
// last part number, which is exact for parts numbered from 0 or 1 without
// gaps; parts after a gap may then be missed.
type PartLister struct {
	c                   *Client
	bucket, key, upload string
	in                  ListPartsInput
	last                int  // highest part number returned
	started             bool // last is set (a part was returned or a marker given)
	seen                int  // parts returned
	done                bool
}

// NewPartLister returns a lister of the parts of an upload after
// in.PartNumberMarker (when positive or HasPartNumberMarker), in.Limit at a
// time.
func (c *Client) NewPartLister(bucket, key, uploadID string, in ListPartsInput) *PartLister {
	l := &PartLister{c: c, bucket: bucket, key: key, upload: uploadID, in: in}
	if in.PartNumberMarker > 0 || in.HasPartNumberMarker {
		l.last, l.started = in.PartNumberMarker, true
	}
	return l
}

// Done reports whether the listing has ended (after the last page or an error).
func (l *PartLister) Done() bool { return l.done }

// Marker returns the last part number returned (or the starting marker),
// and false before any.
func (l *PartLister) Marker() (int, bool) { return l.last, l.started }

// Next returns the next page, holding only parts not returned before, in
// increasing number order; its Count is the server's. A call after Done
// returns an empty page.
func (l *PartLister) Next(ctx context.Context) (*ListPartsOutput, error) {
	if l.done {
		return &ListPartsOutput{}, nil
	}
	out, err := l.page(ctx, l.last)
	if err == nil && len(out.Parts) == 0 && out.resent && l.last < MaxPartNumber {
		// Nothing but parts already returned: a server reading the marker
		// as inclusive (or as an offset) with a page too small to get past
		// them. Ask from the next number once.
		out, err = l.page(ctx, l.last+1)
	}
	if err != nil {
		l.done = true
		return nil, err
	}
	if len(out.Parts) == 0 || (out.Count > 0 && l.seen >= out.Count) || l.last >= MaxPartNumber {
		l.done = true
	}
	return &out.ListPartsOutput, nil
}

// partPage is a page with the parts already returned removed; resent says
// whether any were removed.
type partPage struct {
	ListPartsOutput
	resent bool
}

// page asks for the parts after marker (when started) and keeps the new ones.
func (l *PartLister) page(ctx context.Context, marker int) (*partPage, error) {
	in := l.in
	in.PartNumberMarker, in.HasPartNumberMarker = marker, l.started
	out, err := l.c.ListParts(ctx, l.bucket, l.key, l.upload, &in)
	if err != nil {
		return nil, err
	}
	p := &partPage{ListPartsOutput: *out}
	p.Parts = out.Parts[:0]
	for _, part := range out.Parts {
		if l.started && part.PartNumber <= l.last {
			p.resent = true
			continue
		}
		p.Parts = append(p.Parts, part)
		l.last, l.started = part.PartNumber, true
		l.seen++
	}
	return p, nil
}

// CompletedPart names one part of CompleteMultipartUpload. ETag is optional.
type CompletedPart struct {
	PartNumber int    `json:"part_number"`
	ETag       string `json:"etag,omitempty"`
}

// CompleteMultipartUploadInput are the options of CompleteMultipartUpload.
type CompleteMultipartUploadInput struct {
	// ETag, when set, becomes the ETag of the object.
	ETag string
	// SSECKey is the upload's SSE-C key, if any (the server accepts it; the
	// docs say Complete needs none).
	SSECKey []byte
}

// CompleteMultipartUploadRequest returns the request CompleteMultipartUpload
// sends and its JSON body. A presigned Complete must send that body with the
// returned Content-Type.
func (c *Client) CompleteMultipartUploadRequest(bucket, key, uploadID string, parts []CompletedPart, in *CompleteMultipartUploadInput) (*Request, []byte, error) {
	const op = "CompleteMultipartUpload"
	if err := checkUpload(op, bucket, key, uploadID); err != nil {
		return nil, nil, err
	}
	for i, p := range parts {
		if p.PartNumber < 0 || p.PartNumber > MaxPartNumber {
			return nil, nil, invalidArg(op, "part number %d outside 0..%d", p.PartNumber, MaxPartNumber)
		}
		if i > 0 && p.PartNumber <= parts[i-1].PartNumber {
			return nil, nil, invalidArg(op, "parts must be in strictly increasing order")
		}
	}
	data, err := json.Marshal(struct {
		Parts []CompletedPart `json:"object_parts"`
	}{parts})
	if err != nil {
		return nil, nil, invalidArg(op, "encode body: %v", err)
	}
	r := &Request{Op: op, Method: http.MethodPost, Bucket: bucket, Key: key}
	r.addQuery("upload_id", uploadID)
	r.setHeader("Content-Type", "application/json")
	if in != nil {
		r.setHeader("Etag", in.ETag)
		if err := setSSEC(r, sseHeaderPrefix, in.SSECKey); err != nil {
			return nil, nil, err
		}
	}
	return r, data, nil
}

// CompleteMultipartUpload assembles the listed parts, in increasing part
// number order, into the object (POST /<bucket>/<key>?upload_id=ID, 201).
// When a retry follows an attempt whose response was lost and finds the
// upload gone, the object is checked with HEAD: if it exists, has in.ETag
// (when set) and is recent, the lost attempt completed it and that is
// reported as success (see the package doc).
func (c *Client) CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []CompletedPart, in *CompleteMultipartUploadInput) (*PutObjectOutput, error) {
	r, data, err := c.CompleteMultipartUploadRequest(bucket, key, uploadID, parts, in)
	if err != nil {
		return nil, err
	}
	trace, began := &attemptTrace{}, time.Now()
	resp, err := c.sendNoBody(ctx, call{req: r, body: bytes.NewReader(data), size: int64(len(data)), ok: okCreated, trace: trace})
	if err != nil {
		// A lost attempt that was applied leaves the retry without its
		// upload (see ambiguous.go).
		if trace.maybeApplied && hasCode(err, 0, CodeUploadNotExists) {
			etag := ""
			if in != nil {
				etag = in.ETag
			}
			if out, ok := c.completeApplied(ctx, bucket, key, etag, began); ok {
				return out, nil
			}
		}
		return nil, err
	}
	return &PutObjectOutput{ETag: resp.Header.Get("Etag"), RequestID: requestID(resp.Header)}, nil
}

// AbortMultipartUploadRequest returns the request AbortMultipartUpload sends.
func (c *Client) AbortMultipartUploadRequest(bucket, key, uploadID string) (*Request, error) {
	const op = "AbortMultipartUpload"
	if err := checkUpload(op, bucket, key, uploadID); err != nil {
		return nil, err
	}
	r := &Request{Op: op, Method: http.MethodDelete, Bucket: bucket, Key: key}
	r.addQuery("upload_id", uploadID)
	return r, nil
}

// AbortMultipartUpload abandons an upload and its parts (DELETE
// /<bucket>/<key>?upload_id=ID, 204). Aborting an unknown upload succeeds.
func (c *Client) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) (*Result, error) {
	r, err := c.AbortMultipartUploadRequest(bucket, key, uploadID)
	if err != nil {
		return nil, err
	}
	resp, err := c.sendNoBody(ctx, call{req: r, ok: okNoContent})
	if err != nil {
		return nil, err
	}
	return &Result{RequestID: requestID(resp.Header)}, nil
}

// UploadPartCopyInput are the options of UploadPartCopy.
type UploadPartCopyInput struct {
	// SourceBucket and SourceKey name the object to copy from (same zone).
	SourceBucket string
	SourceKey    string
	// RangeStart and RangeEnd (inclusive) select bytes of the source; both
	// zero (with HasRange false) copies the whole source.
	RangeStart, RangeEnd int64
	HasRange             bool
	// SourceSSECKey reads an encrypted source; SSECKey must be the upload's key.
	SourceSSECKey []byte
	SSECKey       []byte
}

// UploadPartCopyOutput is the result of UploadPartCopy.
type UploadPartCopyOutput struct {
	ETag string
	// CopyRange is the X-QS-Content-Copy-Range answer, e.g. "bytes 0-99/1000".
	CopyRange string
	RequestID string
}

// UploadPartCopy fills part partNumber of an upload with bytes of another
// object, on the server (PUT /<bucket>/<key>?part_number=N&upload_id=ID with
// X-QS-Copy-Source and optional X-QS-Copy-Range: bytes=a-b, 201). This is
// how objects over 5 GB are copied.
func (c *Client) UploadPartCopy(ctx context.Context, bucket, key, uploadID string, partNumber int, in *UploadPartCopyInput) (*UploadPartCopyOutput, error) {
	const op = "UploadPartCopy"
	if in == nil || checkObject(op, in.SourceBucket, in.SourceKey) != nil {
		return nil, invalidArg(op, "part copy needs a source bucket and key")
	}
	r, err := c.UploadPartRequest(bucket, key, uploadID, partNumber, nil)
	if err != nil {
		return nil, err
	}
	r.Op = op
	r.setHeader("X-Qs-Copy-Source", sourceHeader(in.SourceBucket, in.SourceKey))
	if in.HasRange {
		if in.RangeStart < 0 || in.RangeEnd < in.RangeStart {
			return nil, invalidArg(op, "bad copy range %d-%d", in.RangeStart, in.RangeEnd)
		}
		r.setHeader("X-Qs-Copy-Range", "bytes="+strconv.FormatInt(in.RangeStart, 10)+"-"+strconv.FormatInt(in.RangeEnd, 10))
	}
	if err := setSSEC(r, copySSEHeaderPrefix, in.SourceSSECKey); err != nil {
		return nil, err
	}
	if err := setSSEC(r, sseHeaderPrefix, in.SSECKey); err != nil {
		return nil, err
	}
	resp, err := c.sendNoBody(ctx, call{req: r, ok: okCreated})
	if err != nil {
		return nil, err
	}
	return &UploadPartCopyOutput{ETag: resp.Header.Get("Etag"), CopyRange: resp.Header.Get("X-Qs-Content-Copy-Range"),
		RequestID: requestID(resp.Header)}, nil
}
