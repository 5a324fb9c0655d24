package qslocal

import (
	"strings"
	"testing"
)

// TestGenerateCredentials: keys have the documented lengths, use only their
// alphabets, and two calls never agree (they come from crypto/rand).
func TestGenerateCredentials(t *testing.T) {
	ak1, sk1 := GenerateCredentials()
	ak2, sk2 := GenerateCredentials()
	if len(ak1) != 20 || len(sk1) != 40 {
		t.Fatalf("lengths %d and %d, want 20 and 40", len(ak1), len(sk1))
	}
	if strings.Trim(ak1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
		t.Fatalf("access key %q has characters outside A-Z0-9", ak1)
	}
	if strings.Trim(sk1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
		t.Fatal("secret key has characters outside A-Za-z0-9")
	}
	if ak1 == ak2 || sk1 == sk2 {
		t.Fatal("two generated key pairs are equal")
	}
}

// TestRandomStringIsUnbiased: with an alphabet whose size does not divide
// 256, folding bytes with a plain modulo would make the first 256%size
// characters twice as likely as the others. Over 100,000 draws the first 56
// characters of a 200-character alphabet must come up about as often as the
// next 56 (about 28,000 each; a biased draw gives twice that; the 1.2 bound
// is more than 20 standard deviations from both).
func TestRandomStringIsUnbiased(t *testing.T) {
	alphabet := make([]byte, 200)
	for i := range alphabet {
		alphabet[i] = byte(i)
	}
	s := randomString(100000, string(alphabet))
	if len(s) != 100000 {
		t.Fatalf("length %d", len(s))
	}
	low, next := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 56:
			low++
		case c < 112:
			next++
		}
	}
	if r := float64(low) / float64(next); r > 1.2 || r < 1/1.2 {
		t.Fatalf("first 56 characters drawn %d times, next 56 %d times: ratio %.2f, want about 1", low, next, r)
	}
}
