package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/qslocal"
)

// TestRunAgainstLocalServer runs the README's program against qslocal.
func TestRunAgainstLocalServer(t *testing.T) {
	srv := qslocal.StartTest(t)
	srv.CreateBucket("readme-bucket")
	cs := fmt.Sprintf("qingstor://readme-bucket/?credential=hmac:%s:%s&endpoint=http:%s:%d",
		srv.AccessKeyID, srv.SecretAccessKey, srv.Host, srv.Port)
	var out bytes.Buffer
	if err := run(cs, &out); err != nil {
		t.Fatal(err)
	}
	want := "wrote 2 bytes\nmissing: no such object\nhello.txt 2 read\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if err := run("qingstor://readme-bucket/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:1", &out); err == nil {
		t.Error("an unreachable server reported no error")
	}
}

// TestREADMEShowsThisProgram keeps the README's Go section and this file
// the same text, so that the README shows a program that compiles and runs.
func TestREADMEShowsThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Using it from Go\n")
	if !ok {
		t.Fatal("README has no \"## Using it from Go\" section")
	}
	_, block, ok := strings.Cut(section, "```go\n")
	if !ok {
		t.Fatal("the Go section has no ```go block")
	}
	block, _, ok = strings.Cut(block, "```\n")
	if !ok || block != string(src) {
		t.Errorf("the README's Go block differs from examples/hello/main.go; copy main.go into it")
	}
}
