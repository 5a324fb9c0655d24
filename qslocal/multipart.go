package qslocal

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/qsgo/qsgo/qslocal/store"
)

// initiateUpload is POST /bucket/key?uploads (200 with bucket, key,
// upload_id). Content type, storage class, metadata and the SSE-C key
// digest are kept for the object Complete creates.
func (s *Server) initiateUpload(q *request) *apiError {
	h := q.r.Header
	oh, e := parseObjectHeaders(h)
	if e != nil {
		return e
	}
	sse, e := parseSSE(h, sseHeader)
	if e != nil {
		return e
	}
	now := s.now().UTC()
	u := &store.Upload{ID: store.NewUploadID(now), Bucket: q.bucket, Key: q.key, Created: now,
		Template: store.Object{ContentType: oh.contentType, StorageClass: oh.storageClass, Meta: oh.meta, Headers: oh.std}}
	if sse != nil {
		u.Template.SSE = sse.record()
	}
	if err := s.st.CreateUpload(u); err != nil {
		return s.storeErr(q, err)
	}
	setSSEResponse(q.w.Header(), sse)
	writeJSON(q.w, http.StatusOK, initiateJSON{Bucket: q.bucket, Key: q.key, UploadID: u.ID})
	return nil
}

func partNumber(q *request) (int, *apiError) {
	n, err := strconv.Atoi(q.get("part_number"))
	if err != nil || n < 0 || n > maxPartNumber {
		return 0, errf(http.StatusBadRequest, "invalid_argument", "part_number must be an integer from 0 to 10000.")
	}
	return n, nil
}

// uploadPart is PUT /bucket/key?part_number=N&upload_id=ID (201 + ETag),
// from the body or, with X-QS-Copy-Source, from (a range of) an object.
// Re-uploading a part number replaces it. Parts of an encrypted upload need
// the key given at Initiate.
func (s *Server) uploadPart(q *request) *apiError {
	h := q.r.Header
	id := q.get("upload_id")
	if id == "" {
		return errf(http.StatusBadRequest, "invalid_argument", "upload_id is required.")
	}
	n, e := partNumber(q)
	if e != nil {
		return e
	}
	sse, e := parseSSE(h, sseHeader)
	if e != nil {
		return e
	}
	u, err := s.st.GetUpload(q.bucket, q.key, id)
	if err != nil {
		return s.storeErr(q, err)
	}
	if u.Template.SSE == nil && sse != nil {
		return errf(http.StatusBadRequest, "invalid_request", "The multipart upload was initiated without encryption.")
	}
	if e := checkSSE(u.Template.SSE, sse); e != nil {
		return e
	}
	var part *store.Part
	if h.Get("X-Qs-Copy-Source") != "" {
		part, e = s.copyPart(q, sse)
	} else {
		part, e = s.receivePart(q, sse)
	}
	if e != nil {
		return e
	}
	part.Number, part.Created = n, s.now().UTC()
	if err := s.st.PutPart(q.bucket, q.key, id, part); err != nil {
		s.st.DiscardBlob(part.Blob)
		return s.storeErr(q, err)
	}
	replyCreated(q, part.ETag, sse)
	return nil
}

func (s *Server) receivePart(q *request, sse *sseKey) (*store.Part, *apiError) {
	wantMD5, e := checkUploadBody(q, "A part is at most 5 GiB.")
	if e != nil {
		return nil, e
	}
	seg := store.Segment{}
	up, e := s.receiveBlob(q, bodyReader(q, maxSinglePut), q.r.ContentLength, wantMD5, ctrStreamFor(sse, &seg))
	if e != nil {
		return nil, e
	}
	return &store.Part{Size: up.res.n, ETag: quoteETag(up.res.md5[:]), MD5: up.res.md5[:], Blob: up.id, IV: seg.IV}, nil
}

// copyPart fills a part from X-QS-Copy-Source, optionally limited by
// X-QS-Copy-Range: bytes=a-b (the whole source without it); the reply
// carries X-QS-Content-Copy-Range: bytes a-b/size.
func (s *Server) copyPart(q *request, sse *sseKey) (*store.Part, *apiError) {
	h := q.r.Header
	sb, sk, e := parseSource(h.Get("X-Qs-Copy-Source"))
	if e != nil {
		return nil, e
	}
	if e := checkSourceDates(h, "X-Qs-Copy-Source-"); e != nil {
		return nil, e
	}
	srcKey, e := parseSSE(h, sseCopyHeader)
	if e != nil {
		return nil, e
	}
	src, release, err := s.st.PinObject(sb, sk)
	if err != nil {
		return nil, s.storeErr(q, err)
	}
	defer release()
	if e := checkSSE(src.SSE, srcKey); e != nil {
		return nil, e
	}
	if st := checkConditions(h, "X-Qs-Copy-Source-", src); st != 0 {
		return nil, errf(http.StatusPreconditionFailed, "precondition_failed", "The copy source precondition evaluated to false.")
	}
	start, end, ranged, e := parseRange(h.Get("X-Qs-Copy-Range"), src.Size)
	if e != nil {
		return nil, e
	}
	if !ranged {
		start, end = 0, src.Size-1
	}
	if end-start+1 > maxSinglePut {
		return nil, errf(http.StatusBadRequest, "entity_too_large", "A part is at most 5 GiB.")
	}
	rd := &objectReader{s: s, o: src, key: srcKey, off: start, remain: end - start + 1}
	defer rd.Close()
	if err := rd.open(); err != nil {
		return nil, s.internal(q, err)
	}
	seg := store.Segment{}
	up, e := s.receiveBlob(q, rd, end-start+1, nil, ctrStreamFor(sse, &seg))
	if e != nil {
		return nil, e
	}
	// The reply names the copied range, also when the whole source was
	// copied (decision: the docs list the header without a condition).
	if end >= start {
		q.w.Header().Set("X-Qs-Content-Copy-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(end, 10)+"/"+strconv.FormatInt(src.Size, 10))
	}
	return &store.Part{Size: up.res.n, ETag: quoteETag(up.res.md5[:]), MD5: up.res.md5[:], Blob: up.id, IV: seg.IV}, nil
}

// listParts is GET /bucket/key?upload_id=ID. As documented, the parts
// numbered after part_number_marker are returned (all parts without it) and
// etag values are the hex digest without quotes (the docs' example).
// Decisions: limit defaults to and is clamped at 1000, and count is the total
// number of parts of the upload.
func (s *Server) listParts(q *request) *apiError {
	id := q.get("upload_id")
	from := 0
	if q.has("part_number_marker") {
		marker, e := intParam(q, "part_number_marker", 0)
		if e != nil {
			return e
		}
		from = marker + 1
	}
	limit, e := intParam(q, "limit", 1000)
	if e != nil {
		return e
	}
	limit = clampLimit(limit, 1000, 1000)
	parts, total, err := s.st.ListParts(q.bucket, q.key, id, from, limit)
	if err != nil {
		return s.storeErr(q, err)
	}
	out := listPartsJSON{Count: total, ObjectParts: []objectPartJSON{}}
	for _, p := range parts {
		out.ObjectParts = append(out.ObjectParts, objectPartJSON{PartNumber: p.Number, Size: p.Size,
			ETag: strings.Trim(p.ETag, `"`), Created: jsonTime(p.Created)})
	}
	writeJSON(q.w, http.StatusOK, out)
	return nil
}

// completeUpload is POST /bucket/key?upload_id=ID with
// {"object_parts":[{"part_number":N,"etag":"..."}...]} (201).
//
// Parts must be listed in strictly increasing number order, each must have
// been uploaded and, when an etag is given, match it (quotes ignored);
// every listed part but the last must be at least the minimum part size
// (entity_too_small). Unlisted parts are dropped. The object's bytes are the
// parts' blobs in order (no copy). Its ETag is the request's ETag header
// when given; without one the object has no ETag, as documented (the server
// computes none for a merged object): HEAD and GET then send no ETag header,
// listings show "etag": "", If-Match matches only "*" and If-None-Match
// only "*".
func (s *Server) completeUpload(q *request) *apiError {
	id := q.get("upload_id")
	var req completeRequest
	if e := readJSONBody(q, &req, false); e != nil {
		return e
	}
	if len(req.ObjectParts) == 0 {
		return errf(http.StatusBadRequest, "invalid_request", "object_parts must list at least one part.")
	}
	if len(req.ObjectParts) > maxPartNumber+1 {
		return errf(http.StatusBadRequest, "max_parts_exceeded", "Too many parts.")
	}
	prev := -1
	for _, p := range req.ObjectParts {
		if p.PartNumber == nil {
			return errf(http.StatusBadRequest, "invalid_request", "Every entry of object_parts needs part_number.")
		}
		if *p.PartNumber <= prev || *p.PartNumber > maxPartNumber {
			return errf(http.StatusBadRequest, "invalid_request", "object_parts must be in strictly increasing part_number order within 0..10000.")
		}
		prev = *p.PartNumber
	}
	etagHdr := strings.TrimSpace(q.r.Header.Get("ETag"))
	if len(etagHdr) > 256 {
		return errf(http.StatusBadRequest, "invalid_argument", "The ETag header is too long.")
	}
	var sse *store.SSE
	err := s.st.CompleteUpload(q.bucket, q.key, id, func(u *store.Upload, parts []store.Part) (*store.Object, error) {
		sse = u.Template.SSE
		byNum := make(map[int]*store.Part, len(parts))
		for i := range parts {
			byNum[parts[i].Number] = &parts[i]
		}
		obj := u.Template
		obj.Key = q.key
		obj.Meta, obj.Headers = u.Template.Meta, u.Template.Headers
		obj.Segments = make([]store.Segment, 0, len(req.ObjectParts))
		for i, rp := range req.ObjectParts {
			p := byNum[*rp.PartNumber]
			if p == nil {
				return nil, errf(http.StatusBadRequest, "invalid_request", "Part %d was not uploaded.", *rp.PartNumber)
			}
			if rp.ETag != "" && strings.Trim(rp.ETag, `"`) != strings.Trim(p.ETag, `"`) {
				return nil, errf(http.StatusBadRequest, "invalid_request", "The etag of part %d does not match the uploaded part.", p.Number)
			}
			if rp.Size != nil && *rp.Size != p.Size {
				return nil, errf(http.StatusBadRequest, "invalid_request", "The size of part %d does not match the uploaded part.", p.Number)
			}
			if i < len(req.ObjectParts)-1 && p.Size < s.opts.MinPartSize {
				return nil, errf(http.StatusBadRequest, "entity_too_small", "Part %d is %d bytes; every part but the last must be at least %d.", p.Number, p.Size, s.opts.MinPartSize)
			}
			obj.Size += p.Size
			if p.Size > 0 {
				obj.Segments = append(obj.Segments, store.Segment{Blob: p.Blob, Size: p.Size, IV: p.IV})
			}
		}
		if etagHdr != "" {
			obj.ETag = `"` + strings.Trim(etagHdr, `"`) + `"`
		}
		now := s.now().UTC()
		obj.Created, obj.Modified = now, now
		return &obj, nil
	})
	if err != nil {
		return s.storeErr(q, err)
	}
	setSSEStored(q.w.Header(), sse)
	q.w.Header().Set("Content-Length", "0")
	q.w.WriteHeader(http.StatusCreated)
	return nil
}

// abortUpload is DELETE /bucket/key?upload_id=ID: 204 whether or not the
// upload exists (404 only for a missing bucket).
func (s *Server) abortUpload(q *request) *apiError {
	if err := s.st.AbortUpload(q.bucket, q.key, q.get("upload_id")); err != nil {
		return s.storeErr(q, err)
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}
