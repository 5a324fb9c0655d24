package qslocal

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// maxClockSkew is how far Date / X-QS-Date may be from the server clock.
const maxClockSkew = 15 * time.Minute

var (
	errBadAccessKey = errf(http.StatusUnauthorized, "invalid_access_key_id", "The access key id you provided does not exist.")
	errSigMismatch  = errf(http.StatusUnauthorized, "signature_not_matched", "The request signature we calculated does not match the signature you provided.")
)

// maxShownStringToSign bounds the string to sign quoted in a
// signature_not_matched reply and log line (the headers it is built from may
// be up to 1 MiB).
const maxShownStringToSign = 8 << 10

// secretHeaderLines are the canonical header lines of the string to sign
// whose values are secrets (SSE-C keys): a diagnostic shows them redacted.
var secretHeaderLines = []string{"x-qs-encryption-customer-key:", "x-qs-copy-source-encryption-customer-key:"}

// sigMismatch returns the signature_not_matched error for a request whose
// signature differs from the one computed over stringToSign. Beyond
// QingStor (as S3 does), the message quotes the string to sign the server
// computed, SSE-C key values redacted, so the author of a hand-made client
// sees what differs; it is also kept in apiError.StringToSign. It never
// holds the secret key or a signature.
func sigMismatch(stringToSign string) *apiError {
	shown := redactStringToSign(stringToSign)
	return &apiError{Status: http.StatusUnauthorized, Code: errSigMismatch.Code, StringToSign: shown,
		Message: errSigMismatch.Message + " The string to sign we computed (Go-quoted) is " + strconv.Quote(shown) + "."}
}

// redactStringToSign replaces the values of secretHeaderLines and cuts the
// result to maxShownStringToSign bytes.
func redactStringToSign(sts string) string {
	lines := strings.Split(sts, "\n")
	for i, l := range lines {
		for _, p := range secretHeaderLines {
			if strings.HasPrefix(l, p) {
				lines[i] = p + "<redacted>"
			}
		}
	}
	out := strings.Join(lines, "\n")
	if len(out) > maxShownStringToSign {
		out = strings.ToValidUTF8(out[:maxShownStringToSign], "") + "...(truncated)"
	}
	return out
}

// checkRepeatedSigned refuses (400 invalid_request) a query in which a
// signed sub-resource or a presigned parameter (access_key_id, expires,
// signature) appears more than once. The string to sign concatenates the
// values of a repeated sub-resource (part_number=1&part_number=2 signs
// "part_number=12") while handlers act on the first, so a repeated key
// would let a request do something other than what was signed. It runs
// before authentication and before any handler acts.
func checkRepeatedSigned(query map[string][]string) *apiError {
	for k, v := range query {
		if len(v) > 1 && (subResources[k] || k == sign.ParamAccessKeyID || k == sign.ParamExpires || k == sign.ParamSignature) {
			return errf(http.StatusBadRequest, "invalid_request", "The query parameter %q appears %d times; a signed parameter may appear only once.", k, len(v))
		}
	}
	return nil
}

// maxQSHeaders caps the x-qs- headers of a request. Every one of them is
// signed, so the cap bounds the work of building the string to sign for a
// request from anyone who knows an access key id. No valid request comes
// near it: metadata (names plus values at most 2 KiB) fits in about 1,050
// headers, and the other x-qs- headers QingStor defines are a few dozen.
const maxQSHeaders = 2048

// checkQSHeaderCount refuses (400 invalid_request) a request with more than
// maxQSHeaders distinct x-qs- header names, before any signing work.
func checkQSHeaderCount(h http.Header) *apiError {
	n := 0
	for k := range h {
		if len(k) > 5 && strings.EqualFold(k[:5], "x-qs-") {
			n++
		}
	}
	if n > maxQSHeaders {
		return errf(http.StatusBadRequest, "invalid_request", "The request has %d x-qs- headers; at most %d are accepted.", n, maxQSHeaders)
	}
	return nil
}

// authenticate verifies the header or presigned signature of q.
//
// Decisions: an anonymous request (no Authorization, no signature
// parameters) is 403 permission_denied since qslocal has no public buckets;
// a malformed Authorization header is 401 signature_not_matched; a missing or
// unparsable Date/X-QS-Date, or one more than 15 minutes off, is 403
// request_expired, as is a presigned URL whose expires is in the past.
func (s *Server) authenticate(q *request) *apiError {
	r := q.r
	if e := checkQSHeaderCount(r.Header); e != nil {
		return e
	}
	if q.has("signature") || q.has("access_key_id") || q.has("expires") {
		return s.authPresigned(q)
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return errAnonymous
	}
	ak, sig, err := sign.ParseAuthorization(auth)
	if err != nil {
		return errSigMismatch
	}
	sk, ok := s.opts.Credentials[ak]
	if !ok {
		return errBadAccessKey
	}
	noPosition, e := s.checkSignature(q, ak, sk, sig, sign.StringToSign)
	if e != nil {
		return e
	}
	dv := r.Header.Get("X-Qs-Date")
	if dv == "" {
		dv = r.Header.Get("Date")
	}
	if dv == "" {
		return errf(http.StatusForbidden, "request_expired", "The request has neither a Date nor an X-QS-Date header.")
	}
	t, err := http.ParseTime(dv)
	if err != nil {
		return errf(http.StatusForbidden, "request_expired", "The request date %q is not an HTTP date.", dv)
	}
	if d := s.now().Sub(t); d > maxClockSkew || d < -maxClockSkew {
		return errf(http.StatusForbidden, "request_expired", "The request date is more than 15 minutes from the server time.")
	}
	if noPosition {
		if e := s.appendOnce.use(ak+":"+sig, q.get("position"), t.Add(maxClockSkew), s.now()); e != nil {
			return e
		}
	}
	q.accessKey = ak
	return nil
}

func (s *Server) authPresigned(q *request) *apiError {
	ak, exp, sig := q.get("access_key_id"), q.get("expires"), q.get("signature")
	if ak == "" || exp == "" || sig == "" {
		return errf(http.StatusBadRequest, "invalid_request", "A presigned request needs access_key_id, expires and signature.")
	}
	expires, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return errf(http.StatusBadRequest, "invalid_argument", "expires must be a Unix time in seconds.")
	}
	sk, ok := s.opts.Credentials[ak]
	if !ok {
		return errBadAccessKey
	}
	// A client that forgot to escape "+" in the signature sends a space
	// after query decoding; base64 never contains one.
	sig = strings.ReplaceAll(sig, " ", "+")
	noPosition, e := s.checkSignature(q, ak, sk, sig, func(r *http.Request, uri string) string {
		return sign.QueryStringToSign(r, uri, expires)
	})
	if e != nil {
		return e
	}
	if s.now().Unix() > expires {
		return errf(http.StatusForbidden, "request_expired", "The presigned URL has expired.")
	}
	if noPosition {
		if e := s.appendOnce.use(ak+":"+sig, q.get("position"), time.Unix(expires, 0), s.now()); e != nil {
			return e
		}
	}
	q.accessKey = ak
	return nil
}

// checkSignature compares got with the signature of every string to sign
// stringToSign builds for the forms a client may have signed (signedForms)
// and the canonical URIs clients in the field sign (canonicalURIs), in
// constant time each. noPosition reports that only the form without
// position matched (see authappend.go). On a mismatch it logs, at debug
// level, the string to sign of the request as sent and the v2 canonical
// URI (the form qsapi/sign and the current SDKs use) and returns it in the
// error (sigMismatch).
func (s *Server) checkSignature(q *request, ak, sk, got string, stringToSign func(r *http.Request, uri string) string) (noPosition bool, e *apiError) {
	var ok [2]int
	first := ""
	uris := s.canonicalURIs(q)
	for f, r := range signedForms(q) {
		for i, c := range uris {
			sts := stringToSign(r, c)
			if f == 0 && i == 0 {
				first = sts
			}
			ok[f] |= subtle.ConstantTimeCompare([]byte(sign.Signature(sk, sts)), []byte(got))
		}
	}
	switch {
	case ok[0] == 1:
		return false, nil
	case ok[1] == 1:
		return true, nil
	}
	e = sigMismatch(first)
	s.log.Debug("signature mismatch", "request_id", q.id, "access_key_id", ak, "string_to_sign", e.StringToSign)
	return false, e
}

// canonicalURIs returns the canonical URI variants clients in the field
// sign (docs/protocol.md, "Signatures"): the v2 form escape(decoded path) ("/"
// when empty) with "/bucket" prefixed for virtual-host requests; for
// bucket-level virtual-host requests also "/bucket" without the trailing
// slash (docs' JS example, SDK v1); and the raw escaped wire path, for clients
// that escape differently from the QS escape.
func (s *Server) canonicalURIs(q *request) []string {
	vb := ""
	if q.vhost {
		vb = q.bucket
	}
	cands := []string{sign.CanonicalURI(q.r.URL.Path, vb)}
	if q.vhost && q.key == "" {
		cands = append(cands, "/"+q.bucket)
	}
	raw := q.r.URL.EscapedPath()
	if raw == "" {
		raw = "/"
	}
	if vb != "" {
		raw = "/" + vb + raw
	}
	if raw != cands[0] {
		cands = append(cands, raw)
	}
	return cands
}
