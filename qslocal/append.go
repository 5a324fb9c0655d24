package qslocal

import (
	"crypto/md5"
	"encoding"
	"errors"
	"hash"
	"net/http"
	"strconv"

	"github.com/qsgo/qsgo/qslocal/store"
)

// appendObject is POST /bucket/key?append&position=N.
//
// position must equal the current size (0 creates the object); a mismatch
// is 400 invalid_argument as documented. Appending to an object that was not
// created by append is 400 invalid_object_state (decision: QingStor
// documents no code). Appendable objects cannot be encrypted, so SSE-C
// headers are 400 invalid_request. Content-Type and X-QS-Storage-Class
// count only on the first write. The reply carries X-QS-Next-Append-Position
// (the new size) and X-QS-Object-Type: appendable. Each append is stored as
// its own segment, so nothing already written is rewritten; the object's
// ETag stays the MD5 of its whole content, carried forward with the saved
// MD5 state.
func (s *Server) appendObject(q *request) *apiError {
	h := q.r.Header
	pos, err := strconv.ParseInt(q.get("position"), 10, 64)
	if err != nil || pos < 0 {
		return errf(http.StatusBadRequest, "invalid_argument", "append needs position, a non-negative integer.")
	}
	if h.Get(sseHeader+"Algorithm") != "" || h.Get(sseHeader+"Key") != "" {
		return errf(http.StatusBadRequest, "invalid_request", "Appendable objects cannot be encrypted with SSE-C.")
	}
	ct, e := parseContentType(h)
	if e != nil {
		return e
	}
	class, e := parseStorageClass(h, "STANDARD")
	if e != nil {
		return e
	}
	wantMD5, e := checkUploadBody(q, "One append is at most 5 GiB.")
	if e != nil {
		return e
	}
	// Check the position before receiving the body, and pick up the MD5
	// state to continue; the transaction below re-checks both.
	old, err := s.st.GetObject(q.bucket, q.key)
	if err != nil && !errors.Is(err, store.ErrNoSuchObject) {
		return s.storeErr(q, err)
	}
	if e := checkAppend(old, pos); e != nil {
		return e
	}
	whole := md5.New()
	if old != nil {
		if err := whole.(encoding.BinaryUnmarshaler).UnmarshalBinary(old.MD5State); err != nil {
			return s.internal(q, err)
		}
	}
	up, e := s.receiveBlob(q, bodyReader(q, maxSinglePut), q.r.ContentLength, wantMD5, nil, whole)
	if e != nil {
		return e
	}
	state, err := whole.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		s.st.DiscardBlob(up.id)
		return s.internal(q, err)
	}
	var result *store.Object
	err = s.st.UpdateObject(q.bucket, q.key, func(cur *store.Object) (*store.Object, error) {
		if e := checkAppend(cur, pos); e != nil {
			return nil, e
		}
		if (old == nil) != (cur == nil) || (cur != nil && cur.ETag != old.ETag) {
			return nil, errf(http.StatusBadRequest, "invalid_argument", "The object changed during the append; retry at the new position.")
		}
		now := s.now().UTC()
		nu := &store.Object{Key: q.key, ContentType: ct, StorageClass: class, Created: now, Appendable: true}
		if cur != nil {
			c := *cur
			nu = &c
			nu.Segments = append([]store.Segment(nil), cur.Segments...)
		}
		nu.Segments = append(nu.Segments, up.segments(nil)...)
		nu.Size = pos + up.res.n
		nu.MD5State = state
		nu.ETag = quoteETag(sumOf(whole))
		nu.Modified = now
		result = nu
		return nu, nil
	})
	if err != nil {
		s.st.DiscardBlob(up.id)
		return s.storeErr(q, err)
	}
	wh := q.w.Header()
	wh.Set("X-Qs-Next-Append-Position", strconv.FormatInt(result.Size, 10))
	wh.Set("X-Qs-Object-Type", "appendable")
	wh.Set("ETag", result.ETag)
	wh.Set("Content-Length", "0")
	q.w.WriteHeader(http.StatusOK)
	return nil
}

func sumOf(h hash.Hash) []byte { return h.Sum(nil) }

func checkAppend(o *store.Object, pos int64) *apiError {
	switch {
	case o == nil && pos != 0:
		return errf(http.StatusBadRequest, "invalid_argument", "The object does not exist: append at position 0.")
	case o != nil && !o.Appendable:
		return errf(http.StatusBadRequest, "invalid_object_state", "The object was not created by append and cannot be appended to.")
	case o != nil && o.Size != pos:
		return errf(http.StatusBadRequest, "invalid_argument", "Append position %d does not match the object size %d.", pos, o.Size)
	}
	return nil
}
