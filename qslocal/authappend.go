package qslocal

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Append signed without position.
//
// The docs list position among the signed sub-resources, and the Go SDKs
// sign it, but the official JavaScript SDK leaves it out of the string to
// sign. qslocal accepts both forms for append (POST ?append&position=N).
//
// The trade-off: a signature that does not cover position fits the same
// request at any position. Under the docs' rules a captured signed request
// can be replayed while it is valid (15 minutes around its Date, or until a
// presigned URL's expires), but only as it was signed, so a replayed append
// fails unless the object is again exactly position bytes long. The
// JavaScript SDK signs with a one-second Date and no Content-MD5, so two
// appends to one key within a second carry the same signature at different
// positions: refusing the second would break that SDK's ordinary use. So
// qslocal accepts a position-less signature once per position (appendOnce
// remembers each pair until the signature would expire anyway), and only
// when it expires within 15 minutes (presigned URLs with a later expires
// must sign position). The same signature at a position it was already used
// at is 403 request_expired. What remains is the exposure this form has on
// any server that accepts it: whoever captures such a request may, until it
// expires, append at the object's end once for each new end; clients that
// sign position (the Go SDKs, qsapi) do not have it.

// maxAppendOnce bounds the remembered position-less append signatures.
// Only valid signatures are remembered, so only key holders fill it; when
// it is full of live entries, further position-less appends are refused
// (503 slow_down) rather than forgotten.
const maxAppendOnce = 1 << 16

// signedForms returns the requests whose string to sign a client may have
// signed: q's own and, for an append that carries position, the same
// request without position.
func signedForms(q *request) []*http.Request {
	if q.r.Method != http.MethodPost || q.key == "" || !q.has("append") || !q.has("position") {
		return []*http.Request{q.r}
	}
	r := *q.r
	u := *q.r.URL
	var kept []string
	for _, p := range strings.Split(u.RawQuery, "&") {
		k, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(k); err == nil && k == "position" {
			continue
		}
		kept = append(kept, p)
	}
	u.RawQuery = strings.Join(kept, "&")
	r.URL = &u
	return []*http.Request{q.r, &r}
}

// onceSet remembers single-use signatures until they expire.
type onceSet struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// use records sig used at position pos, valid until until, and refuses it
// if it was used at pos before or expires more than maxClockSkew after now.
func (o *onceSet) use(sig, pos string, until, now time.Time) *apiError {
	if until.Sub(now) > maxClockSkew {
		return errf(http.StatusForbidden, "request_expired", "An append signature that does not cover position must expire within 15 minutes; sign position.")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	key := sig + "\x00" + pos
	if _, ok := o.seen[key]; ok {
		return errf(http.StatusForbidden, "request_expired", "This append signature does not cover position and was already used at this position; sign position or sign a new request.")
	}
	if len(o.seen) >= maxAppendOnce {
		for k, t := range o.seen {
			if !t.After(now) {
				delete(o.seen, k)
			}
		}
		if len(o.seen) >= maxAppendOnce {
			return errf(http.StatusServiceUnavailable, "slow_down", "Too many appends signed without position in 15 minutes; sign position.")
		}
	}
	if o.seen == nil {
		o.seen = map[string]time.Time{}
	}
	o.seen[key] = until
	return nil
}
