package qsapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qslocal"
)

// localClient starts qslocal for the test and returns a client for it.
func localClient(t *testing.T, mod ...func(*qsapi.Options)) (*qsapi.Client, *qslocal.TestServer) {
	t.Helper()
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.Memory = true; o.MinPartSize = 1 })
	o := qsapi.Options{Protocol: "http", Host: ts.Host, Port: ts.Port, Zone: ts.Zone,
		AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey}
	for _, m := range mod {
		m(&o)
	}
	c, err := qsapi.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, ts
}

func TestQSLocalObjects(t *testing.T) {
	c, _ := localClient(t)
	ctx := context.Background()
	if _, err := c.PutBucket(ctx, "qsapi-bucket"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.HeadBucket(ctx, "qsapi-bucket"); err != nil {
		t.Fatal(err)
	}
	zone, err := c.DetectLocation(ctx, "qsapi-bucket")
	if err != nil || zone != c.Zone() {
		t.Fatalf("DetectLocation %q %v (client zone %q)", zone, err, c.Zone())
	}
	keys := []string{"plain.txt", "dir/a b+c=d.txt", "中文/键", "x/y?z#w%41", "~tilde"}
	for i, k := range keys {
		data := []byte(fmt.Sprintf("content %d of %s", i, k))
		sum := md5.Sum(data)
		if _, err := c.PutObject(ctx, "qsapi-bucket", k, bytes.NewReader(data), &qsapi.PutObjectInput{
			ContentLength: int64(len(data)), ContentMD5: sum[:], ContentType: "text/plain",
			Metadata: map[string]string{"idx": fmt.Sprint(i)}}); err != nil {
			t.Fatalf("put %q: %v", k, err)
		}
		out, err := c.GetObject(ctx, "qsapi-bucket", k, &qsapi.GetObjectInput{Range: "bytes=0-6"})
		if err != nil {
			t.Fatalf("get %q: %v", k, err)
		}
		got, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if string(got) != "content" || out.StatusCode != http.StatusPartialContent {
			t.Fatalf("get %q: %q status %d", k, got, out.StatusCode)
		}
		m, err := c.HeadObject(ctx, "qsapi-bucket", k, nil)
		if err != nil || m.ContentLength != int64(len(data)) || m.Metadata["idx"] != fmt.Sprint(i) || m.LastModified.IsZero() {
			t.Fatalf("head %q: %+v %v", k, m, err)
		}
		if _, err := c.GetObject(ctx, "qsapi-bucket", k, &qsapi.GetObjectInput{Conditions: qsapi.Conditions{IfNoneMatch: m.ETag}}); !qsapi.IsNotModified(err) {
			t.Fatalf("If-None-Match: %v", err)
		}
	}
	var listed []string
	for page, err := range c.ObjectPages(ctx, "qsapi-bucket", qsapi.ListObjectsInput{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range page.Keys {
			listed = append(listed, k.Key)
		}
	}
	if len(listed) != len(keys) {
		t.Fatalf("listed %q", listed)
	}
	if _, err := c.CopyObject(ctx, "qsapi-bucket", "copy", &qsapi.CopyObjectInput{SourceBucket: "qsapi-bucket", SourceKey: keys[1]}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.MoveObject(ctx, "qsapi-bucket", "moved", "qsapi-bucket", "copy"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.HeadObject(ctx, "qsapi-bucket", "copy", nil); !qsapi.IsNotFound(err) {
		t.Fatalf("moved source still there: %v", err)
	}
	del, err := c.DeleteMultipleObjects(ctx, "qsapi-bucket", append(keys, "moved"), false)
	if err != nil || len(del.Errors) != 0 {
		t.Fatal(del, err)
	}
	st, err := c.GetBucketStatistics(ctx, "qsapi-bucket")
	if err != nil || st.Count != 0 {
		t.Fatal(st, err)
	}
	buckets, err := c.ListBuckets(ctx, nil)
	if err != nil || len(buckets.Buckets) != 1 {
		t.Fatal(buckets, err)
	}
	if _, err := c.DeleteBucket(ctx, "qsapi-bucket"); err != nil {
		t.Fatal(err)
	}
}

func TestQSLocalMultipartAppendPresign(t *testing.T) {
	c, ts := localClient(t)
	ctx := context.Background()
	ts.CreateBucket("mp-bucket")
	up, err := c.InitiateMultipartUpload(ctx, "mp-bucket", "big", &qsapi.InitiateMultipartUploadInput{ContentType: "text/plain"})
	if err != nil {
		t.Fatal(err)
	}
	var parts []qsapi.CompletedPart
	for n, s := range []string{"aaa", "bbb", "cc"} {
		out, err := c.UploadPart(ctx, "mp-bucket", "big", up.UploadID, n, strings.NewReader(s), &qsapi.UploadPartInput{ContentLength: int64(len(s))})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, qsapi.CompletedPart{PartNumber: n, ETag: out.ETag})
	}
	var seen []int
	for page, err := range c.PartPages(ctx, "mp-bucket", "big", up.UploadID, qsapi.ListPartsInput{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Parts {
			seen = append(seen, p.PartNumber)
		}
	}
	if fmt.Sprint(seen) != "[0 1 2]" {
		t.Fatalf("parts %v", seen)
	}
	uploads, err := c.ListMultipartUploads(ctx, "mp-bucket", nil)
	if err != nil || len(uploads.Uploads) != 1 {
		t.Fatal(uploads, err)
	}
	if _, err := c.CompleteMultipartUpload(ctx, "mp-bucket", "big", up.UploadID, parts, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListParts(ctx, "mp-bucket", "big", up.UploadID, nil); !qsapi.IsNotFound(err) {
		t.Fatalf("completed upload still listed: %v", err)
	}
	if _, err := c.AbortMultipartUpload(ctx, "mp-bucket", "big", "no-such-upload"); err != nil {
		t.Fatalf("abort unknown: %v", err)
	}

	pos := int64(0)
	for _, s := range []string{"", "hello ", "world"} {
		out, err := c.AppendObject(ctx, "mp-bucket", "log", pos, strings.NewReader(s), &qsapi.AppendObjectInput{ContentLength: int64(len(s))})
		if err != nil {
			t.Fatal(err)
		}
		pos = out.NextPosition
	}
	m, err := c.HeadObject(ctx, "mp-bucket", "log", nil)
	if err != nil || pos != 11 || m.ObjectType != qsapi.ObjectTypeAppendable || m.NextAppendPosition != 11 {
		t.Fatalf("append: pos %d %+v %v", pos, m, err)
	}

	// Presigned PUT then GET, sent with plain net/http.
	p, err := c.PresignPutObject("mp-bucket", "pre signed+key", &qsapi.PutObjectInput{ContentType: "text/plain"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(p.Method, p.URL, strings.NewReader("presigned"))
	req.Header = p.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("presigned put: %v %v", resp, err)
	}
	resp.Body.Close()
	g, err := c.PresignGetObject("mp-bucket", "pre signed+key", nil, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(g.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "presigned" {
		t.Fatalf("presigned get: %d %q", resp.StatusCode, body)
	}
}

func TestQSLocalWrongSecret(t *testing.T) {
	c, ts := localClient(t, func(o *qsapi.Options) { o.SecretAccessKey = "wrong" })
	ts.CreateBucket("auth-bucket")
	_, err := c.ListObjects(context.Background(), "auth-bucket", nil)
	if !qsapi.IsPermission(err) {
		t.Fatalf("wrong secret: %v", err)
	}
	_, err = c.HeadObject(context.Background(), "auth-bucket", "k", nil)
	if e, ok := qsapi.AsError(err); !ok || e.StatusCode != 401 || e.RequestID == "" {
		t.Fatalf("HEAD with wrong secret: %v", err)
	}
}

func TestQSLocalSSECAndConditionalCopy(t *testing.T) {
	c, ts := localClient(t)
	ctx := context.Background()
	ts.CreateBucket("sse-bucket")
	key := bytes.Repeat([]byte{7}, qsapi.SSECKeySize)
	put, err := c.PutObject(ctx, "sse-bucket", "secret", strings.NewReader("classified"),
		&qsapi.PutObjectInput{ContentLength: 10, SSECKey: key})
	if err != nil || put.EncryptionAlgorithm != qsapi.SSECAlgorithm {
		t.Fatal(put, err)
	}
	if _, err := c.GetObject(ctx, "sse-bucket", "secret", nil); err == nil {
		t.Fatal("encrypted object read without its key")
	}
	m, err := c.HeadObject(ctx, "sse-bucket", "secret", nil)
	if err != nil || m.EncryptionAlgorithm != qsapi.SSECAlgorithm {
		t.Fatal(m, err)
	}
	// Copy with the source key and a matching If-Match: the copy is plain.
	if _, err := c.CopyObject(ctx, "sse-bucket", "plain copy", &qsapi.CopyObjectInput{
		SourceBucket: "sse-bucket", SourceKey: "secret", SourceSSECKey: key, SourceIfMatch: m.ETag,
	}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetObject(ctx, "sse-bucket", "plain copy", nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(data) != "classified" {
		t.Fatalf("%q", data)
	}
	// A non-matching If-Match fails with 412.
	_, err = c.CopyObject(ctx, "sse-bucket", "other", &qsapi.CopyObjectInput{
		SourceBucket: "sse-bucket", SourceKey: "secret", SourceSSECKey: key, SourceIfMatch: `"0000"`,
	})
	if !qsapi.IsPreconditionFailed(err) {
		t.Fatalf("If-Match mismatch: %v", err)
	}
}

// TestQSLocalNamedHost runs against qslocal under a host name (dialled to
// its loopback port): zone hosts, virtual-host style and location discovery
// through the global host's 301.
func TestQSLocalNamedHost(t *testing.T) {
	ts := qslocal.StartTest(t, func(o *qslocal.Options) {
		o.Memory = true
		o.BaseDomain = "qingstor.test"
		o.Zones = []string{"sh1a"}
	})
	addr := net.JoinHostPort(ts.Host, strconv.Itoa(ts.Port))
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	ctx := context.Background()
	for _, vhost := range []bool{false, true} {
		c, err := qsapi.New(qsapi.Options{Protocol: "http", Host: "qingstor.test", Port: ts.Port, Zone: ts.Zone,
			AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey, VirtualHostStyle: vhost,
			HTTPClient: &http.Client{Transport: tr}})
		if err != nil {
			t.Fatal(err)
		}
		bucket := fmt.Sprintf("named-host-%v", vhost)
		if _, err := c.PutBucket(ctx, bucket); err != nil {
			t.Fatalf("vhost=%v: %v", vhost, err)
		}
		zone, err := c.WithZone("").DetectLocation(ctx, bucket)
		if err != nil || zone != ts.Zone {
			t.Fatalf("vhost=%v: zone %q %v", vhost, zone, err)
		}
		if _, err := c.PutObject(ctx, bucket, "a b/c+d", strings.NewReader("x"), &qsapi.PutObjectInput{ContentLength: 1}); err != nil {
			t.Fatalf("vhost=%v: %v", vhost, err)
		}
		page, err := c.ListObjects(ctx, bucket, &qsapi.ListObjectsInput{Prefix: "a b/"})
		if err != nil || len(page.Keys) != 1 || page.Keys[0].Key != "a b/c+d" {
			t.Fatalf("vhost=%v: %+v %v", vhost, page, err)
		}
		if _, err := c.GetBucketStatistics(ctx, bucket); err != nil {
			t.Fatalf("vhost=%v: bucket-level call: %v", vhost, err)
		}
		p, err := c.PresignGetObject(bucket, "a b/c+d", nil, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, p.URL, nil)
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("vhost=%v: presigned GET %d", vhost, resp.StatusCode)
		}
	}
}

func TestQSLocalUploadPartCopy(t *testing.T) {
	c, ts := localClient(t)
	ctx := context.Background()
	ts.CreateBucket("pc-bucket")
	src := "0123456789abcdefghij"
	if _, err := c.PutObject(ctx, "pc-bucket", "src key", strings.NewReader(src), &qsapi.PutObjectInput{ContentLength: int64(len(src))}); err != nil {
		t.Fatal(err)
	}
	up, err := c.InitiateMultipartUpload(ctx, "pc-bucket", "dst", nil)
	if err != nil {
		t.Fatal(err)
	}
	var parts []qsapi.CompletedPart
	for n, rg := range [][2]int64{{10, 19}, {0, 9}} {
		out, err := c.UploadPartCopy(ctx, "pc-bucket", "dst", up.UploadID, n, &qsapi.UploadPartCopyInput{
			SourceBucket: "pc-bucket", SourceKey: "src key", HasRange: true, RangeStart: rg[0], RangeEnd: rg[1]})
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("bytes %d-%d/20", rg[0], rg[1]); out.CopyRange != want {
			t.Fatalf("copy range %q, want %q", out.CopyRange, want)
		}
		parts = append(parts, qsapi.CompletedPart{PartNumber: n, ETag: out.ETag})
	}
	if _, err := c.CompleteMultipartUpload(ctx, "pc-bucket", "dst", up.UploadID, parts, nil); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetObject(ctx, "pc-bucket", "dst", nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(data) != "abcdefghij0123456789" {
		t.Fatalf("%q", data)
	}
}

// UploadPages crosses pages (several uploads of one key included), and
// presigned HEAD and DELETE work when sent with plain net/http.
func TestQSLocalUploadPagesPresignHeadDelete(t *testing.T) {
	c, ts := localClient(t)
	ctx := context.Background()
	ts.CreateBucket("pages-bucket")
	want := map[string]bool{}
	for _, k := range []string{"a", "b", "b", "c/d", "e"} {
		up, err := c.InitiateMultipartUpload(ctx, "pages-bucket", k, nil)
		if err != nil {
			t.Fatal(err)
		}
		want[k+" "+up.UploadID] = true
	}
	got := map[string]bool{}
	pages := 0
	for page, err := range c.UploadPages(ctx, "pages-bucket", qsapi.ListMultipartUploadsInput{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range page.Uploads {
			if got[u.Key+" "+u.UploadID] {
				t.Fatalf("upload %s %s listed twice", u.Key, u.UploadID)
			}
			got[u.Key+" "+u.UploadID] = true
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || pages < 3 {
		t.Fatalf("%d pages, uploads %v, want %v", pages, got, want)
	}

	if _, err := c.PutObject(ctx, "pages-bucket", "obj key", strings.NewReader("12345"), &qsapi.PutObjectInput{ContentLength: 5}); err != nil {
		t.Fatal(err)
	}
	send := func(p *qsapi.PresignedRequest) *http.Response {
		t.Helper()
		req, err := http.NewRequest(p.Method, p.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header = p.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	h, err := c.PresignHeadObject("pages-bucket", "obj key", nil, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if resp := send(h); resp.StatusCode != http.StatusOK || resp.ContentLength != 5 {
		t.Fatalf("presigned head: %d, length %d", resp.StatusCode, resp.ContentLength)
	}
	d, err := c.PresignDeleteObject("pages-bucket", "obj key", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if resp := send(d); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("presigned delete: %d", resp.StatusCode)
	}
	if _, err := c.HeadObject(ctx, "pages-bucket", "obj key", nil); !qsapi.IsNotFound(err) {
		t.Fatalf("after presigned delete: %v", err)
	}
	// A presigned URL whose signature was tampered with is refused.
	bad := *h
	bad.URL = strings.Replace(h.URL, "signature=", "signature=x", 1)
	if resp := send(&bad); resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		t.Fatalf("tampered presigned head: %d", resp.StatusCode)
	}
}

// countingTransport counts the requests sent through it.
type countingTransport struct {
	n  atomic.Int32
	rt http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.rt.RoundTrip(r)
}

// TestQSLocalDiskFullNotRetried: with qslocal's disk full, a PUT fails at
// once with 507 insufficient_storage (one attempt, no retries) and reads
// still work.
func TestQSLocalDiskFullNotRetried(t *testing.T) {
	ct := &countingTransport{rt: &http.Transport{}}
	c, ts := localClient(t, func(o *qsapi.Options) { o.HTTPClient = &http.Client{Transport: ct} })
	ctx := context.Background()
	ts.CreateBucket("full-bucket")
	if _, err := c.PutObject(ctx, "full-bucket", "old", strings.NewReader("old"), &qsapi.PutObjectInput{ContentLength: 3}); err != nil {
		t.Fatal(err)
	}
	ts.Server.Store().SetWriteFault(func() error { return &fs.PathError{Op: "write", Path: "blob", Err: syscall.ENOSPC} })
	ct.n.Store(0)
	_, err := c.PutObject(ctx, "full-bucket", "new", strings.NewReader("new"), &qsapi.PutObjectInput{ContentLength: 3})
	if e, ok := qsapi.AsError(err); !ok || e.StatusCode != 507 || e.Code != "insufficient_storage" {
		t.Fatalf("PUT on a full disk: %v", err)
	}
	if n := ct.n.Load(); n != 1 {
		t.Errorf("PUT on a full disk was sent %d times, want 1", n)
	}
	out, err := c.GetObject(ctx, "full-bucket", "old", nil)
	if err != nil {
		t.Fatalf("GET on a full disk: %v", err)
	}
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(b) != "old" {
		t.Fatalf("GET on a full disk: %q", b)
	}
}
