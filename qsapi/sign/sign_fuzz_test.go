package sign_test

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// FuzzEscape checks the QS escape against its definition: only
// A-Z a-z 0-9 - _ . ~ / = stay, everything else is %XX in upper-case hex,
// and percent-decoding gives the input back.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a b+c", "中文/键", "%2e%2e/", "../../x", "a=b&c", "\x00\xff", "~-_./="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := sign.Escape(s)
		for i := 0; i < len(e); i++ {
			c := e[i]
			switch {
			case c == '%':
				if i+2 >= len(e) || !isUpperHex(e[i+1]) || !isUpperHex(e[i+2]) {
					t.Fatalf("Escape(%q) = %q: bad escape at %d", s, e, i)
				}
				i += 2
			case !kept(c):
				t.Fatalf("Escape(%q) = %q: byte %q left unescaped", s, e, c)
			}
		}
		back, err := url.PathUnescape(e)
		if err != nil || back != s {
			t.Fatalf("PathUnescape(Escape(%q)) = %q, %v", s, back, err)
		}
		if sign.Escape(s) != e {
			t.Fatal("Escape is not deterministic")
		}
	})
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

func kept(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_./~=", c) >= 0
}

// fuzzRequest builds a request from fuzz input, or nil when the input is
// not something an HTTP server could receive.
func fuzzRequest(method, path, rawQuery, hname, hvalue, date string) *http.Request {
	if method == "" || strings.ContainsAny(method, " \t\r\n") || !validValue(hvalue) || !validValue(date) || !validName(hname) {
		return nil
	}
	if strings.IndexByte(rawQuery, '#') >= 0 || strings.ContainsAny(rawQuery, " \r\n\t\x00") {
		return nil
	}
	r := &http.Request{Method: method, URL: &url.URL{Path: "/" + path, RawQuery: rawQuery}, Header: http.Header{}}
	r.Header.Set(hname, hvalue)
	r.Header.Set("X-Qs-Meta-Fuzz", hvalue)
	r.Header.Set("Content-Type", "application/octet-stream")
	if date != "" {
		r.Header.Set("Date", date)
	}
	return r
}

// validValue: a header value net/http would send and receive (no control
// bytes but tab).
func validValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func validName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// refStringToSign is an independent rendering of the string to sign of the package doc
// with net/url doing the query parsing, for differential fuzzing.
func refStringToSign(r *http.Request, uri string, presign bool, expires int64) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n")
	switch {
	case presign:
		b.WriteString(strconv.FormatInt(expires, 10))
	case r.Header.Get("X-Qs-Date") == "":
		b.WriteString(r.Header.Get("Date"))
	}
	b.WriteString("\n")
	var names []string
	vals := map[string]string{}
	for k, v := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-qs-") && len(v) > 0 {
			names = append(names, lk)
			vals[lk] = strings.Trim(v[0], " \t")
		}
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString(n + ":" + vals[n] + "\n")
	}
	b.WriteString(uri)
	q, _ := url.ParseQuery(r.URL.RawQuery)
	var keys []string
	for k := range q {
		if sign.IsSubResource(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i == 0 {
			b.WriteString("?")
		} else {
			b.WriteString("&")
		}
		v := strings.TrimSpace(strings.Join(q[k], ""))
		b.WriteString(k)
		if v != "" {
			b.WriteString("=" + v)
		}
	}
	return b.String()
}

// FuzzStringToSign compares the string-to-sign builder with the reference
// rendering above, for header and presigned forms, and checks that a signed
// request verifies and that a presigned URL's signature is recoverable from
// its query.
func FuzzStringToSign(f *testing.F) {
	f.Add("GET", "bkt/key", "acl&upload_id=x&part_number=0&other=abc", "X-Qs-Storage-Class", "STANDARD", "Mon, 02 Jan 2006 15:04:05 GMT")
	f.Add("PUT", "bkt/中 文", "response-content-disposition=attachment%3B+filename%3D%22a%22", "X-QS-Date", "Mon, 02 Jan 2006 15:04:05 GMT", "")
	f.Add("POST", "b/k", "append&position=10&position=20", "x-qs-meta-a", "  spaced  ", "x")
	f.Add("DELETE", "", "uploads=&delete", "X-Qs-Copy-Source", "/a/b%20c", "")
	f.Fuzz(func(t *testing.T, method, path, rawQuery, hname, hvalue, date string) {
		r := fuzzRequest(method, path, rawQuery, hname, hvalue, date)
		if r == nil {
			return
		}
		uri := sign.CanonicalURI(r.URL.Path, "")
		if got, want := sign.StringToSign(r, uri), refStringToSign(r, uri, false, 0); got != want {
			t.Fatalf("StringToSign\n got %q\nwant %q", got, want)
		}
		if got, want := sign.QueryStringToSign(r, uri, 1700000000), refStringToSign(r, uri, true, 1700000000); got != want {
			t.Fatalf("QueryStringToSign\n got %q\nwant %q", got, want)
		}

		sign.SignRequest(r, "AKFUZZ", "secret", uri)
		ak, sig, err := sign.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil || ak != "AKFUZZ" || !sign.Equal(sig, sign.Signature("secret", sign.StringToSign(r, uri))) {
			t.Fatalf("signed request does not verify: %q %v", r.Header.Get("Authorization"), err)
		}
		if sign.Equal(sig, sign.Signature("other", sign.StringToSign(r, uri))) {
			t.Fatal("signature does not depend on the secret")
		}

		r.Header.Del("Authorization")
		before := r.URL.RawQuery
		sign.PresignRequest(r, "AKFUZZ", "secret", uri, 1700000000)
		if !strings.HasPrefix(r.URL.RawQuery, before) {
			t.Fatalf("presigning changed the existing query %q -> %q", before, r.URL.RawQuery)
		}
		q, _ := url.ParseQuery(r.URL.RawQuery)
		sigs := q[sign.ParamSignature]
		if len(sigs) == 0 {
			t.Fatalf("no signature in %q", r.URL.RawQuery)
		}
		got := sigs[len(sigs)-1]
		if want := sign.Signature("secret", sign.QueryStringToSign(r, uri, 1700000000)); got != want {
			t.Fatalf("presigned signature %q, recomputed %q", got, want)
		}
	})
}

// FuzzCanonicalURI: the canonical URI always starts with "/", carries the
// virtual-host bucket first and decodes back to the path.
func FuzzCanonicalURI(f *testing.F) {
	f.Add("/bkt/a b", "")
	f.Add("/", "bucket-name")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, p, bucket string) {
		// Inputs as servers and clients pass them: a decoded URL path ("" or
		// starting with "/") and a bucket name of [a-z0-9-] (validated
		// before any signing happens).
		if p != "" && p[0] != '/' || strings.Trim(bucket, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return
		}
		u := sign.CanonicalURI(p, bucket)
		if !strings.HasPrefix(u, "/") {
			t.Fatalf("CanonicalURI(%q, %q) = %q", p, bucket, u)
		}
		dec, err := url.PathUnescape(u)
		if err != nil {
			t.Fatalf("CanonicalURI(%q, %q) = %q does not decode: %v", p, bucket, u, err)
		}
		want := p
		if bucket != "" {
			if want == "" {
				want = "/"
			}
			want = "/" + bucket + want
		} else if want == "" {
			want = "/"
		}
		if dec != want {
			t.Fatalf("CanonicalURI(%q, %q) = %q decodes to %q, want %q", p, bucket, u, dec, want)
		}
	})
}
