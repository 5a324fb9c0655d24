package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

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
