package qslocal

import (
	"bytes"
	"encoding/base64"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// lockedBuffer is a goroutine-safe log sink.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogsCarryRequestIDsNotSecrets sends header-signed, presigned and SSE-C
// requests, good and bad, and checks the log: one line per request with its
// request id, and no secret key, signature or SSE-C key anywhere.
func TestLogsCarryRequestIDsNotSecrets(t *testing.T) {
	var buf lockedBuffer
	ts := StartTest(t, func(o *Options) { o.Logger = slog.New(slog.NewJSONHandler(&buf, nil)) })
	ts.CreateBucket("bkt-test")
	c := newTC(t, ts)
	var secrets []string
	r := c.newReq("PUT", "/bkt-test/k", "", []byte("x"), sseHeaders(testKey)...)
	sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
	secrets = append(secrets, strings.SplitN(r.Header.Get("Authorization"), ":", 2)[1])
	res := read(t, c.send(r)).want(t, 201, "")
	ids := []string{res.header.Get("X-Qs-Request-Id")}
	r = c.newReq("GET", "/bkt-test/k", "", nil, sseHeaders(otherKey)...)
	sign.PresignRequest(r, c.ak, c.sk, canonical(r, ""), time.Now().Unix()+60)
	secrets = append(secrets, r.URL.Query().Get("signature"))
	res = read(t, c.send(r)).want(t, 403, "permission_denied")
	ids = append(ids, res.header.Get("X-Qs-Request-Id"))
	r = c.newReq("GET", "/bkt-test/k", "", nil)
	sign.SignRequest(r, c.ak, "wrong", canonical(r, ""))
	secrets = append(secrets, strings.SplitN(r.Header.Get("Authorization"), ":", 2)[1])
	res = read(t, c.send(r)).want(t, 401, "signature_not_matched")
	ids = append(ids, res.header.Get("X-Qs-Request-Id"))
	ts.Shutdown(t.Context())
	log := buf.String()
	for _, id := range ids {
		if !strings.Contains(log, `"request_id":"`+id+`"`) {
			t.Errorf("request %s not logged:\n%s", id, log)
		}
	}
	secrets = append(secrets, c.sk, base64.StdEncoding.EncodeToString(testKey), base64.StdEncoding.EncodeToString(otherKey), string(testKey))
	for _, s := range secrets {
		if s != "" && strings.Contains(log, s) {
			t.Errorf("log contains a secret %q", s)
		}
	}
}

func TestLoadCredentialsFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o600)
		return p
	}
	m, err := LoadCredentialsFile(write("cfg.yaml", "access_key_id: 'AK1'\nsecret_access_key: 'SK1'\nhost: 'qingstor.com'\n"))
	if err != nil || len(m) != 1 || m["AK1"] != "SK1" {
		t.Fatalf("config form: %v %v", m, err)
	}
	m, err = LoadCredentialsFile(write("list.yaml", "credentials:\n  - access_key_id: A\n    secret_access_key: S\n  - access_key_id: B\n    secret_access_key: T\n"))
	if err != nil || len(m) != 2 || m["B"] != "T" {
		t.Fatalf("list form: %v %v", m, err)
	}
	for _, bad := range []string{"credentials:\n  - access_key_id: A\n", "host: x\n", ":::", "credentials: S1-secret\n", "access_key_id: [S1]\n"} {
		if _, err := LoadCredentialsFile(write("bad.yaml", bad)); err == nil {
			t.Errorf("accepted %q", bad)
		} else if strings.Contains(err.Error(), "S1") {
			t.Errorf("error leaks content: %v", err)
		}
	}
	if _, err := LoadCredentialsFile(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("missing file accepted")
	}
}
