// Package faults is a fault-injecting HTTP/1.1 proxy for tests. It listens on
// 127.0.0.1, forwards requests to an upstream server (usually qslocal) and,
// following a script, breaks chosen requests in the ways networks and
// servers break: error statuses, connection resets before the response or in
// the middle of either body, a response body shorter than its
// Content-Length, response headers that never come, and a 200 whose body is
// an error.
//
// A client needs no hook to be tested: it is simply pointed at the proxy's
// address instead of the server's. Scripts are deterministic: a Rule matches
// requests with a predicate and applies its faults to successive matching
// requests, then lets the following ones pass. Nothing in the proxy sleeps;
// SlowHeaders blocks until the client gives up (closes the connection),
// Release is called or the proxy is closed, so a client's own timeout or
// context deadline ends it.
//
// Resets are real TCP resets (SO_LINGER 0), so clients see the errors they
// would see in the field (ECONNRESET, EPIPE, unexpected EOF).
package faults

import (
	"fmt"
	"net/http"
	"strings"
)

// Kind is what the proxy does to one request.
type Kind int

// The fault kinds.
const (
	// Pass forwards the request and the response unchanged.
	Pass Kind = iota
	// Status answers with Fault.Code and a QingStor JSON error body (no body
	// for HEAD) without forwarding the request.
	Status
	// ResetOnRequest resets the connection as soon as the request headers
	// arrived; nothing reaches the upstream server.
	ResetOnRequest
	// ResetMidRequestBody lets Fault.Bytes bytes of the request body through
	// to the upstream server, then resets the client connection and aborts
	// the upstream request, so the server sees a truncated body.
	ResetMidRequestBody
	// ResetBeforeResponse forwards the whole request (the server applies it),
	// discards the server's response and resets the client connection.
	ResetBeforeResponse
	// ResetMidResponseBody forwards the request, sends the response headers
	// and the first Fault.Bytes bytes of the body, then resets. A response
	// without a body is reset right after its headers.
	ResetMidResponseBody
	// ShortBody forwards the request and sends the response headers with the
	// true Content-Length but Fault.Bytes fewer body bytes (all of them
	// missing if the body is shorter; 0 means 1), then closes the connection
	// cleanly. A response without a body passes unchanged.
	ShortBody
	// SlowHeaders reads the request (not forwarded) and sends nothing until
	// the client closes the connection, Release is called or the proxy closes.
	SlowHeaders
	// OKErrorBody answers 200 with Content-Type application/json and a
	// QingStor error body (code "internal_error") without forwarding.
	OKErrorBody
)

var kindNames = [...]string{"pass", "status", "reset-on-request", "reset-mid-request-body",
	"reset-before-response", "reset-mid-response-body", "short-body", "slow-headers", "200-error-body"}

// String returns the kind's name, e.g. "reset-mid-response-body".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Fault is one fault applied to one request.
type Fault struct {
	Kind Kind
	// Code is the status of a Status fault (500 when zero).
	Code int
	// Bytes is the body byte count of ResetMidRequestBody,
	// ResetMidResponseBody and ShortBody.
	Bytes int64
}

// String describes f, e.g. "status 503" or "short-body 1".
func (f Fault) String() string {
	switch f.Kind {
	case Status:
		return fmt.Sprintf("status %d", f.code())
	case ResetMidRequestBody, ResetMidResponseBody, ShortBody:
		return fmt.Sprintf("%s %d", f.Kind, f.Bytes)
	}
	return f.Kind.String()
}

func (f Fault) code() int {
	if f.Code == 0 {
		return http.StatusInternalServerError
	}
	return f.Code
}

// Times returns n copies of f, for scripts such as "3 x 503 then success".
func Times(n int, f Fault) []Fault {
	out := make([]Fault, n)
	for i := range out {
		out[i] = f
	}
	return out
}

// Matcher selects the requests a Rule applies to.
type Matcher func(r *http.Request) bool

// Any matches every request.
func Any(*http.Request) bool { return true }

// Method matches requests with method m.
func Method(m string) Matcher { return func(r *http.Request) bool { return r.Method == m } }

// HasQuery matches requests whose query has key k (with or without a value).
func HasQuery(k string) Matcher {
	return func(r *http.Request) bool { _, ok := r.URL.Query()[k]; return ok }
}

// PathHasPrefix matches requests whose decoded path starts with p.
func PathHasPrefix(p string) Matcher {
	return func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, p) }
}

// HasHeader matches requests carrying header k.
func HasHeader(k string) Matcher { return func(r *http.Request) bool { return r.Header.Get(k) != "" } }

// And matches requests every m matches.
func And(ms ...Matcher) Matcher {
	return func(r *http.Request) bool {
		for _, m := range ms {
			if !m(r) {
				return false
			}
		}
		return true
	}
}

// Not matches requests m does not match.
func Not(m Matcher) Matcher { return func(r *http.Request) bool { return !m(r) } }

// Rule applies Faults, one each, to the successive requests Match selects,
// after letting the first Skip of them pass. A nil Match matches every
// request.
type Rule struct {
	Match  Matcher
	Skip   int
	Faults []Fault
}

// Event records one request the proxy saw and the fault it applied.
type Event struct {
	// Seq numbers requests from 1 in arrival order.
	Seq      int
	Method   string
	Path     string
	RawQuery string
	Fault    Fault
}
