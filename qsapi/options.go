package qsapi

import (
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// Storage classes.
const (
	StorageClassStandard   = "STANDARD"
	StorageClassStandardIA = "STANDARD_IA"
)

// SSECAlgorithm is the only SSE-C algorithm QingStor knows.
const SSECAlgorithm = "AES256"

// SSECKeySize is the size of an SSE-C key in bytes.
const SSECKeySize = 32

// MetaPrefix is the header prefix of user metadata.
const MetaPrefix = "X-Qs-Meta-"

// maxMetadata is the documented limit on names plus values of user metadata.
const maxMetadata = 2048

// setSSEC sets the SSE-C headers for key (nil: none). prefix is
// "X-Qs-Encryption-Customer-" or "X-Qs-Copy-Source-Encryption-Customer-".
// The key is sent base64-encoded and its MD5 (of the raw key) base64-encoded.
func setSSEC(r *Request, prefix string, key []byte) error {
	if key == nil {
		return nil
	}
	if len(key) != SSECKeySize {
		return invalidArg(r.Op, "SSE-C key must be %d bytes, got %d", SSECKeySize, len(key))
	}
	sum := md5.Sum(key)
	r.setHeader(prefix+"Algorithm", SSECAlgorithm)
	r.setHeader(prefix+"Key", base64.StdEncoding.EncodeToString(key))
	r.setHeader(prefix+"Key-Md5", base64.StdEncoding.EncodeToString(sum[:]))
	return nil
}

const (
	sseHeaderPrefix     = "X-Qs-Encryption-Customer-"
	copySSEHeaderPrefix = "X-Qs-Copy-Source-Encryption-Customer-"
)

// setContentMD5 sets Content-MD5 to the base64 of the raw 16-byte digest.
// (The SDK's own test once sent hex; the RFC and the docs say base64, and so
// do we.)
func setContentMD5(r *Request, sum []byte) error {
	if sum == nil {
		return nil
	}
	if len(sum) != md5.Size {
		return invalidArg(r.Op, "Content-MD5 must be a %d-byte digest, got %d bytes", md5.Size, len(sum))
	}
	r.setHeader("Content-Md5", base64.StdEncoding.EncodeToString(sum))
	return nil
}

// setMetadata sets x-qs-meta-<name> headers. Names must match
// [A-Za-z0-9._-]+; values must be printable ASCII; names plus values must not
// exceed 2048 bytes. Names are sent lower-cased.
func setMetadata(r *Request, meta map[string]string) error {
	total := 0
	for k, v := range meta {
		if k == "" || len(k) > 512 {
			return invalidArg(r.Op, "metadata name %q must be 1 to 512 bytes", k)
		}
		for i := 0; i < len(k); i++ {
			c := k[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
				return invalidArg(r.Op, "metadata name %q has a byte outside [A-Za-z0-9._-]", k)
			}
		}
		for i := 0; i < len(v); i++ {
			if v[i] < 0x20 || v[i] > 0x7e {
				return invalidArg(r.Op, "metadata %q value must be printable ASCII", k)
			}
		}
		total += len(k) + len(v)
		r.setHeader(MetaPrefix+strings.ToLower(k), v)
	}
	if total > maxMetadata {
		return invalidArg(r.Op, "metadata is %d bytes, more than %d", total, maxMetadata)
	}
	return nil
}

// setTime sets a date header in the exact QingStor format.
func setTime(r *Request, k string, t time.Time) {
	if !t.IsZero() {
		r.setHeader(k, t.UTC().Format(sign.TimeFormat))
	}
}

// parseTime parses a date header. QingStor uses exactly sign.TimeFormat; other
// HTTP date forms are accepted too, and an unparsable value gives the zero
// time rather than failing the call (the data is still good).
func parseTime(v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(sign.TimeFormat, v); err == nil {
		return t
	}
	t, _ := http.ParseTime(v)
	return t
}

// metadataFrom returns the x-qs-meta-* headers keyed by their lower-cased
// name without the prefix.
func metadataFrom(h http.Header) map[string]string {
	var m map[string]string
	for k, v := range h {
		if len(k) > len(MetaPrefix) && strings.EqualFold(k[:len(MetaPrefix)], MetaPrefix) && len(v) > 0 {
			if m == nil {
				m = make(map[string]string)
			}
			m[strings.ToLower(k[len(MetaPrefix):])] = v[0]
		}
	}
	return m
}

// parseInt64 parses a decimal header; ok is false when missing or malformed.
func parseInt64(v string) (int64, bool) {
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}
