package qslocal

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"

	"github.com/qsgo/qsgo/qsapi"
)

// clientFor returns a qsapi client for ts. With a domain, every connection
// goes to the test server whatever host name the client resolves, so the
// zone and virtual-host forms of the Host header are exercised for real.
func clientFor(t *testing.T, ts *TestServer, domain string, vhost bool) *qsapi.Client {
	t.Helper()
	opts := qsapi.Options{Protocol: "http", Host: ts.Host, Port: ts.Port, AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey}
	if domain != "" {
		addr := net.JoinHostPort(ts.Host, strconv.Itoa(ts.Port))
		tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
		t.Cleanup(tr.CloseIdleConnections)
		opts.Host, opts.Zone, opts.VirtualHostStyle, opts.HTTPClient = domain, ts.Zone, vhost, &http.Client{Transport: tr}
	}
	c, err := qsapi.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestQsapiClient drives qslocal with the project's wire client in path
// style on an IP endpoint, in zone path style and in virtual-host style.
func TestQsapiClient(t *testing.T) {
	ts := StartTest(t, func(o *Options) { o.BaseDomain = "qingstor.test"; o.MinPartSize = testMinPart })
	ctx := context.Background()
	for _, mode := range []struct {
		name   string
		domain string
		vhost  bool
	}{{"ip", "", false}, {"zone-path", "qingstor.test", false}, {"vhost", "qingstor.test", true}} {
		t.Run(mode.name, func(t *testing.T) {
			c := clientFor(t, ts, mode.domain, mode.vhost)
			bucket := "bkt-" + mode.name
			if _, err := c.PutBucket(ctx, bucket); err != nil {
				t.Fatal(err)
			}
			if mode.domain != "" {
				zone, err := c.DetectLocation(ctx, bucket)
				if err != nil || zone != ts.Zone {
					t.Fatalf("DetectLocation: %q %v", zone, err)
				}
			}
			body := []byte("hello from qsapi")
			key := "dir/a key+é.txt"
			if _, err := c.PutObject(ctx, bucket, key, bytes.NewReader(body), &qsapi.PutObjectInput{ContentLength: int64(len(body)),
				ContentType: "text/plain", Metadata: map[string]string{"m": "v"}, SSECKey: testKey}); err != nil {
				t.Fatal(err)
			}
			out, err := c.GetObject(ctx, bucket, key, &qsapi.GetObjectInput{Range: "bytes=6-9", SSECKey: testKey})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if string(got) != "from" || out.StatusCode != 206 || out.Metadata["m"] != "v" {
				t.Fatalf("GetObject: %q %+v", got, out.ObjectMeta)
			}
			if _, err := c.GetObject(ctx, bucket, key, nil); err == nil {
				t.Fatal("GetObject without the SSE-C key succeeded")
			} else if e := (*qsapi.Error)(nil); !errors.As(err, &e) || e.Code != "permission_denied" {
				t.Fatalf("GetObject without key: %v", err)
			}
			if _, err := c.CopyObject(ctx, bucket, "copy", &qsapi.CopyObjectInput{SourceBucket: bucket, SourceKey: key, SourceSSECKey: testKey}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.MoveObject(ctx, bucket, "moved", bucket, "copy"); err != nil {
				t.Fatal(err)
			}
			meta, err := c.HeadObject(ctx, bucket, "moved", nil)
			if err != nil || meta.ContentLength != int64(len(body)) || meta.ETag != etagOf(body) {
				t.Fatalf("HeadObject: %+v %v", meta, err)
			}
			if _, err := c.HeadObject(ctx, bucket, "copy", nil); err == nil {
				t.Fatal("moved source still exists")
			}
			ap, err := c.AppendObject(ctx, bucket, "log", 0, bytes.NewReader([]byte("abc")), &qsapi.AppendObjectInput{ContentLength: 3})
			if err != nil || ap.NextPosition != 3 {
				t.Fatalf("AppendObject: %+v %v", ap, err)
			}
			ini, err := c.InitiateMultipartUpload(ctx, bucket, "mp", nil)
			if err != nil {
				t.Fatal(err)
			}
			p0, p1 := randBytes(testMinPart), []byte("last")
			var parts []qsapi.CompletedPart
			for i, p := range [][]byte{p0, p1} {
				up, err := c.UploadPart(ctx, bucket, "mp", ini.UploadID, i, bytes.NewReader(p), &qsapi.UploadPartInput{ContentLength: int64(len(p))})
				if err != nil {
					t.Fatal(err)
				}
				parts = append(parts, qsapi.CompletedPart{PartNumber: i, ETag: up.ETag})
			}
			lp, err := c.ListParts(ctx, bucket, "mp", ini.UploadID, nil)
			if err != nil || len(lp.Parts) != 2 || lp.Count != 2 {
				t.Fatalf("ListParts: %+v %v", lp, err)
			}
			if _, err := c.CompleteMultipartUpload(ctx, bucket, "mp", ini.UploadID, parts, nil); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for page, err := range c.ObjectPages(ctx, bucket, qsapi.ListObjectsInput{Limit: 2}) {
				if err != nil {
					t.Fatal(err)
				}
				for _, k := range page.Keys {
					keys = append(keys, k.Key)
				}
			}
			if len(keys) != 4 {
				t.Fatalf("listed %v", keys)
			}
			pre, err := c.PresignGetObject(bucket, "log", nil, 60e9)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(presignedHTTP(t, pre, ts))
			if err != nil {
				t.Fatal(err)
			}
			pb, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(pb) != "abc" {
				t.Fatalf("presigned GET: %d %q", resp.StatusCode, pb)
			}
			for _, k := range keys {
				if _, err := c.DeleteObject(ctx, bucket, k); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := c.DeleteBucket(ctx, bucket); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// presignedHTTP turns a presigned request into an *http.Request sent to the
// test server, keeping the URL's Host header (zone or bucket host names).
func presignedHTTP(t *testing.T, p *qsapi.PresignedRequest, ts *TestServer) *http.Request {
	t.Helper()
	r, err := http.NewRequest(p.Method, p.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range p.Header {
		r.Header[k] = v
	}
	r.Host = r.URL.Host
	r.URL.Host = net.JoinHostPort(ts.Host, strconv.Itoa(ts.Port))
	return r
}
