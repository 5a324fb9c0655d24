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
// The trade-off: a signature that does not cover position would fit the
// same body at any position. Under the docs' rules a captured signed
// request can be replayed while it is valid (15 minutes around its Date,
// or until a presigned URL's expires), but only as it was signed, so a
// replayed append fails unless the object is again exactly position bytes
// long. To give a position-less signature no more than that, qslocal
// accepts each one once (appendOnce remembers it until it would expire
// anyway), and only when it expires within 15 minutes (presigned URLs with
// a later expires must sign position). A second use is 403 request_expired.
// What remains is what any signed request allows: whoever captures it first
// may use it first, at the one position that is valid at that moment.

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

// use records sig, valid until until, and refuses it if it was used
// before or expires more than maxClockSkew after now.
func (o *onceSet) use(sig string, until, now time.Time) *apiError {
	if until.Sub(now) > maxClockSkew {
		return errf(http.StatusForbidden, "request_expired", "An append signature that does not cover position must expire within 15 minutes; sign position.")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.seen[sig]; ok {
		return errf(http.StatusForbidden, "request_expired", "This append signature does not cover position and was already used; sign position or sign a new request.")
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
	o.seen[sig] = until
	return nil
}
