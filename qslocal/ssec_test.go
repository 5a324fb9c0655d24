package qslocal

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var (
	testKey  = bytes.Repeat([]byte("x"), 32)
	otherKey = bytes.Repeat([]byte("y"), 32)
)

func sseHeadersPrefix(prefix string, key []byte) []reqOpt {
	sum := md5.Sum(key)
	return []reqOpt{
		withHeader(prefix+"Algorithm", "AES256"),
		withHeader(prefix+"Key", base64.StdEncoding.EncodeToString(key)),
		withHeader(prefix+"Key-MD5", base64.StdEncoding.EncodeToString(sum[:])),
	}
}

func sseHeaders(key []byte) []reqOpt { return sseHeadersPrefix("X-QS-Encryption-Customer-", key) }

func TestSSECKnownAnswer(t *testing.T) {
	// The documented known answer: the key of 32 'x' bytes gives these header values.
	h := map[string]string{}
	r := newTC(t, &TestServer{Running: &Running{Endpoint: "http://127.0.0.1"}}).newReq("PUT", "/b/k", "", nil, sseHeaders(testKey)...)
	for _, k := range []string{"Key", "Key-Md5"} {
		h[k] = r.Header.Get("X-Qs-Encryption-Customer-" + k)
	}
	if h["Key"] != "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg=" || h["Key-Md5"] != "3I/h1kl+vSP1l12NKhxegQ==" {
		t.Fatalf("known answer: %v", h)
	}
	if k, e := parseSSE(r.Header, sseHeader); e != nil || k == nil {
		t.Fatalf("parseSSE: %v", e)
	}
}

func TestSSEC(t *testing.T) {
	ts := StartTest(t, func(o *Options) { o.MinPartSize = testMinPart })
	ts.CreateBucket("bkt-test")
	c := newTC(t, ts)
	plain := bytes.Repeat([]byte("secret data 0123456789 "), 20000)
	r := c.put("bkt-test", "enc", plain, append(sseHeaders(testKey), withMD5(plain))...)
	if r.header.Get("X-Qs-Encryption-Customer-Algorithm") != "AES256" {
		t.Fatalf("PUT reply lacks the algorithm: %v", r.header)
	}
	// stored bytes are ciphertext, and the key is not on disk (its MD5 is, as
	// documented: answers echo it, and it travels in clear anyway)
	blobs := 0
	keyB64 := base64.StdEncoding.EncodeToString(testKey)
	filepath.Walk(ts.Server.opts.DataDir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte("secret data")) {
			t.Errorf("%s holds plaintext", p)
		}
		if bytes.Contains(b, testKey) || bytes.Contains(b, []byte(keyB64)) {
			t.Errorf("%s holds the key", p)
		}
		if filepath.Base(filepath.Dir(filepath.Dir(p))) == "blobs" && int(info.Size()) == len(plain) {
			blobs++
		}
		return nil
	})
	if blobs != 1 {
		t.Fatalf("found %d blob files of the object's size", blobs)
	}
	c.call("GET", "/bkt-test/enc", "", nil).want(t, 403, "permission_denied")
	c.call("GET", "/bkt-test/enc", "", nil, sseHeaders(otherKey)...).want(t, 403, "permission_denied")
	bad := append(sseHeaders(testKey), withHeader("X-QS-Encryption-Customer-Key-MD5", "AAAAAAAAAAAAAAAAAAAAAA=="))
	c.call("GET", "/bkt-test/enc", "", nil, bad...).want(t, 400, "invalid_request")
	short := sseHeaders([]byte("short key"))
	c.call("PUT", "/bkt-test/enc2", "", []byte("x"), short...).want(t, 400, "invalid_request")
	if got := c.get("bkt-test", "enc", sseHeaders(testKey)...); !bytes.Equal(got, plain) {
		t.Fatal("decrypted bytes differ")
	}
	// HEAD works without the key, and checks one if sent
	h := c.call("HEAD", "/bkt-test/enc", "", nil).want(t, 200, "")
	if h.header.Get("X-Qs-Encryption-Customer-Algorithm") != "AES256" || h.header.Get("X-Qs-Encryption-Customer-Key-Md5") != "3I/h1kl+vSP1l12NKhxegQ==" || h.header.Get("ETag") != etagOf(plain) {
		t.Fatalf("HEAD %v", h.header)
	}
	for _, m := range []string{"GET", "HEAD"} {
		h := c.call(m, "/bkt-test/enc", "", nil, sseHeaders(testKey)...).want(t, 200, "")
		if h.header.Get("X-Qs-Encryption-Customer-Algorithm") != "AES256" || h.header.Get("X-Qs-Encryption-Customer-Key-Md5") != "3I/h1kl+vSP1l12NKhxegQ==" {
			t.Fatalf("%s with the key: %v", m, h.header)
		}
	}
	c.call("HEAD", "/bkt-test/enc", "", nil, sseHeaders(otherKey)...).want(t, 403, "")
	// ranged reads at unaligned offsets
	for _, rg := range [][2]int{{0, 0}, {1, 17}, {15, 16}, {4095, 70000}, {len(plain) - 3, len(plain) - 1}} {
		r := c.call("GET", "/bkt-test/enc", "", nil, append(sseHeaders(testKey), withHeader("Range", "bytes="+itoa(rg[0])+"-"+itoa(rg[1])))...).want(t, 206, "")
		if !bytes.Equal(r.body, plain[rg[0]:rg[1]+1]) {
			t.Fatalf("range %v differs", rg)
		}
	}
	// listing says encrypted
	var lo listObjectsJSON
	c.call("GET", "/bkt-test", "", nil).want(t, 200, "").json(t, &lo)
	if len(lo.Keys) != 1 || !lo.Keys[0].Encrypted {
		t.Fatalf("listing %+v", lo)
	}
	// copy needs the source key; the target may get another key or none
	c.call("PUT", "/bkt-test/copy", "", nil, withHeader("X-QS-Copy-Source", "/bkt-test/enc")).want(t, 403, "permission_denied")
	opts := append(sseHeadersPrefix("X-QS-Copy-Source-Encryption-Customer-", testKey), sseHeaders(otherKey)...)
	opts = append(opts, withHeader("X-QS-Copy-Source", "/bkt-test/enc"))
	c.call("PUT", "/bkt-test/copy", "", nil, opts...).want(t, 201, "")
	c.call("GET", "/bkt-test/copy", "", nil, sseHeaders(testKey)...).want(t, 403, "permission_denied")
	if got := c.get("bkt-test", "copy", sseHeaders(otherKey)...); !bytes.Equal(got, plain) {
		t.Fatal("copy to a new key differs")
	}
	c.call("PUT", "/bkt-test/copy-plain", "", nil, append(sseHeadersPrefix("X-QS-Copy-Source-Encryption-Customer-", testKey), withHeader("X-QS-Copy-Source", "/bkt-test/enc"))...).want(t, 201, "")
	if got := c.get("bkt-test", "copy-plain"); !bytes.Equal(got, plain) {
		t.Fatal("decrypting copy differs")
	}
	// move keeps the encryption and needs no key
	c.call("PUT", "/bkt-test/moved", "", nil, withHeader("X-QS-Move-Source", "/bkt-test/enc")).want(t, 201, "")
	c.call("GET", "/bkt-test/moved", "", nil).want(t, 403, "permission_denied")
	if got := c.get("bkt-test", "moved", sseHeaders(testKey)...); !bytes.Equal(got, plain) {
		t.Fatal("moved object differs")
	}
	// multipart: every part needs the initiate key
	id := initiate(t, c, "mp-enc", sseHeaders(testKey)...)
	p0, p1 := randBytes(testMinPart), randBytes(1000)
	c.call("PUT", "/bkt-test/mp-enc", "part_number=0&upload_id="+id, p0).want(t, 403, "permission_denied")
	c.call("PUT", "/bkt-test/mp-enc", "part_number=0&upload_id="+id, p0, sseHeaders(otherKey)...).want(t, 403, "permission_denied")
	uploadPart(t, c, "mp-enc", id, 0, p0, sseHeaders(testKey)...)
	uploadPart(t, c, "mp-enc", id, 1, p1, sseHeaders(testKey)...)
	done := c.call("POST", "/bkt-test/mp-enc", "upload_id="+id, []byte(`{"object_parts":[{"part_number":0},{"part_number":1}]}`)).want(t, 201, "")
	if done.header.Get("X-Qs-Encryption-Customer-Algorithm") != "AES256" || done.header.Get("X-Qs-Encryption-Customer-Key-Md5") != "3I/h1kl+vSP1l12NKhxegQ==" {
		t.Fatalf("Complete of an encrypted upload: %v", done.header)
	}
	want := append(append([]byte(nil), p0...), p1...)
	if got := c.get("bkt-test", "mp-enc", sseHeaders(testKey)...); !bytes.Equal(got, want) {
		t.Fatal("encrypted multipart differs")
	}
	r2 := c.call("GET", "/bkt-test/mp-enc", "", nil, append(sseHeaders(testKey), withHeader("Range", "bytes=65530-65545"))...).want(t, 206, "")
	if !bytes.Equal(r2.body, want[65530:65546]) {
		t.Fatal("encrypted range across parts differs")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
