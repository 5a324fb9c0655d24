package qingstor

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

func TestSSECRoundTrip(t *testing.T) {
	srv := localServer(t)
	st := newStore(t, srv, uniqueDir("/sse/"))
	key := bytes.Repeat([]byte("x"), 32)
	other := bytes.Repeat([]byte("y"), 32)
	enc := []types.Pair{WithEncryptionCustomerAlgorithm("AES256"), WithEncryptionCustomerKey(key)}
	if _, err := st.Write("secret", strings.NewReader("classified"), 10, enc...); err != nil {
		t.Fatalf("Write: %v", err)
	}
	o, err := st.Stat("secret")
	if err != nil {
		t.Fatal(err)
	}
	if sm := GetObjectSystemMetadata(o); sm.EncryptionCustomerAlgorithm != "AES256" {
		t.Fatalf("system metadata %+v", sm)
	}
	var buf bytes.Buffer
	if _, err := st.Read("secret", &buf); !errors.Is(err, services.ErrPermissionDenied) {
		t.Fatalf("Read without the key: %v, want ErrPermissionDenied", err)
	}
	if _, err := st.Read("secret", &buf, WithEncryptionCustomerKey(other)); !errors.Is(err, services.ErrPermissionDenied) {
		t.Fatalf("Read with another key: %v", err)
	}
	buf.Reset()
	if _, err := st.Read("secret", &buf, enc...); err != nil || buf.String() != "classified" {
		t.Fatalf("Read with the key = %q, %v", buf.String(), err)
	}
	// Copy re-encrypts with another key; the source key opens the source.
	sum := md5.Sum(key)
	err = st.Copy("secret", "copy", WithCopySourceEncryptionCustomerAlgorithm("AES256"), WithCopySourceEncryptionCustomerKey(key),
		WithCopySourceEncryptionCustomerKeyMd5(base64.StdEncoding.EncodeToString(sum[:])),
		WithEncryptionCustomerAlgorithm("AES256"), WithEncryptionCustomerKey(other))
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	buf.Reset()
	if _, err := st.Read("copy", &buf, WithEncryptionCustomerKey(other)); err != nil || buf.String() != "classified" {
		t.Fatalf("Read of the copy = %q, %v", buf.String(), err)
	}
	// Multipart with SSE-C.
	mo, err := st.CreateMultipart("mp", enc...)
	if err != nil {
		t.Fatal(err)
	}
	_, part, err := st.WriteMultipart(mo, strings.NewReader("part"), 4, 0, enc...)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CompleteMultipart(mo, []*types.Part{part}); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if _, err := st.Read("mp", &buf, enc...); err != nil || buf.String() != "part" {
		t.Fatalf("Read of the multipart object = %q, %v", buf.String(), err)
	}
	// A presigned read carries the key headers.
	req, err := st.QuerySignHTTPRead("secret", time.Minute, enc...)
	if err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("X-Qs-Encryption-Customer-Algorithm") != "AES256" {
		t.Fatalf("presigned read headers %v", req.Header)
	}
}

func TestSSECRefusedBeforeSending(t *testing.T) {
	st, n := countingServer(t)
	key := bytes.Repeat([]byte("k"), 32)
	bad := []struct {
		name  string
		pairs []types.Pair
	}{
		{"short key", []types.Pair{WithEncryptionCustomerKey([]byte("short"))}},
		{"long key", []types.Pair{WithEncryptionCustomerKey(bytes.Repeat([]byte("k"), 33))}},
		{"algorithm", []types.Pair{WithEncryptionCustomerAlgorithm("AES128"), WithEncryptionCustomerKey(key)}},
		{"algorithm without key", []types.Pair{WithEncryptionCustomerAlgorithm("AES256")}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			checks := map[string]error{}
			_, checks["write"] = st.Write("o", strings.NewReader("x"), 1, c.pairs...)
			_, checks["read"] = st.Read("o", &bytes.Buffer{}, c.pairs...)
			_, checks["create_multipart"] = st.CreateMultipart("o", c.pairs...)
			_, _, checks["write_multipart"] = st.WriteMultipart(st.Create("o", ps.WithMultipartID("id")), strings.NewReader("x"), 1, 0, c.pairs...)
			checks["copy"] = st.Copy("a", "b", c.pairs...)
			_, checks["query_sign_http_read"] = st.QuerySignHTTPRead("o", time.Minute, c.pairs...)
			_, checks["query_sign_http_write"] = st.QuerySignHTTPWrite("o", 1, time.Minute, c.pairs...)
			_, checks["query_sign_http_create_multipart"] = st.QuerySignHTTPCreateMultipart("o", time.Minute, c.pairs...)
			_, checks["query_sign_http_write_multipart"] = st.QuerySignHTTPWriteMultipart(st.Create("o", ps.WithMultipartID("id")), 1, 0, time.Minute, c.pairs...)
			for op, err := range checks {
				var se services.StorageError
				if !errors.Is(err, ErrInvalidEncryptionCustomerKey) || !errors.As(err, &se) || se.Op != op {
					t.Errorf("%s: %v, want a StorageError of op %s that is ErrInvalidEncryptionCustomerKey", op, err, op)
				}
				if err != nil && strings.Contains(err.Error(), string(key)) {
					t.Errorf("%s: the error shows the key: %v", op, err)
				}
			}
		})
	}
	// The copy source's pairs obey the same rules.
	for name, pairs := range map[string][]types.Pair{
		"short source key":        {WithCopySourceEncryptionCustomerKey([]byte("short"))},
		"source algorithm":        {WithCopySourceEncryptionCustomerAlgorithm("AES128"), WithCopySourceEncryptionCustomerKey(key)},
		"source algorithm no key": {WithCopySourceEncryptionCustomerAlgorithm("AES256")},
	} {
		if err := st.Copy("a", "b", pairs...); !errors.Is(err, ErrEncryptionCustomerKeyInvalid) || strings.Contains(err.Error(), string(key)) {
			t.Errorf("Copy with %s: %v, want ErrEncryptionCustomerKeyInvalid", name, err)
		}
	}
	sum := md5.Sum(bytes.Repeat([]byte("z"), 32))
	err := st.Copy("a", "b", WithCopySourceEncryptionCustomerKey(key), WithCopySourceEncryptionCustomerKeyMd5(base64.StdEncoding.EncodeToString(sum[:])))
	if !errors.Is(err, ErrInvalidEncryptionCustomerKey) {
		t.Fatalf("Copy with a wrong source key MD5: %v", err)
	}
	// A key given to an operation that does not take it is refused without showing it.
	_, err = st.Stat("o", WithEncryptionCustomerKey(key))
	if !errors.Is(err, services.ErrCapabilityInsufficient) || strings.Contains(err.Error(), string(key)) {
		t.Fatalf("Stat with a key: %v", err)
	}
	if n.Load() != 0 {
		t.Fatalf("%d requests sent for invalid SSE-C pairs", n.Load())
	}
}
