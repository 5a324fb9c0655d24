package main

import (
	"testing"
	"time"
)

func TestFilter(t *testing.T) {
	f, err := newFilter([]string{"*.txt"}, []string{"sub/*", "secret*"})
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]bool{"a.txt": true, "deep/b.txt": true, "sub/c.txt": false,
		"a.log": false, "secret.txt": false, "x/secret-notes.txt": false} {
		if f.keep(rel) != want {
			t.Errorf("keep(%q) = %v, want %v", rel, !want, want)
		}
	}
	if _, err := newFilter([]string{"[bad"}, nil); err == nil {
		t.Error("bad pattern accepted")
	}
}

func TestEntriesDiffer(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	local := func(string) string { return "" }
	cases := []struct {
		name        string
		src, dst    entry
		exists, out bool
	}{
		{"missing", entry{size: 1}, entry{}, false, true},
		{"size", entry{size: 1, mtime: now}, entry{size: 2, mtime: now}, true, true},
		{"same", entry{size: 1, mtime: now.Add(400 * time.Millisecond)}, entry{size: 1, mtime: now}, true, false},
		{"newer source", entry{size: 1, mtime: now.Add(2 * time.Second)}, entry{size: 1, mtime: now}, true, true},
		{"older source", entry{size: 1, mtime: now.Add(-time.Hour)}, entry{size: 1, mtime: now}, true, false},
	}
	for _, c := range cases {
		got, err := entriesDiffer(c.src, c.dst, c.exists, false, false, local)
		if err != nil || got != c.out {
			t.Errorf("%s: %v, %v; want %v", c.name, got, err, c.out)
		}
	}
}
