package sign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"testing"
)

func benchRequest() (*http.Request, string) {
	r, _ := http.NewRequest("PUT", "http://127.0.0.1:9000/bkt/some/dir/key%20name.txt?part_number=1&upload_id=abc", nil)
	r.Header.Set("Date", "Sat, 28 Nov 2026 20:00:00 GMT")
	r.Header.Set("Content-Type", "application/octet-stream")
	r.Header.Set("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")
	r.Header.Set("X-QS-Meta-A", "1")
	r.Header.Set("X-QS-Storage-Class", "STANDARD")
	return r, CanonicalURI(r.URL.Path, "")
}

// BenchmarkSign compares a full SignRequest (string-to-sign, HMAC, header)
// with a bare HMAC-SHA256 + base64 of the same string-to-sign. The ratio is
// reported as sign/hmac (lower is better).
//
//	go test -run '^$' -bench BenchmarkSign -benchmem ./qsapi/sign/
func BenchmarkSign(b *testing.B) {
	r, uri := benchRequest()
	sts := []byte(StringToSign(r, uri))
	var hmacNs, signNs float64
	b.Run("bare-hmac", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := hmac.New(sha256.New, []byte("SECRETKEY"))
			m.Write(sts)
			_ = base64.StdEncoding.EncodeToString(m.Sum(nil))
		}
		hmacNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("SignRequest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			SignRequest(r, "AKID", "SECRETKEY", uri)
		}
		signNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		if hmacNs > 0 {
			b.ReportMetric(signNs/hmacNs, "sign/hmac")
		}
	})
	b.Run("PresignRequest", func(b *testing.B) {
		b.ReportAllocs()
		raw := r.URL.RawQuery
		for b.Loop() {
			r.URL.RawQuery = raw
			PresignRequest(r, "AKID", "SECRETKEY", uri, 1800000000)
		}
		r.URL.RawQuery = raw
	})
}

// manyHeaderRequest returns a request with n distinct x-qs- headers of
// short names (80,000 of them fit in net/http's 1 MiB header limit).
func manyHeaderRequest(n int) *http.Request {
	r, _ := http.NewRequest("GET", "http://127.0.0.1:9000/bkt/key", nil)
	for i := 0; i < n; i++ {
		r.Header["X-Qs-"+strconv.FormatInt(int64(i), 36)] = []string{""}
	}
	return r
}

// BenchmarkStringToSignManyHeaders builds the string to sign of requests
// with 8,000 and 80,000 x-qs- headers, as a hostile client sends them to a
// server that must sign before it can refuse. It reports the 80k/8k time
// ratio: about 11 for an O(n log n) sort, 100 for a quadratic one.
//
//	go test -run '^$' -bench StringToSignManyHeaders ./qsapi/sign/
func BenchmarkStringToSignManyHeaders(b *testing.B) {
	var small float64
	for _, n := range []int{8000, 80000} {
		r := manyHeaderRequest(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				StringToSign(r, "/bkt/key")
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if n == 8000 {
				small = ns
			} else if small > 0 {
				b.ReportMetric(ns/small, "80k/8k")
			}
		})
	}
}
