package qslocal

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-3", "bytes=-5", "bytes=5-", "bytes=1-0", "bytes=0-1,2-3", "bytes=99999999999999999999-", "x"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, v string, size int64) {
		if size < 0 {
			size = -size
		}
		start, end, ok, e := parseRange(v, size)
		if e != nil && (ok || e.Status != 416) {
			t.Fatalf("%q: error %v with ok=%v", v, e, ok)
		}
		if ok && (start < 0 || end >= size || start > end) {
			t.Fatalf("%q size %d: range %d-%d out of bounds", v, size, start, end)
		}
	})
}

func FuzzCheckKey(f *testing.F) {
	for _, s := range []string{"a", "a/b", "a//b", "../x", "a/./b", "dir/", "\x00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if checkKey(key) != nil {
			return
		}
		if key == "" || len(key) > maxKeyLen || !utf8.ValidString(key) || strings.Contains(key, "\x00") ||
			strings.Contains(key, "//") || strings.HasPrefix(key, "/") {
			t.Fatalf("accepted bad key %q", key)
		}
		for _, seg := range strings.Split(key, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("accepted traversal key %q", key)
			}
		}
	})
}

func FuzzParseHost(f *testing.F) {
	s := &Server{opts: Options{Zone: "pek3b"}, zones: map[string]bool{"pek3b": true, "sh1a": true}, bases: []string{"qingstor.com", "localhost"}}
	for _, h := range []string{"qingstor.com", "pek3b.qingstor.com:443", "bkt.sh1a.qingstor.com", "bkt.qingstor.com", "[::1]:9000", "a.b.c.qingstor.com", "127.0.0.1"} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, host string) {
		hi, e := s.parseHost(host)
		if e != nil {
			return
		}
		if hi.zone != "" && !s.isZone(hi.zone) {
			t.Fatalf("%q: unknown zone %q", host, hi.zone)
		}
		if hi.global && hi.zone != "" {
			t.Fatalf("%q: global with a zone", host)
		}
	})
}

func FuzzParseHeaders(f *testing.F) {
	f.Add("3I/h1kl+vSP1l12NKhxegQ==", "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg=", "/bkt-test/a%20b")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		parseContentMD5(a)
		h := http.Header{}
		h.Set(sseHeader+"Algorithm", "AES256")
		h.Set(sseHeader+"Key", b)
		h.Set(sseHeader+"Key-Md5", a)
		if k, e := parseSSE(h, sseHeader); e == nil && k == nil {
			t.Fatal("headers present but no key and no error")
		}
		if bk, key, e := parseSource(c); e == nil && (!validBucketName(bk) || checkKey(key) != nil) {
			t.Fatalf("parseSource(%q) accepted %q %q", c, bk, key)
		}
		hh := http.Header{}
		hh.Set("X-Qs-Meta-"+a, c)
		parseMeta(hh)
	})
}
