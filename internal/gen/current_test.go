package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCheckedInFilesAreCurrent regenerates every generated.go of the module
// into a temporary directory and compares it with the checked-in file, so a
// stale file fails `go test` as well as CI's `go generate` + `git status`.
func TestCheckedInFilesAreCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	tmp := t.TempDir()
	cases := []struct {
		name, dir string
		gen       func(out string) error
	}{
		{"types", "types", genTypes},
		{"pairs", "pairs", genPairs},
		{"memory", "services/memory", nil},
		{"qingstor", "services/qingstor", nil},
		{"testservice", "internal/testservice", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(root, filepath.FromSlash(c.dir))
			out := filepath.Join(tmp, c.name+".go")
			gen := c.gen
			if gen == nil {
				t.Setenv("GOPACKAGE", c.name)
				gen = func(out string) error { return genServiceFile(filepath.Join(dir, "service.json"), out) }
			}
			if err := gen(out); err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, "generated.go"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s/generated.go is stale: run go generate ./%s and commit it", c.dir, c.dir)
			}
		})
	}
}
