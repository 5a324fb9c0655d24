package qslocal

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// RequestRecord describes one answered request. The server builds one per
// request for its log line and hands it to Options.Observe (a request log,
// metrics). Every string is bounded (see maxRecordField), so a hostile
// client cannot make a record large, and none holds a secret: no secret key,
// no signature, no SSE-C key.
type RequestRecord struct {
	// Time is when the request arrived; Duration how long the answer took.
	Time     time.Time
	Duration time.Duration
	// Method, Host and Path are as received (Path decoded).
	Method, Host, Path string
	// SubResources are the signed sub-resource keys of the query, sorted
	// (e.g. "upload_id", "part_number").
	SubResources []string
	// Operation is the routed operation ("PutObject", "ListObjects", ...),
	// empty when the request was refused before routing.
	Operation string
	// Bucket and Key are the request's target (empty when not given).
	Bucket, Key string
	// Status is the HTTP status; Code the QingStor error code ("" on success).
	Status int
	Code   string
	// RequestID is the X-QS-Request-Id of the answer.
	RequestID string
	// BytesIn and BytesOut count the body bytes read and written.
	BytesIn, BytesOut int64
	// AccessKeyID is the key the request claims (Authorization header or
	// presigned access_key_id), "" for an anonymous request. It is recorded
	// whether or not the signature matched.
	AccessKeyID string
	// StringToSign is, for a request refused with signature_not_matched,
	// the string to sign the server computed (its canonical form of the
	// request, SSE-C key values redacted, at most 8 KiB), to compare with
	// the client's. Empty otherwise.
	StringToSign string
	// Remote is the client's address; UserAgent its User-Agent header.
	Remote, UserAgent string
}

// maxRecordField bounds every string of a RequestRecord (bytes); longer
// values are cut at a character boundary and end in "…".
const maxRecordField = 4096

func clip(s string) string {
	if len(s) <= maxRecordField {
		return s
	}
	s = s[:maxRecordField]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// countingBody counts the bytes a handler reads from a request body.
type countingBody struct {
	io.ReadCloser
	n int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n += int64(n)
	return n, err
}

// claimedAccessKey is the access key id a request names, signed or not.
func claimedAccessKey(r *http.Request, q *request) string {
	if ak := q.get("access_key_id"); ak != "" {
		return ak
	}
	rest, ok := strings.CutPrefix(r.Header.Get("Authorization"), "QS ")
	if !ok {
		return ""
	}
	ak, _, _ := strings.Cut(strings.TrimSpace(rest), ":")
	return ak
}

// record builds the request's record once its answer is written.
func (s *Server) record(q *request, start time.Time, in *countingBody, err *apiError) RequestRecord {
	r := q.r
	rec := RequestRecord{Time: start, Duration: s.now().Sub(start), Method: clip(r.Method), Host: clip(r.Host),
		Path: clip(r.URL.Path), Operation: q.op, Bucket: q.bucket, Key: clip(q.key), Status: q.w.status,
		RequestID: q.id, BytesIn: in.n, BytesOut: q.w.n, AccessKeyID: clip(claimedAccessKey(r, q)), Remote: clip(r.RemoteAddr),
		UserAgent: clip(r.UserAgent())}
	for k := range q.query {
		if subResources[k] {
			rec.SubResources = append(rec.SubResources, k)
		}
	}
	slices.Sort(rec.SubResources)
	if err != nil {
		rec.Code, rec.StringToSign = err.Code, err.StringToSign
	}
	return rec
}

// logAttrs are the structured log fields of a record (one line per request).
func (rec *RequestRecord) logAttrs() []any {
	attrs := []any{"request_id", rec.RequestID, "method", rec.Method, "op", rec.Operation, "bucket", rec.Bucket,
		"key", rec.Key, "status", rec.Status, "bytes", rec.BytesOut, "bytes_in", rec.BytesIn, "duration", rec.Duration,
		"remote", rec.Remote, "access_key_id", rec.AccessKeyID}
	if len(rec.SubResources) > 0 {
		attrs = append(attrs, "subresources", strings.Join(rec.SubResources, ","))
	}
	if rec.Code != "" {
		attrs = append(attrs, "code", rec.Code)
	}
	if rec.StringToSign != "" {
		attrs = append(attrs, "string_to_sign", rec.StringToSign)
	}
	return attrs
}
