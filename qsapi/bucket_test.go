package qsapi

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/qsgo/qsgo/qsapi/sign"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBucketCalls(t *testing.T) {
	cases := []struct {
		name   string
		code   int
		call   func(c *Client) (*Result, error)
		method string
	}{
		{"put", 201, func(c *Client) (*Result, error) { return c.PutBucket(ctx, "bkt") }, "PUT"},
		{"head", 200, func(c *Client) (*Result, error) { return c.HeadBucket(ctx, "bkt") }, "HEAD"},
		{"delete", 204, func(c *Client) (*Result, error) { return c.DeleteBucket(ctx, "bkt") }, "DELETE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newStub(t, status(tc.code))
			out, err := tc.call(s.client())
			if err != nil || out.RequestID != "rid-1" {
				t.Fatal(out, err)
			}
			r := s.last()
			if r.Method != tc.method || r.Path != "/bkt" || !r.SigOK {
				t.Fatalf("%+v", r)
			}
			// Any other status is an error.
			s2 := newStub(t, status(409))
			if _, err := tc.call(s2.client()); err == nil {
				t.Fatal("409 accepted")
			}
		})
	}
}

func TestGetBucketStatistics(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		jsonReply(w, 200, `{"name":"bkt","location":"pek3a","url":"http://x","status":"active","created":"2016-08-22T15:03:32.000Z","count":7,"size":1024,"future":1}`)
	})
	out, err := s.client().GetBucketStatistics(ctx, "bkt")
	if err != nil {
		t.Fatal(err)
	}
	want := BucketStatistics{Name: "bkt", Location: "pek3a", URL: "http://x", Status: "active",
		Created: time.Date(2016, 8, 22, 15, 3, 32, 0, time.UTC), Count: 7, Size: 1024, RequestID: "rid-1"}
	if diff := cmp.Diff(want, *out); diff != "" {
		t.Fatal(diff)
	}
	if r := s.last(); r.RawQuery != "stats" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
}

func TestListBucketsPaging(t *testing.T) {
	const total = 5
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		if limit <= 0 {
			limit = 2
		}
		out := ListBucketsOutput{Count: total}
		for i := off; i < total && i < off+limit; i++ {
			out.Buckets = append(out.Buckets, BucketInfo{Name: fmt.Sprintf("b%d", i), Location: r.Header.Get("Location")})
		}
		data, _ := json.Marshal(out)
		jsonReply(w, 200, string(data))
	})
	c := s.client()
	var names []string
	for page, err := range c.BucketPages(ctx, ListBucketsInput{Location: "pek3a", Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range page.Buckets {
			names = append(names, b.Name+"@"+b.Location)
		}
	}
	want := []string{"b0@pek3a", "b1@pek3a", "b2@pek3a", "b3@pek3a", "b4@pek3a"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatal(diff)
	}
	rs := s.requests()
	if len(rs) != 3 || rs[0].RawQuery != "limit=2" || rs[1].RawQuery != "limit=2&offset=2" || rs[2].RawQuery != "limit=2&offset=4" {
		t.Fatalf("queries %v", rs)
	}
	for _, r := range rs {
		if r.Path != "/" || r.Host != s.srv.Listener.Addr().String() || !r.SigOK {
			t.Fatalf("%+v", r)
		}
	}
}

func TestListObjectsPagingPrefixOnlyPage(t *testing.T) {
	// Page 1 has keys, page 2 only common prefixes, page 3 nothing but
	// has_more, page 4 the last keys: all four must be fetched.
	pages := []string{
		`{"name":"bkt","keys":[{"key":"a","size":1,"etag":"\"e\"","created":"2015-07-11T04:45:57Z","modified":1436589957,"storage_class":"STANDARD","unknown":true}],"has_more":true,"next_marker":"a","limit":1000}`,
		`{"common_prefixes":["b/"],"has_more":true,"next_marker":"b/"}`,
		`{"has_more":true,"next_marker":"c"}`,
		`{"keys":[{"key":"d"}],"has_more":false,"next_marker":"d"}`,
	}
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		i := map[string]int{"": 0, "a": 1, "b/": 2, "c": 3}[r.URL.Query().Get("marker")]
		jsonReply(w, 200, pages[i])
	})
	var keys, prefixes []string
	for page, err := range s.client().ObjectPages(ctx, "bkt", ListObjectsInput{Prefix: "p q", Delimiter: "/"}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range page.Keys {
			keys = append(keys, k.Key)
		}
		prefixes = append(prefixes, page.CommonPrefixes...)
	}
	if diff := cmp.Diff([]string{"a", "d"}, keys); diff != "" {
		t.Fatal(diff)
	}
	if diff := cmp.Diff([]string{"b/"}, prefixes); diff != "" {
		t.Fatal(diff)
	}
	rs := s.requests()
	if len(rs) != 4 {
		t.Fatalf("%d requests", len(rs))
	}
	if q := rs[0].Query; q.Get("prefix") != "p q" || q.Get("delimiter") != "/" || q.Get("limit") != "1000" || !rs[0].SigOK {
		t.Fatalf("query %v", q)
	}
}

func TestListObjectsFirstPageFields(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		jsonReply(w, 200, `{"name":"bkt","owner":{"id":"u1","name":"n"},"keys":[{"key":"a","size":3,"etag":"\"e\"","mime_type":"text/plain","created":"2015-07-11T04:45:57Z","modified":1436589957,"encrypted":true,"storage_class":"STANDARD_IA"}],"has_more":false,"limit":100}`)
	})
	out, err := s.client().ListObjects(ctx, "bkt", &ListObjectsInput{Limit: 5, Marker: "m"})
	if err != nil {
		t.Fatal(err)
	}
	want := ObjectInfo{Key: "a", Size: 3, ETag: `"e"`, MimeType: "text/plain", Created: time.Date(2015, 7, 11, 4, 45, 57, 0, time.UTC),
		Modified: 1436589957, Encrypted: true, StorageClass: "STANDARD_IA"}
	if len(out.Keys) != 1 || !cmp.Equal(want, out.Keys[0]) || out.Owner.ID != "u1" || out.Limit != 100 {
		t.Fatalf("%+v", out)
	}
	if q := s.last().Query; q.Get("limit") != "5" || q.Get("marker") != "m" {
		t.Fatal(q)
	}
}

func TestListObjectsMarkerNotAdvancing(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		jsonReply(w, 200, `{"has_more":true,"next_marker":"same"}`)
	})
	var err error
	n := 0
	for _, e := range s.client().ObjectPages(ctx, "bkt", ListObjectsInput{}) {
		n++
		err = e
	}
	if err == nil || n != 3 {
		t.Fatalf("n=%d err=%v", n, err)
	}
}

func TestListMultipartUploads(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("key_marker") == "" {
			jsonReply(w, 200, `{"uploads":[{"key":"a","upload_id":"u1","created":"2016-08-22T15:03:32.000Z"}],"has_more":true,"next_key_marker":"a","next_upload_id_marker":"u1"}`)
			return
		}
		jsonReply(w, 200, `{"uploads":[{"key":"b","upload_id":"u2"}],"has_more":false}`)
	})
	var ids []string
	for page, err := range s.client().UploadPages(ctx, "bkt", ListMultipartUploadsInput{Prefix: "x", Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.Uploads {
			ids = append(ids, u.Key+":"+u.UploadID)
		}
	}
	if diff := cmp.Diff([]string{"a:u1", "b:u2"}, ids); diff != "" {
		t.Fatal(diff)
	}
	rs := s.requests()
	if rs[0].RawQuery != "uploads&limit=1&prefix=x" || rs[1].RawQuery != "uploads&key_marker=a&limit=1&prefix=x&upload_id_marker=u1" || !rs[1].SigOK {
		t.Fatalf("%q %q", rs[0].RawQuery, rs[1].RawQuery)
	}
}

func TestDeleteMultipleObjects(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		jsonReply(w, 200, `{"deleted":[{"key":"a"}],"errors":[{"key":"b","code":"permission_denied","message":"no"}]}`)
	})
	out, err := s.client().DeleteMultipleObjects(ctx, "bkt", []string{"a", "b"}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := DeleteMultipleObjectsOutput{Deleted: []DeletedKey{{"a"}}, Errors: []DeleteError{{"b", "permission_denied", "no"}}, RequestID: "rid-1"}
	if diff := cmp.Diff(want, *out); diff != "" {
		t.Fatal(diff)
	}
	r := s.last()
	sum := md5.Sum(r.Body)
	if r.Header.Get("Content-Md5") != base64.StdEncoding.EncodeToString(sum[:]) || r.RawQuery != "delete" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
	var body struct {
		Quiet   bool `json:"quiet"`
		Objects []struct {
			Key string `json:"key"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || len(body.Objects) != 2 || body.Objects[1].Key != "b" {
		t.Fatalf("body %s", r.Body)
	}
	if _, err := s.client().DeleteMultipleObjects(ctx, "bkt", nil, true); err == nil {
		t.Fatal("no keys accepted")
	}
	if _, err := s.client().DeleteMultipleObjects(ctx, "bkt", make([]string, 1001), true); err == nil {
		t.Fatal("1001 keys accepted")
	}
}

func TestDetectLocation(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "HEAD" || r.Header.Get("Authorization") != "" {
			w.WriteHeader(400)
			return
		}
		switch r.URL.Path {
		case "/bkt":
			w.Header().Set("Location", "https://SH1A.qingstor.com/bkt")
			w.WriteHeader(http.StatusMovedPermanently)
		case "/local":
			w.Header().Set("Location", "http://pek3b.127.0.0.1:9000/local")
			w.WriteHeader(http.StatusMovedPermanently)
		case "/nozone":
			w.Header().Set("Location", "http://localhost/nozone")
			w.WriteHeader(http.StatusMovedPermanently)
		default:
			w.WriteHeader(404)
		}
	})
	// A named host (zones and vhost apply) dialled to the stub.
	c := s.client(func(o *Options) {
		o.Host, o.VirtualHostStyle = "qingstor.test", true
		o.HTTPClient = &http.Client{Transport: dialTo(s.srv.Listener.Addr().String())}
	})
	for bucket, want := range map[string]string{"bkt": "sh1a", "local": "pek3b"} {
		zone, err := c.DetectLocation(ctx, bucket)
		if err != nil || zone != want {
			t.Fatalf("%s: %q %v", bucket, zone, err)
		}
	}
	if _, err := c.DetectLocation(ctx, "nozone"); err == nil {
		t.Fatal("Location without zone accepted")
	}
	_, err := c.DetectLocation(ctx, "missing")
	if !IsNotFound(err) {
		t.Fatalf("missing: %v", err)
	}
	if r := s.last(); r.Host != "qingstor.test:"+port(s) || r.Path != "/missing" || r.Header.Get("Authorization") != "" {
		t.Fatalf("host %q path %q", r.Host, r.Path)
	}
	// An IP endpoint has no zone hosts: nothing is sent.
	n := len(s.requests())
	zone, err := s.client().DetectLocation(ctx, "bkt")
	if err != nil || zone != "pek3a" || len(s.requests()) != n {
		t.Fatalf("ip endpoint: %q %v", zone, err)
	}
}

func TestNamedHostZoneAndVhost(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) { jsonReply(w, 200, `{"count":0}`) })
	mk := func(vhost bool) *Client {
		return s.client(func(o *Options) {
			o.Host, o.VirtualHostStyle = "qingstor.test", vhost
			o.HTTPClient = &http.Client{Transport: dialTo(s.srv.Listener.Addr().String())}
		})
	}
	if _, err := mk(false).HeadObject(ctx, "bkt", "a/b", nil); err != nil {
		t.Fatal(err)
	}
	if r := s.last(); r.Host != "pek3a.qingstor.test:"+port(s) || r.Path != "/bkt/a/b" || !r.SigOK {
		t.Fatalf("%+v", r)
	}
	if _, err := mk(true).HeadObject(ctx, "bkt", "a/b", nil); err != nil {
		t.Fatal(err)
	}
	r := s.last()
	if r.Host != "bkt.pek3a.qingstor.test:"+port(s) || r.Path != "/a/b" || r.SigOK {
		t.Fatalf("%+v", r)
	}
	// The stub's SigOK check is path style; a vhost request verifies with the
	// bucket-prefixed canonical URI instead.
	req, _ := http.NewRequest(r.Method, "http://"+r.Host+r.RawPath, nil)
	req.Header = r.Header
	want := sign.Signature(testSK, sign.StringToSign(req, sign.CanonicalURI(req.URL.Path, "bkt")))
	if _, sig, _ := sign.ParseAuthorization(r.Header.Get("Authorization")); sig != want {
		t.Fatal("vhost signature does not verify with the bucket-prefixed canonical URI")
	}
	if _, err := mk(true).ListBuckets(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if r := s.last(); r.Host != "qingstor.test:"+port(s) || r.Path != "/" || !r.SigOK {
		t.Fatalf("service call %+v", r)
	}
}

// dialTo returns a transport that dials addr whatever the URL's host.
func dialTo(addr string) *http.Transport {
	return &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
}

func port(s *stub) string {
	_, p, _ := net.SplitHostPort(s.srv.Listener.Addr().String())
	return p
}
