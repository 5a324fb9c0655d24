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

// authenticate verifies the header or presigned signature of q.
//
// Decisions: an anonymous request (no Authorization, no signature
// parameters) is 403 permission_denied since qslocal has no public buckets;
// a malformed Authorization header is 401 signature_not_matched; a missing or
// unparsable Date/X-QS-Date, or one more than 15 minutes off, is 403
// request_expired, as is a presigned URL whose expires is in the past.
func (s *Server) authenticate(q *request) *apiError {
	r := q.r
	if q.has("signature") || q.has("access_key_id") || q.has("expires") {
		return s.authPresigned(q)
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return errAnonymous
	}
	rest, ok := strings.CutPrefix(auth, "QS ")
	if !ok {
		return errSigMismatch
	}
	ak, sig, ok := strings.Cut(strings.TrimSpace(rest), ":")
	if !ok || ak == "" || sig == "" {
		return errSigMismatch
	}
	sk, ok := s.opts.Credentials[ak]
	if !ok {
		return errBadAccessKey
	}
	if !s.signatureMatches(q, strings.TrimSpace(sig), func(uri string) string {
		return sign.Signature(sk, sign.StringToSign(r, uri))
	}) {
		return errSigMismatch
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
	if !s.signatureMatches(q, sig, func(uri string) string {
		return sign.Signature(sk, sign.QueryStringToSign(q.r, uri, expires))
	}) {
		return errSigMismatch
	}
	if s.now().Unix() > expires {
		return errf(http.StatusForbidden, "request_expired", "The presigned URL has expired.")
	}
	return nil
}

// signatureMatches tries the canonical URI variants clients in the field
// sign (QINGSTOR-PROTOCOL.md §2.3): the v2 form escape(decoded path) ("/"
// when empty) with "/bucket" prefixed for virtual-host requests; for
// bucket-level virtual-host requests also "/bucket" without the trailing
// slash (docs' JS example, SDK v1); and the raw escaped wire path, for clients
// that escape differently from the QS escape. Each comparison is constant-time.
func (s *Server) signatureMatches(q *request, got string, compute func(uri string) string) bool {
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
	ok := 0
	for _, c := range cands {
		ok |= subtle.ConstantTimeCompare([]byte(compute(c)), []byte(got))
	}
	return ok == 1
}
