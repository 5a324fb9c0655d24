package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/qsgo/qsgo/qslocal"
)

func TestRedactURL(t *testing.T) {
	u, _ := url.Parse("http://h/b/k?access_key_id=AK&expires=1&signature=SECRET")
	if s := redactURL(u); strings.Contains(s, "SECRET") || !strings.Contains(s, "signature=REDACTED") {
		t.Errorf("redactURL: %s", s)
	}
}

// hostRecorder sends every request to one address, whatever its host
// name, and records the host names asked for.
type hostRecorder struct {
	next  http.RoundTripper
	mu    sync.Mutex
	hosts []string
}

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.hosts = append(h.hosts, r.URL.Host)
	h.mu.Unlock()
	return h.next.RoundTrip(r)
}

// TestVirtualHostStyle: enable_virtual_host_style reaches object requests
// (through the storages) as well as bucket ones: the bucket is in the host
// name and the server (which parses such names) serves it.
func TestVirtualHostStyle(t *testing.T) {
	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.BaseDomain = "qingstor.test" })
	ts.CreateBucket("vhost-bucket")
	addr := net.JoinHostPort(ts.Host, strconv.Itoa(ts.Port))
	rec := &hostRecorder{next: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
	cfg := &config{AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey, Host: "qingstor.test", Port: ts.Port,
		Protocol: "http", Zone: ts.Zone, EnableVirtualHostStyle: true}
	rem, err := newRemote(cfg, &http.Client{Transport: rec})
	if err != nil {
		t.Fatal(err)
	}
	s, err := rem.storage("vhost-bucket")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write("k.txt", strings.NewReader("virtual"), 7); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := s.Read("k.txt", &got); err != nil || got.String() != "virtual" {
		t.Fatalf("read back %q, %v", got.String(), err)
	}
	want := "vhost-bucket." + ts.Zone + ".qingstor.test:" + strconv.Itoa(ts.Port)
	if len(rec.hosts) < 2 {
		t.Fatalf("requests %v", rec.hosts)
	}
	for _, h := range rec.hosts {
		if h != want {
			t.Errorf("request to host %q, want %q", h, want)
		}
	}
}

// TestDebugLogsObjectRequests: with --debug every request of an object
// transfer is logged through the storages, with no secret in the log.
func TestDebugLogsObjectRequests(t *testing.T) {
	ts := qslocal.StartTest(t)
	ts.CreateBucket("debug-bucket")
	var log bytes.Buffer
	a := &app{debug: true}
	a.level.Set(slog.LevelDebug)
	a.log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: &a.level}))
	cfg := &config{AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey, Host: ts.Host, Port: ts.Port,
		Protocol: "http", Zone: ts.Zone}
	rem, err := newRemote(cfg, a.httpClient())
	if err != nil {
		t.Fatal(err)
	}
	s, err := rem.storage("debug-bucket")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write("dbg.txt", strings.NewReader("debug"), 5); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Read("dbg.txt", io.Discard); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	for _, want := range []string{"msg=request method=PUT url=http://", "/debug-bucket/dbg.txt", "msg=request method=GET", "status=201", "status=200", "request_id="} {
		if !strings.Contains(out, want) {
			t.Errorf("debug log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, ts.SecretAccessKey) || strings.Contains(out, "Authorization") {
		t.Errorf("debug log shows a secret:\n%s", out)
	}
}
