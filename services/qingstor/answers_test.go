package qingstor

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// wrappedServer starts qslocal behind wrap and returns the endpoint pair
// value ("http:<host>:<port>") and credentials.
func wrappedServer(t *testing.T, wrap func(h http.Handler) http.Handler) (endpoint, ak, sk string) {
	ak, sk = qslocal.GenerateCredentials()
	ls, err := qslocal.New(qslocal.Options{Memory: true, Credentials: map[string]string{ak: sk},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	if err := ls.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(wrap(ls))
	t.Cleanup(hs.Close)
	u, _ := url.Parse(hs.URL)
	return "http:" + u.Host, ak, sk
}

// wrappedStore returns a storage whose requests pass through wrap before
// reaching qslocal.
func wrappedStore(t *testing.T, wrap func(h http.Handler) http.Handler) *Storage {
	ep, ak, sk := wrappedServer(t, wrap)
	st, err := NewStorager(ps.WithCredential("hmac:"+ak+":"+sk), ps.WithEndpoint(ep), ps.WithName(testBucket), ps.WithLocation("pek3b"))
	if err != nil {
		t.Fatal(err)
	}
	return st.(*Storage)
}

// TestReadRangeIgnored: a server (or proxy) that ignores Range and answers
// 200 with the whole object still yields exactly the requested bytes.
func TestReadRangeIgnored(t *testing.T) {
	st := wrappedStore(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Del("Range") // signed headers are not affected: Range is not signed
			h.ServeHTTP(w, r)
		})
	})
	if _, err := st.Write("o", strings.NewReader("0123456789"), 10); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if n, err := st.Read("o", &buf, ps.WithOffset(3), ps.WithSize(4)); err != nil || n != 4 || buf.String() != "3456" {
		t.Fatalf("Read(offset 3, size 4) = %d %q, %v", n, buf.String(), err)
	}
	buf.Reset()
	if _, err := st.Read("o", &buf, ps.WithOffset(7)); err != nil || buf.String() != "789" {
		t.Fatalf("Read(offset 7) = %q, %v", buf.String(), err)
	}
}

// TestAnswerWithoutObject: a 200 answer without ETag and Last-Modified (an
// error body from a proxy) is an error, not content.
func TestAnswerWithoutObject(t *testing.T) {
	st := wrappedStore(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusOK)
				if r.Method == http.MethodGet {
					io.WriteString(w, `{"code":"internal_error","message":"proxy"}`)
				}
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	if _, err := st.Write("o", strings.NewReader("data"), 4); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := st.Read("o", &buf); !errors.Is(err, services.ErrUnexpected) || buf.Len() != 0 {
		t.Fatalf("Read = %q, %v; want nothing and ErrUnexpected", buf.String(), err)
	}
	if o, err := st.Stat("o"); !errors.Is(err, services.ErrUnexpected) || o != nil {
		t.Fatalf("Stat = %v, %v; want ErrUnexpected", o, err)
	}
	if o, err := st.Stat("d", ps.WithObjectMode(types.ModeDir)); !errors.Is(err, services.ErrUnexpected) || o != nil {
		t.Fatalf("Stat(object_mode dir) = %v, %v; want ErrUnexpected", o, err)
	}
}

// TestBucketPagingParameters: go-service-qingstor sent limit and offset
// swapped; here every page asks limit=<page size> at the right offset.
func TestBucketPagingParameters(t *testing.T) {
	var mu sync.Mutex
	var queries []string
	ep, ak, sk := wrappedServer(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Path == "/" {
				mu.Lock()
				queries = append(queries, r.URL.RawQuery)
				mu.Unlock()
			}
			h.ServeHTTP(w, r)
		})
	})
	sv, err := NewServicer(ps.WithCredential("hmac:"+ak+":"+sk), ps.WithEndpoint(ep))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"bucket-aa", "bucket-bb", "bucket-cc", "bucket-dd"} {
		if _, err := sv.Create(n, ps.WithLocation("pek3b")); err != nil {
			t.Fatal(err)
		}
	}
	old := bucketPageSize
	bucketPageSize = 2
	t.Cleanup(func() { bucketPageSize = old })
	it, err := sv.List()
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for {
		if _, err := it.Next(); err != nil {
			break
		}
		count++
	}
	if count != 5 {
		t.Fatalf("listed %d buckets, want 5", count)
	}
	want := []string{"limit=2", "limit=2&offset=2", "limit=2&offset=4"}
	if strings.Join(queries, " ") != strings.Join(want, " ") {
		t.Fatalf("queries %q, want %q", queries, want)
	}
}
