package storagetest

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// send sends a presigned request with a plain http.Client, fails the test on
// a transport error or a non-2xx status, and returns the response with its
// body read into h (may be nil) and closed.
func (e *env) send(what string, req *http.Request, h io.Writer) *http.Response {
	e.t.Helper()
	if req == nil || req.URL == nil || !req.URL.IsAbs() {
		e.t.Fatalf("%s: presigned request %v has no absolute URL", what, req)
	}
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		e.t.Fatalf("%s: sending the presigned request: %v", what, err)
	}
	defer resp.Body.Close()
	if h == nil {
		h = io.Discard
	}
	if _, err := io.Copy(h, resp.Body); err != nil {
		e.t.Fatalf("%s: reading the response body: %v", what, err)
	}
	if resp.StatusCode/100 != 2 {
		e.t.Fatalf("%s: %s %s answered %s", what, req.Method, req.URL.Path, resp.Status)
	}
	return resp
}

// TestReacher checks the deprecated types.Reacher: Reach(path, expire)
// returns a URL from which a plain GET downloads the object's content, and
// Reach without the required expire pair fails with
// ErrRestrictionDissatisfied (op "reach").
func TestReacher(t *testing.T, store types.Storager) {
	//lint:ignore SA1019 Reacher is deprecated in go-storage v4 but still part of its API, which this covers
	r, ok := store.(types.Reacher)
	if !ok {
		t.Fatalf("%s does not implement types.Reacher", store)
	}
	e := newEnv(t, store)
	name := e.name()
	p := e.small()
	e.write(name, p)
	url, err := r.Reach(name, pairs.WithExpire(time.Hour))
	if err != nil {
		t.Fatalf("Reach(%q): %v", name, err)
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatalf("Reach(%q) returned an unusable URL %q: %v", name, url, err)
	}
	w := newHashWriter()
	e.send("Reach", req, w)
	if w.n != p.size || w.sum() != p.sum() {
		t.Fatalf("GET of the reached URL returned %d bytes, want %v", w.n, p)
	}
	_, err = r.Reach(name)
	wantError(t, err, "reach", services.ErrRestrictionDissatisfied)
}

// TestStorageHTTPSignerRead checks QuerySignHTTPRead: the presigned GET,
// sent by a plain http.Client, answers with Content-Length equal to the
// object's size and the object's content.
func TestStorageHTTPSignerRead(t *testing.T, store types.Storager) {
	s, ok := store.(types.StorageHTTPSigner)
	if !ok {
		t.Fatalf("%s does not implement types.StorageHTTPSigner", store)
	}
	e := newEnv(t, store)
	name := e.name()
	p := e.small()
	e.write(name, p)
	req, err := s.QuerySignHTTPRead(name, time.Hour)
	if err != nil {
		t.Fatalf("QuerySignHTTPRead(%q): %v", name, err)
	}
	w := newHashWriter()
	resp := e.send("QuerySignHTTPRead", req, w)
	if resp.ContentLength != p.size {
		t.Errorf("presigned read: Content-Length %d, want %d", resp.ContentLength, p.size)
	}
	if w.n != p.size || w.sum() != p.sum() {
		t.Fatalf("presigned read returned %d bytes, want %v", w.n, p)
	}
}

// TestStorageHTTPSignerWrite checks QuerySignHTTPWrite: the presigned PUT
// carries ContentLength == size; once the caller sets its body and sends it,
// Read returns exactly those bytes.
func TestStorageHTTPSignerWrite(t *testing.T, store types.Storager) {
	s, ok := store.(types.StorageHTTPSigner)
	if !ok {
		t.Fatalf("%s does not implement types.StorageHTTPSigner", store)
	}
	e := newEnv(t, store)
	name := e.name()
	p := e.small()
	e.deleteLater(name)
	req, err := s.QuerySignHTTPWrite(name, p.size, time.Hour)
	if err != nil {
		t.Fatalf("QuerySignHTTPWrite(%q): %v", name, err)
	}
	if req == nil {
		t.Fatal("QuerySignHTTPWrite returned a nil request")
	}
	if req.ContentLength != p.size {
		t.Errorf("presigned write: ContentLength %d, want %d", req.ContentLength, p.size)
	}
	req.Body = io.NopCloser(p.reader())
	e.send("QuerySignHTTPWrite", req, nil)
	e.mustHold(name, p)
}

// TestStorageHTTPSignerDelete checks QuerySignHTTPDelete: after the presigned
// DELETE is sent, Stat reports ErrObjectNotExist. When the store is also a
// types.Multiparter, a presigned DELETE with multipart_id aborts an upload and
// may be sent twice.
func TestStorageHTTPSignerDelete(t *testing.T, store types.Storager) {
	s, ok := store.(types.StorageHTTPSigner)
	if !ok {
		t.Fatalf("%s does not implement types.StorageHTTPSigner", store)
	}
	t.Run("Object", func(t *testing.T) {
		e := newEnv(t, store)
		name := e.name()
		e.write(name, e.small())
		req, err := s.QuerySignHTTPDelete(name, time.Hour)
		if err != nil {
			t.Fatalf("QuerySignHTTPDelete(%q): %v", name, err)
		}
		e.send("QuerySignHTTPDelete", req, nil)
		e.mustNotExist(name)
	})
	t.Run("Multipart", func(t *testing.T) {
		m, ok := store.(types.Multiparter)
		if !ok {
			t.Skipf("%s does not implement types.Multiparter", store)
		}
		e := newEnv(t, store)
		name := e.name()
		_, id := e.createMultipart(m, name)
		for i := 0; i < 2; i++ {
			req, err := s.QuerySignHTTPDelete(name, time.Hour, pairs.WithMultipartID(id))
			if err != nil {
				t.Fatalf("QuerySignHTTPDelete(%q, multipart_id): %v", name, err)
			}
			resp, err := (&http.Client{}).Do(req)
			if err != nil {
				t.Fatalf("sending presigned abort #%d: %v", i+1, err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if i == 0 && resp.StatusCode/100 != 2 {
				t.Fatalf("presigned abort answered %s", resp.Status)
			}
		}
		e.mustNotExist(name, pairs.WithMultipartID(id))
	})
}

// TestMultipartHTTPSigner checks types.MultipartHTTPSigner (with
// types.Multiparter): a presigned create starts an upload that List in part
// mode shows; a presigned part upload carries ContentLength == size; a
// presigned part listing is sendable; a presigned complete turns the upload
// into a readable object with the part's content.
func TestMultipartHTTPSigner(t *testing.T, store types.Storager) {
	s, ok := store.(types.MultipartHTTPSigner)
	if !ok {
		t.Fatalf("%s does not implement types.MultipartHTTPSigner", store)
	}
	if _, ok := store.(types.Multiparter); !ok {
		t.Fatalf("%s does not implement types.Multiparter", store)
	}
	e := newEnv(t, store)
	dir := e.dir()
	name := dir + e.name()
	e.deleteLater(name)

	req, err := s.QuerySignHTTPCreateMultipart(name, time.Hour)
	if err != nil {
		t.Fatalf("QuerySignHTTPCreateMultipart(%q): %v", name, err)
	}
	e.send("QuerySignHTTPCreateMultipart", req, nil)
	var o *types.Object
	for _, obj := range e.list(dir, pairs.WithListMode(types.ListModePart)) {
		if obj.Path == name {
			o = obj
		}
	}
	if o == nil {
		t.Fatalf("List(%q, part mode) does not show the upload created by the presigned request", dir)
	}
	id, ok := o.GetMultipartID()
	if !ok || id == "" || !o.Mode.IsPart() {
		t.Fatalf("listed upload %s has no multipart id or is not in part mode", describe(o))
	}
	e.deleteLater(name, pairs.WithMultipartID(id))

	p := e.small()
	req, err = s.QuerySignHTTPWriteMultipart(o, p.size, 0, time.Hour)
	if err != nil {
		t.Fatalf("QuerySignHTTPWriteMultipart(%q): %v", name, err)
	}
	if req == nil {
		t.Fatal("QuerySignHTTPWriteMultipart returned a nil request")
	}
	req.Body = io.NopCloser(p.reader())
	resp := e.send("QuerySignHTTPWriteMultipart", req, nil)
	if resp.Request.ContentLength != p.size {
		t.Errorf("presigned part upload: ContentLength %d, want %d", resp.Request.ContentLength, p.size)
	}

	req, err = s.QuerySignHTTPListMultipart(o, time.Hour)
	if err != nil {
		t.Fatalf("QuerySignHTTPListMultipart(%q): %v", name, err)
	}
	e.send("QuerySignHTTPListMultipart", req, nil)

	part := &types.Part{Index: 0, Size: p.size, ETag: resp.Header.Get("ETag")}
	req, err = s.QuerySignHTTPCompleteMultipart(o, []*types.Part{part}, time.Hour)
	if err != nil {
		t.Fatalf("QuerySignHTTPCompleteMultipart(%q): %v", name, err)
	}
	e.send("QuerySignHTTPCompleteMultipart", req, nil)
	st := e.mustStat(name)
	if !st.Mode.IsRead() || st.Mode.IsPart() {
		t.Errorf("Stat(%q) after presigned complete: mode %q, want read and not part", name, st.Mode)
	}
	e.mustHold(name, p)
}
