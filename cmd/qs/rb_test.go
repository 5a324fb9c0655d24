package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/types"
)

// pointAt sets the QINGSTOR_* variables for ts and returns a runner of qs
// command lines in-process.
func pointAt(t *testing.T, ts *qslocal.TestServer) func(args ...string) (int, string, string) {
	t.Setenv("HOME", t.TempDir())
	for _, k := range []string{"XDG_CONFIG_HOME", envConfigPath, envConnectionString, envLogLevel, envZone} {
		t.Setenv(k, "")
	}
	t.Setenv(envAccessKeyID, ts.AccessKeyID)
	t.Setenv(envSecretAccessKey, ts.SecretAccessKey)
	t.Setenv(envHost, ts.Host)
	t.Setenv(envPort, strconv.Itoa(ts.Port))
	t.Setenv(envProtocol, "http")
	return func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}
}

// TestRbForce: rb --force deletes objects, directory markers and
// unfinished multipart uploads, then the bucket.
func TestRbForce(t *testing.T) {
	ts := qslocal.StartTest(t)
	qs := pointAt(t, ts)
	if code, _, errs := qs("mb", "qs://force-bucket"); code != 0 {
		t.Fatalf("mb: %d %s", code, errs)
	}
	s := testStorageOn(t, ts, "force-bucket")
	if _, err := s.Write("a/b.txt", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.(types.Direr).CreateDir("empty-dir"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.(types.Multiparter).CreateMultipart("unfinished.bin"); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := qs("rb", "qs://force-bucket"); code != 1 || !strings.Contains(errs, "not empty") {
		t.Fatalf("rb without --force: %d %q", code, errs)
	}
	code, out, errs := qs("rb", "--force", "qs://force-bucket")
	if code != 0 {
		t.Fatalf("rb --force: %d %s", code, errs)
	}
	if !strings.Contains(out, "removed bucket qs://force-bucket") {
		t.Errorf("rb --force output %q", out)
	}
	if code, out, _ := qs("ls"); code != 0 || strings.Contains(out, "force-bucket") {
		t.Errorf("bucket still listed: %d %q", code, out)
	}
}
