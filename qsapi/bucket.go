package qsapi

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"iter"
	"net/http"
	"strconv"
	"time"
)

// Result is the common output of operations that return nothing but the
// request id.
type Result struct {
	RequestID string
}

func (c *Client) bucketCall(ctx context.Context, op, method, bucket string, ok []int) (*Result, error) {
	if err := checkBucket(op, bucket); err != nil {
		return nil, err
	}
	trace := &attemptTrace{}
	req := &Request{Op: op, Method: method, Bucket: bucket, zoneHost: method == http.MethodPut}
	resp, err := c.sendNoBody(ctx, call{req: req, ok: ok, trace: trace})
	if err != nil {
		if trace.maybeApplied {
			if out, ok := c.bucketCallApplied(ctx, method, bucket, err); ok {
				return out, nil
			}
		}
		return nil, err
	}
	return &Result{RequestID: requestID(resp.Header)}, nil
}

// PutBucket creates bucket in the client's zone (PUT /<bucket>, 201). The
// zone is named by the host, <zone>.<host>; a local endpoint (an IP address
// or localhost) has no such names, so there the request still goes to the
// endpoint but its Host header is <zone>.localhost, which qslocal reads as
// the zone (a decision: QingStor itself is never addressed by IP). When a
// retry follows an attempt whose response was lost and the bucket then
// already exists, a HEAD that finds it accessible makes this a success.
func (c *Client) PutBucket(ctx context.Context, bucket string) (*Result, error) {
	return c.bucketCall(ctx, "PutBucket", http.MethodPut, bucket, okCreated)
}

// HeadBucket checks that bucket exists and is accessible (HEAD /<bucket>,
// 200). A failure has no body: the *Error carries status and request id only.
func (c *Client) HeadBucket(ctx context.Context, bucket string) (*Result, error) {
	return c.bucketCall(ctx, "HeadBucket", http.MethodHead, bucket, okOK)
}

// DeleteBucket deletes an empty bucket (DELETE /<bucket>, 204). When a retry
// follows an attempt whose response was lost and the bucket is then gone,
// that is a success.
func (c *Client) DeleteBucket(ctx context.Context, bucket string) (*Result, error) {
	return c.bucketCall(ctx, "DeleteBucket", http.MethodDelete, bucket, okNoContent)
}

// BucketStatistics is the output of GetBucketStatistics.
type BucketStatistics struct {
	Name     string    `json:"name"`
	Location string    `json:"location"`
	URL      string    `json:"url"`
	Status   string    `json:"status"`
	Created  time.Time `json:"created"`
	Count    int64     `json:"count"`
	Size     int64     `json:"size"`
	// StorageClasses counts per storage class ("STANDARD", "STANDARD_IA").
	StorageClasses map[string]StorageClassStatistics `json:"storage_classes"`
	RequestID      string                            `json:"-"`
}

// StorageClassStatistics is one storage class of BucketStatistics;
// BillingSize can exceed Size (STANDARD_IA is billed for a minimum time).
type StorageClassStatistics struct {
	Count       int64 `json:"count"`
	Size        int64 `json:"size"`
	BillingSize int64 `json:"billing_size"`
}

// GetBucketStatistics returns the object count and stored size of bucket
// (GET /<bucket>?stats, 200).
func (c *Client) GetBucketStatistics(ctx context.Context, bucket string) (*BucketStatistics, error) {
	const op = "GetBucketStatistics"
	if err := checkBucket(op, bucket); err != nil {
		return nil, err
	}
	r := &Request{Op: op, Method: http.MethodGet, Bucket: bucket}
	r.addFlag("stats")
	out := &BucketStatistics{}
	resp, err := c.sendJSON(ctx, call{req: r, ok: okOK}, out)
	if err != nil {
		return nil, err
	}
	out.RequestID = requestID(resp.Header)
	return out, nil
}

// ListObjectsInput selects objects. Zero values are not sent.
type ListObjectsInput struct {
	// Prefix limits the listing to keys that start with it.
	Prefix string
	// Delimiter (normally "/") groups keys that contain it after the prefix
	// into CommonPrefixes; empty lists every key.
	Delimiter string
	// Marker: results start strictly after this key.
	Marker string
	// Limit is the page size. 0 asks for DefaultListLimit. The server may
	// clamp it (the docs say 100); the listing never relies on getting it.
	Limit int
}

// DefaultListLimit is the page size the client asks for when none is given.
// QingStor documents a maximum of 100 and clamps larger values; we ask for
// 1000 and accept whatever page size comes back, paging on has_more and
// next_marker alone.
const DefaultListLimit = 1000

// ObjectInfo is one key of a listing.
type ObjectInfo struct {
	Key          string    `json:"key"`
	Size         int64     `json:"size"`
	ETag         string    `json:"etag"`
	MimeType     string    `json:"mime_type"`
	Created      time.Time `json:"created"`
	Modified     int64     `json:"modified"`
	Encrypted    bool      `json:"encrypted"`
	StorageClass string    `json:"storage_class"`
}

// Owner is a bucket owner.
type Owner struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ListObjectsOutput is one page of a listing.
type ListObjectsOutput struct {
	Name           string       `json:"name"`
	Owner          Owner        `json:"owner"`
	Prefix         string       `json:"prefix"`
	Delimiter      string       `json:"delimiter"`
	Limit          int          `json:"limit"`
	Marker         string       `json:"marker"`
	NextMarker     string       `json:"next_marker"`
	HasMore        bool         `json:"has_more"`
	Keys           []ObjectInfo `json:"keys"`
	CommonPrefixes []string     `json:"common_prefixes"`
	RequestID      string       `json:"-"`
}

// ListObjectsRequest returns the request ListObjects sends.
func (c *Client) ListObjectsRequest(bucket string, in *ListObjectsInput) *Request {
	r := &Request{Op: "ListObjects", Method: http.MethodGet, Bucket: bucket}
	var v ListObjectsInput
	if in != nil {
		v = *in
	}
	if v.Delimiter != "" {
		r.addQuery("delimiter", v.Delimiter)
	}
	if v.Limit <= 0 {
		v.Limit = DefaultListLimit
	}
	r.addQuery("limit", strconv.Itoa(v.Limit))
	if v.Marker != "" {
		r.addQuery("marker", v.Marker)
	}
	if v.Prefix != "" {
		r.addQuery("prefix", v.Prefix)
	}
	return r
}

// ListObjects returns one page of the objects of bucket (GET /<bucket>, 200).
func (c *Client) ListObjects(ctx context.Context, bucket string, in *ListObjectsInput) (*ListObjectsOutput, error) {
	if err := checkBucket("ListObjects", bucket); err != nil {
		return nil, err
	}
	out := &ListObjectsOutput{}
	resp, err := c.sendJSON(ctx, call{req: c.ListObjectsRequest(bucket, in), ok: okOK}, out)
	if err != nil {
		return nil, err
	}
	out.RequestID = requestID(resp.Header)
	return out, nil
}

// ObjectPages iterates over every page of a listing. It continues while the
// server says has_more and gives a next_marker, even when a page holds only
// common prefixes or nothing at all (unlike go-service-qingstor, which stops
// at the first page without keys). A next_marker that does not advance ends
// the listing with an error rather than looping. The iteration stops after
// yielding an error.
func (c *Client) ObjectPages(ctx context.Context, bucket string, in ListObjectsInput) iter.Seq2[*ListObjectsOutput, error] {
	return func(yield func(*ListObjectsOutput, error) bool) {
		for {
			out, err := c.ListObjects(ctx, bucket, &in)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(out, nil) {
				return
			}
			if !out.HasMore || out.NextMarker == "" {
				return
			}
			if out.NextMarker == in.Marker {
				yield(nil, &Error{Op: "ListObjects", StatusCode: http.StatusOK, Code: "marker_not_advancing",
					Message: "server returned the same next_marker again", RequestID: out.RequestID})
				return
			}
			in.Marker = out.NextMarker
		}
	}
}

// ListMultipartUploadsInput selects in-progress multipart uploads.
type ListMultipartUploadsInput struct {
	// Prefix limits the listing to uploads of keys that start with it.
	Prefix string
	// Delimiter groups keys into CommonPrefixes, as in ListObjectsInput.
	Delimiter string
	// KeyMarker and UploadIDMarker resume a listing after the given upload
	// (the NextKeyMarker and NextUploadIDMarker of the previous page).
	KeyMarker      string
	UploadIDMarker string
	// Limit is the page size (server default 200, max 1000). 0 means unset.
	Limit int
}

// UploadInfo is one in-progress multipart upload.
type UploadInfo struct {
	Key      string    `json:"key"`
	UploadID string    `json:"upload_id"`
	Created  time.Time `json:"created"`
}

// ListMultipartUploadsOutput is one page of uploads.
type ListMultipartUploadsOutput struct {
	Name               string       `json:"name"`
	Prefix             string       `json:"prefix"`
	Delimiter          string       `json:"delimiter"`
	Limit              int          `json:"limit"`
	Marker             string       `json:"marker"`
	KeyMarker          string       `json:"key_marker"`
	UploadIDMarker     string       `json:"upload_id_marker"`
	NextKeyMarker      string       `json:"next_key_marker"`
	NextUploadIDMarker string       `json:"next_upload_id_marker"`
	HasMore            bool         `json:"has_more"`
	Uploads            []UploadInfo `json:"uploads"`
	CommonPrefixes     []string     `json:"common_prefixes"`
	RequestID          string       `json:"-"`
}

// ListMultipartUploads returns one page of the in-progress uploads of
// bucket (GET /<bucket>?uploads, 200).
func (c *Client) ListMultipartUploads(ctx context.Context, bucket string, in *ListMultipartUploadsInput) (*ListMultipartUploadsOutput, error) {
	const op = "ListMultipartUploads"
	if err := checkBucket(op, bucket); err != nil {
		return nil, err
	}
	r := &Request{Op: op, Method: http.MethodGet, Bucket: bucket}
	r.addFlag("uploads")
	if in != nil {
		if in.Delimiter != "" {
			r.addQuery("delimiter", in.Delimiter)
		}
		if in.KeyMarker != "" {
			r.addQuery("key_marker", in.KeyMarker)
		}
		if in.Limit > 0 {
			r.addQuery("limit", strconv.Itoa(in.Limit))
		}
		if in.Prefix != "" {
			r.addQuery("prefix", in.Prefix)
		}
		if in.UploadIDMarker != "" {
			r.addQuery("upload_id_marker", in.UploadIDMarker)
		}
	}
	out := &ListMultipartUploadsOutput{}
	resp, err := c.sendJSON(ctx, call{req: r, ok: okOK}, out)
	if err != nil {
		return nil, err
	}
	out.RequestID = requestID(resp.Header)
	return out, nil
}

// UploadPages iterates over every page of in-progress uploads, following
// next_key_marker/next_upload_id_marker while has_more is set and a marker is
// given. The iteration stops after yielding an error.
func (c *Client) UploadPages(ctx context.Context, bucket string, in ListMultipartUploadsInput) iter.Seq2[*ListMultipartUploadsOutput, error] {
	return func(yield func(*ListMultipartUploadsOutput, error) bool) {
		for {
			out, err := c.ListMultipartUploads(ctx, bucket, &in)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(out, nil) {
				return
			}
			if !out.HasMore || (out.NextKeyMarker == "" && out.NextUploadIDMarker == "") {
				return
			}
			if out.NextKeyMarker == in.KeyMarker && out.NextUploadIDMarker == in.UploadIDMarker {
				yield(nil, &Error{Op: "ListMultipartUploads", StatusCode: http.StatusOK, Code: "marker_not_advancing",
					Message: "server returned the same markers again", RequestID: out.RequestID})
				return
			}
			in.KeyMarker, in.UploadIDMarker = out.NextKeyMarker, out.NextUploadIDMarker
		}
	}
}

// DeleteError is one failed deletion of DeleteMultipleObjects.
type DeleteError struct {
	Key     string `json:"key"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// DeletedKey is one deleted key of DeleteMultipleObjects.
type DeletedKey struct {
	Key string `json:"key"`
}

// DeleteMultipleObjectsOutput lists what was deleted (empty when quiet) and
// what failed. The status is 200 even when some deletions fail.
type DeleteMultipleObjectsOutput struct {
	Deleted   []DeletedKey  `json:"deleted"`
	Errors    []DeleteError `json:"errors"`
	RequestID string        `json:"-"`
}

// MaxDeleteObjects is the most keys one DeleteMultipleObjects call may carry.
const MaxDeleteObjects = 1000

// DeleteMultipleObjects deletes up to 1000 keys of bucket in one request
// (POST /<bucket>?delete, 200). The JSON body carries a Content-MD5 (base64
// of its binary MD5), which QingStor requires.
func (c *Client) DeleteMultipleObjects(ctx context.Context, bucket string, keys []string, quiet bool) (*DeleteMultipleObjectsOutput, error) {
	const op = "DeleteMultipleObjects"
	if err := checkBucket(op, bucket); err != nil {
		return nil, err
	}
	if len(keys) == 0 || len(keys) > MaxDeleteObjects {
		return nil, invalidArg(op, "need 1 to %d keys, got %d", MaxDeleteObjects, len(keys))
	}
	type obj struct {
		Key string `json:"key"`
	}
	body := struct {
		Quiet   bool  `json:"quiet"`
		Objects []obj `json:"objects"`
	}{Quiet: quiet, Objects: make([]obj, len(keys))}
	for i, k := range keys {
		body.Objects[i].Key = k
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, invalidArg(op, "encode body: %v", err)
	}
	r := &Request{Op: op, Method: http.MethodPost, Bucket: bucket}
	r.addFlag("delete")
	sum := md5.Sum(data)
	if err := setContentMD5(r, sum[:]); err != nil {
		return nil, err
	}
	r.setHeader("Content-Type", "application/json")
	out := &DeleteMultipleObjectsOutput{}
	resp, err := c.sendJSON(ctx, call{req: r, body: bytes.NewReader(data), size: int64(len(data)), ok: okOK}, out)
	if err != nil {
		return nil, err
	}
	out.RequestID = requestID(resp.Header)
	return out, nil
}
