package sign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// vector mirrors one entry of testdata/signature-vectors.json (known answers
// taken from the QingStor Go SDK's signer tests, see docs/protocol.md).
type vector struct {
	Name                  string            `json:"name"`
	Signer                string            `json:"signer"`
	URLStyle              string            `json:"url_style"`
	Bucket                string            `json:"bucket"`
	AccessKeyID           string            `json:"access_key_id"`
	SecretAccessKey       string            `json:"secret_access_key"`
	Method                string            `json:"method"`
	URL                   string            `json:"url"`
	Headers               map[string]string `json:"headers"`
	Expires               *int64            `json:"expires"`
	ExpectedStringToSign  string            `json:"expected_string_to_sign"`
	ExpectedSignature     string            `json:"expected_signature"`
	ExpectedAuthorization string            `json:"expected_authorization"`
	ExpectedURL           string            `json:"expected_url"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	data, err := os.ReadFile("testdata/signature-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 9 {
		t.Fatalf("got %d vectors, want 9", len(vs))
	}
	return vs
}

func vectorRequest(t *testing.T, v vector) (*http.Request, string) {
	t.Helper()
	r, err := http.NewRequest(v.Method, v.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, val := range v.Headers {
		r.Header.Set(k, val)
	}
	var uri string
	switch {
	case v.Signer == "v1" && r.URL.Path == "":
		// The deprecated v1 signer signs the raw (here empty) path.
		uri = ""
	case v.URLStyle == "virtual-host":
		uri = CanonicalURI(r.URL.Path, v.Bucket)
	default:
		uri = CanonicalURI(r.URL.Path, "")
	}
	return r, uri
}

func TestVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			r, uri := vectorRequest(t, v)
			var sts string
			if v.Expires == nil {
				sts = StringToSign(r, uri)
			} else {
				sts = QueryStringToSign(r, uri, *v.Expires)
			}
			if sts != v.ExpectedStringToSign {
				t.Fatalf("string to sign\n got %q\nwant %q", sts, v.ExpectedStringToSign)
			}
			if got := Signature(v.SecretAccessKey, sts); got != v.ExpectedSignature {
				t.Fatalf("signature got %q want %q", got, v.ExpectedSignature)
			}
			if v.Expires == nil {
				SignRequest(r, v.AccessKeyID, v.SecretAccessKey, uri)
				if got := r.Header.Get("Authorization"); got != v.ExpectedAuthorization {
					t.Fatalf("authorization got %q want %q", got, v.ExpectedAuthorization)
				}
				return
			}
			PresignRequest(r, v.AccessKeyID, v.SecretAccessKey, uri, *v.Expires)
			if got := r.URL.String(); got != v.ExpectedURL {
				t.Fatalf("url\n got %q\nwant %q", got, v.ExpectedURL)
			}
			// A server that receives the presigned URL rebuilds the same
			// string-to-sign: the three added parameters are ignored.
			if got := QueryStringToSign(r, uri, *v.Expires); got != v.ExpectedStringToSign {
				t.Fatalf("server-side string to sign %q", got)
			}
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				t.Fatal(err)
			}
			if q.Get(ParamSignature) != v.ExpectedSignature || q.Get(ParamAccessKeyID) != v.AccessKeyID {
				t.Fatalf("decoded query %v", q)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	cases := map[string]string{
		"":                     "",
		"abcXYZ019-_.~/=":      "abcXYZ019-_.~/=",
		"a b+c":                "a%20b%2Bc",
		"('this is test',)":    "%28%27this%20is%20test%27%2C%29",
		"中文":                   "%E4%B8%AD%E6%96%87",
		"%?&#":                 "%25%3F%26%23",
		"\x00\xff":             "%00%FF",
		"/mybucket/obj@1:2;3*": "/mybucket/obj%401%3A2%3B3%2A",
	}
	for in, want := range cases {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
		if got := string(appendEscape(nil, in)); got != want {
			t.Errorf("appendEscape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalURI(t *testing.T) {
	cases := []struct{ path, bucket, want string }{
		{"", "", "/"},
		{"/", "", "/"},
		{"/bkt", "", "/bkt"},
		{"/bkt/a b", "", "/bkt/a%20b"},
		{"", "bkt", "/bkt/"},
		{"/", "bkt", "/bkt/"},
		{"/k+1", "bkt", "/bkt/k%2B1"},
	}
	for _, c := range cases {
		if got := CanonicalURI(c.path, c.bucket); got != c.want {
			t.Errorf("CanonicalURI(%q,%q) = %q, want %q", c.path, c.bucket, got, c.want)
		}
	}
}

func TestSubResources(t *testing.T) {
	cases := []struct{ raw, want string }{
		{"", ""},
		{"prefix=a&limit=10&marker=x", ""},
		{"uploads=", "?uploads"},
		{"uploads", "?uploads"},
		{"append=&position=0", "?append&position=0"},
		{"upload_id=abc&part_number=3", "?part_number=3&upload_id=abc"},
		{"acl&acl=x&acl=y", "?acl=xy"},
		{"response-content-type=text%2Fplain+x", "?response-content-type=text/plain x"},
		{"response-expires=%20%20", "?response-expires"},
		{"bad=%zz&acl=%zz&cors", "?cors"},
		{"acl;x=1&cors", "?cors"},
		{"ACL&Uploads", ""},
		{"access_key_id=a&expires=1&signature=b%2B", ""},
		{"&&stats&", "?stats"},
	}
	for _, c := range cases {
		if got := string(appendSubResources(nil, c.raw)); got != c.want {
			t.Errorf("subresources(%q) = %q, want %q", c.raw, got, c.want)
		}
	}
}

func TestCanonicalHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("X-QS-Meta-B", "  two ")
	h.Set("x-qs-meta-a", "one")
	h.Add("X-Qs-Storage-Class", "STANDARD")
	h.Add("X-Qs-Storage-Class", "IGNORED")
	h.Set("X-Qsnot", "no")
	h.Set("Content-Type", "text/plain")
	h["x-qs-raw"] = []string{"raw"} // non-canonical key set directly
	got := string(appendCanonicalHeaders(nil, h))
	want := "x-qs-meta-a:one\nx-qs-meta-b:two\nx-qs-raw:raw\nx-qs-storage-class:STANDARD\n"
	if got != want {
		t.Fatalf("got %q want %q", got, want)
	}
	// More headers than the stack array holds still sort correctly.
	h = http.Header{}
	for _, c := range "zyxwvutsrqponmlkjihgfedcba" {
		h.Set("X-Qs-"+string(c), string(c))
	}
	got = string(appendCanonicalHeaders(nil, h))
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 26 || lines[0] != "x-qs-a:a" || lines[25] != "x-qs-z:z" {
		t.Fatalf("got %q", got)
	}
}

func TestStringToSignLines(t *testing.T) {
	r, _ := http.NewRequest("PUT", "http://127.0.0.1:9000/bkt/a%20b?part_number=1&upload_id=u&limit=3", nil)
	r.Header.Set("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")
	r.Header.Set("Content-Type", "application/octet-stream")
	r.Header.Set("Date", "Sat, 28 Nov 2026 20:00:00 GMT")
	r.Header.Set("X-QS-Meta-K", "v")
	got := StringToSign(r, CanonicalURI(r.URL.Path, ""))
	want := "PUT\n1B2M2Y8AsgTpgAmY7PhCfg==\napplication/octet-stream\nSat, 28 Nov 2026 20:00:00 GMT\n" +
		"x-qs-meta-k:v\n/bkt/a%20b?part_number=1&upload_id=u"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	q := QueryStringToSign(r, CanonicalURI(r.URL.Path, ""), 42)
	if !strings.HasPrefix(q, "PUT\n1B2M2Y8AsgTpgAmY7PhCfg==\napplication/octet-stream\n42\n") {
		t.Fatalf("query string to sign %q", q)
	}
}

func TestSignRequestSetsDate(t *testing.T) {
	r, _ := http.NewRequest("GET", "http://h/", nil)
	SignRequest(r, "AK", "SK", "/")
	d := r.Header.Get("Date")
	if d == "" || !strings.HasSuffix(d, " GMT") {
		t.Fatalf("Date %q", d)
	}
	ak, sig, err := ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil || ak != "AK" {
		t.Fatalf("parse: %q %q %v", ak, sig, err)
	}
	if !Equal(sig, Signature("SK", StringToSign(r, "/"))) {
		t.Fatal("server-side verification failed")
	}
	// X-QS-Date suppresses Date.
	r2, _ := http.NewRequest("GET", "http://h/", nil)
	r2.Header.Set("X-QS-Date", "Sat, 28 Nov 2026 20:00:00 GMT")
	SignRequest(r2, "AK", "SK", "/")
	if r2.Header.Get("Date") != "" {
		t.Fatal("Date set despite X-QS-Date")
	}
}

func TestSignatureMatchesHMAC(t *testing.T) {
	// Alternate keys so the pooled MAC is re-keyed and reused.
	for i := 0; i < 4; i++ {
		for _, key := range []string{"k1", "k2", ""} {
			m := hmac.New(sha256.New, []byte(key))
			m.Write([]byte("msg"))
			want := base64.StdEncoding.EncodeToString(m.Sum(nil))
			if got := Signature(key, "msg"); got != want {
				t.Fatalf("key %q: got %q want %q", key, got, want)
			}
		}
	}
}

func TestParseAuthorization(t *testing.T) {
	bad := []string{"", "QS", "QS ", "QS ak", "QS :sig", "QS ak:", "AWS ak:sig", "qs ak:sig"}
	for _, v := range bad {
		if _, _, err := ParseAuthorization(v); err != ErrBadAuthorization {
			t.Errorf("ParseAuthorization(%q) err = %v", v, err)
		}
	}
	ak, sig, err := ParseAuthorization("QS ak:a+b/c=")
	if err != nil || ak != "ak" || sig != "a+b/c=" {
		t.Fatalf("%q %q %v", ak, sig, err)
	}
}

func TestSignAllocs(t *testing.T) {
	r, _ := http.NewRequest("PUT", "http://127.0.0.1:9000/bkt/some/key.txt?part_number=1&upload_id=abc", nil)
	r.Header.Set("Date", "Sat, 28 Nov 2026 20:00:00 GMT")
	r.Header.Set("Content-Type", "application/octet-stream")
	r.Header.Set("X-QS-Meta-A", "1")
	r.Header.Set("X-QS-Storage-Class", "STANDARD")
	uri := CanonicalURI(r.URL.Path, "")
	SignRequest(r, "AK", "SK", uri)
	n := testing.AllocsPerRun(100, func() { SignRequest(r, "AK", "SK", uri) })
	if n > 20 {
		t.Fatalf("SignRequest allocs = %v, want <= 20", n)
	}
}

func FuzzSubResources(f *testing.F) {
	f.Add("acl&upload_id=x&part_number=0&other=abc")
	f.Add("response-content-disposition=attachment%3B+filename%3D%22a%22")
	f.Fuzz(func(t *testing.T, raw string) {
		got := string(appendSubResources(nil, raw))
		if got != "" && got[0] != '?' {
			t.Fatalf("%q -> %q", raw, got)
		}
		// Agrees with net/url on which keys are signed.
		q, _ := url.ParseQuery(raw)
		for k := range q {
			if IsSubResource(k) && !strings.Contains(got, k) {
				t.Fatalf("%q: key %q missing from %q", raw, k, got)
			}
		}
	})
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add("QS ak:sig")
	f.Fuzz(func(t *testing.T, v string) {
		ak, sig, err := ParseAuthorization(v)
		if err == nil && (ak == "" || sig == "") {
			t.Fatalf("%q accepted with empty part", v)
		}
	})
}
