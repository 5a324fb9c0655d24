package storagetest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/memory"
	"github.com/qsgo/qsgo/storagetest"
	"github.com/qsgo/qsgo/types"
)

// httpFake adds Fetcher, Reacher, StorageHTTPSigner and MultipartHTTPSigner
// to the memory service through an unsigned HTTP front end on loopback, so
// that the suite's functions for those capabilities run against something
// real. Requests carry the object path and upload id in the URL.
type httpFake struct {
	*memory.Storage
	base string // URL of the front end

	fetches atomic.Int32 // calls of FetchWithContext

	types.UnimplementedFetcher
	types.UnimplementedReacher
	types.UnimplementedStorageHTTPSigner
	types.UnimplementedMultipartHTTPSigner
}

func newHTTPFake(t *testing.T) *httpFake {
	store, err := memory.NewStorager(pairs.WithWorkDir("/httpfake/"))
	if err != nil {
		t.Fatal(err)
	}
	f := &httpFake{Storage: store.(*memory.Storage)}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.base = srv.URL
	return f
}

func (f *httpFake) String() string { return "httpFake " + f.Storage.String() }

// serve is the front end: /obj/<path> for objects, /mp/<path> for uploads.
func (f *httpFake) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fail := func(err error) {
		code := http.StatusInternalServerError
		if errors.Is(err, services.ErrObjectNotExist) {
			code = http.StatusNotFound
		}
		http.Error(w, err.Error(), code)
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/obj/"):
		p := strings.TrimPrefix(r.URL.Path, "/obj/")
		switch r.Method {
		case http.MethodGet:
			o, err := f.Stat(p)
			if err != nil {
				fail(err)
				return
			}
			w.Header().Set("Content-Length", strconv.FormatInt(o.MustGetContentLength(), 10))
			_, _ = f.Read(p, w)
		case http.MethodPut:
			if _, err := f.Write(p, r.Body, r.ContentLength); err != nil {
				fail(err)
			}
		case http.MethodDelete:
			var ps []types.Pair
			if id := q.Get("upload"); id != "" {
				ps = append(ps, pairs.WithMultipartID(id))
			}
			if err := f.Delete(p, ps...); err != nil {
				fail(err)
			}
		}
	case strings.HasPrefix(r.URL.Path, "/mp/"):
		p := strings.TrimPrefix(r.URL.Path, "/mp/")
		o := f.Create(p, pairs.WithMultipartID(q.Get("upload")))
		var err error
		switch {
		case r.Method == http.MethodPost && q.Get("upload") == "":
			_, err = f.CreateMultipart(p)
		case r.Method == http.MethodPut:
			index, _ := strconv.Atoi(q.Get("part"))
			var part *types.Part
			_, part, err = f.WriteMultipart(o, r.Body, r.ContentLength, index)
			if err == nil {
				w.Header().Set("ETag", part.ETag)
			}
		case r.Method == http.MethodGet:
			_, err = f.ListMultipart(o)
		case r.Method == http.MethodPost:
			var parts []*types.Part
			for _, s := range strings.Split(q.Get("parts"), ",") {
				var pt types.Part
				if _, err := fmt.Sscanf(s, "%d:%d", &pt.Index, &pt.Size); err != nil {
					http.Error(w, "bad parts", http.StatusBadRequest)
					return
				}
				parts = append(parts, &pt)
			}
			err = f.CompleteMultipart(o, parts)
		}
		if err != nil {
			fail(err)
		}
	default:
		http.NotFound(w, r)
	}
}

// request builds an unsigned request to the front end.
func (f *httpFake) request(method, prefix, p string, q url.Values) (*http.Request, error) {
	u := f.base + prefix + url.PathEscape(p)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return http.NewRequest(method, u, nil)
}

func (f *httpFake) wrap(op string, err error, paths ...string) error {
	if err == nil {
		return nil
	}
	return services.StorageError{Op: op, Err: fmt.Errorf("%w: %v", services.ErrUnexpected, err), Storager: f, Path: paths}
}

func (f *httpFake) Fetch(p, u string, ps ...types.Pair) error {
	return f.FetchWithContext(context.Background(), p, u, ps...)
}

func (f *httpFake) FetchWithContext(ctx context.Context, p, u string, _ ...types.Pair) error {
	f.fetches.Add(1)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return f.wrap("fetch", err, p, u)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return f.wrap("fetch", err, p, u)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return f.wrap("fetch", errors.New(resp.Status), p, u)
	}
	_, err = f.Write(p, resp.Body, resp.ContentLength)
	return err
}

func (f *httpFake) Reach(p string, ps ...types.Pair) (string, error) {
	return f.ReachWithContext(context.Background(), p, ps...)
}

func (f *httpFake) ReachWithContext(_ context.Context, p string, ps ...types.Pair) (string, error) {
	for _, pair := range ps {
		if pair.Key == "expire" {
			req, err := f.request(http.MethodGet, "/obj/", p, nil)
			if err != nil {
				return "", f.wrap("reach", err, p)
			}
			return req.URL.String(), nil
		}
	}
	return "", services.StorageError{Op: "reach", Err: services.PairRequiredError{Keys: []string{"expire"}}, Storager: f, Path: []string{p}}
}

func (f *httpFake) QuerySignHTTPRead(p string, expire time.Duration, ps ...types.Pair) (*http.Request, error) {
	return f.request(http.MethodGet, "/obj/", p, nil)
}

func (f *httpFake) QuerySignHTTPWrite(p string, size int64, expire time.Duration, ps ...types.Pair) (*http.Request, error) {
	req, err := f.request(http.MethodPut, "/obj/", p, nil)
	if req != nil {
		req.ContentLength = size
	}
	return req, err
}

func (f *httpFake) QuerySignHTTPDelete(p string, expire time.Duration, ps ...types.Pair) (*http.Request, error) {
	q := url.Values{}
	for _, pair := range ps {
		if pair.Key == "multipart_id" {
			q.Set("upload", pair.Value.(string))
		}
	}
	return f.request(http.MethodDelete, "/obj/", p, q)
}

func (f *httpFake) QuerySignHTTPCreateMultipart(p string, expire time.Duration, ps ...types.Pair) (*http.Request, error) {
	return f.request(http.MethodPost, "/mp/", p, nil)
}

// rel is the path of o relative to the work dir, as the front end expects.
func (f *httpFake) rel(o *types.Object) string {
	return strings.TrimPrefix(o.ID, f.Metadata().WorkDir)
}

func (f *httpFake) QuerySignHTTPWriteMultipart(o *types.Object, size int64, index int, expire time.Duration, ps ...types.Pair) (*http.Request, error) {
	req, err := f.request(http.MethodPut, "/mp/", f.rel(o), url.Values{"upload": {o.MustGetMultipartID()}, "part": {strconv.Itoa(index)}})
	if req != nil {
		req.ContentLength = size
	}
	return req, err
}

func (f *httpFake) QuerySignHTTPListMultipart(o *types.Object, expire time.Duration, ps ...types.Pair) (*http.Request, error) {
	return f.request(http.MethodGet, "/mp/", f.rel(o), url.Values{"upload": {o.MustGetMultipartID()}})
}

func (f *httpFake) QuerySignHTTPCompleteMultipart(o *types.Object, parts []*types.Part, expire time.Duration, ps ...types.Pair) (*http.Request, error) {
	var list []string
	for _, p := range parts {
		list = append(list, fmt.Sprintf("%d:%d", p.Index, p.Size))
	}
	return f.request(http.MethodPost, "/mp/", f.rel(o), url.Values{"upload": {o.MustGetMultipartID()}, "parts": {strings.Join(list, ",")}})
}

// TestSuiteOnHTTPFake runs the whole suite, including the Fetcher, Reacher
// and HTTP signer functions, against the memory service behind httpFake.
func TestSuiteOnHTTPFake(t *testing.T) {
	f := newHTTPFake(t)
	storagetest.TestAll(t, f, storagetest.Options{})
	if f.fetches.Load() == 0 {
		t.Fatal("TestAll never called Fetch on a Fetcher")
	}
}

// allSubtests are the names of TestAll's subtests.
var allSubtests = []string{"Storager", "StrictPairs", "ListMany", "Appender", "Copier", "CopierWithDir",
	"Direr", "Fetcher", "Linker", "Mover", "MoverWithDir", "Multiparter", "Reacher",
	"StorageHTTPSignerRead", "StorageHTTPSignerWrite", "StorageHTTPSignerDelete", "MultipartHTTPSigner"}

// TestAllHonoursSkip checks that Options.Skip skips implemented
// capabilities: with every subtest skipped, Fetch is never called.
func TestAllHonoursSkip(t *testing.T) {
	f := newHTTPFake(t)
	skip := map[string]string{}
	for _, name := range allSubtests {
		skip[name] = "skipped by TestAllHonoursSkip"
	}
	storagetest.TestAll(t, f, storagetest.Options{Skip: skip})
	if n := f.fetches.Load(); n != 0 {
		t.Fatalf("Fetch called %d times although Fetcher was skipped", n)
	}
}
