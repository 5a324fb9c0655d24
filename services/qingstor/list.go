package qingstor

import (
	"context"
	"strings"
	"time"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// listStatus is the cursor of an object or upload listing.
type listStatus struct {
	path      string // the user's path, for errors
	prefix    string
	delimiter string
	marker    string // objects: next marker; uploads: next key marker
	uploadID  string // uploads: next upload id marker
	done      bool
}

// ContinuationToken returns the marker the next page starts after.
func (l *listStatus) ContinuationToken() string { return l.marker }

// list lists path: in prefix mode (the default) every key starting with the
// path's key; in dir mode one level below the path as a directory, common
// prefixes as directories; in part mode the uploads in progress under the
// path. Directory markers are listed as directories, except the marker of
// the listed directory itself.
func (s *Storage) list(ctx context.Context, path string, opt pairStorageList) (*types.ObjectIterator, error) {
	mode := types.ListModePrefix
	if opt.HasListMode {
		mode = opt.ListMode
	}
	st := &listStatus{path: path, prefix: s.key(path)}
	switch {
	case mode.IsDir():
		if st.prefix != "" && !strings.HasSuffix(st.prefix, "/") {
			st.prefix += "/"
		}
		st.delimiter = "/"
		return types.NewObjectIterator(ctx, s.nextObjectPage(st), st), nil
	case mode.IsPrefix():
		return types.NewObjectIterator(ctx, s.nextObjectPage(st), st), nil
	case mode.IsPart():
		return types.NewObjectIterator(ctx, s.nextUploadPage(st), st), nil
	default:
		return nil, services.ListModeInvalidError{Actual: mode}
	}
}

// nextObjectPage returns the page function of an object listing. It keeps
// asking the server until a page yields at least one object or the listing
// ends, so a page holding nothing but common prefixes or the skipped marker
// never ends the listing early (the iterator stops at the first empty page).
func (s *Storage) nextObjectPage(st *listStatus) types.NextObjectFunc {
	return func(ctx context.Context, page *types.ObjectPage) error {
		for !st.done {
			out, err := s.client.ListObjects(ctx, s.name, &qsapi.ListObjectsInput{
				Prefix: st.prefix, Delimiter: st.delimiter, Marker: st.marker, Limit: listPageSize,
			})
			if err != nil {
				return s.formatError("list", err, st.path)
			}
			for _, p := range out.CommonPrefixes {
				page.Data = append(page.Data, s.newObject(s.relPath(p), p, types.ModeDir, true))
			}
			for i := range out.Keys {
				if o := s.listedObject(st, &out.Keys[i]); o != nil {
					page.Data = append(page.Data, o)
				}
			}
			switch {
			case !out.HasMore || out.NextMarker == "":
				st.done = true
			case out.NextMarker == st.marker:
				st.done = true
				return s.formatError("list", errNoProgress, st.path)
			default:
				st.marker = out.NextMarker
			}
			if len(page.Data) > 0 {
				break
			}
		}
		if st.done {
			return types.IterateDone
		}
		return nil
	}
}

// errNoProgress is the error of a listing whose marker stops advancing.
var errNoProgress = services.NewErrorCode("listing marker does not advance")

// listPageSize is the page size asked for (the server may send fewer); a
// variable so tests can force many pages.
var listPageSize = 1000

// listedObject builds the object of one listed key; nil skips it (the
// marker of the listed directory itself).
func (s *Storage) listedObject(st *listStatus, k *qsapi.ObjectInfo) *types.Object {
	if strings.HasSuffix(k.Key, "/") {
		if k.Key == st.prefix {
			return nil
		}
		o := s.newObject(s.relPath(k.Key), k.Key, types.ModeDir, true)
		o.SetContentLength(k.Size)
		return o
	}
	o := s.newObject(s.relPath(k.Key), k.Key, types.ModeRead, true)
	o.SetContentLength(k.Size)
	if k.ETag != "" {
		o.SetEtag(k.ETag)
	}
	if k.MimeType != "" {
		o.SetContentType(k.MimeType)
	}
	if k.Modified > 0 {
		o.SetLastModified(time.Unix(k.Modified, 0).UTC())
	}
	setObjectSystemMetadata(o, ObjectSystemMetadata{StorageClass: k.StorageClass})
	return o
}

// nextUploadPage returns the page function of an upload listing (part mode).
func (s *Storage) nextUploadPage(st *listStatus) types.NextObjectFunc {
	return func(ctx context.Context, page *types.ObjectPage) error {
		for !st.done {
			out, err := s.client.ListMultipartUploads(ctx, s.name, &qsapi.ListMultipartUploadsInput{
				Prefix: st.prefix, KeyMarker: st.marker, UploadIDMarker: st.uploadID, Limit: uploadPageSize,
			})
			if err != nil {
				return s.formatError("list", err, st.path)
			}
			for _, u := range out.Uploads {
				o := s.newObject(s.relPath(u.Key), u.Key, types.ModePart, true)
				o.SetMultipartID(u.UploadID)
				if !u.Created.IsZero() {
					// An upload has no content yet: its last-modified
					// time is when it was initiated.
					o.SetLastModified(u.Created.UTC())
				}
				page.Data = append(page.Data, o)
			}
			switch {
			case !out.HasMore || (out.NextKeyMarker == "" && out.NextUploadIDMarker == ""):
				st.done = true
			case out.NextKeyMarker == st.marker && out.NextUploadIDMarker == st.uploadID:
				st.done = true
				return s.formatError("list", errNoProgress, st.path)
			default:
				st.marker, st.uploadID = out.NextKeyMarker, out.NextUploadIDMarker
			}
			if len(page.Data) > 0 {
				break
			}
		}
		if st.done {
			return types.IterateDone
		}
		return nil
	}
}

// uploadPageSize is the page size of upload listings (QingStor's maximum).
const uploadPageSize = 1000
