package qsapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qslocal"
)

// startLocal starts an in-memory qslocal server on a free loopback port and
// returns a client for it with a bucket named "example-bucket".
func startLocal() (*qsapi.Client, func()) {
	rn, err := qslocal.Start(context.Background(), qslocal.Options{
		Memory: true, Addr: "127.0.0.1:0", MinPartSize: 1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		panic(err)
	}
	c, err := qsapi.New(qsapi.Options{
		Protocol: "http", Host: rn.Host, Port: rn.Port, Zone: rn.Zone,
		AccessKeyID: rn.AccessKeyID, SecretAccessKey: rn.SecretAccessKey,
	})
	if err != nil {
		panic(err)
	}
	if _, err := c.PutBucket(context.Background(), "example-bucket"); err != nil {
		panic(err)
	}
	return c, func() { _ = rn.Shutdown(context.Background()) }
}

// A client for QingStor itself: path style by default, the zone in the host,
// keys QS-escaped in the path (which is also the signed canonical URI).
func ExampleNew() {
	c, err := qsapi.New(qsapi.Options{Zone: "pek3a", AccessKeyID: "AKID", SecretAccessKey: "SECRET"})
	if err != nil {
		panic(err)
	}
	b, err := c.BuildRequest(context.Background(), &qsapi.Request{
		Op: "GetObject", Method: http.MethodGet, Bucket: "mybucket", Key: "dir/a b+c.txt",
	}, nil, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(b.HTTP.URL)
	fmt.Println(b.CanonicalURI)
	fmt.Println(strings.HasPrefix(b.HTTP.Header.Get("Authorization"), "QS AKID:"))
	// Output:
	// https://pek3a.qingstor.com:443/mybucket/dir/a%20b%2Bc.txt
	// /mybucket/dir/a%20b%2Bc.txt
	// true
}

func ExampleClient_PutObject() {
	c, stop := startLocal()
	defer stop()
	ctx := context.Background()
	body := strings.NewReader("hello, qingstor")
	_, err := c.PutObject(ctx, "example-bucket", "greeting.txt", body, &qsapi.PutObjectInput{
		ContentLength: body.Size(), ContentType: "text/plain",
		Metadata: map[string]string{"lang": "en"},
	})
	if err != nil {
		panic(err)
	}
	out, err := c.GetObject(ctx, "example-bucket", "greeting.txt", &qsapi.GetObjectInput{Range: "bytes=0-4"})
	if err != nil {
		panic(err)
	}
	defer out.Body.Close()
	data, _ := io.ReadAll(out.Body)
	fmt.Println(out.StatusCode, string(data), out.Metadata["lang"])
	// Output: 206 hello en
}

func ExampleClient_HeadObject() {
	c, stop := startLocal()
	defer stop()
	ctx := context.Background()
	_, err := c.PutObject(ctx, "example-bucket", "k", strings.NewReader("12345"), &qsapi.PutObjectInput{ContentLength: 5})
	if err != nil {
		panic(err)
	}
	m, err := c.HeadObject(ctx, "example-bucket", "k", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.ContentLength, m.StorageClass, !m.LastModified.IsZero())
	_, err = c.HeadObject(ctx, "example-bucket", "missing", nil)
	fmt.Println(qsapi.IsNotFound(err))
	// Output:
	// 5 STANDARD true
	// true
}

// ObjectPages follows next_marker until has_more is false, even across pages
// that hold only common prefixes.
func ExampleClient_ObjectPages() {
	c, stop := startLocal()
	defer stop()
	ctx := context.Background()
	for _, k := range []string{"a/1", "a/2", "b", "c/1"} {
		if _, err := c.PutObject(ctx, "example-bucket", k, nil, nil); err != nil {
			panic(err)
		}
	}
	for page, err := range c.ObjectPages(ctx, "example-bucket", qsapi.ListObjectsInput{Delimiter: "/", Limit: 2}) {
		if err != nil {
			panic(err)
		}
		for _, p := range page.CommonPrefixes {
			fmt.Println("dir ", p)
		}
		for _, k := range page.Keys {
			fmt.Println("file", k.Key)
		}
	}
	// Unordered output:
	// dir  a/
	// file b
	// dir  c/
}

func ExampleClient_BucketPages() {
	c, stop := startLocal()
	defer stop()
	for page, err := range c.BucketPages(context.Background(), qsapi.ListBucketsInput{}) {
		if err != nil {
			panic(err)
		}
		for _, b := range page.Buckets {
			fmt.Println(b.Name)
		}
	}
	// Output: example-bucket
}

func ExampleClient_InitiateMultipartUpload() {
	c, stop := startLocal()
	defer stop()
	ctx := context.Background()
	up, err := c.InitiateMultipartUpload(ctx, "example-bucket", "big", nil)
	if err != nil {
		panic(err)
	}
	var parts []qsapi.CompletedPart
	for n, chunk := range []string{"part zero, ", "part one"} {
		out, err := c.UploadPart(ctx, "example-bucket", "big", up.UploadID, n, strings.NewReader(chunk),
			&qsapi.UploadPartInput{ContentLength: int64(len(chunk))})
		if err != nil {
			panic(err)
		}
		parts = append(parts, qsapi.CompletedPart{PartNumber: n, ETag: out.ETag})
	}
	if _, err := c.CompleteMultipartUpload(ctx, "example-bucket", "big", up.UploadID, parts, nil); err != nil {
		panic(err)
	}
	out, err := c.GetObject(ctx, "example-bucket", "big", nil)
	if err != nil {
		panic(err)
	}
	defer out.Body.Close()
	data, _ := io.ReadAll(out.Body)
	fmt.Println(string(data))
	// Output: part zero, part one
}

func ExampleClient_AppendObject() {
	c, stop := startLocal()
	defer stop()
	ctx := context.Background()
	pos := int64(0)
	for _, line := range []string{"first\n", "second\n"} {
		out, err := c.AppendObject(ctx, "example-bucket", "log.txt", pos, strings.NewReader(line),
			&qsapi.AppendObjectInput{ContentLength: int64(len(line))})
		if err != nil {
			panic(err)
		}
		pos = out.NextPosition
	}
	fmt.Println(pos)
	// Output: 13
}

func ExampleClient_CopyObject() {
	c, stop := startLocal()
	defer stop()
	ctx := context.Background()
	if _, err := c.PutObject(ctx, "example-bucket", "src key", strings.NewReader("data"), &qsapi.PutObjectInput{ContentLength: 4}); err != nil {
		panic(err)
	}
	if _, err := c.CopyObject(ctx, "example-bucket", "copy", &qsapi.CopyObjectInput{
		SourceBucket: "example-bucket", SourceKey: "src key",
		MetadataDirective: qsapi.MetadataDirectiveReplace, Metadata: map[string]string{"note": "copied"},
	}); err != nil {
		panic(err)
	}
	if _, err := c.MoveObject(ctx, "example-bucket", "moved", "example-bucket", "copy"); err != nil {
		panic(err)
	}
	m, err := c.HeadObject(ctx, "example-bucket", "moved", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.ContentLength, m.Metadata["note"])
	// Output: 4 copied
}

func ExampleClient_DeleteMultipleObjects() {
	c, stop := startLocal()
	defer stop()
	ctx := context.Background()
	for _, k := range []string{"x", "y"} {
		if _, err := c.PutObject(ctx, "example-bucket", k, nil, nil); err != nil {
			panic(err)
		}
	}
	out, err := c.DeleteMultipleObjects(ctx, "example-bucket", []string{"x", "y"}, false)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(out.Deleted), len(out.Errors))
	// Output: 2 0
}

// A presigned URL needs no credentials to use; headers in Header were signed
// and must be sent with it.
func ExampleClient_PresignGetObject() {
	c, stop := startLocal()
	defer stop()
	if _, err := c.PutObject(context.Background(), "example-bucket", "shared.txt", strings.NewReader("shared"),
		&qsapi.PutObjectInput{ContentLength: 6}); err != nil {
		panic(err)
	}
	p, err := c.PresignGetObject("example-bucket", "shared.txt", nil, 15*time.Minute)
	if err != nil {
		panic(err)
	}
	resp, err := http.Get(p.URL)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(data))
	// Output: 200 shared
}

func ExampleIsNotFound() {
	c, stop := startLocal()
	defer stop()
	_, err := c.GetObject(context.Background(), "example-bucket", "nope", nil)
	if e, ok := qsapi.AsError(err); ok {
		fmt.Println(e.StatusCode, e.Code, e.RequestID != "")
	}
	fmt.Println(qsapi.IsNotFound(err), qsapi.IsPermission(err))
	// Output:
	// 404 object_not_exists true
	// true false
}

// Bucket calls: create, check, statistics, delete. A bucket that still holds
// objects cannot be deleted (409 bucket_not_empty).
func ExampleClient_PutBucket() {
	c, stop := startLocal()
	defer stop()
	ctx := context.Background()
	if _, err := c.PutBucket(ctx, "photos-2026"); err != nil {
		panic(err)
	}
	if _, err := c.HeadBucket(ctx, "photos-2026"); err != nil {
		panic(err)
	}
	if _, err := c.PutObject(ctx, "photos-2026", "a.jpg", strings.NewReader("jpeg"), &qsapi.PutObjectInput{ContentLength: 4}); err != nil {
		panic(err)
	}
	st, err := c.GetBucketStatistics(ctx, "photos-2026")
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Name, st.Count, st.Size)
	_, err = c.DeleteBucket(ctx, "photos-2026")
	if e, ok := qsapi.AsError(err); ok {
		fmt.Println(e.StatusCode, e.Code)
	}
	if _, err := c.DeleteObject(ctx, "photos-2026", "a.jpg"); err != nil {
		panic(err)
	}
	if _, err := c.DeleteBucket(ctx, "photos-2026"); err != nil {
		panic(err)
	}
	_, err = c.HeadBucket(ctx, "photos-2026")
	fmt.Println(qsapi.IsNotFound(err))
	// Output:
	// photos-2026 1 4
	// 409 bucket_not_empty
	// true
}

// FetchObject makes the server download a URL into a key.
func ExampleClient_FetchObject() {
	c, stop := startLocal()
	defer stop()
	ctx := context.Background()
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "fetched content")
	}))
	defer src.Close()
	if _, err := c.FetchObject(ctx, "example-bucket", "copy-of-remote", src.URL+"/file.txt"); err != nil {
		panic(err)
	}
	m, err := c.HeadObject(ctx, "example-bucket", "copy-of-remote", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.ContentLength)
	// Output: 15
}
