package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
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

// TestUnreachableServer: a server that is not there gives one plain
// sentence naming the address, for bucket and object commands alike.
func TestUnreachableServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now
	t.Setenv("HOME", t.TempDir())
	for k, v := range map[string]string{envAccessKeyID: "AK", envSecretAccessKey: "SK", envHost: "127.0.0.1",
		envPort: strconv.Itoa(port), envProtocol: "http", envConfigPath: "", envConnectionString: "", "XDG_CONFIG_HOME": ""} {
		t.Setenv(k, v)
	}
	want := fmt.Sprintf("cannot connect to the server 127.0.0.1:%d (", port)
	for _, args := range [][]string{{"ls"}, {"cat", "qs://some-bucket/key"}} {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
		if code != exitFailure || !strings.Contains(errb.String(), want) || strings.Contains(errb.String(), "qsapi:") {
			t.Errorf("qs %v: exit %d, stderr %q; want 1 and %q", args, code, errb.String(), want)
		}
	}
}

// TestExplainNetworkText: network failures that reach qs only as text
// (wrapped with %v by a service) read the same as typed ones.
func TestExplainNetworkText(t *testing.T) {
	for in, want := range map[string]string{
		`unexpected: qsapi: GetObject: Get "http://127.0.0.1:9/b/k": dial tcp 127.0.0.1:9: connect: connection refused`:                      "cannot connect to the server 127.0.0.1:9 (connection refused)",
		`unexpected: qsapi: DetectLocation: Head "http://nohost.invalid:1/b": dial tcp: lookup nohost.invalid on 10.0.0.53:53: no such host`: "cannot find the host nohost.invalid (no such host)",
		`unexpected: qsapi: PutObject: Put "https://127.0.0.1:9/b/k": http: server gave HTTP response to HTTPS client`:                       "the server answered plain HTTP to an HTTPS request",
		`qsapi: ListBuckets: Get "https://127.0.0.1:9/": remote error: tls: first record does not look like a TLS handshake`:                 "the server did not answer with TLS",
		`plain failure`: "plain failure",
	} {
		if got := explain(errors.New(in)); !strings.HasPrefix(got, want) {
			t.Errorf("explain(%q) = %q, want it to start with %q", in, got, want)
		}
	}
}
