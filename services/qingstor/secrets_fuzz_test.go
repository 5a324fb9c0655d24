package qingstor_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

// secretForms returns the encodings under which a secret could leak.
func secretForms(b []byte) []string {
	if len(b) < 6 {
		return nil // too short to tell a leak from a coincidence
	}
	return []string{string(b), base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b), hex.EncodeToString(b)}
}

// FuzzConnectionStringSecrets opens qingstor:// connection strings built
// from fuzz input (bucket, work dir, secret key, SSE-C key bytes, one extra
// raw query part). Whatever the outcome, neither the secret access key nor
// the SSE-C key appears in an error or in the storage's description.
func FuzzConnectionStringSecrets(f *testing.F) {
	f.Add("bucket-name", "/dir/", "SECRETSECRETSECRET", []byte("0123456789abcdef0123456789abcdef"), "enable_virtual_dir")
	f.Add("Bad_Bucket", "rel", "sk:with:colons", []byte("short-key-material"), "default_encryption_customer_algorithm=DES")
	f.Add("bucket-name", "/", "SECRETSECRETSECRET", []byte{0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9}, "location=pek3b&unknown_pair=x")
	f.Add("bucket-name", "/w", "topsecretvalue", []byte("0123456789abcdef0123456789abcdef"), "storage_class=GLACIER")
	f.Fuzz(func(t *testing.T, bucket, workDir, sk string, key []byte, extra string) {
		if strings.ContainsAny(sk, "&?#") || len(sk) < 6 || strings.Contains(strings.ToLower(extra), "endpoint") {
			return // (another endpoint could send zone discovery to the network)
		}
		cs := fmt.Sprintf("qingstor://%s%s?credential=hmac:AKFUZZ:%s&endpoint=http:127.0.0.1:1&default_encryption_customer_key=%s",
			bucket, workDir, sk, base64.RawStdEncoding.EncodeToString(key))
		if extra != "" {
			cs += "&" + extra
		}
		st, err := services.NewStoragerFromString(cs)
		var text string
		switch {
		case err != nil:
			text = err.Error()
		default:
			text = st.String()
		}
		for _, s := range append(secretForms([]byte(sk)), secretForms(key)...) {
			if strings.Contains(text, s) && !strings.Contains(bucket+workDir+extra, s) {
				t.Fatalf("secret %q leaked into %q", s, text)
			}
		}
	})
}

// FuzzSSECKeyPairs: an unusable SSE-C key or algorithm is refused with
// ErrInvalidEncryptionCustomerKey before any request, and the refusal never
// shows the key.
func FuzzSSECKeyPairs(f *testing.F) {
	f.Add([]byte("0123456789abcdef0123456789abcde"), "AES256")
	f.Add([]byte("0123456789abcdef0123456789abcdef"), "AES128")
	f.Add([]byte{}, "")
	f.Add(bytes.Repeat([]byte{0xaa}, 64), "aes256")
	st, err := qingstor.NewStorager(ps.WithCredential("hmac:AKFUZZ:SKFUZZSKFUZZ"), ps.WithName("bucket-name"),
		ps.WithEndpoint("http:127.0.0.1:1"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, key []byte, alg string) {
		if len(key) == 32 && (alg == "" || alg == "AES256") {
			return // a usable key would be sent; this target is about refusals
		}
		pairs := []types.Pair{qingstor.WithEncryptionCustomerKey(key)}
		if alg != "" {
			pairs = append(pairs, qingstor.WithEncryptionCustomerAlgorithm(alg))
		}
		_, err := st.Write("obj", strings.NewReader("x"), 1, pairs...)
		if !errors.Is(err, qingstor.ErrInvalidEncryptionCustomerKey) {
			t.Fatalf("key of %d bytes, algorithm %q: err %v, want ErrInvalidEncryptionCustomerKey", len(key), alg, err)
		}
		for _, s := range secretForms(key) {
			if strings.Contains(err.Error(), s) && !strings.Contains(alg, s) {
				t.Fatalf("error %q shows the key", err)
			}
		}
	})
}
