package qingstor

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// Tests for defects of go-service-qingstor v3.3.0 that qsgo must not
// repeat (README.md lists them), and for two contracts that v3.3.0 kept
// (part index range, Reach expiry) pinned the same way.

// TestListNeverEndsEarly: v3 stopped listing at the first page without
// keys (a page of common prefixes only, or holding only the skipped marker).
func TestListNeverEndsEarly(t *testing.T) {
	srv := localServer(t)
	st := newStore(t, srv, uniqueDir("/list/"))
	old := listPageSize
	listPageSize = 2
	t.Cleanup(func() { listPageSize = old })
	if _, err := st.CreateDir("d"); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for i := 0; i < 5; i++ {
		name := fmt.Sprintf("d/sub%d/f", i)
		if _, err := st.Write(name, nil, 0); err != nil {
			t.Fatal(err)
		}
		want[fmt.Sprintf("d/sub%d/", i)] = true
	}
	if _, err := st.Write("d/zz-file", nil, 0); err != nil {
		t.Fatal(err)
	}
	want["d/zz-file"] = true
	for _, pageSize := range []int{1, 2, 3} {
		listPageSize = pageSize
		it, err := st.List("d/", ps.WithListMode(types.ListModeDir))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, o := range mustList(t, it) {
			got[o.Path] = true
			if strings.HasSuffix(o.Path, "/") != o.Mode.IsDir() {
				t.Errorf("page size %d: %s has mode %s", pageSize, o.Path, o.Mode)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("page size %d: listed %v, want %v", pageSize, got, want)
		}
		for k := range want {
			if !got[k] {
				t.Fatalf("page size %d: %s missing from %v", pageSize, k, got)
			}
		}
	}
}

// TestCopySourceEscaping: v3 escaped the copy source with url.QueryEscape
// ("/" as %2F, space as "+"), so keys with spaces, "+" or "/" broke.
func TestCopySourceEscaping(t *testing.T) {
	srv := localServer(t)
	st := newStore(t, srv, uniqueDir("/copy esc+/"))
	for i, src := range []string{"a b+c/d e", "中文/ключ %2F+ x", "semi;colon&amp=?#"} {
		data := []byte(src)
		if _, err := st.Write(src, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatalf("Write(%q): %v", src, err)
		}
		dst := fmt.Sprintf("dst %d+/%s", i, src)
		if err := st.Copy(src, dst); err != nil {
			t.Fatalf("Copy(%q, %q): %v", src, dst, err)
		}
		var buf bytes.Buffer
		if _, err := st.Read(dst, &buf); err != nil || buf.String() != src {
			t.Fatalf("Read(%q) = %q, %v", dst, buf.String(), err)
		}
		moved := dst + " moved"
		if err := st.Move(dst, moved); err != nil {
			t.Fatalf("Move(%q): %v", dst, err)
		}
		if _, err := st.Stat(dst); !errors.Is(err, services.ErrObjectNotExist) {
			t.Fatalf("Stat(%q) after Move: %v", dst, err)
		}
	}
}

// TestContentTypeSent: v3 did not send content_type on Write.
func TestContentTypeSent(t *testing.T) {
	srv := localServer(t)
	st := newStore(t, srv, uniqueDir("/ctype/"))
	if _, err := st.Write("page.html", strings.NewReader("<p>"), 3, ps.WithContentType("text/html; charset=utf-8")); err != nil {
		t.Fatal(err)
	}
	o, err := st.Stat("page.html")
	if err != nil {
		t.Fatal(err)
	}
	if ct, _ := o.GetContentType(); ct != "text/html; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
}

// TestFetchHonoursWorkDir: v3 fetched into the bucket root.
func TestFetchHonoursWorkDir(t *testing.T) {
	srv := localServer(t)
	wd := uniqueDir("/fetch/")
	st := newStore(t, srv, wd)
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5")
		io.WriteString(w, "hello")
	}))
	t.Cleanup(src.Close)
	if err := st.Fetch("f", src.URL+"/x"); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	root := newStore(t, srv, "/")
	if _, err := root.Stat(strings.TrimPrefix(wd, "/") + "f"); err != nil {
		t.Fatalf("fetched object is not in the work dir: %v", err)
	}
	if _, err := root.Stat("f"); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("fetched object landed in the bucket root: %v", err)
	}
}

// TestLinkTargetNonASCII: v3 put raw targets into metadata, which must be
// printable ASCII, so non-ASCII targets were not round-tripped.
func TestLinkTargetNonASCII(t *testing.T) {
	srv := localServer(t)
	st := newStore(t, srv, uniqueDir("/links/"), "enable_virtual_link")
	target := "目录/файл with space%20+?"
	o, err := st.CreateLink("lnk", target)
	if err != nil {
		t.Fatalf("CreateLink: %v", err)
	}
	want := st.Metadata().WorkDir + target
	if got, _ := o.GetLinkTarget(); got != want {
		t.Fatalf("CreateLink target %q, want %q", got, want)
	}
	o, err = st.Stat("lnk")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := o.GetLinkTarget(); got != want || !o.Mode.IsLink() {
		t.Fatalf("Stat: mode %s target %q, want %q", o.Mode, got, want)
	}
	m, err := st.client.HeadObject(t.Context(), st.name, st.key("lnk"), nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := m.Metadata[linkTargetMeta]
	for i := 0; i < len(raw); i++ {
		if raw[i] <= 0x20 || raw[i] > 0x7e {
			t.Fatalf("stored link target %q is not printable ASCII", raw)
		}
	}
	// Without the feature, links are refused and the object is a file.
	plain := newStore(t, srv, st.Metadata().WorkDir)
	if _, err := plain.CreateLink("other", "x"); !errors.Is(err, services.ErrCapabilityInsufficient) {
		t.Fatalf("CreateLink without enable_virtual_link: %v", err)
	}
	if o, err := plain.Stat("lnk"); err != nil || o.Mode.IsLink() {
		t.Fatalf("Stat of a link without the feature: %v, %v", o, err)
	}
}

// countingServer answers every request with 500 and counts them, to prove
// that bad input is refused before any request.
func countingServer(t *testing.T) (*Storage, *atomic.Int64) {
	var n atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	t.Cleanup(hs.Close)
	u, _ := url.Parse(hs.URL)
	st, err := NewStorager(ps.WithCredential("hmac:ak:sk"), ps.WithEndpoint("http:"+strings.ReplaceAll(u.Host, ":", ":")),
		ps.WithName("abcdef"), ps.WithLocation("pek3b"))
	if err != nil {
		t.Fatal(err)
	}
	return st.(*Storage), &n
}

// TestPartIndexChecked: part indexes outside 0..10000 fail before any
// request (as in v3.3.0).
func TestPartIndexChecked(t *testing.T) {
	st, n := countingServer(t)
	o := st.Create("p", ps.WithMultipartID("id"))
	for _, idx := range []int{-1, 10001, 1 << 40} {
		if _, _, err := st.WriteMultipart(o, strings.NewReader("x"), 1, idx); !errors.Is(err, ErrPartNumberInvalid) {
			t.Fatalf("WriteMultipart index %d: %v", idx, err)
		}
		if _, err := st.QuerySignHTTPWriteMultipart(o, 1, idx, time.Hour); !errors.Is(err, ErrPartNumberInvalid) {
			t.Fatalf("QuerySignHTTPWriteMultipart index %d: %v", idx, err)
		}
		if err := st.CompleteMultipart(o, []*types.Part{{Index: idx}}); !errors.Is(err, ErrPartNumberInvalid) {
			t.Fatalf("CompleteMultipart index %d: %v", idx, err)
		}
	}
	if n.Load() != 0 {
		t.Fatalf("%d requests sent for invalid part numbers", n.Load())
	}
	// 0 and 10000 are QingStor part numbers.
	srv := localServer(t)
	real := newStore(t, srv, uniqueDir("/parts/"))
	mo, err := real.CreateMultipart("big")
	if err != nil {
		t.Fatal(err)
	}
	for _, idx := range []int{0, 10000} {
		if _, p, err := real.WriteMultipart(mo, strings.NewReader("x"), 1, idx); err != nil || p.Index != idx {
			t.Fatalf("WriteMultipart index %d: %v, %v", idx, p, err)
		}
	}
}

// TestAppendOffsetInStat: v3's Stat of an appendable object had no append offset.
func TestAppendOffsetInStat(t *testing.T) {
	srv := localServer(t)
	st := newStore(t, srv, uniqueDir("/append/"))
	o, err := st.CreateAppend("log")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.WriteAppend(o, strings.NewReader("hello "), 6); err != nil {
		t.Fatal(err)
	}
	got, err := st.Stat("log")
	if err != nil {
		t.Fatal(err)
	}
	if off, ok := got.GetAppendOffset(); !ok || off != 6 || !got.Mode.IsAppend() {
		t.Fatalf("Stat: mode %s offset %d (%v), want append at 6", got.Mode, off, ok)
	}
	// A stat'ed object continues the append.
	if _, err := st.WriteAppend(got, strings.NewReader("world"), 5); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := st.Read("log", &buf); err != nil || buf.String() != "hello world" {
		t.Fatalf("Read = %q, %v", buf.String(), err)
	}
}

// TestReachExpireIsADuration: expire is a duration from now (as in
// v3.3.0), and the URL stops working after it.
func TestReachExpireIsADuration(t *testing.T) {
	var offset atomic.Int64
	srv := localServer(t, func(o *qslocal.Options) {
		o.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	st := newStore(t, srv, uniqueDir("/reach/"))
	if _, err := st.Write("r", strings.NewReader("data"), 4); err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	u, err := st.Reach("r", ps.WithExpire(90*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse(u)
	exp, _ := strconv.ParseInt(pu.Query().Get("expires"), 10, 64)
	if d := time.Unix(exp, 0).Sub(before); d < 89*time.Minute || d > 91*time.Minute {
		t.Fatalf("URL expires in %v, want 90m", d)
	}
	get := func() int {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(); code != http.StatusOK {
		t.Fatalf("GET of the reach URL: %d", code)
	}
	offset.Store(int64(2 * time.Hour))
	if code := get(); code != http.StatusForbidden {
		t.Fatalf("GET of an expired reach URL: %d, want 403", code)
	}
}

// TestStorageClass: the class is sent and reported; a typo fails before
// any request.
func TestStorageClass(t *testing.T) {
	srv := localServer(t)
	st := newStore(t, srv, uniqueDir("/class/"))
	if _, err := st.Write("ia", strings.NewReader("x"), 1, WithStorageClass("STANDARD_IA")); err != nil {
		t.Fatal(err)
	}
	o, err := st.Stat("ia")
	if err != nil {
		t.Fatal(err)
	}
	if sc := GetObjectSystemMetadata(o).StorageClass; sc != "STANDARD_IA" {
		t.Fatalf("storage class %q", sc)
	}
	cs, n := countingServer(t)
	_, err = cs.Write("x", strings.NewReader("x"), 1, WithStorageClass("standard-ia"))
	if !errors.Is(err, ErrStorageClassInvalid) {
		t.Fatalf("Write with a bad class: %v", err)
	}
	if _, err := cs.CreateMultipart("x", WithStorageClass("COLD")); !errors.Is(err, ErrStorageClassInvalid) {
		t.Fatalf("CreateMultipart with a bad class: %v", err)
	}
	if _, err := cs.CreateDir("x", WithStorageClass("COLD")); !errors.Is(err, ErrStorageClassInvalid) {
		t.Fatalf("CreateDir with a bad class: %v", err)
	}
	if n.Load() != 0 {
		t.Fatalf("%d requests sent", n.Load())
	}
}
