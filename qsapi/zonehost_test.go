package qsapi

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestPutBucketNamesZoneOnLocalHost checks that PutBucket on a local
// endpoint tells the zone through the Host header, signed as usual, while
// other requests keep the plain host and a client without zone sends none.
func TestPutBucketNamesZoneOnLocalHost(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusCreated)
		}
	})
	ctx := context.Background()
	c := s.client(func(o *Options) { o.Zone = "SH1A" })
	if _, err := c.PutBucket(ctx, "zoned-bucket"); err != nil {
		t.Fatal(err)
	}
	put := s.last()
	if !strings.HasPrefix(put.Host, "sh1a.localhost:") || !put.SigOK || put.Path != "/zoned-bucket" {
		t.Fatalf("PutBucket: host %q, signature ok %v, path %q", put.Host, put.SigOK, put.Path)
	}
	if _, err := c.HeadBucket(ctx, "zoned-bucket"); err != nil {
		t.Fatal(err)
	}
	if h := s.last().Host; strings.Contains(h, "localhost") {
		t.Errorf("HeadBucket host %q, want the endpoint's", h)
	}
	if _, err := s.client(func(o *Options) { o.Zone = "" }).PutBucket(ctx, "plain-bucket"); err != nil {
		t.Fatal(err)
	}
	if h := s.last().Host; strings.Contains(h, "localhost") {
		t.Errorf("PutBucket without zone: host %q", h)
	}
}
