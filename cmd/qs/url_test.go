package main

import (
	"errors"
	"testing"
)

func TestParseLocation(t *testing.T) {
	good := map[string]location{
		"-":                    {Stdio: true},
		"dir/file.txt":         {Path: "dir/file.txt"},
		"qs://my-bucket":       {Remote: true, Bucket: "my-bucket"},
		"qs://my-bucket/":      {Remote: true, Bucket: "my-bucket"},
		"qs://my-bucket/a/b/":  {Remote: true, Bucket: "my-bucket", Key: "a/b/"},
		"qs://my-bucket/a b.c": {Remote: true, Bucket: "my-bucket", Key: "a b.c"},
	}
	for in, want := range good {
		got, err := parseLocation(in)
		if err != nil || got != want {
			t.Errorf("parseLocation(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "qs://", "qs:///key", "qs://ab/", "qs://-bucket/", "qs://UPPER-case/",
		"qs://192.168.1.1/", "s3://bucket/k", "qs://my-bucket/a//b", "qs://my-bucket/../x", "qs://my-bucket/./x"} {
		if _, err := parseLocation(in); !errors.Is(err, errBadURL) {
			t.Errorf("parseLocation(%q) error %v, want errBadURL", in, err)
		}
	}
}

func TestLocationHelpers(t *testing.T) {
	l := location{Remote: true, Bucket: "my-bucket", Key: "dir"}
	if got := l.child("x/y").String(); got != "qs://my-bucket/dir/x/y" {
		t.Errorf("child: %s", got)
	}
	if l.isDir() || !l.child("z/").isDir() {
		t.Error("isDir wrong")
	}
	if baseName("a/b/c.txt") != "c.txt" || baseName("a/b/") != "b" || baseName("c") != "c" {
		t.Error("baseName wrong")
	}
	if dirPrefix("") != "" || dirPrefix("a") != "a/" || dirPrefix("a/") != "a/" {
		t.Error("dirPrefix wrong")
	}
}

// FuzzCLIParseLocation: no argument makes parseLocation panic; a parsed
// remote location prints back to a string that parses to the same
// location, and every error is a bad-location error.
func FuzzCLIParseLocation(f *testing.F) {
	for _, s := range []string{"-", "qs://my-bucket/a/b/", "qs://", "s3://x/y", "qs://Bad/", "qs://my-bucket/a//b", "dir/f", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		l, err := parseLocation(arg)
		if err != nil {
			if !errors.Is(err, errBadURL) {
				t.Fatalf("parseLocation(%q): %v is not a bad-location error", arg, err)
			}
			return
		}
		if !l.Remote {
			return
		}
		again, err := parseLocation(l.String())
		if err != nil || again != l {
			t.Fatalf("parseLocation(%q) = %+v, printed %q, parsed again %+v, %v", arg, l, l.String(), again, err)
		}
	})
}
