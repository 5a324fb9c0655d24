package main

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1024": 1024, "4MiB": 4 << 20, "4M": 4 << 20, "4mb": 4 << 20,
		"1G": 1 << 30, "2KiB": 2048, "1T": 1 << 40} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-1", "1.5G", "99999999999T"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) succeeded", in)
		}
	}
	for n, want := range map[int64]string{0: "0B", 1023: "1023B", 1024: "1KiB", 1536: "1.5KiB", 64 << 20: "64MiB", 3 << 30: "3GiB"} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %s, want %s", n, got, want)
		}
	}
}

// FuzzCLIParseSize: no input makes parseSize panic or overflow; a size it
// accepts is not negative, and its human form parses back when exact.
func FuzzCLIParseSize(f *testing.F) {
	for _, s := range []string{"64MiB", "1G", "0", "-1", "9223372036854775807T", "4 MiB", "k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n, err := parseSize(v)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("parseSize(%q) = %d", v, n)
		}
		h := humanSize(n)
		if strings.Contains(h, ".") {
			return // rounded: not meant to parse back exactly
		}
		if back, err := parseSize(h); err != nil || back != n {
			t.Fatalf("parseSize(%q) = %d, humanSize %q parses to %d, %v", v, n, h, back, err)
		}
	})
}
