package memory_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// FuzzPaths feeds arbitrary paths to every path-taking operation: nothing
// panics, and a path that Write accepts round-trips through Stat, Read,
// List and Delete under its normalised form.
func FuzzPaths(f *testing.F) {
	for _, seed := range []string{"a", "a/b", `a\b`, "/abs/x", "", ".", "..", "a/../b", "a/", "/", "//x//y", "a/./b", "\x00", "ü/ñ", `\\`} {
		f.Add(seed, []byte("content"))
	}
	f.Fuzz(func(t *testing.T, p string, content []byte) {
		s := newStore(t, pairs.WithWorkDir("/fuzz/"))
		norm := strings.ReplaceAll(p, `\`, "/")
		_, werr := s.Write(p, bytes.NewReader(content), int64(len(content)))
		// Whatever happened, the other operations answer without panicking.
		_, _ = s.Stat(p, pairs.WithObjectMode(types.ModeDir))
		_, _ = s.CreateDir(p + "-dir")
		_, _ = s.CreateLink(p+"-link", p)
		for _, mode := range []types.ListMode{types.ListModeDir, types.ListModePrefix, types.ListModePart} {
			it, err := s.List(p, pairs.WithListMode(mode))
			if err != nil {
				t.Fatalf("List(%q, %s): %v", p, mode, err)
			}
			for i := 0; ; i++ {
				if _, err := it.Next(); err != nil {
					if !errors.Is(err, types.IterateDone) {
						t.Fatalf("List(%q, %s): %v", p, mode, err)
					}
					break
				}
			}
		}
		if werr != nil {
			if !errors.Is(werr, services.ErrObjectModeInvalid) {
				t.Fatalf("Write(%q) failed with %v, want ErrObjectModeInvalid or success", p, werr)
			}
			return
		}
		o, err := s.Stat(p)
		if err != nil {
			t.Fatalf("Stat(%q) after Write: %v", p, err)
		}
		if o.Path != norm || o.MustGetContentLength() != int64(len(content)) {
			t.Fatalf("Stat(%q) = Path %q, length %d; want %q, %d", p, o.Path, o.MustGetContentLength(), norm, len(content))
		}
		var buf bytes.Buffer
		if _, err := s.Read(p, &buf); err != nil || !bytes.Equal(buf.Bytes(), content) {
			t.Fatalf("Read(%q) = %q, %v", p, buf.Bytes(), err)
		}
		if err := s.Delete(p); err != nil {
			t.Fatalf("Delete(%q): %v", p, err)
		}
		if _, err := s.Stat(p); !errors.Is(err, services.ErrObjectNotExist) {
			t.Fatalf("Stat(%q) after Delete: %v", p, err)
		}
	})
}
