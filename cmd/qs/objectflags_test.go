package main

import (
	"testing"

	"github.com/qsgo/qsgo/services/memory"
)

func TestGuessContentType(t *testing.T) {
	for name, want := range map[string]string{
		"index.html": "text/html; charset=utf-8", "a/b/PHOTO.JPG": "image/jpeg", "app.js": "text/javascript; charset=utf-8",
		"font.woff2": "font/woff2", "x.tar.gz": "application/gzip", "README": "", "dir.d/file": "", ".hidden": "",
	} {
		if got := guessContentType(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

func TestObjectFlagsPairs(t *testing.T) {
	f := objectFlags{cacheControl: "no-cache", metadata: []string{"A-b=1=2"}}
	m, err := f.parse()
	if err != nil {
		t.Fatal(err)
	}
	if m.meta["a-b"] != "1=2" {
		t.Errorf("metadata %v", m.meta)
	}
	// Other services get the content type only.
	_, s, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	ps := m.pairs(s, "a.css")
	if len(ps) != 1 || ps[0].Key != "content_type" || ps[0].Value != "text/css; charset=utf-8" {
		t.Errorf("pairs %v", ps)
	}
	m.noGuess = true
	if ps := m.pairs(s, "a.css"); len(ps) != 0 {
		t.Errorf("no guess: pairs %v", ps)
	}
	for _, bad := range []objectFlags{{metadata: []string{"no-equals"}}, {metadata: []string{"bad name=x"}},
		{storageClass: "COLD"}, {cacheControl: "a\r\nInjected: 1"}} {
		if _, err := bad.parse(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
