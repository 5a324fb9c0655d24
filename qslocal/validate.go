package qslocal

import (
	"net"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits (docs/protocol.md, "Limits").
const (
	maxKeyLen         = 1024    // [INFERRED] object keys up to 1024 bytes of UTF-8
	maxMetaNameLen    = 512     // x-qs-meta- name part
	maxMetaTotal      = 2048    // names (without prefix) plus values
	maxContentTypeLen = 255     // Content-Type of an object
	maxSinglePut      = 5 << 30 // single PUT, part, append, copy: 5 GiB
	maxJSONBody       = 4 << 20 // request JSON bodies (delete multiple, complete)
	maxPartNumber     = 10000   // part numbers 0..10000
	maxDeleteKeys     = 1000    // delete multiple
	maxListKeys       = 100     // list objects: default and maximum page size
	defaultMinPart    = 4 << 20 // every part but the last: at least 4 MiB
)

var bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{4,61}[a-z0-9]$`)

// validBucketName applies the documented naming rules: 6 to 63 of
// [a-z0-9-], alphanumeric at both ends, not an IP address.
func validBucketName(name string) bool {
	return bucketNameRE.MatchString(name) && net.ParseIP(name) == nil
}

// checkKey validates an object key. Keys must be 1 to 1024 bytes of valid
// UTF-8 without NUL. Decision: keys with an empty, "." or ".." path segment
// (so a leading "/", "//" anywhere, "a/../b") are refused with
// invalid_object_name: the SDK collapses "//" before sending anyway, and such
// keys are how path traversal is attempted against file-backed stores (ours
// never derives file names from keys, but refusing them keeps every client
// view of the bucket unambiguous). A trailing "/" (directory marker) is fine.
func checkKey(key string) *apiError {
	bad := func(why string) *apiError {
		return errf(http.StatusBadRequest, "invalid_object_name", "Invalid object key: %s.", why)
	}
	switch {
	case key == "":
		return bad("empty")
	case len(key) > maxKeyLen:
		return bad("longer than 1024 bytes")
	case !utf8.ValidString(key):
		return bad("not valid UTF-8")
	case strings.IndexByte(key, 0) >= 0:
		return bad("contains NUL")
	}
	segs := strings.Split(strings.TrimSuffix(key, "/"), "/")
	for _, s := range segs {
		switch s {
		case "":
			return bad(`contains an empty path segment ("//" or a leading "/")`)
		case ".", "..":
			return bad(`contains a "." or ".." path segment`)
		}
	}
	return nil
}

// metaPrefix is the canonical header prefix of user metadata.
const metaPrefix = "X-Qs-Meta-"

// parseMeta collects x-qs-meta-* headers: names lower-cased after the
// prefix, [A-Za-z0-9._-] only, at most 512 bytes; values printable ASCII
// (0x20-0x7E); names plus values at most 2 KiB (metadata_too_large).
func parseMeta(h http.Header) (map[string]string, *apiError) {
	var meta map[string]string
	total := 0
	for k, vs := range h {
		if len(k) <= len(metaPrefix) || !strings.EqualFold(k[:len(metaPrefix)], metaPrefix) {
			continue
		}
		name := strings.ToLower(k[len(metaPrefix):])
		if len(name) > maxMetaNameLen {
			return nil, errf(http.StatusBadRequest, "metadata_too_large", "Metadata name %.40q... is longer than 512 bytes.", name)
		}
		for i := 0; i < len(name); i++ {
			c := name[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
				return nil, errf(http.StatusBadRequest, "invalid_argument", "Metadata name %q has characters outside [A-Za-z0-9._-].", name)
			}
		}
		v := strings.TrimSpace(vs[0])
		for i := 0; i < len(v); i++ {
			if v[i] < 0x20 || v[i] > 0x7e {
				return nil, errf(http.StatusBadRequest, "invalid_argument", "Metadata %q has a value that is not printable ASCII (encode it).", name)
			}
		}
		total += len(name) + len(v)
		if meta == nil {
			meta = map[string]string{}
		}
		meta[name] = v
	}
	if total > maxMetaTotal {
		return nil, errf(http.StatusBadRequest, "metadata_too_large", "User metadata is %d bytes, more than 2048.", total)
	}
	return meta, nil
}

// editableHeaders are the standard headers an object keeps and returns.
var editableHeaders = []string{"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires"}

func parseStdHeaders(h http.Header) (map[string]string, *apiError) {
	var out map[string]string
	for _, k := range editableHeaders {
		if v := h.Get(k); v != "" {
			if len(v) > 1024 {
				return nil, errf(http.StatusBadRequest, "invalid_argument", "Header %s is longer than 1024 bytes.", k)
			}
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out, nil
}

// parseStorageClass returns the class (default STANDARD); anything but
// STANDARD or STANDARD_IA is 400 invalid_request as documented.
func parseStorageClass(h http.Header, def string) (string, *apiError) {
	v := h.Get("X-Qs-Storage-Class")
	switch v {
	case "":
		return def, nil
	case "STANDARD", "STANDARD_IA":
		return v, nil
	}
	return "", errf(http.StatusBadRequest, "invalid_request", "Storage class %q is not STANDARD or STANDARD_IA.", v)
}

func parseContentType(h http.Header) (string, *apiError) {
	ct := h.Get("Content-Type")
	if len(ct) > maxContentTypeLen {
		return "", errf(http.StatusBadRequest, "invalid_argument", "Content-Type is longer than 255 characters.")
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	return ct, nil
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// checkJSONText refuses (400 invalid_json) a JSON body that is not valid
// UTF-8 or holds a \u escape of an unpaired UTF-16 surrogate. encoding/json
// would silently turn either into U+FFFD, so a Delete Multiple key with the
// bytes ff fe would name, and delete, the object "\uFFFD\uFFFD" instead.
// Backslashes occur only inside strings in valid JSON, so a linear scan of
// the escapes is enough (anything else the decoder refuses afterwards).
func checkJSONText(body []byte) *apiError {
	bad := func(off int) *apiError {
		return errf(http.StatusBadRequest, "invalid_json", "The JSON body is not valid UTF-8 at byte %d (invalid bytes or an unpaired \\u surrogate escape); nothing was done.", off)
	}
	if !utf8.Valid(body) {
		off := 0
		for off < len(body) {
			r, n := utf8.DecodeRune(body[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return bad(off)
	}
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		r, ok := hexEscape(body, i)
		switch {
		case !ok:
			i++ // an escape other than \u: skip the escaped character
		case utf16.IsSurrogate(r):
			lo, ok := hexEscape(body, i+6)
			if !ok || r >= 0xdc00 || utf16.DecodeRune(r, lo) == utf8.RuneError {
				return bad(i)
			}
			i += 11
		default:
			i += 5
		}
	}
	return nil
}

// hexEscape decodes the \uXXXX escape at body[i:], if there is one.
func hexEscape(body []byte, i int) (rune, bool) {
	if i+6 > len(body) || body[i] != '\\' || body[i+1] != 'u' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(body[i+2:i+6]), 16, 16)
	return rune(v), err == nil
}
