package main

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestConfigLayers: file, then environment, then flags.
func TestConfigLayers(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	os.WriteFile(p, []byte("access_key_id: FILEAK\nsecret_access_key: FILESK\nhost: files.example.com\nport: 8443\nprotocol: https\nzone: pek3a\nenable_virtual_host_style: true\n"), 0o600)
	env := map[string]string{envConfigPath: p, envSecretAccessKey: "ENVSK", envZone: "sh1a"}
	getenv := func(k string) string { return env[k] }
	flags := configFlags{host: "flag.example.com", set: func(n string) bool { return n == "host" }}
	c, err := loadConfig(flags, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "FILEAK" || c.SecretAccessKey != "ENVSK" || c.Host != "flag.example.com" || c.Port != 8443 ||
		c.Zone != "sh1a" || !c.EnableVirtualHostStyle || c.Source != p {
		t.Errorf("config %+v", c)
	}
	env[envPort] = "http"
	if _, err := loadConfig(configFlags{}, getenv); err == nil || !strings.Contains(err.Error(), "QINGSTOR_PORT") {
		t.Errorf("bad port: %v", err)
	}
	delete(env, envPort)
	env[envConfigPath] = filepath.Join(dir, "missing.yaml")
	if _, err := loadConfig(configFlags{}, getenv); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing named file: %v", err)
	}
	delete(env, envConfigPath)
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", "")
	c, err = loadConfig(configFlags{}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.requireCredentials(); !errors.Is(err, errNoCredentials) {
		t.Errorf("no key: %v", err)
	}
	os.MkdirAll(filepath.Join(dir, ".config", "qingstor"), 0o755)
	os.WriteFile(filepath.Join(dir, ".config", "qingstor", "config.yaml"), []byte("access_key_id: XDGAK\nsecret_access_key: XDGSK\n"), 0o600)
	c, err = loadConfig(configFlags{}, getenv)
	if err != nil || c.AccessKeyID != "XDGAK" || c.Port != 443 || c.Protocol != "https" {
		t.Errorf("~/.config/qingstor: %+v, %v", c, err)
	}
}

// TestExitCodes runs qs in-process: usage errors exit 2, failures 1.
func TestExitCodes(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv(envAccessKeyID, "")
	t.Setenv(envSecretAccessKey, "")
	for args, want := range map[string]int{
		"--help":              0,
		"ls s3://x/y":         2,
		"cp a b":              2,
		"nosuchcommand":       2,
		"ls --bogus":          2,
		"ls":                  2, // no credentials
		"cat qs://my-bucket/": 2,
	} {
		var out, errb bytes.Buffer
		if got := run(context.Background(), strings.Fields(args), strings.NewReader(""), &out, &errb); got != want {
			t.Errorf("qs %s: exit %d, want %d (stderr %q)", args, got, want, errb.String())
		}
	}
	if exitCode(context.Canceled) != exitInterrupted || exitCode(errors.New("x")) != exitFailure {
		t.Error("exitCode mapping")
	}
}

func TestRedactURL(t *testing.T) {
	u, _ := url.Parse("http://h/b/k?access_key_id=AK&expires=1&signature=SECRET")
	if s := redactURL(u); strings.Contains(s, "SECRET") || !strings.Contains(s, "signature=REDACTED") {
		t.Errorf("redactURL: %s", s)
	}
}
