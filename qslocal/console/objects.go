package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/qsgo/qsgo/qsapi"
)

// listing is the data of the object browser.
type listing struct {
	Bucket, Prefix, Marker, NextMarker string
	Flat                               bool
	Folders                            []folder
	Keys                               []qsapi.ObjectInfo
	HasMore                            bool
	Limit                              int
	PartSize, Threshold                int64
}

type folder struct{ Name, Prefix string }

// objectsPage lists one page of a bucket under a prefix: "/"-delimited
// (prefixes as folders) unless flat is set, starting after marker.
func (c *Console) objectsPage(w http.ResponseWriter, r *http.Request, s *session) {
	bucket, q := r.PathValue("bucket"), r.URL.Query()
	l := listing{Bucket: bucket, Prefix: q.Get("prefix"), Marker: q.Get("marker"), Flat: q.Get("flat") != "",
		Limit: pageSize, PartSize: PartSize, Threshold: MultipartThreshold}
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 && n <= 1000 {
		l.Limit = n
	}
	p := pageFor(s, bucket)
	p.Notice, p.Error = q.Get("notice"), q.Get("error")
	p.Crumbs = crumbs(bucket, l.Prefix)
	in := &qsapi.ListObjectsInput{Prefix: l.Prefix, Marker: l.Marker, Limit: l.Limit}
	if !l.Flat {
		in.Delimiter = "/"
	}
	out, err := s.client.ListObjects(r.Context(), bucket, in)
	if err != nil {
		p.Error = "Listing failed: " + apiMessage(err)
		p.Data = l
		c.render(w, apiStatus(err), "objects", p)
		return
	}
	for _, cp := range out.CommonPrefixes {
		l.Folders = append(l.Folders, folder{Name: strings.TrimPrefix(cp, l.Prefix), Prefix: cp})
	}
	l.Keys, l.HasMore, l.NextMarker = out.Keys, out.HasMore, out.NextMarker
	if l.HasMore && l.NextMarker == "" && len(out.Keys) > 0 {
		l.NextMarker = out.Keys[len(out.Keys)-1].Key
	}
	p.Data = l
	c.render(w, http.StatusOK, "objects", p)
}

// crumbs are the links from the bucket down to prefix, one per folder.
func crumbs(bucket, prefix string) []crumb {
	out := []crumb{{Name: "buckets", URL: "/"}, {Name: bucket, URL: bucketURL(bucket, "")}}
	at := 0
	for {
		i := strings.Index(prefix[at:], "/")
		if i < 0 {
			break
		}
		out = append(out, crumb{Name: prefix[at : at+i+1], URL: bucketURL(bucket, prefix[:at+i+1])})
		at += i + 1
	}
	return out
}

// bucketURL is the browser page of bucket under prefix.
func bucketURL(bucket, prefix string) string {
	u := "/b/" + url.PathEscape(bucket)
	if prefix != "" {
		u += "?prefix=" + url.QueryEscape(prefix)
	}
	return u
}

// objectURL is the detail page of an object.
func objectURL(bucket, key string) string {
	return "/b/" + url.PathEscape(bucket) + "/object?key=" + url.QueryEscape(key)
}

// detail is the data of the object page.
type detail struct {
	Bucket, Key   string
	Folder        string
	Info          *qsapi.ObjectInfo
	Meta          *qsapi.ObjectMeta
	SSEC          bool
	HeadError     string
	ReadError     string
	Presigned     string
	PresignExpiry time.Time
	Expires       int
	Download      string
	ExpiryChoices []expiryChoice
}

type expiryChoice struct {
	Seconds int
	Label   string
}

var expiryChoices = []expiryChoice{{60, "1 minute"}, {900, "15 minutes"}, {3600, "1 hour"}, {86400, "1 day"}, {604800, "7 days"}}

// objectPage shows one object: what the listing knows (size, ETag, type,
// storage class, SSE-C flag), then what a HEAD answers (metadata); an SSE-C
// object's HEAD needs its key, which the console does not have.
func (c *Console) objectPage(w http.ResponseWriter, r *http.Request, s *session) {
	bucket, key := r.PathValue("bucket"), r.URL.Query().Get("key")
	d := detail{Bucket: bucket, Key: key, Expires: 3600, ExpiryChoices: expiryChoices}
	if i := strings.LastIndex(key, "/"); i >= 0 {
		d.Folder = key[:i+1]
	}
	p := pageFor(s, key)
	p.Notice, p.Error = r.URL.Query().Get("notice"), r.URL.Query().Get("error")
	p.Crumbs = append(crumbs(bucket, d.Folder), crumb{Name: strings.TrimPrefix(key, d.Folder), URL: objectURL(bucket, key)})
	if n, err := strconv.Atoi(r.URL.Query().Get("expires")); err == nil && n >= 1 && n <= 604800 {
		d.Expires = n
	}
	out, err := s.client.ListObjects(r.Context(), bucket, &qsapi.ListObjectsInput{Prefix: key, Limit: 1})
	if err != nil {
		p.Error = apiMessage(err)
		c.render(w, apiStatus(err), "object", withData(p, d))
		return
	}
	if len(out.Keys) == 0 || out.Keys[0].Key != key {
		p.Error = "No object " + key + " in bucket " + bucket + "."
		c.render(w, http.StatusNotFound, "object", withData(p, d))
		return
	}
	d.Info = &out.Keys[0]
	d.SSEC = d.Info.Encrypted
	if meta, err := s.client.HeadObject(r.Context(), bucket, key, nil); err != nil {
		d.HeadError = apiMessage(err)
	} else {
		d.Meta = meta
	}
	if d.SSEC {
		d.ReadError = c.tryRead(r, s, bucket, key)
	} else {
		c.presignLinks(s, &d)
	}
	c.render(w, http.StatusOK, "object", withData(p, d))
}

// tryRead asks the API for the first byte of an SSE-C object without its
// key and returns the API's refusal, which the page shows as it is.
func (c *Console) tryRead(r *http.Request, s *session, bucket, key string) string {
	out, err := s.client.GetObject(r.Context(), bucket, key, &qsapi.GetObjectInput{Range: "bytes=0-0"})
	if err != nil {
		return apiMessage(err)
	}
	out.Body.Close()
	return ""
}

func withData(p page, d any) page { p.Data = d; return p }

// presignLinks fills the presigned GET link for the chosen expiry and a
// short-lived download link (Content-Disposition: attachment).
func (c *Console) presignLinks(s *session, d *detail) {
	if pr, err := s.client.PresignGetObject(d.Bucket, d.Key, nil, time.Duration(d.Expires)*time.Second); err == nil {
		d.Presigned, d.PresignExpiry = pr.URL, pr.Expires
	}
	name := d.Key[len(d.Folder):]
	in := &qsapi.GetObjectInput{Response: qsapi.ResponseOverrides{ContentDisposition: "attachment; filename*=UTF-8''" + url.PathEscape(name)}}
	if pr, err := s.client.PresignGetObject(d.Bucket, d.Key, in, 5*time.Minute); err == nil {
		d.Download = pr.URL
	}
}

func (c *Console) deleteObject(w http.ResponseWriter, r *http.Request, s *session) {
	bucket, key := r.PathValue("bucket"), r.PostFormValue("key")
	folder := ""
	if i := strings.LastIndex(key, "/"); i >= 0 {
		folder = key[:i+1]
	}
	_, err := s.client.DeleteObject(r.Context(), bucket, key)
	if err != nil {
		http.Redirect(w, r, objectURL(bucket, key)+"&error="+url.QueryEscape(apiMessage(err)), http.StatusSeeOther)
		return
	}
	q := url.Values{}
	if folder != "" {
		q.Set("prefix", folder)
	}
	back(w, r, "/b/"+url.PathEscape(bucket), q, "Deleted "+key+".", nil)
}
