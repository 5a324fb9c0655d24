package qingstor

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qsgo/qsgo/qsapi"
)

// FuzzLinkTarget: any target round-trips through the metadata encoding,
// which is printable ASCII without spaces.
func FuzzLinkTarget(f *testing.F) {
	for _, s := range []string{"", "/a/b", "目录/文件", "100%", "%zz", "a b+c", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		enc := encodeLinkTarget(target)
		for i := 0; i < len(enc); i++ {
			if enc[i] <= 0x20 || enc[i] > 0x7e {
				t.Fatalf("encoded %q has byte %#x", enc, enc[i])
			}
		}
		if got := decodeLinkTarget(enc); got != target {
			t.Fatalf("round trip of %q gave %q", target, got)
		}
		_ = decodeLinkTarget(target) // foreign values never panic
	})
}

// FuzzPaths: work dir normalisation and key mapping never panic, accepted
// work dirs are absolute with one trailing "/", and relative paths map
// below the work dir.
func FuzzPaths(f *testing.F) {
	f.Add("/a/b", "c/d", false)
	f.Add("a", "/x", true)
	f.Add("//w//", "p//q", false)
	f.Add("/../", "", true)
	f.Fuzz(func(t *testing.T, wd, p string, noClean bool) {
		n, err := normaliseWorkDir(wd)
		if err != nil {
			return
		}
		if !strings.HasPrefix(n, "/") || !strings.HasSuffix(n, "/") {
			t.Fatalf("work dir %q normalised to %q", wd, n)
		}
		if !noClean {
			n = qsapi.CollapseSlashes(n)
		}
		s := &Storage{workDir: n, prefix: n[1:], noClean: noClean}
		k := s.key(p)
		if !strings.HasPrefix(p, "/") && !strings.HasPrefix(k, s.prefix) && !noClean {
			// cleaning may only merge slashes of p into the prefix's last one
			if !strings.HasPrefix(k+"/", s.prefix) {
				t.Fatalf("key %q of %q is not below %q", k, p, s.prefix)
			}
		}
		if utf8.ValidString(p) && !utf8.ValidString(k) && utf8.ValidString(n) {
			t.Fatalf("key %q of valid %q is invalid UTF-8", k, p)
		}
		_, _ = s.fileKey(p)
		_ = s.dirKey(p)
		_ = s.relPath(k)
	})
}
