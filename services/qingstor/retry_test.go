package qingstor

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
)

// flaky answers the first PUT of every object with 503, then serves qslocal.
type flaky struct {
	h     http.Handler
	fails atomic.Int64
	seen  map[string]bool
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPut && !f.seen[r.URL.Path] {
		f.seen[r.URL.Path] = true
		f.fails.Add(1)
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	f.h.ServeHTTP(w, r)
}

// TestWriteRetriesSeekableReaders: a seekable reader is rewound and the
// PUT retried after a transient failure; a plain reader cannot be replayed.
func TestWriteRetriesSeekableReaders(t *testing.T) {
	ak, sk := qslocal.GenerateCredentials()
	ls, err := qslocal.New(qslocal.Options{Memory: true, Credentials: map[string]string{ak: sk},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	if err := ls.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	f := &flaky{h: ls, seen: map[string]bool{}}
	hs := httptest.NewServer(f)
	t.Cleanup(hs.Close)
	u, _ := url.Parse(hs.URL)
	st, err := NewStorager(ps.WithCredential("hmac:"+ak+":"+sk), ps.WithEndpoint("http:"+u.Host), ps.WithName(testBucket), ps.WithLocation("pek3b"))
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("0123456789abcdef")
	r := bytes.NewReader(data)
	r.Seek(3, io.SeekStart) // the write starts where the reader stands
	if n, err := st.Write("seekable", r, 10); err != nil || n != 10 {
		t.Fatalf("Write(seekable) = %d, %v", n, err)
	}
	var buf bytes.Buffer
	if _, err := st.Read("seekable", &buf); err != nil || buf.String() != "3456789abc" {
		t.Fatalf("Read = %q, %v", buf.String(), err)
	}
	if _, err := st.Write("plain", io.MultiReader(bytes.NewReader(data)), 10); !errors.Is(err, services.ErrServiceInternal) {
		t.Fatalf("Write(plain reader) after a 503: %v, want ErrServiceInternal", err)
	}
	if f.fails.Load() != 2 {
		t.Fatalf("%d injected failures, want 2", f.fails.Load())
	}
}
