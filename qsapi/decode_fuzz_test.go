package qsapi_test

// Fuzz targets for everything qsapi reads from a server (JSON bodies of
// every listing and of errors, and the object headers) and for SSE-C key
// handling. Responses come from an in-process RoundTripper, so each
// execution is cheap and nothing listens.

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi"
)

// cannedTransport answers every request with the same response.
type cannedTransport struct {
	status int
	header http.Header
	body   []byte
}

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	h := c.header.Clone()
	return &http.Response{StatusCode: c.status, Header: h, Body: io.NopCloser(bytes.NewReader(c.body)),
		ContentLength: int64(len(c.body)), Request: r, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}

func cannedClient(t *testing.T, status int, h http.Header, body []byte) *qsapi.Client {
	c, err := qsapi.New(qsapi.Options{Protocol: "http", Host: "127.0.0.1", Port: 9,
		AccessKeyID: "AK", SecretAccessKey: "SK",
		HTTPClient: &http.Client{Transport: cannedTransport{status, h, body}},
		Retry:      qsapi.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var fuzzStatuses = []int{200, 201, 204, 206, 304, 400, 403, 404, 409, 412, 416, 500, 503}

// decodeTyped reports whether err is what a JSON decode may fail with: a
// server *Error or a wrapped encoding/json error.
func decodeTyped(err error) bool {
	if _, ok := qsapi.AsError(err); ok {
		return true
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var pe *time.ParseError
	if errors.As(err, &se) || errors.As(err, &te) || errors.As(err, &pe) {
		return true
	}
	// Some decode failures (time.Time's UnmarshalJSON) have no type of their
	// own; qsapi names them "decode response" (no exported sentinel exists).
	return strings.Contains(err.Error(), ": decode response (request id ")
}

// FuzzDecodeResponses sends every JSON-returning operation against a canned
// response and checks: no panic, success only with a usable output, every
// failure typed, and error texts bounded whatever the body size.
func FuzzDecodeResponses(f *testing.F) {
	for _, seed := range []struct {
		st   uint8
		ct   string
		body string
	}{
		{0, "application/json", `{"name":"b","keys":[{"key":"a","size":1,"created":"2016-08-22T15:03:32.000Z","modified":1}],"has_more":true,"next_marker":"a"}`},
		{0, "application/json", `{"upload_id":"4d26","bucket":"b","key":"k"}`},
		{0, "application/json", `{"count":3,"object_parts":[{"part_number":0,"size":5,"created":"2015-08-16T14:52:12.000Z","etag":"x"}]}`},
		{0, "application/json", `{"count":2,"buckets":[{"name":"mybucket","location":"pek3a","created":"2015-07-11T04:45:57Z"}]}`},
		{0, "application/json", `{"deleted":[{"key":"a"}],"errors":[{"key":"b","code":"x","message":"y"}]}`},
		{0, "application/json", `{"code":"internal_error","message":"in a 200"}`},
		{5, "application/json", `{"code":"bad_request","message":"m","request_id":"r","url":"u"}`},
		{7, "text/html", `<html>not found</html>`},
		{11, "application/json", `{"code":`},
		{0, "application/json", `{"created":"not a time","keys":null}`},
		{0, "application/json", `[1,2,3]`},
	} {
		f.Add(seed.st, seed.ct, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, st uint8, ct string, body []byte) {
		status := fuzzStatuses[int(st)%len(fuzzStatuses)]
		h := http.Header{"Content-Type": {ct}, "X-Qs-Request-Id": {"rid"}}
		c := cannedClient(t, status, h, body)
		ctx := context.Background()
		calls := map[string]func() (any, error){
			"ListObjects":          func() (any, error) { return c.ListObjects(ctx, "bucket", nil) },
			"ListParts":            func() (any, error) { return c.ListParts(ctx, "bucket", "k", "id", nil) },
			"InitiateMultipart":    func() (any, error) { return c.InitiateMultipartUpload(ctx, "bucket", "k", nil) },
			"ListBuckets":          func() (any, error) { return c.ListBuckets(ctx, nil) },
			"ListMultipartUploads": func() (any, error) { return c.ListMultipartUploads(ctx, "bucket", nil) },
			"DeleteMultiple":       func() (any, error) { return c.DeleteMultipleObjects(ctx, "bucket", []string{"a", "b"}, false) },
			"BucketStatistics":     func() (any, error) { return c.GetBucketStatistics(ctx, "bucket") },
			"PutObject": func() (any, error) {
				return c.PutObject(ctx, "bucket", "k", strings.NewReader("x"), &qsapi.PutObjectInput{ContentLength: 1})
			},
		}
		for name, call := range calls {
			out, err := call()
			if err == nil {
				if out == nil {
					t.Fatalf("%s: nil output and nil error", name)
				}
				continue
			}
			if !decodeTyped(err) {
				t.Fatalf("%s: untyped error %T: %v", name, err, err)
			}
			if len(err.Error()) > 8<<10 {
				t.Fatalf("%s: error text of %d bytes for a %d-byte body", name, len(err.Error()), len(body))
			}
			if e, ok := qsapi.AsError(err); ok && e.StatusCode != status {
				t.Fatalf("%s: *Error status %d, response was %d", name, e.StatusCode, status)
			}
		}
	})
}

// FuzzObjectHeaders feeds arbitrary metadata headers to GetObject and
// HeadObject: they must not panic, and a success reports the bytes the
// body really has.
func FuzzObjectHeaders(f *testing.F) {
	f.Add("5", "bytes 0-4/10", "Mon, 02 Jan 2006 15:04:05 GMT", "12", "appendable", "hello")
	f.Add("-1", "garbage", "yesterday", "x", "", "")
	f.Add("99999999999999999999", "", "", "-5", "normal", "abc")
	f.Fuzz(func(t *testing.T, cl, crange, lastMod, nextPos, objType, body string) {
		h := http.Header{"Content-Length": {cl}, "Content-Range": {crange}, "Last-Modified": {lastMod},
			"X-Qs-Next-Append-Position": {nextPos}, "X-Qs-Object-Type": {objType}, "Etag": {`"e"`}}
		c := cannedClient(t, 200, h, []byte(body))
		out, err := c.GetObject(context.Background(), "bucket", "k", nil)
		if err == nil {
			got, rerr := io.ReadAll(out.Body)
			out.Body.Close()
			if rerr == nil && string(got) != body {
				t.Fatalf("GetObject read %q, body was %q", got, body)
			}
		}
		if _, err := c.HeadObject(context.Background(), "bucket", "k", nil); err != nil {
			if _, ok := qsapi.AsError(err); !ok {
				t.Fatalf("HeadObject: untyped error %v", err)
			}
		}
	})
}

// FuzzSSECKey: a 32-byte key is sent as base64 with the base64 MD5 of the raw
// key; any other size is refused before sending, and the refusal never
// contains the key in any encoding.
func FuzzSSECKey(f *testing.F) {
	f.Add([]byte("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"))
	f.Add([]byte("short key"))
	f.Add(bytes.Repeat([]byte{0xff}, 33))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, key []byte) {
		c := cannedClient(t, 201, http.Header{}, nil)
		builders := func(key []byte) map[string]func() (*qsapi.Request, error) {
			return map[string]func() (*qsapi.Request, error){
				"put": func() (*qsapi.Request, error) {
					return c.PutObjectRequest("bucket", "k", &qsapi.PutObjectInput{SSECKey: key})
				},
				"get": func() (*qsapi.Request, error) {
					return c.GetObjectRequest("bucket", "k", &qsapi.GetObjectInput{SSECKey: key})
				},
				"initiate": func() (*qsapi.Request, error) {
					return c.InitiateMultipartUploadRequest("bucket", "k", &qsapi.InitiateMultipartUploadInput{SSECKey: key})
				},
				"copy": func() (*qsapi.Request, error) {
					return c.CopyObjectRequest("bucket", "k", &qsapi.CopyObjectInput{SourceBucket: "bucket", SourceKey: "s", SourceSSECKey: key})
				},
			}
		}
		// The same call with an all-zero key of the same length: an error
		// text that does not depend on the key's bytes cannot leak them.
		zero := builders(make([]byte, len(key)))
		for name, build := range builders(key) {
			r, err := build()
			if len(key) != qsapi.SSECKeySize {
				if err == nil || !errors.Is(err, qsapi.ErrInvalidArgument) {
					t.Fatalf("%s: %d-byte key accepted (err %v)", name, len(key), err)
				}
				if _, zerr := zero[name](); zerr == nil || zerr.Error() != err.Error() {
					t.Fatalf("%s: error text depends on the key's bytes: %q vs %v", name, err, zerr)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: 32-byte key refused: %v", name, err)
			}
			sum := md5.Sum(key)
			k64, m64 := base64.StdEncoding.EncodeToString(key), base64.StdEncoding.EncodeToString(sum[:])
			prefix := "X-Qs-Encryption-Customer-"
			if name == "copy" {
				prefix = "X-Qs-Copy-Source-Encryption-Customer-"
			}
			if r.Header.Get(prefix+"Key") != k64 || r.Header.Get(prefix+"Key-Md5") != m64 || r.Header.Get(prefix+"Algorithm") != "AES256" {
				t.Fatalf("%s: SSE-C headers %v", name, r.Header)
			}
		}
	})
}
