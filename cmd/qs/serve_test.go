package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
	"github.com/qsgo/qsgo/qslocal"
)

// servedQS is a "qs serve" run by a test.
type servedQS struct {
	banner   string
	hostport string // from the printed connection string
	cancel   context.CancelFunc
	done     chan error
}

// serveLog collects what runServe logs, safely across goroutines.
type serveLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *serveLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *serveLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs runServe with f on a free loopback port and returns once
// the banner's "ready" line was printed. Logs go to logs when given (at
// level info), else nowhere.
func startServe(t *testing.T, f serveFlags, logs ...io.Writer) *servedQS {
	t.Helper()
	if f.addr == "" {
		f.addr = "127.0.0.1:0"
	}
	if f.data == "" {
		f.data = t.TempDir()
	}
	f.zone, f.baseDomain, f.logLevel = "pek3b", "qingstor.com", "error"
	var stderr io.Writer = io.Discard
	if len(logs) > 0 {
		stderr, f.logLevel = logs[0], "info"
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &servedQS{cancel: cancel, done: make(chan error, 1)}
	go func() {
		err := runServe(ctx, pw, stderr, f)
		pw.Close()
		s.done <- err
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
	s.banner = banner.String()
	m := regexp.MustCompile(`&endpoint=http:(127\.0\.0\.1:\d+)`).FindStringSubmatch(s.banner)
	if m == nil {
		cancel()
		t.Fatalf("no endpoint in the banner (serve returned %v):\n%s", <-s.done, s.banner)
	}
	s.hostport = m[1]
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return s
}

// stop cancels the run (as SIGINT does) and returns runServe's result.
func (s *servedQS) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
		return nil
	}
}

// signedPutBucket creates a bucket with the given key pair.
func signedPutBucket(t *testing.T, hostport, bucket, ak, sk string) int {
	t.Helper()
	r, _ := http.NewRequest("PUT", "http://"+hostport+"/"+bucket, nil)
	sign.SignRequest(r, ak, sk, sign.CanonicalURI(r.URL.Path, ""))
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServePrintsAndServes runs "qs serve" with keys from the environment,
// waits for the banner, makes a signed request with the printed keys right
// away (ready when printed), and stops it by cancelling its context.
func TestServePrintsAndServes(t *testing.T) {
	t.Setenv("QINGSTOR_ACCESS_KEY_ID", "ENVAK")
	t.Setenv("QINGSTOR_SECRET_ACCESS_KEY", "ENVSK")
	var logs serveLog
	s := startServe(t, serveFlags{}, &logs)
	out := s.banner
	if !strings.Contains(out, "qingstor://?credential=hmac:ENVAK:ENVSK&endpoint=http:"+s.hostport) ||
		!strings.Contains(out, "access_key_id: 'ENVAK'") || !strings.Contains(out, "put a bucket name after qingstor://") ||
		!strings.Contains(out, "http://"+s.hostport) {
		t.Fatalf("banner:\n%s", out)
	}
	if st := signedPutBucket(t, s.hostport, "bkt-serve", "ENVAK", "ENVSK"); st != 201 {
		t.Fatalf("PUT bucket: %d", st)
	}
	if st := signedPutBucket(t, s.hostport, "bkt-serve2", "ENVAK", "wrong"); st != 401 {
		t.Fatalf("PUT bucket with a wrong secret: %d", st)
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	// structured logs: the start, one line per request with its id, the
	// stop; the secret never
	log := logs.String()
	for _, want := range []string{`msg="qslocal ready"`, "access_key_id=ENVAK", "request_id=", "method=PUT", "status=201", "status=401", "code=signature_not_matched", `msg="qslocal stopped"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "ENVSK") {
		t.Errorf("log holds the secret key:\n%s", log)
	}
}

// TestServeGeneratesKeys: without flags, environment or file a fresh pair is
// generated, printed and accepted.
func TestServeGeneratesKeys(t *testing.T) {
	t.Setenv("QINGSTOR_ACCESS_KEY_ID", "")
	t.Setenv("QINGSTOR_SECRET_ACCESS_KEY", "")
	s := startServe(t, serveFlags{})
	m := regexp.MustCompile(`credential=hmac:([A-Z0-9]{20}):([A-Za-z0-9]{40})&`).FindStringSubmatch(s.banner)
	if m == nil {
		t.Fatalf("no generated key pair in the banner:\n%s", s.banner)
	}
	if st := signedPutBucket(t, s.hostport, "bkt-generated", m[1], m[2]); st != 201 {
		t.Fatalf("PUT bucket with the generated keys: %d", st)
	}
}

// TestServeKeysFromFileAndFlags: every key of a credentials file and the
// flag pair are accepted by the same server.
func TestServeKeysFromFileAndFlags(t *testing.T) {
	t.Setenv("QINGSTOR_ACCESS_KEY_ID", "")
	t.Setenv("QINGSTOR_SECRET_ACCESS_KEY", "")
	path := filepath.Join(t.TempDir(), "keys.yaml")
	yaml := "credentials:\n  - access_key_id: FILEAK1\n    secret_access_key: FILESK1\n  - access_key_id: FILEAK2\n    secret_access_key: FILESK2\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, serveFlags{credentialsFile: path, accessKeyID: "FLAGAK", secretAccessKey: "FLAGSK"})
	for i, kp := range [][2]string{{"FILEAK1", "FILESK1"}, {"FILEAK2", "FILESK2"}, {"FLAGAK", "FLAGSK"}} {
		if st := signedPutBucket(t, s.hostport, "bkt-key"+string(rune('a'+i)), kp[0], kp[1]); st != 201 {
			t.Fatalf("PUT bucket with %s: %d", kp[0], st)
		}
	}
	if st := signedPutBucket(t, s.hostport, "bkt-nokey", "FILEAK1", "FILESK2"); st != 401 {
		t.Fatalf("crossed key pair: %d", st)
	}
}

// TestServeGracefulStop: a request in flight when the stop comes completes,
// runServe returns only after it, and the store is closed (the data
// directory opens again) holding the object.
func TestServeGracefulStop(t *testing.T) {
	t.Setenv("QINGSTOR_ACCESS_KEY_ID", "AK")
	t.Setenv("QINGSTOR_SECRET_ACCESS_KEY", "SK")
	data := t.TempDir()
	s := startServe(t, serveFlags{data: data})
	if st := signedPutBucket(t, s.hostport, "bkt-grace", "AK", "SK"); st != 201 {
		t.Fatalf("PUT bucket: %d", st)
	}
	body := strings.Repeat("graceful ", 100000)
	pr, pw := io.Pipe()
	r, _ := http.NewRequest("PUT", "http://"+s.hostport+"/bkt-grace/in-flight", pr)
	r.ContentLength = int64(len(body))
	sign.SignRequest(r, "AK", "SK", sign.CanonicalURI(r.URL.Path, ""))
	// With Expect: 100-continue and no timeout the transport sends no body
	// byte before the handler starts reading: once the first write below
	// returns, the request is in the handler.
	r.Header.Set("Expect", "100-continue")
	tr := &http.Transport{ExpectContinueTimeout: time.Hour}
	defer tr.CloseIdleConnections()
	resp := make(chan int, 1)
	go func() {
		res, err := (&http.Client{Transport: tr}).Do(r)
		if err != nil {
			resp <- -1
			return
		}
		res.Body.Close()
		resp <- res.StatusCode
	}()
	half := len(body) / 2
	if _, err := io.WriteString(pw, body[:half]); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- s.stop(t) }()
	// wait until the listener is closed: shutdown has begun
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", s.hostport)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the listener stays open after the stop")
		}
	}
	// A negative check: a correct serve never returns while the request is
	// in flight, so this wait only bounds how long we look for the fault.
	select {
	case err := <-stopped:
		t.Fatalf("serve returned (%v) with a request in flight", err)
	case <-time.After(300 * time.Millisecond):
	}
	io.WriteString(pw, body[half:])
	pw.Close()
	if st := <-resp; st != 201 {
		t.Fatalf("in-flight PUT: %d", st)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("serve: %v", err)
	}
	srv, err := qslocal.New(qslocal.Options{DataDir: data, Credentials: map[string]string{"AK": "SK"}})
	if err != nil {
		t.Fatalf("reopen after stop: %v", err)
	}
	defer srv.Close()
	o, err := srv.Store().GetObject("bkt-grace", "in-flight")
	if err != nil || o.Size != int64(len(body)) {
		t.Fatalf("object after restart: %+v %v", o, err)
	}
}

// TestServeSIGTERM: SIGTERM stops the server gracefully (runServe returns nil).
func TestServeSIGTERM(t *testing.T) {
	t.Setenv("QINGSTOR_ACCESS_KEY_ID", "AK")
	t.Setenv("QINGSTOR_SECRET_ACCESS_KEY", "SK")
	s := startServe(t, serveFlags{})
	// runServe registered for SIGTERM before printing the banner, so the
	// signal reaches it and not the default handler.
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		s.done <- err
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve ignored SIGTERM")
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
	// flags win over the environment
	t.Setenv("QINGSTOR_ACCESS_KEY_ID", "ENVAK")
	t.Setenv("QINGSTOR_SECRET_ACCESS_KEY", "ENVSK")
	c, err = serveCredentials(serveFlags{accessKeyID: "AK", secretAccessKey: "SK"})
	if err != nil || len(c) != 1 || c["AK"] != "SK" {
		t.Fatalf("flags over environment: %v %v", c, err)
	}
	c, err = serveCredentials(serveFlags{})
	if err != nil || len(c) != 1 || c["ENVAK"] != "ENVSK" {
		t.Fatalf("environment: %v %v", c, err)
	}
	if _, err := serveCredentials(serveFlags{credentialsFile: filepath.Join(t.TempDir(), "missing.yaml")}); err == nil {
		t.Fatal("missing credentials file accepted")
	}
}

// TestServeDefaults: the flag defaults the issue asks for.
func TestServeDefaults(t *testing.T) {
	fl := newServeCmd().Flags()
	for name, want := range map[string]string{"addr": "127.0.0.1:9000", "zone": "pek3b", "access-key-id": "", "secret-access-key": "",
		"transfer-window": "30s", "min-transfer-rate": "4096"} {
		if got := fl.Lookup(name).DefValue; got != want {
			t.Errorf("--%s defaults to %q, want %q", name, got, want)
		}
	}
	t.Setenv("XDG_DATA_HOME", "/xdg")
	if got := defaultDataDir(); got != filepath.Join("/xdg", "qsgo", "qslocal") {
		t.Errorf("data dir with XDG_DATA_HOME: %s", got)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/someone")
	if got := defaultDataDir(); got != filepath.Join("/home/someone", ".local", "share", "qsgo", "qslocal") {
		t.Errorf("data dir without XDG_DATA_HOME: %s", got)
	}
}

// TestServeConsoleAndJSONLog runs "qs serve --console-addr --log-format
// json": the banner names the console, whose /metrics counts the requests,
// and every request is one JSON line, a refused signature with the string
// to sign the server computed and never the secret.
func TestServeConsoleAndJSONLog(t *testing.T) {
	t.Setenv("QINGSTOR_ACCESS_KEY_ID", "JSONAK")
	t.Setenv("QINGSTOR_SECRET_ACCESS_KEY", "JSONSK")
	var logs serveLog
	s := startServe(t, serveFlags{consoleAddr: "127.0.0.1:0", logFormat: "json", requestLogSize: 10}, &logs)
	m := regexp.MustCompile(`console: (http://127\.0\.0\.1:\d+/)`).FindStringSubmatch(s.banner)
	if m == nil {
		t.Fatalf("no console URL in the banner:\n%s", s.banner)
	}
	if st := signedPutBucket(t, s.hostport, "bkt-json", "JSONAK", "JSONSK"); st != 201 {
		t.Fatalf("PUT bucket: %d", st)
	}
	if st := signedPutBucket(t, s.hostport, "bkt-json2", "JSONAK", "wrong"); st != 401 {
		t.Fatalf("PUT bucket with a wrong secret: %d", st)
	}
	resp, err := http.Get(m[1] + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`qslocal_requests_total{operation="PutBucket",status="201"} 1`, `qslocal_requests_total{operation="PutBucket",status="401"} 1`, "qslocal_buckets 1"} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %q:\n%s", want, metrics)
		}
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	var refused map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		if v["code"] == "signature_not_matched" {
			refused = v
		}
	}
	if refused == nil || refused["op"] != "PutBucket" || refused["access_key_id"] != "JSONAK" ||
		!strings.Contains(fmt.Sprint(refused["string_to_sign"]), "PUT\n") || !strings.Contains(fmt.Sprint(refused["string_to_sign"]), "/bkt-json2") {
		t.Fatalf("refused request's line: %v", refused)
	}
	if strings.Contains(logs.String(), "JSONSK") {
		t.Error("the log holds the secret")
	}
}

func TestServeRefusesUnknownLogFormat(t *testing.T) {
	err := runServe(context.Background(), io.Discard, io.Discard, serveFlags{addr: "127.0.0.1:0", data: t.TempDir(), logLevel: "info", logFormat: "xml"})
	if err == nil || !strings.Contains(err.Error(), "--log-format") {
		t.Fatalf("got %v", err)
	}
}

// TestServeTransferWindow: with --transfer-window 300ms a signed PUT whose
// body never comes is cut (its connection answered or closed) long before
// the client's 10 s deadline; a bad pair of values is refused.
func TestServeTransferWindow(t *testing.T) {
	if err := runServe(context.Background(), io.Discard, io.Discard, serveFlags{addr: "127.0.0.1:0", data: t.TempDir(),
		logLevel: "error", transferWindow: time.Second}); err == nil || !strings.Contains(err.Error(), "--min-transfer-rate") {
		t.Errorf("--min-transfer-rate 0: %v", err)
	}
	s := startServe(t, serveFlags{accessKeyID: "AK", secretAccessKey: "SK", transferWindow: 300 * time.Millisecond, minTransferRate: 10240})
	if st := signedPutBucket(t, s.hostport, "bkt-slow", "AK", "SK"); st != 201 {
		t.Fatalf("PUT bucket: %d", st)
	}
	r, _ := http.NewRequest("PUT", "http://"+s.hostport+"/bkt-slow/k", nil)
	r.ContentLength = 100
	sign.SignRequest(r, "AK", "SK", sign.CanonicalURI(r.URL.Path, ""))
	conn, err := net.Dial("tcp", s.hostport)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	never := make(chan struct{})
	defer close(never)
	r.Body = io.NopCloser(blockingReader(never))
	go r.Write(conn) // sends the headers, then blocks on the body
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(conn); err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a PUT without body was not cut: %v", err)
	}
}

// blockingReader blocks until its channel is closed, then ends.
type blockingReader chan struct{}

func (b blockingReader) Read([]byte) (int, error) { <-b; return 0, io.EOF }
