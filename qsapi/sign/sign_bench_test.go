package sign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
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
