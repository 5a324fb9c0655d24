package fswrap

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	_ "github.com/qsgo/qsgo/internal/testservice"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
	"go.uber.org/goleak"
)

func newStore(t *testing.T, bucket string, files map[string]string) types.Storager {
	t.Helper()
	s, err := services.NewStoragerFromString("testservice://" + bucket + "/root/")
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if _, err := s.Write(name, strings.NewReader(content), int64(len(content))); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestFSConformance(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := newStore(t, "fswrap-conf", map[string]string{
		"a.txt": "alpha", "dir/b.txt": strings.Repeat("b", 100000), "dir/sub/c.txt": "", "dir/sub/d.txt": "delta",
	})
	if err := fstest.TestFS(Fs(s), "a.txt", "dir/b.txt", "dir/sub/c.txt", "dir/sub/d.txt"); err != nil {
		t.Fatal(err)
	}
}

func TestOpenErrorsAndSeek(t *testing.T) {
	defer goleak.VerifyNone(t)
	fsys := Fs(newStore(t, "fswrap-seek", map[string]string{"f": "0123456789"}))
	for _, bad := range []string{"/abs", "../x", "a//b", "", `a\b`} {
		if _, err := fsys.Open(bad); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%q) = %v", bad, err)
		}
	}
	if _, err := fsys.Open("missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
	f, err := fsys.Open("f")
	if err != nil {
		t.Fatal(err)
	}
	rs := f.(io.ReadSeeker)
	buf := make([]byte, 3)
	io.ReadFull(rs, buf)
	if string(buf) != "012" {
		t.Fatalf("read %q", buf)
	}
	if off, err := rs.Seek(-2, io.SeekEnd); off != 8 || err != nil {
		t.Fatalf("seek %d %v", off, err)
	}
	rest, _ := io.ReadAll(rs)
	if string(rest) != "89" {
		t.Fatalf("rest %q", rest)
	}
	// Closing mid-stream stops the reading goroutine (goleak checks it).
	rs.Seek(0, io.SeekStart)
	rs.Read(buf[:1])
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Read(buf); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("read after close: %v", err)
	}
}

func TestHttpFs(t *testing.T) {
	s := newStore(t, "fswrap-http", map[string]string{"index.txt": "hello over http", "d/x": "x"})
	srv := httptest.NewServer(http.FileServer(HttpFs(s)))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/index.txt")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello over http" {
		t.Fatalf("body %q", body)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/index.txt", nil)
	req.Header.Set("Range", "bytes=6-9")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || string(body) != "over" {
		t.Fatalf("range: %d %q", resp.StatusCode, body)
	}
	resp, err = http.Get(srv.URL + "/d/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `href="x"`) {
		t.Fatalf("listing %q", body)
	}
}

// TestOptionalInterfaces: code written for go-storage v4 type-asserts the
// value of Fs to fs.StatFS, fs.ReadFileFS, fs.ReadDirFS, fs.GlobFS and
// fs.SubFS; each must be there and agree with Open (fstest.TestFS in
// TestFSConformance cross-checks them too).
func TestOptionalInterfaces(t *testing.T) {
	defer goleak.VerifyNone(t)
	fsys := Fs(newStore(t, "fswrap-optional", map[string]string{
		"top.txt": "top", "d/one.txt": "one", "d/two.log": "two", "d/e/three.txt": "three",
	}))

	st, ok := fsys.(fs.StatFS)
	if !ok {
		t.Fatal("not an fs.StatFS")
	}
	if fi, err := st.Stat("d/one.txt"); err != nil || fi.Name() != "one.txt" || fi.Size() != 3 || fi.IsDir() {
		t.Fatalf("Stat file = %v, %v", fi, err)
	}
	if fi, err := st.Stat("d/e"); err != nil || !fi.IsDir() {
		t.Fatalf("Stat implied dir = %v, %v", fi, err)
	}
	var pe *fs.PathError
	if _, err := st.Stat("nope"); !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Op != "stat" {
		t.Fatalf("Stat missing = %v", err)
	}

	rf, ok := fsys.(fs.ReadFileFS)
	if !ok {
		t.Fatal("not an fs.ReadFileFS")
	}
	if b, err := rf.ReadFile("d/e/three.txt"); err != nil || string(b) != "three" {
		t.Fatalf("ReadFile = %q, %v", b, err)
	}
	if _, err := rf.ReadFile("d"); err == nil {
		t.Fatal("ReadFile of a directory succeeded")
	}
	if _, err := rf.ReadFile("../x"); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("ReadFile of an invalid name = %v", err)
	}

	rd, ok := fsys.(fs.ReadDirFS)
	if !ok {
		t.Fatal("not an fs.ReadDirFS")
	}
	entries, err := rd.ReadDir("d")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name()+map[bool]string{true: "/"}[e.IsDir()])
	}
	if strings.Join(names, " ") != "e/ one.txt two.log" {
		t.Fatalf("ReadDir(d) = %v", names)
	}
	if _, err := rd.ReadDir("top.txt"); err == nil {
		t.Fatal("ReadDir of a file succeeded")
	}

	g, ok := fsys.(fs.GlobFS)
	if !ok {
		t.Fatal("not an fs.GlobFS")
	}
	if m, err := g.Glob("d/*.txt"); err != nil || strings.Join(m, " ") != "d/one.txt" {
		t.Fatalf("Glob(d/*.txt) = %v, %v", m, err)
	}
	if m, err := g.Glob("*/*/*"); err != nil || strings.Join(m, " ") != "d/e/three.txt" {
		t.Fatalf("Glob(*/*/*) = %v, %v", m, err)
	}
	if _, err := g.Glob("[x"); !errors.Is(err, path.ErrBadPattern) {
		t.Fatalf("Glob of a bad pattern = %v", err)
	}

	sf, ok := fsys.(fs.SubFS)
	if !ok {
		t.Fatal("not an fs.SubFS")
	}
	sub, err := sf.Sub("d")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(sub, "e/three.txt"); err != nil || string(b) != "three" {
		t.Fatalf("Sub(d) ReadFile = %q, %v", b, err)
	}
	if err := fstest.TestFS(sub, "one.txt", "two.log", "e/three.txt"); err != nil {
		t.Fatal(err)
	}
}
