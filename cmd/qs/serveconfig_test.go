package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeBannerConfig: the ~/.qingstor/config.yaml lines "qs serve"
// prints are enough for qs to reach that server.
func TestServeBannerConfig(t *testing.T) {
	for _, k := range []string{envAccessKeyID, envSecretAccessKey, envHost, envPort, envProtocol, envConfigPath, envConnectionString} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		f := serveFlags{addr: "127.0.0.1:0", data: t.TempDir(), zone: "pek3b", baseDomain: "qingstor.com", logLevel: "error"}
		err := runServe(ctx, pw, io.Discard, f)
		pw.Close()
		done <- err
	}()
	var cfg strings.Builder
	inConfig := false
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "ready"):
		case strings.HasSuffix(line, "config.yaml:"):
			inConfig = true
			continue
		case inConfig && strings.HasPrefix(line, "  "):
			cfg.WriteString(strings.TrimPrefix(line, "  ") + "\n")
			continue
		default:
			inConfig = false
			continue
		}
		break
	}
	go io.Copy(io.Discard, pr)
	if cfg.Len() == 0 {
		t.Fatal("the banner has no config.yaml lines")
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	qs := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"--config", path}, args...), strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, _, errs := qs("mb", "qs://banner-bucket"); code != 0 {
		t.Fatalf("mb with the banner's config: %d %s\nconfig:\n%s", code, errs, cfg.String())
	}
	if code, out, errs := qs("ls"); code != 0 || !strings.Contains(out, "banner-bucket") {
		t.Fatalf("ls: %d %q %s", code, out, errs)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
