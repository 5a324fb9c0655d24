package storagetest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/qsgo/qsgo/types"
)

// ServeFunc makes h reachable by the store under test and returns the base
// URL (scheme, host and optional path, without trailing "/") at which h
// answers. It stops serving when t ends (t.Cleanup). LoopbackServer is the
// ServeFunc for stores running on this machine.
type ServeFunc func(t *testing.T, h http.Handler) (baseURL string)

// LoopbackServer serves h with an httptest server on 127.0.0.1, closed when
// the test ends.
func LoopbackServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// payloadServer serves registered payloads under /<name>, 404 otherwise.
type payloadServer struct {
	mu    sync.Mutex
	files map[string]payload
}

func (s *payloadServer) add(name string, p payload) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[name] = p
}

func (s *payloadServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := s.files[r.URL.Path]
	s.mu.Unlock()
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(p.size, 10))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = io.Copy(w, p.reader())
}

// TestFetcher checks types.Fetcher: Fetch(path, url) stores the complete
// body served at url, a second Fetch overwrites the object, and fetching a URL
// that answers 404 fails with a services.StorageError for op "fetch". serve
// makes the suite's HTTP handler reachable from the store; nil means
// LoopbackServer.
func TestFetcher(t *testing.T, store types.Storager, serve ServeFunc) {
	f, ok := store.(types.Fetcher)
	if !ok {
		t.Fatalf("%s does not implement types.Fetcher", store)
	}
	if serve == nil {
		serve = LoopbackServer
	}
	e := newEnv(t, store)
	srv := &payloadServer{files: map[string]payload{}}
	base := serve(t, srv)
	name := e.name()
	e.deleteLater(name)
	for i, p := range []payload{e.small(), e.small()} {
		src := "/" + uuid.NewString()
		srv.add(src, p)
		if err := f.Fetch(name, base+src); err != nil {
			t.Fatalf("Fetch #%d (%q, %q): %v", i+1, name, base+src, err)
		}
		e.mustHold(name, p)
		mustSize(t, e.mustStat(name), p.size)
	}
	missing := e.name()
	e.deleteLater(missing)
	err := f.Fetch(missing, base+"/"+uuid.NewString())
	if err == nil {
		t.Fatal("Fetch of a URL answering 404 succeeded")
	}
	wantOp(t, err, "fetch")
}
