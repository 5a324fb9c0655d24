package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rules builds a filter from "+pattern" (include) and "-pattern" (exclude).
func rules(t testing.TB, specs ...string) *filter {
	t.Helper()
	f := &filter{}
	for _, s := range specs {
		if err := f.add(s[0] == '+', s[1:]); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return f
}

func TestFilterKeep(t *testing.T) {
	cases := []struct {
		rules []string
		keep  []string
		drop  []string
	}{
		// Directory depth: every spelling of "all of d01" works.
		{[]string{"-d01/**"}, []string{"a", "d02/x", "x/d010/y", "d01"}, []string{"d01/a", "d01/b/c", "x/d01/y"}},
		{[]string{"-d01/"}, []string{"a", "d01"}, []string{"d01/a", "d01/b/c", "x/d01/y"}},
		{[]string{"-d01/*"}, []string{"d01/b/c", "d01"}, []string{"d01/a", "x/d01/a"}},
		// Without a trailing slash a pattern names files only (rclone).
		{[]string{"-d01"}, []string{"d01/a", "x/d01/y"}, []string{"d01", "x/d01"}},
		// Anchored at the root.
		{[]string{"-/d01/**"}, []string{"x/d01/y", "d01"}, []string{"d01/a"}},
		{[]string{"-/top.txt"}, []string{"a/top.txt"}, []string{"top.txt"}},
		// * stays within a segment, ** crosses them, ? is one character.
		{[]string{"-*.log"}, []string{"a.txt", "log"}, []string{"a.log", "x/y/b.log"}},
		{[]string{"-/*.log"}, []string{"x/b.log"}, []string{"a.log"}},
		{[]string{"-/a/**/z.txt"}, []string{"a/z.txt", "b/x/z.txt"}, []string{"a/x/z.txt", "a/x/y/z.txt"}},
		{[]string{"-file?.txt"}, []string{"file10.txt", "file/.txt"}, []string{"file1.txt", "d/fileX.txt"}},
		// A segment boundary: "b.txt" does not match "ab.txt".
		{[]string{"-b.txt"}, []string{"ab.txt"}, []string{"b.txt", "x/b.txt"}},
		// Classes, negated classes, alternatives, escapes.
		{[]string{"-[0-9]*"}, []string{"a1", "d/a1"}, []string{"1a", "d/2"}},
		{[]string{"-[!a]*"}, []string{"abc", "d/a"}, []string{"bcd", "d/b"}},
		{[]string{"-*.{jpg,png}"}, []string{"a.gif", "jpg"}, []string{"a.jpg", "d/b.png"}},
		{[]string{`-\*.txt`}, []string{"a.txt"}, []string{"*.txt"}},
		// Order decides: the first match wins.
		{[]string{"+d01/keep.txt", "-d01/**"}, []string{"d01/keep.txt"}, []string{"d01/drop.txt", "other"}},
		{[]string{"-/d01/**", "+d01/keep.txt"}, []string{"x/d01/keep.txt"}, []string{"d01/keep.txt", "d01/drop.txt", "other"}},
		{[]string{"-sub/**", "+*.txt"}, []string{"x.txt", "d/x.txt"}, []string{"sub/z.txt", "y.log"}},
		// An include excludes everything else.
		{[]string{"+*.txt"}, []string{"a.txt", "d/b.txt"}, []string{"a.log", "txt"}},
		{[]string{"+/a/**"}, []string{"a/b", "a/b/c"}, []string{"b/a/c", "a"}},
		// No rule keeps everything.
		{nil, []string{"a", "b/c"}, nil},
	}
	for _, c := range cases {
		f := rules(t, c.rules...)
		for _, p := range c.keep {
			if !f.keep(p) {
				t.Errorf("%q: %s excluded, want kept", c.rules, p)
			}
		}
		for _, p := range c.drop {
			if f.keep(p) {
				t.Errorf("%q: %s kept, want excluded", c.rules, p)
			}
		}
	}
}

func TestFilterSkipDir(t *testing.T) {
	cases := []struct {
		rules []string
		skip  []string
		enter []string
	}{
		{[]string{"-d01/**"}, []string{"d01", "x/d01", "d01/sub"}, []string{"d02", "d010"}},
		{[]string{"-d01/"}, []string{"d01", "x/d01"}, []string{"d02"}},
		// Files only: the directory must be entered.
		{[]string{"-d01/*"}, nil, []string{"d01"}},
		{[]string{"-d01"}, nil, []string{"d01"}},
		{[]string{"-/d01/**"}, []string{"d01"}, []string{"x/d01"}},
		// A file included before the directory's exclude keeps it open.
		{[]string{"+/d01/keep.txt", "-d01/**"}, []string{"d02/d01"}, []string{"d01"}},
		{[]string{"+d01/keep.txt", "-d01/**"}, nil, []string{"d01", "x/d01"}},
		// Includes: directories that cannot hold a match are skipped.
		{[]string{"+/a/b/*.txt"}, []string{"c", "a/c", "a/b/c"}, []string{"a", "a/b"}},
		{[]string{"+/a/**"}, []string{"b"}, []string{"a", "a/x/y"}},
		{[]string{"+/a/**/z"}, []string{"b"}, []string{"a", "a/x/y"}},
		{[]string{"+*.txt"}, nil, []string{"a", "a/b"}},
		{[]string{"+/top.txt"}, []string{"a", "a/b"}, nil},
		{[]string{"+/{a,b}/x"}, nil, []string{"c"}},
		{nil, nil, []string{"a"}},
	}
	for _, c := range cases {
		f := rules(t, c.rules...)
		for _, d := range c.skip {
			if !f.skipDir(d) {
				t.Errorf("%q: directory %s entered, want skipped", c.rules, d)
			}
		}
		for _, d := range c.enter {
			if f.skipDir(d) {
				t.Errorf("%q: directory %s skipped, want entered", c.rules, d)
			}
		}
	}
}

func TestFilterBadPatterns(t *testing.T) {
	for _, p := range []string{"", "[bad", "a{b", "a}b", "{a,{b}}", `x\`, "[z-a]"} {
		if err := (&filter{}).add(false, p); err == nil {
			t.Errorf("pattern %q accepted", p)
		}
	}
}

func TestFilterFromFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "rules")
	os.WriteFile(p, []byte("# comment\n\n; other comment\n  *.tmp  \nbuild/\n"), 0o644)
	var ff filterFlags
	rf := &ruleFlag{f: &ff, from: true}
	if err := rf.Set(p); err != nil {
		t.Fatal(err)
	}
	if err := (&ruleFlag{f: &ff, include: true}).Set("*.go"); err != nil {
		t.Fatal(err)
	}
	f := &ff.flt
	if len(f.rules) != 3 {
		t.Fatalf("%d rules, want 3", len(f.rules))
	}
	for rel, want := range map[string]bool{"a.tmp": false, "build/x.go": false, "main.go": true, "README": false} {
		if f.keep(rel) != want {
			t.Errorf("keep(%s) = %v, want %v", rel, !want, want)
		}
	}
	if err := rf.Set(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing rules file accepted")
	}
}

// TestFilterReportsOnce checks that each excluded path is named once.
func TestFilterReportsOnce(t *testing.T) {
	f := rules(t, "-*.tmp", "-cache/")
	var got []string
	f.report = func(rel string) { got = append(got, rel) }
	f.keep("a.tmp")
	f.keep("a.tmp")
	f.keep("b.txt")
	f.skipDir("cache")
	if strings.Join(got, ",") != "a.tmp,cache/" {
		t.Errorf("reported %q", got)
	}
}

// FuzzFilter checks that no pattern panics, and that a directory is
// skipped only when the file paths below it are excluded.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{"d01/**", "/a/*/b", "*.{jpg,png}", "[!a]?", `\*`, "**/x/", "/a/**/z"} {
		f.Add(s, "d01/x", true)
	}
	f.Fuzz(func(t *testing.T, pattern, rel string, include bool) {
		flt := &filter{}
		if flt.add(include, pattern) != nil {
			return
		}
		flt.keep(rel)
		dir, _, ok := strings.Cut(rel, "/")
		if ok && dir != "" && flt.skipDir(dir) && flt.match(rel) {
			t.Errorf("pattern %q: directory %s skipped but %s kept", pattern, dir, rel)
		}
	})
}
