package console

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/qslocal/store"
)

// BenchmarkObjectsPage100k renders one page of the object browser of a
// 100,000-key bucket at its first key and at its last hundred: the marker
// paging makes both cost the same (compare the two ns/op).
func BenchmarkObjectsPage100k(b *testing.B) {
	log := NewRequestLog(100)
	ts := qslocal.StartTest(b, func(o *qslocal.Options) { o.Observe = log.Observe })
	ts.CreateBucket("bkt-bench")
	now := time.Now().UTC()
	objs := make([]*store.Object, 100000)
	for i := range objs {
		objs[i] = &store.Object{Key: fmt.Sprintf("file-%07d.dat", i), Size: int64(i), ETag: `"d41d8cd98f00b204e9800998ecf8427e"`,
			ContentType: "application/octet-stream", StorageClass: "STANDARD", Created: now, Modified: now}
	}
	if err := ts.Server.Store().PutObjects("bkt-bench", objs); err != nil {
		b.Fatal(err)
	}
	con, err := New(Options{Server: ts.Server, Endpoint: ts.Endpoint, Log: log})
	if err != nil {
		b.Fatal(err)
	}
	client, err := con.clientFor(ts.AccessKeyID, ts.SecretAccessKey)
	if err != nil {
		b.Fatal(err)
	}
	s := con.newSession(ts.AccessKeyID, ts.SecretAccessKey, client)
	for _, c := range []struct{ name, marker string }{{"first", ""}, {"last", objs[99899].Key}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				req, _ := http.NewRequest("GET", "http://127.0.0.1:9001/b/bkt-bench?marker="+url.QueryEscape(c.marker), nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: s.id})
				w := &discardWriter{h: http.Header{}}
				con.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}

type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}
func (w *discardWriter) WriteHeader(code int) { w.status = code }
