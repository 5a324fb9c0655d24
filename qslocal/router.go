package qslocal

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// subResources are the query keys QingStor signs; a request may carry only
// those its operation understands (others are refused, not ignored, so a
// client never believes an unsupported feature such as ?acl took effect).
var subResources = map[string]bool{
	"acl": true, "append": true, "cname": true, "cors": true, "delete": true, "image": true,
	"lifecycle": true, "logging": true, "mirror": true, "notification": true, "part_number": true,
	"policy": true, "position": true, "replication": true, "stats": true, "upload_id": true,
	"uploads": true, "versioning": true, "version_id": true, "versions": true,
	"response-expires": true, "response-cache-control": true, "response-content-type": true,
	"response-content-language": true, "response-content-encoding": true,
	"response-content-disposition": true,
}

var responseOverrides = []string{"response-expires", "response-cache-control", "response-content-type",
	"response-content-language", "response-content-encoding", "response-content-disposition"}

// handler is one operation with the sub-resources it accepts.
type handler struct {
	op      string // operation name, as in the API docs (request records, metrics)
	fn      func(*request) *apiError
	allowed []string
}

// serve parses the target, applies the global-host redirect, authenticates
// and dispatches. Query flags are matched by presence, so "flag" and "flag="
// are the same.
func (s *Server) serve(q *request) *apiError {
	r := q.r
	hi, err := s.parseHost(r.Host)
	if err != nil {
		return err
	}
	q.host = hi
	qv, perr := url.ParseQuery(r.URL.RawQuery)
	if perr != nil {
		return errf(http.StatusBadRequest, "invalid_argument", "Malformed query string.")
	}
	q.query = qv
	if e := checkRepeatedSigned(qv); e != nil {
		return e
	}
	path := r.URL.Path
	if hi.bucket != "" {
		q.bucket, q.vhost = hi.bucket, true
		q.key = strings.TrimPrefix(path, "/")
	} else {
		rest := strings.TrimPrefix(path, "/")
		q.bucket, q.key, _ = strings.Cut(rest, "/")
	}
	if q.bucket != "" && !validBucketName(q.bucket) {
		// Creating is the only place the name is reported as such; for other
		// operations an invalid name simply names no bucket.
		if r.Method == http.MethodPut && q.key == "" {
			return errf(http.StatusBadRequest, "invalid_bucket_name", "Bucket name %q is invalid: 6-63 of [a-z0-9-], alphanumeric at both ends, not an IP address.", q.bucket)
		}
		return errNoSuchBucket
	}
	if q.key != "" {
		if e := checkKey(q.key); e != nil {
			return e
		}
	}
	if q.bucket == "" && r.Method == http.MethodGet && q.has("location") {
		return s.listLocations(q)
	}
	if q.bucket != "" && hi.global {
		if e := s.redirectToZone(q); e != nil {
			return e
		}
		if q.w.status != 0 {
			return nil
		}
	}
	h, e := s.route(q)
	if e != nil {
		return e
	}
	q.op = h.op
	if e := s.authenticate(q); e != nil {
		return e
	}
	if e := s.checkZone(q); e != nil {
		return e
	}
	for k := range q.query {
		if subResources[k] && !slices.Contains(h.allowed, k) {
			return errf(http.StatusBadRequest, "invalid_request", "Sub-resource %q is not supported by this operation (qslocal implements what go-storage needs).", k)
		}
	}
	return h.fn(q)
}

// redirectToZone answers a bucket request on the zone-less global host the
// way QingStor does: 301 with Location on the bucket's zone host, before
// any authentication (clients discover a bucket's zone with an unsigned HEAD).
// A PUT of a new bucket on the global host creates it in the default zone.
func (s *Server) redirectToZone(q *request) *apiError {
	b, err := s.st.GetBucket(q.bucket)
	if err != nil {
		if q.r.Method == http.MethodPut && q.key == "" {
			q.host.zone = s.opts.Zone
			return nil
		}
		return s.storeErr(q, err)
	}
	scheme := "http"
	if q.r.TLS != nil {
		scheme = "https"
	}
	host := q.r.Host
	if q.vhost {
		host = strings.TrimPrefix(host, q.bucket+".")
	}
	loc := scheme + "://" + b.Zone + "." + host + "/" + q.bucket
	if q.key != "" {
		loc += "/" + escapePath(q.key)
	}
	if q.r.URL.RawQuery != "" {
		loc += "?" + q.r.URL.RawQuery
	}
	q.w.Header().Set("Location", loc)
	q.w.Header().Set("Content-Length", "0")
	q.w.WriteHeader(http.StatusMovedPermanently)
	return nil
}

// checkZone refuses a bucket request on a zone host for a bucket of another
// zone. Decision (the docs name a bucket's host as <bucket>.<zone>.<domain>
// and say nothing of other zones' hosts): each zone holds only its own
// buckets, so there the bucket does not exist, 404 bucket_not_exists, while
// creating it is 409 bucket_already_exists since names are global. Direct
// hosts (IP, localhost) name no zone and serve every bucket.
func (s *Server) checkZone(q *request) *apiError {
	if q.bucket == "" || q.host.direct || q.host.global || q.host.zone == "" {
		return nil
	}
	b, err := s.st.GetBucket(q.bucket)
	if err != nil || b.Zone == q.host.zone {
		return nil // a missing bucket is the operation's own error
	}
	if q.r.Method == http.MethodPut && q.key == "" {
		return errBucketExists
	}
	return errNoSuchBucket
}

// escapePath escapes a key for a URL path, keeping "/".
func escapePath(key string) string {
	return strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
}

var errMethod = errf(http.StatusMethodNotAllowed, "method_not_allowed", "The method is not allowed on this resource.")

// route picks the operation from method, target level and sub-resources.
func (s *Server) route(q *request) (handler, *apiError) {
	m := q.r.Method
	switch {
	case q.bucket == "":
		if m == http.MethodGet {
			return handler{op: "ListBuckets", fn: s.listBuckets}, nil
		}
	case q.key == "":
		switch m {
		case http.MethodPut:
			return handler{op: "PutBucket", fn: s.putBucket}, nil
		case http.MethodHead:
			return handler{op: "HeadBucket", fn: s.headBucket}, nil
		case http.MethodDelete:
			return handler{op: "DeleteBucket", fn: s.deleteBucket}, nil
		case http.MethodGet:
			switch {
			case q.has("uploads"):
				return handler{op: "ListMultipartUploads", fn: s.listUploads, allowed: []string{"uploads"}}, nil
			case q.has("stats"):
				return handler{op: "GetBucketStatistics", fn: s.bucketStats, allowed: []string{"stats"}}, nil
			}
			return handler{op: "ListObjects", fn: s.listObjects}, nil
		case http.MethodPost:
			if q.has("delete") {
				return handler{op: "DeleteMultipleObjects", fn: s.deleteMultiple, allowed: []string{"delete"}}, nil
			}
		}
	default:
		switch m {
		case http.MethodPut:
			if q.has("upload_id") || q.has("part_number") {
				return handler{op: "UploadMultipart", fn: s.uploadPart, allowed: []string{"upload_id", "part_number"}}, nil
			}
			return handler{op: "PutObject", fn: s.putObject}, nil
		case http.MethodGet:
			if q.has("upload_id") {
				return handler{op: "ListMultipart", fn: s.listParts, allowed: []string{"upload_id"}}, nil
			}
			return handler{op: "GetObject", fn: s.getObject, allowed: responseOverrides}, nil
		case http.MethodHead:
			return handler{op: "HeadObject", fn: s.getObject, allowed: responseOverrides}, nil
		case http.MethodDelete:
			if q.has("upload_id") {
				return handler{op: "AbortMultipartUpload", fn: s.abortUpload, allowed: []string{"upload_id"}}, nil
			}
			return handler{op: "DeleteObject", fn: s.deleteObject}, nil
		case http.MethodPost:
			switch {
			case q.has("append"):
				return handler{op: "AppendObject", fn: s.appendObject, allowed: []string{"append", "position"}}, nil
			case q.has("uploads"):
				return handler{op: "InitiateMultipartUpload", fn: s.initiateUpload, allowed: []string{"uploads"}}, nil
			case q.has("upload_id"):
				return handler{op: "CompleteMultipartUpload", fn: s.completeUpload, allowed: []string{"upload_id"}}, nil
			}
		}
	}
	return handler{}, errMethod
}
