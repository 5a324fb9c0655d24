// Package sign computes QingStor request signatures: the header form
// (Authorization: QS <access key id>:<signature>) and the presigned query form
// (access_key_id, expires and signature query parameters).
//
// Client and server share this code: the client calls SignRequest or
// PresignRequest on an outgoing request, the server rebuilds the same
// string-to-sign from the incoming *http.Request with StringToSign or
// QueryStringToSign and compares signatures with Equal.
//
// The string-to-sign is
//
//	METHOD \n
//	Content-MD5 \n
//	Content-Type \n
//	Date (empty when X-QS-Date is present), or the expires value when presigning \n
//	canonical x-qs- headers, one "name:value\n" line each
//	canonical resource
//
// The canonical resource is the canonical URI (see CanonicalURI) followed by
// the signed sub-resources of the query, sorted, with their decoded values.
// The signature is base64(HMAC-SHA256(secret key, string-to-sign)).
package sign

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"hash"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TimeFormat is the only date layout QingStor accepts in Date, Last-Modified,
// If-*-Since and X-QS-Date headers (RFC 1123 with the literal zone GMT).
const TimeFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// Presigned query parameter names.
const (
	// ParamAccessKeyID is the query parameter carrying the access key id of a presigned URL.
	ParamAccessKeyID = "access_key_id"
	// ParamExpires is the query parameter carrying the absolute Unix expiry of a presigned URL.
	ParamExpires = "expires"
	// ParamSignature is the query parameter carrying the signature of a presigned URL.
	ParamSignature = "signature"
)

// subResources lists, sorted, the query keys that take part in the canonical
// resource. Every other key (prefix, marker, limit, access_key_id, ...) is not
// signed. The list is the SDK's; it is a superset of the documented one.
var subResources = [...]string{
	"acl", "append", "cname", "cors", "delete", "image", "lifecycle", "logging",
	"mirror", "notification", "part_number", "policy", "position", "replication",
	"response-cache-control", "response-content-disposition",
	"response-content-encoding", "response-content-language",
	"response-content-type", "response-expires",
	"stats", "upload_id", "uploads", "versioning", "version_id", "versions",
}

// IsSubResource reports whether the query key k is a signed sub-resource.
// The comparison is exact and case-sensitive.
func IsSubResource(k string) bool {
	for _, s := range subResources {
		if s == k {
			return true
		}
	}
	return false
}

// CanonicalURI returns the URI part of the canonical resource (the "v2"
// canonical URI): the QS escape of decodedPath, or "/" when that is empty.
// When vhostBucket is not empty (a virtual-host style request that targets a
// bucket or an object) the result is prefixed with "/"+vhostBucket, so a
// virtual-host request signs the same resource as its path-style twin:
// GET https://bkt.zone.host/?acl signs "/bkt/?acl".
func CanonicalURI(decodedPath, vhostBucket string) string {
	p := Escape(decodedPath)
	if vhostBucket == "" {
		if p == "" {
			return "/"
		}
		return p
	}
	if p == "" {
		p = "/"
	}
	return "/" + vhostBucket + p
}

// StringToSign returns the header-signature string-to-sign of r, using
// canonicalURI as the URI of the canonical resource (see CanonicalURI).
// The Date line is empty when r carries a non-empty X-QS-Date header.
// Sub-resources come from r.URL.RawQuery.
func StringToSign(r *http.Request, canonicalURI string) string {
	return pooledStringToSign(r, canonicalURI, false, 0)
}

// QueryStringToSign returns the presigned (query) string-to-sign of r: the same
// as StringToSign except that line 4 is the decimal expires value, whatever
// Date or X-QS-Date say. The access_key_id, expires and signature parameters
// are not sub-resources, so they never take part in it.
func QueryStringToSign(r *http.Request, canonicalURI string, expires int64) string {
	return pooledStringToSign(r, canonicalURI, true, expires)
}

// pooledStringToSign returns appendStringToSign's result as a string, built
// in a pooled buffer.
func pooledStringToSign(r *http.Request, canonicalURI string, query bool, expires int64) string {
	bp := bufPool.Get().(*[]byte)
	b := appendStringToSign((*bp)[:0], r, canonicalURI, query, expires)
	s := string(b)
	*bp = b
	bufPool.Put(bp)
	return s
}

// Signature returns base64(HMAC-SHA256(secretKey, stringToSign)), standard
// encoding with padding.
func Signature(secretKey, stringToSign string) string {
	bp := bufPool.Get().(*[]byte)
	b := append((*bp)[:0], stringToSign...)
	s := signBytes(secretKey, b)
	*bp = b
	bufPool.Put(bp)
	return s
}

// SignRequest signs r in the header form: it sets Date to the current time
// (TimeFormat) when r has neither a Date nor an X-QS-Date header, then sets
// Authorization to "QS <accessKeyID>:<signature>". Sign after every header
// that starts with x-qs-, Content-MD5 and Content-Type are final.
func SignRequest(r *http.Request, accessKeyID, secretKey, canonicalURI string) {
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	if r.Header.Get("Date") == "" && r.Header.Get("X-Qs-Date") == "" {
		r.Header.Set("Date", time.Now().UTC().Format(TimeFormat))
	}
	bp := bufPool.Get().(*[]byte)
	b := appendStringToSign((*bp)[:0], r, canonicalURI, false, 0)
	sig := signBytes(secretKey, b)
	*bp = b
	bufPool.Put(bp)
	r.Header["Authorization"] = []string{"QS " + accessKeyID + ":" + sig}
}

// PresignRequest signs r in the query form: it appends
// access_key_id=<accessKeyID>&expires=<expires>&signature=<QS-escaped signature>
// to r.URL.RawQuery (after any existing parameters). expires is an absolute
// Unix time in seconds. The x-qs- headers, Content-MD5 and Content-Type of r
// are signed too, so whoever sends the URL must send them unchanged.
func PresignRequest(r *http.Request, accessKeyID, secretKey, canonicalURI string, expires int64) {
	bp := bufPool.Get().(*[]byte)
	b := appendStringToSign((*bp)[:0], r, canonicalURI, true, expires)
	sig := signBytes(secretKey, b)
	q := append(b[:0], r.URL.RawQuery...)
	if len(q) > 0 {
		q = append(q, '&')
	}
	q = append(q, ParamAccessKeyID+"="...)
	q = appendEscape(q, accessKeyID)
	q = append(q, "&"+ParamExpires+"="...)
	q = strconv.AppendInt(q, expires, 10)
	q = append(q, "&"+ParamSignature+"="...)
	q = appendEscape(q, sig)
	r.URL.RawQuery = string(q)
	*bp = q
	bufPool.Put(bp)
}

// ErrBadAuthorization is returned by ParseAuthorization for a header that is
// not of the form "QS <access key id>:<signature>".
var ErrBadAuthorization = errors.New("sign: malformed Authorization header")

// ParseAuthorization splits an Authorization header value of the form
// "QS <access key id>:<signature>". It returns ErrBadAuthorization when the
// scheme is not QS or either part is empty.
func ParseAuthorization(v string) (accessKeyID, signature string, err error) {
	rest, ok := strings.CutPrefix(v, "QS ")
	if !ok {
		return "", "", ErrBadAuthorization
	}
	ak, sig, ok := strings.Cut(strings.TrimSpace(rest), ":")
	if !ok || ak == "" || sig == "" {
		return "", "", ErrBadAuthorization
	}
	return ak, strings.TrimSpace(sig), nil
}

// Equal compares two signatures in constant time (for a given length).
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// bufPool holds scratch buffers for string-to-sign building.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// keyedMAC is a pooled HMAC-SHA256 keyed with key.
type keyedMAC struct {
	key string
	h   hash.Hash
	sum [sha256.Size]byte
}

var macPool sync.Pool

// signBytes returns base64(HMAC-SHA256(secretKey, msg)). It reuses a pooled
// HMAC state when the pooled one was keyed with the same secret.
func signBytes(secretKey string, msg []byte) string {
	m, _ := macPool.Get().(*keyedMAC)
	if m == nil || m.key != secretKey {
		m = &keyedMAC{key: secretKey, h: hmac.New(sha256.New, []byte(secretKey))}
	} else {
		m.h.Reset()
	}
	m.h.Write(msg)
	sum := m.h.Sum(m.sum[:0])
	var out [44]byte // base64 of 32 bytes
	base64.StdEncoding.Encode(out[:], sum)
	s := string(out[:])
	macPool.Put(m)
	return s
}

// appendStringToSign appends the string-to-sign of r to dst. With query set,
// line 4 is expires; otherwise it is the Date header (empty if X-QS-Date is set).
func appendStringToSign(dst []byte, r *http.Request, canonicalURI string, query bool, expires int64) []byte {
	dst = append(dst, r.Method...)
	dst = append(dst, '\n')
	dst = append(dst, headerValue(r.Header, "Content-Md5")...)
	dst = append(dst, '\n')
	dst = append(dst, headerValue(r.Header, "Content-Type")...)
	dst = append(dst, '\n')
	if query {
		dst = strconv.AppendInt(dst, expires, 10)
	} else if headerValue(r.Header, "X-Qs-Date") == "" {
		dst = append(dst, headerValue(r.Header, "Date")...)
	}
	dst = append(dst, '\n')
	dst = appendCanonicalHeaders(dst, r.Header)
	dst = append(dst, canonicalURI...)
	var raw string
	if r.URL != nil {
		raw = r.URL.RawQuery
	}
	return appendSubResources(dst, raw)
}

// headerValue returns the first value of the canonical header key k, or "".
// Like http.Header.Get, it sees only canonical keys (net/http always
// canonicalizes incoming and Set headers).
func headerValue(h http.Header, k string) string {
	if v := h[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

type headerKV struct{ name, value string }

// compareLower compares a and b as if both were lower-cased, in byte order.
func compareLower(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		x, y := lower(a[i]), lower(b[i])
		if x != y {
			return int(x) - int(y)
		}
	}
	return len(a) - len(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// isQSHeader reports whether the lower-cased name starts with "x-qs-".
func isQSHeader(name string) bool {
	return len(name) > 5 && lower(name[0]) == 'x' && name[1] == '-' &&
		lower(name[2]) == 'q' && lower(name[3]) == 's' && name[4] == '-'
}

// appendCanonicalHeaders appends one "name:value\n" line per x-qs- header,
// name lower-cased, value trimmed, first value only, sorted by name.
func appendCanonicalHeaders(dst []byte, h http.Header) []byte {
	var arr [16]headerKV
	kv := arr[:0]
	for name, vals := range h {
		if !isQSHeader(name) {
			continue
		}
		v := ""
		if len(vals) > 0 {
			v = strings.TrimSpace(vals[0])
		}
		kv = append(kv, headerKV{name, v})
	}
	// O(n log n) whatever the count: a request may carry tens of thousands
	// of headers, and a server signs before it knows the sender.
	slices.SortFunc(kv, func(a, b headerKV) int { return compareLower(a.name, b.name) })
	for _, e := range kv {
		for i := 0; i < len(e.name); i++ {
			dst = append(dst, lower(e.name[i]))
		}
		dst = append(dst, ':')
		dst = append(dst, e.value...)
		dst = append(dst, '\n')
	}
	return dst
}

type subKV struct {
	key   string
	value []byte
}

// appendSubResources appends "?k1&k2=v2..." for the signed sub-resources of
// rawQuery: keys kept only if IsSubResource, values query-decoded
// (url.ParseQuery semantics: '+' is a space; a malformed pair is dropped),
// repeated keys' values concatenated in order, the result trimmed and not
// re-escaped, keys sorted, bare key for an empty value.
func appendSubResources(dst []byte, rawQuery string) []byte {
	var arr [8]subKV
	kv := arr[:0]
	for rawQuery != "" {
		var pair string
		pair, rawQuery, _ = strings.Cut(rawQuery, "&")
		if pair == "" || strings.IndexByte(pair, ';') >= 0 {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, ok := queryUnescape(k)
		if !ok || !IsSubResource(k) {
			continue
		}
		v, ok = queryUnescape(v)
		if !ok {
			continue
		}
		// At most len(subResources) distinct keys: the search is bounded,
		// and values grow by appending (linear in the query length).
		i := slices.IndexFunc(kv, func(e subKV) bool { return e.key == k })
		if i < 0 {
			kv = append(kv, subKV{key: k})
			i = len(kv) - 1
		}
		kv[i].value = append(kv[i].value, v...)
	}
	if len(kv) == 0 {
		return dst
	}
	for i := 1; i < len(kv); i++ {
		for j := i; j > 0 && kv[j].key < kv[j-1].key; j-- {
			kv[j], kv[j-1] = kv[j-1], kv[j]
		}
	}
	for i, e := range kv {
		if i == 0 {
			dst = append(dst, '?')
		} else {
			dst = append(dst, '&')
		}
		dst = append(dst, e.key...)
		if v := bytes.TrimSpace(e.value); len(v) > 0 {
			dst = append(dst, '=')
			dst = append(dst, v...)
		}
	}
	return dst
}
