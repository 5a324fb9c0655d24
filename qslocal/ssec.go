package qslocal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net/http"

	"github.com/qsgo/qsgo/qslocal/store"
)

// SSE-C (customer-provided keys).
//
// Encryption at rest: AES-256 in CTR mode with the customer's key and a
// random 16-byte initial counter block per stored segment (each PUT, part
// or append writes its own segment). CTR is seekable: the keystream at byte
// offset o starts at counter IV+o/16, so ranged GETs decrypt only what they
// send and everything streams. CTR gives confidentiality, not integrity; the
// store trusts its own disk. The key itself is never stored or logged: the
// object keeps a random salt and HMAC-SHA256(salt, key), compared in constant
// time to check the key a later request brings.
//
// Errors (undocumented by QingStor, decided here): malformed headers (wrong
// algorithm, bad base64, key not 32 bytes, key MD5 mismatch) are 400
// invalid_request; a missing or wrong key for an encrypted object is 403
// permission_denied, which the go-storage service maps to a permission error.

const (
	sseHeader     = "X-Qs-Encryption-Customer-"
	sseCopyHeader = "X-Qs-Copy-Source-Encryption-Customer-"
)

// sseKey is a validated customer key from one request.
type sseKey struct {
	key    [32]byte
	keyMD5 string // base64, echoed in responses
}

// parseSSE reads the three SSE-C headers with the given prefix; all absent
// gives nil.
func parseSSE(h http.Header, prefix string) (*sseKey, *apiError) {
	alg, k64, m64 := h.Get(prefix+"Algorithm"), h.Get(prefix+"Key"), h.Get(prefix+"Key-Md5")
	if alg == "" && k64 == "" && m64 == "" {
		return nil, nil
	}
	bad := func(why string) *apiError {
		return errf(http.StatusBadRequest, "invalid_request", "Invalid %sKey headers: %s.", prefix, why)
	}
	if alg != "AES256" {
		return nil, bad("algorithm must be AES256")
	}
	raw, err := base64.StdEncoding.DecodeString(k64)
	if err != nil || len(raw) != 32 {
		return nil, bad("key must be base64 of 32 bytes")
	}
	sum := md5.Sum(raw)
	if m64 != base64.StdEncoding.EncodeToString(sum[:]) {
		return nil, bad("key MD5 does not match the key")
	}
	k := &sseKey{keyMD5: m64}
	copy(k.key[:], raw)
	return k, nil
}

// record returns what the store keeps for k: salt, keyed digest and the
// key's MD5 (never the key).
func (k *sseKey) record() *store.SSE {
	salt := make([]byte, 16)
	io.ReadFull(rand.Reader, salt)
	return &store.SSE{Salt: salt, Digest: k.digest(salt), KeyMD5: k.keyMD5}
}

func (k *sseKey) digest(salt []byte) []byte {
	m := hmac.New(sha256.New, salt)
	m.Write(k.key[:])
	return m.Sum(nil)
}

// checkSSE verifies that k opens an object encrypted as rec: nil rec needs
// no key (extra headers are ignored), a missing or wrong key is refused.
func checkSSE(rec *store.SSE, k *sseKey) *apiError {
	if rec == nil {
		return nil
	}
	if k == nil {
		return errf(http.StatusForbidden, "permission_denied", "The object is encrypted: send its SSE-C key headers.")
	}
	if !hmac.Equal(k.digest(rec.Salt), rec.Digest) {
		return errf(http.StatusForbidden, "permission_denied", "The SSE-C key does not match the object's key.")
	}
	return nil
}

func newIV() []byte {
	iv := make([]byte, aes.BlockSize)
	io.ReadFull(rand.Reader, iv)
	return iv
}

// ctrAt returns the AES-CTR keystream for a segment with initial counter iv,
// positioned at byte offset off.
func ctrAt(key *[32]byte, iv []byte, off int64) cipher.Stream {
	block, _ := aes.NewCipher(key[:])
	ctr := make([]byte, aes.BlockSize)
	copy(ctr, iv)
	// add off/16 to the 128-bit big-endian counter
	hi, lo := binary.BigEndian.Uint64(ctr[:8]), binary.BigEndian.Uint64(ctr[8:])
	n := uint64(off / aes.BlockSize)
	nlo := lo + n
	if nlo < lo {
		hi++
	}
	binary.BigEndian.PutUint64(ctr[:8], hi)
	binary.BigEndian.PutUint64(ctr[8:], nlo)
	s := cipher.NewCTR(block, ctr)
	if skip := off % aes.BlockSize; skip > 0 {
		var junk [aes.BlockSize]byte
		s.XORKeyStream(junk[:skip], junk[:skip])
	}
	return s
}

// setSSEResponse sets the SSE-C answer headers for a request that brought
// key k (nothing when nil).
func setSSEResponse(h http.Header, k *sseKey) {
	if k != nil {
		h.Set("X-Qs-Encryption-Customer-Algorithm", "AES256")
		h.Set("X-Qs-Encryption-Customer-Key-Md5", k.keyMD5)
	}
}

// setSSEStored sets the SSE-C answer headers of a stored encrypted object or
// upload (nothing when rec is nil): the algorithm, and the key's MD5 when
// recorded (records from before it was kept have none).
func setSSEStored(h http.Header, rec *store.SSE) {
	if rec == nil {
		return
	}
	h.Set("X-Qs-Encryption-Customer-Algorithm", "AES256")
	if rec.KeyMD5 != "" {
		h.Set("X-Qs-Encryption-Customer-Key-Md5", rec.KeyMD5)
	}
}
