package qslocal

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/qsgo/qsgo/qslocal/store"
)

// jsonTime formats JSON time fields (RFC 3339, UTC, milliseconds).
func jsonTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// bucketURL is the URL clients reach a bucket at.
func (s *Server) bucketURL(q *request, b *store.Bucket) string {
	scheme := "http"
	if q.r.TLS != nil {
		scheme = "https"
	}
	if q.host.direct {
		return scheme + "://" + q.r.Host + "/" + b.Name
	}
	return scheme + "://" + b.Name + "." + b.Zone + "." + s.bases[0]
}

// intParam parses an optional non-negative integer query parameter.
func intParam(q *request, name string, def int) (int, *apiError) {
	v := q.get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errf(http.StatusBadRequest, "invalid_argument", "Query parameter %s must be a non-negative integer.", name)
	}
	return n, nil
}

// clampLimit applies a default for limit <= 0 (GSQ sends limit=0 by
// mistake) and an upper bound.
func clampLimit(n, def, max int) int {
	if n <= 0 {
		return def
	}
	return min(n, max)
}

// listBuckets is GET / : every bucket, or those of the host's zone on a
// zone host, filtered by the Location header; paged by limit/offset with
// count the filtered total.
func (s *Server) listBuckets(q *request) *apiError {
	all, err := s.st.ListBuckets()
	if err != nil {
		return s.storeErr(q, err)
	}
	zone := q.r.Header.Get("Location")
	if zone == "" && !q.host.global && !q.host.direct {
		zone = q.host.zone
	}
	limit, e := intParam(q, "limit", 200)
	if e != nil {
		return e
	}
	offset, e := intParam(q, "offset", 0)
	if e != nil {
		return e
	}
	limit = clampLimit(limit, 200, 1000)
	out := listBucketsJSON{Buckets: []bucketJSON{}}
	for i := range all {
		b := &all[i]
		if zone != "" && b.Zone != zone {
			continue
		}
		if out.Count >= offset && len(out.Buckets) < limit {
			out.Buckets = append(out.Buckets, bucketJSON{Name: b.Name, Location: b.Zone, URL: s.bucketURL(q, b), Created: jsonTime(b.Created)})
		}
		out.Count++
	}
	writeJSON(q.w, http.StatusOK, out)
	return nil
}

// listLocations is GET /?location (anonymous allowed): the configured
// zones and the zones buckets were created in.
func (s *Server) listLocations(q *request) *apiError {
	zones := boolKeys(s.zones)
	buckets, err := s.st.ListBuckets()
	if err != nil {
		return s.storeErr(q, err)
	}
	for _, b := range buckets {
		zones[b.Zone] = ""
	}
	out := listLocationsJSON{}
	for _, z := range sortedKeys(zones) {
		out.Locations = append(out.Locations, locationJSON{ID: z, Name: z, Endpoint: z + "." + s.bases[0]})
	}
	writeJSON(q.w, http.StatusOK, out)
	return nil
}

func boolKeys(m map[string]bool) map[string]string {
	out := map[string]string{}
	for k := range m {
		out[k] = ""
	}
	return out
}

// putBucket is PUT /bucket: create it in the host's zone (default zone for
// IP, localhost and global hosts).
func (s *Server) putBucket(q *request) *apiError {
	zone := q.host.zone
	if zone == "" {
		zone = s.opts.Zone
	}
	err := s.st.CreateBucket(store.Bucket{Name: q.bucket, Zone: zone, Owner: q.accessKey, Created: s.now().UTC()})
	if err != nil {
		return s.storeErr(q, err)
	}
	q.w.Header().Set("Content-Length", "0")
	q.w.WriteHeader(http.StatusCreated)
	return nil
}

func (s *Server) headBucket(q *request) *apiError {
	if _, err := s.st.GetBucket(q.bucket); err != nil {
		return s.storeErr(q, err)
	}
	q.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) deleteBucket(q *request) *apiError {
	if err := s.st.DeleteBucket(q.bucket); err != nil {
		return s.storeErr(q, err)
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}

// bucketStats is GET /bucket?stats: count and size in all and per storage
// class (storage_classes always names STANDARD and STANDARD_IA). Decision:
// billing_size equals size, since qslocal bills nothing (QingStor bills
// STANDARD_IA objects for a minimum time, which can make it larger).
func (s *Server) bucketStats(q *request) *apiError {
	b, err := s.st.GetBucket(q.bucket)
	if err != nil {
		return s.storeErr(q, err)
	}
	total, byClass, err := s.st.BucketStats(q.bucket)
	if err != nil {
		return s.storeErr(q, err)
	}
	classes := map[string]classStatsJSON{}
	for _, c := range []string{"STANDARD", "STANDARD_IA"} {
		cs := byClass[c]
		classes[c] = classStatsJSON{Count: cs.Count, Size: cs.Size, BillingSize: cs.Size}
	}
	writeJSON(q.w, http.StatusOK, bucketStatsJSON{Count: total.Count, Size: total.Size, StorageClasses: classes,
		Location: b.Zone, Name: b.Name, URL: s.bucketURL(q, b), Status: "active", Created: jsonTime(b.Created)})
	return nil
}

// listObjects is GET /bucket. As documented: limit defaults to 100 and a
// page holds at most 100 keys and common prefixes whatever limit asks (the
// answer's limit field says what was applied), and marker carries the same
// value as next_marker. Decisions: results start strictly after the request's
// marker; next_marker is the last key or common prefix of the page; keys are
// in byte order.
func (s *Server) listObjects(q *request) *apiError {
	limit, e := intParam(q, "limit", maxListKeys)
	if e != nil {
		return e
	}
	limit = clampLimit(limit, maxListKeys, maxListKeys)
	prefix, delim, marker := q.get("prefix"), q.get("delimiter"), q.get("marker")
	if len(prefix) > maxKeyLen || len(marker) > maxKeyLen || len(delim) > 16 {
		return errf(http.StatusBadRequest, "invalid_argument", "prefix, marker or delimiter is too long.")
	}
	b, err := s.st.GetBucket(q.bucket)
	if err != nil {
		return s.storeErr(q, err)
	}
	page, err := s.st.ListObjects(q.bucket, prefix, delim, marker, limit)
	if err != nil {
		return s.storeErr(q, err)
	}
	out := listObjectsJSON{Name: q.bucket, Owner: s.owner(b), Prefix: prefix, Delimiter: delim,
		Limit: limit, Marker: page.NextMarker, NextMarker: page.NextMarker, HasMore: page.HasMore,
		Keys: make([]keyJSON, 0, len(page.Objects)), CommonPrefixes: page.CommonPrefixes}
	if out.CommonPrefixes == nil {
		out.CommonPrefixes = []string{}
	}
	for i := range page.Objects {
		o := &page.Objects[i]
		out.Keys = append(out.Keys, keyJSON{Key: o.Key, Size: o.Size, ETag: o.ETag, MimeType: o.ContentType,
			Created: jsonTime(o.Created), Modified: o.Modified.Unix(), Encrypted: o.SSE != nil, StorageClass: o.StorageClass})
	}
	writeJSON(q.w, http.StatusOK, out)
	return nil
}

// owner is the owner field of a listing: the access key that created the
// bucket. qslocal has no user accounts, so the id is made from the key
// ("usr-" and 8 hex digits, the docs' shape) and the name is the key id. A
// bucket created without a request (CreateBucket, or a store written before
// owners were recorded) belongs to the first configured access key id.
func (s *Server) owner(b *store.Bucket) ownerJSON {
	ak := b.Owner
	if ak == "" {
		ak = sortedKeys(s.opts.Credentials)[0]
	}
	sum := sha256.Sum256([]byte(ak))
	return ownerJSON{ID: "usr-" + hex.EncodeToString(sum[:4]), Name: ak}
}

// listUploads is GET /bucket?uploads (limit default 200, max 1000).
func (s *Server) listUploads(q *request) *apiError {
	limit, e := intParam(q, "limit", 200)
	if e != nil {
		return e
	}
	limit = clampLimit(limit, 200, 1000)
	prefix, delim, km, im := q.get("prefix"), q.get("delimiter"), q.get("key_marker"), q.get("upload_id_marker")
	page, err := s.st.ListUploads(q.bucket, prefix, delim, km, im, limit)
	if err != nil {
		return s.storeErr(q, err)
	}
	out := listUploadsJSON{Name: q.bucket, Prefix: prefix, Delimiter: delim, Limit: limit, Marker: km,
		KeyMarker: km, UploadIDMarker: im, HasMore: page.HasMore, Uploads: []uploadJSON{}, CommonPrefixes: page.CommonPrefixes}
	if page.HasMore {
		out.NextKeyMarker, out.NextUploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
	}
	if out.CommonPrefixes == nil {
		out.CommonPrefixes = []string{}
	}
	for _, u := range page.Uploads {
		out.Uploads = append(out.Uploads, uploadJSON{Key: u.Key, UploadID: u.ID, Created: jsonTime(u.Created)})
	}
	writeJSON(q.w, http.StatusOK, out)
	return nil
}

// readJSONBody reads a JSON request body of at most maxJSONBody bytes,
// checking Content-MD5 when given (or when required).
func readJSONBody(q *request, v any, requireMD5 bool) *apiError {
	wantMD5, e := parseContentMD5(q.r.Header.Get("Content-Md5"))
	if e != nil {
		return e
	}
	if wantMD5 == nil && requireMD5 {
		return errf(http.StatusBadRequest, "invalid_request", "This request needs a Content-MD5 header.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(q.w, q.r.Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errf(http.StatusBadRequest, "invalid_request", "The JSON body is larger than %d bytes.", maxJSONBody)
		}
		return errf(http.StatusBadRequest, "incomplete_body", "The request body could not be read.")
	}
	if wantMD5 != nil {
		if sum := md5.Sum(body); string(sum[:]) != string(wantMD5) {
			return errf(http.StatusBadRequest, "bad_digest", "The Content-MD5 you specified did not match what we received.")
		}
	}
	if e := checkJSONText(body); e != nil {
		return e
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errf(http.StatusBadRequest, "invalid_json", "The request body is not valid JSON for this operation.")
	}
	return nil
}

// deleteMultiple is POST /bucket?delete: at most 1000 keys, Content-MD5
// required; per-key failures go to errors with status 200.
func (s *Server) deleteMultiple(q *request) *apiError {
	if _, err := s.st.GetBucket(q.bucket); err != nil {
		return s.storeErr(q, err)
	}
	var req deleteMultipleRequest
	if e := readJSONBody(q, &req, true); e != nil {
		return e
	}
	if len(req.Objects) > maxDeleteKeys {
		return errf(http.StatusBadRequest, "too_many_objects", "At most 1000 keys can be deleted in one request.")
	}
	out := deleteMultipleJSON{Errors: []deleteErrorJSON{}}
	if !req.Quiet {
		out.Deleted = []deleteKeyJSON{}
	}
	var valid []string
	for _, o := range req.Objects {
		if e := checkKey(o.Key); e != nil {
			out.Errors = append(out.Errors, deleteErrorJSON{Key: o.Key, Code: e.Code, Message: e.Message})
			continue
		}
		valid = append(valid, o.Key)
	}
	// One transaction (one fsync) for the whole batch.
	if err := s.st.DeleteObjects(q.bucket, valid); err != nil {
		ae := s.storeErr(q, err)
		for _, k := range valid {
			out.Errors = append(out.Errors, deleteErrorJSON{Key: k, Code: ae.Code, Message: ae.Message})
		}
	} else if !req.Quiet {
		for _, k := range valid {
			out.Deleted = append(out.Deleted, deleteKeyJSON{Key: k})
		}
	}
	writeJSON(q.w, http.StatusOK, out)
	return nil
}
