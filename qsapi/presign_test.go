package qsapi

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// verifyQuerySig checks a presigned request the way a server would.
func verifyQuerySig(r *http.Request) bool {
	q := r.URL.Query()
	exp, err := strconv.ParseInt(q.Get(sign.ParamExpires), 10, 64)
	if err != nil || q.Get(sign.ParamAccessKeyID) != testAK || exp < time.Now().Unix() {
		return false
	}
	want := sign.Signature(testSK, sign.QueryStringToSign(r, sign.CanonicalURI(r.URL.Path, ""), exp))
	return sign.Equal(q.Get(sign.ParamSignature), want)
}

func TestPresign(t *testing.T) {
	var verified []string
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || !verifyQuerySig(r) {
			w.WriteHeader(401)
			return
		}
		verified = append(verified, r.Method+" "+r.URL.Path)
		w.WriteHeader(200)
	})
	c := s.client()
	const exp = 10 * time.Minute
	type presigned struct {
		name string
		p    *PresignedRequest
		body []byte
		err  error
	}
	var ps []presigned
	add := func(name string, p *PresignedRequest, err error) { ps = append(ps, presigned{name, p, nil, err}) }
	p, err := c.PresignGetObject("bkt", "dir/a b+c.txt", &GetObjectInput{Range: "bytes=0-1",
		Response: ResponseOverrides{ContentDisposition: `attachment; filename="x y"`}}, exp)
	add("get", p, err)
	p, err = c.PresignPutObject("bkt", "k", &PutObjectInput{ContentType: "text/plain", Metadata: map[string]string{"m": "v"}, SSECKey: sseKey}, exp)
	add("put", p, err)
	p, err = c.PresignHeadObject("bkt", "k", nil, exp)
	add("head", p, err)
	p, err = c.PresignDeleteObject("bkt", "k", exp)
	add("delete", p, err)
	p, err = c.PresignInitiateMultipartUpload("bkt", "k", &InitiateMultipartUploadInput{StorageClass: "STANDARD"}, exp)
	add("initiate", p, err)
	p, err = c.PresignUploadPart("bkt", "k", "up 1", 3, nil, exp)
	add("upload part", p, err)
	p, err = c.PresignListParts("bkt", "k", "up1", &ListPartsInput{Limit: 5, PartNumberMarker: 2}, exp)
	add("list parts", p, err)
	p, body, err := c.PresignCompleteMultipartUpload("bkt", "k", "up1", []CompletedPart{{PartNumber: 0}}, nil, exp)
	ps = append(ps, presigned{"complete", p, body, err})
	p, err = c.PresignAbortMultipartUpload("bkt", "k", "up1", exp)
	add("abort", p, err)

	for _, x := range ps {
		if x.err != nil {
			t.Fatalf("%s: %v", x.name, x.err)
		}
		if x.p.Expires.Before(time.Now().Add(exp-time.Minute)) || !strings.Contains(x.p.URL, "signature=") {
			t.Fatalf("%s: %+v", x.name, x.p)
		}
		var rd io.Reader
		if x.body != nil {
			rd = bytes.NewReader(x.body)
		}
		req, err := http.NewRequest(x.p.Method, x.p.URL, rd)
		if err != nil {
			t.Fatal(err)
		}
		req.Header = x.p.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: presigned request rejected (%d): %s", x.name, resp.StatusCode, x.p.URL)
		}
		// Dropping the signed headers (x-qs-*, Content-Type, Content-MD5)
		// breaks the signature; Range and If-* are not signed.
		if hasSignedHeader(x.p.Header) {
			req, _ := http.NewRequest(x.p.Method, x.p.URL, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 401 {
				t.Fatalf("%s: accepted without its signed headers", x.name)
			}
		}
	}
	if len(verified) != len(ps) {
		t.Fatalf("verified %v", verified)
	}
	if ps[0].p.Header.Get("Range") != "bytes=0-1" || ps[1].p.Header.Get("X-Qs-Meta-M") != "v" ||
		ps[7].p.Header.Get("Content-Type") != "application/json" {
		t.Fatal("signed headers not returned")
	}
}

func TestPresignGeneralEntryPoint(t *testing.T) {
	c := mustNew(t, Options{Zone: "pek3a", VirtualHostStyle: true, AccessKeyID: "AK", SecretAccessKey: "SK"})
	r := &Request{Op: "Custom", Method: "GET", Bucket: "bkt", Query: []Param{{Key: "acl", Flag: true}}}
	p, err := c.Presign(r, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(p.Method, p.URL, nil)
	if req.URL.Host != "bkt.pek3a.qingstor.com:443" || req.URL.Path != "/" {
		t.Fatal(p.URL)
	}
	exp := p.Expires.Unix()
	want := sign.Signature("SK", sign.QueryStringToSign(req, sign.CanonicalURI(req.URL.Path, "bkt"), exp))
	if req.URL.Query().Get("signature") != want {
		t.Fatalf("vhost presign does not verify: %s", p.URL)
	}
	if _, err := c.Presign(r, 0); !errors.Is(err, ErrInvalidArgument) {
		t.Fatal(err)
	}
	anon := mustNew(t, Options{})
	if _, err := anon.Presign(r, time.Hour); !errors.Is(err, ErrInvalidArgument) {
		t.Fatal(err)
	}
}

func hasSignedHeader(h http.Header) bool {
	for k := range h {
		if strings.HasPrefix(strings.ToLower(k), "x-qs-") || k == "Content-Type" || k == "Content-Md5" {
			return true
		}
	}
	return false
}
