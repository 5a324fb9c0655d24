package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/qsgo/qsgo/qsapi"
)

// The upload endpoints are called by the page's script (static/app.js) with
// the CSRF token in X-CSRF-Token and answer JSON. Bodies are streamed to the
// API as they arrive, with the browser's declared length.

type uploadAnswer struct {
	ETag     string `json:"etag,omitempty"`
	UploadID string `json:"upload_id,omitempty"`
	Error    string `json:"error,omitempty"`
}

func answer(w http.ResponseWriter, status int, v uploadAnswer) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func answerErr(w http.ResponseWriter, err error) {
	answer(w, apiStatus(err), uploadAnswer{Error: apiMessage(err)})
}

// declaredLength is the request's Content-Length; a body without one is
// refused (the API needs the size up front).
func declaredLength(w http.ResponseWriter, r *http.Request) (int64, bool) {
	if r.ContentLength < 0 {
		answer(w, http.StatusLengthRequired, uploadAnswer{Error: "the upload needs a Content-Length"})
		return 0, false
	}
	return r.ContentLength, true
}

// putObject stores the body as one object (PutObject).
func (c *Console) putObject(w http.ResponseWriter, r *http.Request, s *session) {
	n, ok := declaredLength(w, r)
	if !ok {
		return
	}
	in := &qsapi.PutObjectInput{ContentLength: n, ContentType: r.Header.Get("Content-Type")}
	out, err := s.client.PutObject(r.Context(), r.PathValue("bucket"), r.URL.Query().Get("key"), r.Body, in)
	if err != nil {
		answerErr(w, err)
		return
	}
	answer(w, http.StatusCreated, uploadAnswer{ETag: out.ETag})
}

func (c *Console) initUpload(w http.ResponseWriter, r *http.Request, s *session) {
	in := &qsapi.InitiateMultipartUploadInput{ContentType: r.URL.Query().Get("content_type")}
	out, err := s.client.InitiateMultipartUpload(r.Context(), r.PathValue("bucket"), r.URL.Query().Get("key"), in)
	if err != nil {
		answerErr(w, err)
		return
	}
	answer(w, http.StatusOK, uploadAnswer{UploadID: out.UploadID})
}

func (c *Console) uploadPart(w http.ResponseWriter, r *http.Request, s *session) {
	n, ok := declaredLength(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	num, err := strconv.Atoi(q.Get("part_number"))
	if err != nil {
		answer(w, http.StatusBadRequest, uploadAnswer{Error: "part_number must be a number"})
		return
	}
	out, err := s.client.UploadPart(r.Context(), r.PathValue("bucket"), q.Get("key"), q.Get("upload_id"), num, r.Body,
		&qsapi.UploadPartInput{ContentLength: n})
	if err != nil {
		answerErr(w, err)
		return
	}
	answer(w, http.StatusCreated, uploadAnswer{ETag: out.ETag})
}

// completeUpload completes with the parts the script uploaded (a JSON list
// of part numbers and ETags in the body).
func (c *Console) completeUpload(w http.ResponseWriter, r *http.Request, s *session) {
	var parts []qsapi.CompletedPart
	if err := json.NewDecoder(r.Body).Decode(&parts); err != nil {
		answer(w, http.StatusBadRequest, uploadAnswer{Error: "the body must be a JSON list of parts"})
		return
	}
	q := r.URL.Query()
	out, err := s.client.CompleteMultipartUpload(r.Context(), r.PathValue("bucket"), q.Get("key"), q.Get("upload_id"), parts, nil)
	if err != nil {
		answerErr(w, err)
		return
	}
	answer(w, http.StatusCreated, uploadAnswer{ETag: out.ETag})
}

// uploadRow is one unfinished multipart upload.
type uploadRow struct {
	Key, UploadID string
	Created       time.Time
	Parts         int
	Bytes         int64
	PartsError    string
}

type uploadsData struct {
	Bucket          string
	Rows            []uploadRow
	HasMore         bool
	NextKey, NextID string
	Now             time.Time
}

// uploadsPage lists a bucket's unfinished multipart uploads, 100 at a time,
// with each one's part count and bytes (from its first 1000 parts).
func (c *Console) uploadsPage(w http.ResponseWriter, r *http.Request, s *session) {
	bucket, q := r.PathValue("bucket"), r.URL.Query()
	p := pageFor(s, "Uploads in "+bucket)
	p.Notice, p.Error = q.Get("notice"), q.Get("error")
	p.Crumbs = append(crumbs(bucket, ""), crumb{Name: "unfinished uploads", URL: "/b/" + url.PathEscape(bucket) + "/uploads"})
	d := uploadsData{Bucket: bucket, Now: c.now()}
	out, err := s.client.ListMultipartUploads(r.Context(), bucket, &qsapi.ListMultipartUploadsInput{
		KeyMarker: q.Get("key_marker"), UploadIDMarker: q.Get("upload_id_marker"), Limit: 100})
	if err != nil {
		p.Error = "Listing uploads failed: " + apiMessage(err)
		c.render(w, apiStatus(err), "uploads", withData(p, d))
		return
	}
	for _, u := range out.Uploads {
		row := uploadRow{Key: u.Key, UploadID: u.UploadID, Created: u.Created}
		parts, err := s.client.ListParts(r.Context(), bucket, u.Key, u.UploadID, &qsapi.ListPartsInput{Limit: 1000})
		if err != nil {
			row.PartsError = apiMessage(err)
		} else {
			row.Parts = parts.Count
			for _, pt := range parts.Parts {
				row.Bytes += pt.Size
			}
		}
		d.Rows = append(d.Rows, row)
	}
	d.HasMore, d.NextKey, d.NextID = out.HasMore, out.NextKeyMarker, out.NextUploadIDMarker
	c.render(w, http.StatusOK, "uploads", withData(p, d))
}

func (c *Console) abortUpload(w http.ResponseWriter, r *http.Request, s *session) {
	bucket, key := r.PathValue("bucket"), r.PostFormValue("key")
	_, err := s.client.AbortMultipartUpload(r.Context(), bucket, key, r.PostFormValue("upload_id"))
	back(w, r, "/b/"+url.PathEscape(bucket)+"/uploads", nil, "Aborted the upload of "+key+".", err)
}
