package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// TestServePrintsAndServes runs "qs serve" on a free port with keys from the
// environment, waits for the banner, makes a signed request with the printed
// keys, and stops it by cancelling its context (as SIGINT does).
func TestServePrintsAndServes(t *testing.T) {
	t.Setenv("QINGSTOR_ACCESS_KEY_ID", "ENVAK")
	t.Setenv("QINGSTOR_SECRET_ACCESS_KEY", "ENVSK")
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
	sc := bufio.NewScanner(pr)
	var banner strings.Builder
	for sc.Scan() {
		banner.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "ready") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	out := banner.String()
	m := regexp.MustCompile(`qingstor://\?credential=hmac:ENVAK:ENVSK&endpoint=http:(127\.0\.0\.1:\d+)`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "access_key_id: 'ENVAK'") || !strings.Contains(out, "put a bucket name after qingstor://") {
		t.Fatalf("banner:\n%s", out)
	}
	r, _ := http.NewRequest("PUT", "http://"+m[1]+"/bkt-serve", nil)
	sign.SignRequest(r, "ENVAK", "ENVSK", sign.CanonicalURI(r.URL.Path, ""))
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("PUT bucket: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeCredentials(t *testing.T) {
	t.Setenv("QINGSTOR_ACCESS_KEY_ID", "")
	t.Setenv("QINGSTOR_SECRET_ACCESS_KEY", "")
	if _, err := serveCredentials(serveFlags{accessKeyID: "only"}); err == nil {
		t.Fatal("access key without secret accepted")
	}
	c, err := serveCredentials(serveFlags{})
	if err != nil || len(c) != 1 {
		t.Fatalf("generated: %v %v", c, err)
	}
	c, err = serveCredentials(serveFlags{accessKeyID: "AK", secretAccessKey: "SK"})
	if err != nil || c["AK"] != "SK" {
		t.Fatalf("flags: %v %v", c, err)
	}
}
